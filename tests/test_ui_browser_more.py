"""The app as its users meet it, in headless Chromium: the original page with the passage boxed, conversations kept
across a reload, upload progress, and the phone layout (390 x 844). Same server and rules as test_ui_browser.py.

Run: HRQA_TEST_BROWSER=1 python -m pytest tests/test_ui_browser_more.py -q
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from assistant.web import pdfpage
from ingest.pipeline import load
from tests.conftest import FIXTURE_PDF
from tests.test_ui_browser import LABEL_251, _ask, _shot

EGYPT = "What did Egypt recommend about migrant workers?"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("HRQA_TEST_BROWSER") != "1", reason="set HRQA_TEST_BROWSER=1 to run"),
]


def test_ui_pdf_citation_shows_the_page_with_a_box_over_the_passage_and_opens_the_original(page):
    answer = _ask(page, EGYPT)
    assert "¶140.2" in answer.inner_text()
    answer.locator("a.hrqa-cite").first.click()
    image = page.locator("#hrqa-panel img.hrqa-page-img")
    image.wait_for()
    page.wait_for_function("document.querySelector('#hrqa-panel img.hrqa-page-img').complete")
    boxes = page.locator("#hrqa-panel .hrqa-hl")
    assert boxes.count() >= 2  # one per line of ¶140.2
    # the boxes sit where pdfium says the passage's characters are, on the image as shown
    passage = next(p for p in load(FIXTURE_PDF).passages if p.paragraph == "140.2")
    expected = pdfpage.locate(FIXTURE_PDF, 2, passage.text)[2]
    img = image.bounding_box()
    for box, want in zip(boxes.all(), expected):
        got = box.bounding_box()
        assert abs((got["x"] - img["x"]) / img["width"] - want.left) < 0.01
        assert abs((got["y"] - img["y"]) / img["height"] - want.top) < 0.01
        assert got["width"] > 20 and got["height"] > 3
    assert "Ratify the International Convention" in page.locator("#hrqa-panel .hrqa-current").inner_text()
    assert "page 2 of the original" in page.locator("#hrqa-panel figcaption").inner_text()
    _shot(page, "chat-pdf-page", readme="screenshot-chat", full_page=False)

    with page.expect_download(timeout=30_000) as download:
        page.locator("#hrqa-open-original").click()
    assert download.value.suggested_filename == FIXTURE_PDF.name
    assert Path(download.value.path()).read_bytes() == FIXTURE_PDF.read_bytes()


def test_ui_reload_keeps_the_conversation_and_the_list_reopens_it(page):
    _ask(page, "Which recommendations concern mahallas?")
    page.reload()
    page.locator("#hrqa-chat .hrqa-done").first.wait_for(timeout=30_000)
    assert LABEL_251 in page.locator("#hrqa-chat .hrqa-done").first.inner_text()
    entry = page.locator("#hrqa-conv-list label").filter(has_text="Which recommendations concern mahallas?")
    entry.first.wait_for()

    page.locator("#hrqa-new-chat").click()
    page.wait_for_function("document.querySelectorAll('#hrqa-chat .hrqa-done').length === 0")
    _ask(page, EGYPT)
    page.locator("#hrqa-conv-list label").filter(has_text=EGYPT).first.wait_for()
    entry.first.click()  # back to the first conversation
    page.wait_for_function("document.querySelector('#hrqa-chat').innerText.includes('mahallas')"
                           " && !document.querySelector('#hrqa-chat').innerText.includes('Egypt recommend')")
    page.locator("#hrqa-conv-title input, #hrqa-conv-title textarea").fill("Mahallas, for the May training")
    page.keyboard.press("Enter")
    page.locator("#hrqa-conv-list label").filter(has_text="Mahallas, for the May training").first.wait_for()
    page.reload()
    page.locator("#hrqa-conv-list label").filter(has_text="Mahallas, for the May training").first.wait_for()
    assert "mahallas" in page.locator("#hrqa-chat").inner_text()
    _shot(page, "conversations-kept")


def test_ui_upload_progress_moves_before_the_end(page, tmp_path):
    doc = tmp_path / "okapi-inspections.txt"
    doc.write_text("Okapi inspections\n\n" + "\n\n".join(
        f"{i}. Cell {i} of the Okapi detention centre was inspected on day {i} and had {i % 7} windows."
        for i in range(1, 401)), encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#hrqa-upload input[type=file]").set_input_files(str(doc))
    seen: list[float] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = page.locator("#hrqa-upload-result").inner_text()  # gradio's bar: "... 64 of 400 passages - 16.0%"
        seen += [float(v) for v in re.findall(r"(\d+(?:\.\d+)?)%", status)]
        if "added    okapi-inspections.txt" in page.locator("#hrqa-upload-result textarea").input_value():
            break
        page.wait_for_timeout(100)
    shares = [v for v in seen if 0 < v < 100]
    assert shares, f"no progress between 0% and 100% was shown: {seen[:40]}"
    assert "added    okapi-inspections.txt: 400 passages" in page.locator("#hrqa-upload-result textarea").input_value()


def test_ui_phone_chat_first_filters_folded_panel_overlay_cards_readable(browser, ui_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(30_000)
    phone = context.new_page()
    try:
        phone.goto(ui_server)
        phone.wait_for_selector("#hrqa-chat")
        phone.wait_for_timeout(500)
        box = phone.locator("#hrqa-question textarea").bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], box  # the question box is in the first screen
        assert not phone.locator("#hrqa-f-kind").is_visible()  # the filters are folded
        _shot(phone, "phone-chat", readme="screenshot-phone", full_page=False)

        answer = _ask(phone, "Which recommendations concern mahallas?")
        answer.locator("a.hrqa-cite").first.click()
        panel = phone.locator("#hrqa-panel-col")
        phone.locator("#hrqa-panel .hrqa-current").wait_for()
        overlay = panel.bounding_box()
        assert overlay["x"] == 0 and overlay["width"] == PHONE["width"] and overlay["height"] >= PHONE["height"] - 1
        _shot(phone, "phone-source-panel", full_page=False)
        phone.locator("#hrqa-panel .hrqa-close").click()
        panel.wait_for(state="hidden")

        phone.get_by_role("tab", name="Recommendations").click()
        card = phone.locator("#hrqa-rec-cards .hrqa-card").filter(has_text="¶251").first
        card.wait_for(timeout=60_000)
        assert not phone.locator("#hrqa-rec-table").is_visible()  # the squeezed table gives way to cards
        size = card.bounding_box()
        assert size["width"] >= 0.85 * PHONE["width"]
        text = card.locator(".hrqa-card-text")
        assert float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14
        assert "which may contradict human rights principles" in text.inner_text()  # whole, not clipped
        _shot(phone, "phone-recommendations", full_page=False)
    finally:
        context.close()
