"""The chat app as a person uses it: the real `hrqa serve` on the sample corpus, driven in headless Chromium.

Skipped unless HRQA_TEST_BROWSER=1 (CI sets it). Needs /usr/bin/chromium (Debian package `chromium`).
Run: HRQA_TEST_BROWSER=1 python -m pytest tests/test_ui_browser.py -q -m browser
Screenshots go to tests/artifacts/screenshots/; HRQA_UPDATE_SCREENSHOTS=1 also refreshes the README's docs/*.png.
The page view, kept conversations, upload progress and phone layout: test_ui_browser_more.py; both share one
server (the `ui_server`, `browser` and `page` fixtures in conftest.py).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "examples" / "corpus"
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
LABEL_251 = "Ombudsman assessment, ch. 7, ¶251 (Recommendation)"
ANSWER_TIMEOUT_MS = 90_000  # the first question loads nothing (serve warms the embedder), later ones take ~1 s
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("HRQA_TEST_BROWSER") != "1", reason="set HRQA_TEST_BROWSER=1 to run"),
]


def _ask(page, question: str):
    """Type a question, press Ask, and return the finished answer's element."""
    done = page.locator("#hrqa-chat .hrqa-done")
    before = done.count()
    page.locator("#hrqa-question textarea").fill(question)
    page.locator("#hrqa-ask").click()
    page.wait_for_function(f"document.querySelectorAll('#hrqa-chat .hrqa-done').length > {before}",
                           timeout=ANSWER_TIMEOUT_MS)
    return done.nth(before)


def _shot(page, name: str, readme: str = "", full_page: bool = True) -> Path:
    """A screenshot in tests/artifacts; with HRQA_UPDATE_SCREENSHOTS=1 also docs/<readme>.png for the README."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if readme and os.environ.get("HRQA_UPDATE_SCREENSHOTS") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(path, ROOT / "docs" / f"{readme}.png")
    return path


def _upload(page, paths: list[Path]) -> str:
    """Upload files on the Documents tab and return the per-file result text once every file is reported."""
    page.get_by_role("tab", name="Documents").click()
    page.locator("#hrqa-upload input[type=file]").set_input_files([str(p) for p in paths])
    names = [p.name for p in paths]
    page.wait_for_function(
        "names => { const t = document.querySelector('#hrqa-upload-result textarea');"
        " return t && names.every(n => t.value.includes(n)); }", arg=names, timeout=120_000)
    return page.locator("#hrqa-upload-result textarea").input_value()


def test_ui_chat_mahallas_cites_251_and_panel_shows_paragraph(page):
    answer = _ask(page, "Which recommendations concern mahallas?")
    assert LABEL_251 in answer.locator(".hrqa-sources").inner_text()

    answer.locator("a.hrqa-cite", has_text="[1]").first.click()
    panel = page.locator("#hrqa-panel")
    panel.locator("mark").wait_for()
    assert "Closer cooperation with local self-organized groups" in panel.locator(".hrqa-current").inner_text()
    assert "Chapter 7: Stakeholder engagement and partnership" in panel.inner_text()
    assert "type: assessment" in panel.inner_text()
    assert panel.locator(".hrqa-para").count() >= 2  # the cited paragraph with its neighbours
    _shot(page, "chat-answer-panel")


def test_ui_chat_source_link_opens_panel_followup_answers_and_handout_has_the_chain(page):
    first = _ask(page, "Which recommendations concern mahallas?")
    first.locator("a.hrqa-source").first.click()
    page.locator("#hrqa-panel .hrqa-current").wait_for()
    assert "¶251" in page.locator("#hrqa-panel .hrqa-cited").inner_text()

    followup = _ask(page, "which of them concern domestic violence?")
    assert "domestic violence" in followup.inner_text()
    assert followup.locator("a.hrqa-cite").count() >= 1

    page.wait_for_timeout(500)  # the handout files are written after the answer
    with page.expect_download(timeout=30_000) as download:
        page.locator("#hrqa-export-chat").click()
    assert download.value.suggested_filename.startswith("hrqa-which-recommendations-concern-mahallas-20")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"**[1] {LABEL_251}**" in exported
    # both answers quote ¶251; the sources list cites it once and does not quote it a third time
    assert exported.count("Closer cooperation with local self-organized groups") == 2
    assert "> Closer cooperation" not in exported and exported.count(f"[1] {LABEL_251}") == 1
    assert "## 1. Which recommendations concern mahallas?" in exported
    assert "## 2. which of them concern domestic violence?" in exported
    assert "*Follow-up to: “Which recommendations concern mahallas?”" in exported

    with page.expect_download(timeout=30_000) as download:
        page.locator("#hrqa-export-chat-docx").click()
    from docx import Document

    paragraphs = [p.text for p in Document(download.value.path()).paragraphs]
    assert "2. which of them concern domestic violence?" in paragraphs
    assert download.value.suggested_filename.endswith(".docx")

    page.locator("#hrqa-new-chat").click()
    page.wait_for_function("document.querySelectorAll('#hrqa-chat .hrqa-done').length === 0")
    assert "Which recommendations concern mahallas?" in page.locator("#hrqa-chat").inner_text()  # examples again


def test_ui_chat_example_question_is_answered(page):
    page.locator("#hrqa-chat").get_by_text("Which recommendations concern mahallas?").click()
    page.wait_for_selector("#hrqa-chat .hrqa-done", timeout=ANSWER_TIMEOUT_MS)
    assert LABEL_251 in page.locator("#hrqa-chat .hrqa-done").first.inner_text()


def test_ui_filters_section_kind_recommendation_only_recommendations_cited(page):
    question = "How should the Ombudsman cooperate with NGOs?"
    unfiltered = _ask(page, question)
    kinds = unfiltered.locator(".hrqa-sources .hrqa-kind").all_inner_texts()
    assert "area_for_improvement" in kinds

    page.locator("#hrqa-f-kind input").click()
    page.get_by_role("option", name="recommendation", exact=True).click()
    page.keyboard.press("Escape")
    filtered = _ask(page, question)
    kinds = filtered.locator(".hrqa-sources .hrqa-kind").all_inner_texts()
    assert kinds and set(kinds) == {"recommendation"}
    assert "filters: section: recommendation" in filtered.inner_text()
    _shot(page, "chat-filters")


def test_ui_upload_txt_is_listed_and_found_by_question(page, tmp_path):
    doc = tmp_path / "zebrafish-monitoring.txt"
    doc.write_text("Zebrafish monitoring\n\nThe Ombudsman inspected the Zebrafish detention centre on 3 March 2026 "
                   "and found 17 cells without ventilation.\n", encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    result = _upload(page, [doc, broken])
    assert "added    zebrafish-monitoring.txt: 1 passages" in result
    assert "failed   broken.pdf: not a readable PDF" in result  # the error is named per file
    assert "(the upload was removed)" in result
    page.locator("#hrqa-docs-table").get_by_text("zebrafish-monitoring.txt", exact=True).wait_for()
    _shot(page, "documents")

    page.get_by_role("tab", name="Chat").click()
    answer = _ask(page, "How many cells without ventilation were found in the Zebrafish detention centre?")
    assert "17 cells without ventilation" in answer.inner_text()
    assert "zebrafish-monitoring.txt" in answer.locator(".hrqa-sources").inner_text()

    page.get_by_role("tab", name="Documents").click()
    _choose_document(page, "zebrafish-monitoring.txt")
    page.locator("#hrqa-delete").click()
    question = page.locator("#hrqa-delete-question")
    question.get_by_text("Its 1 passages leave the index and the uploaded copy of the file").wait_for()
    assert "zebrafish-monitoring.txt" in question.inner_text()
    _shot(page, "documents-delete-asks", readme="screenshot-documents", full_page=False)
    page.locator("#hrqa-delete-no").click()  # cancelled: nothing goes
    page.locator("#hrqa-delete-yes").wait_for(state="hidden")
    assert page.locator("#hrqa-docs-table").get_by_text("zebrafish-monitoring.txt", exact=True).is_visible()
    page.locator("#hrqa-delete").click()
    page.locator("#hrqa-delete-yes").click()
    page.wait_for_function("document.querySelector('#hrqa-upload-result textarea').value"
                           ".startsWith('deleted  zebrafish-monitoring.txt')")
    page.locator("#hrqa-docs-table").get_by_text("zebrafish-monitoring.txt", exact=True).wait_for(state="detached")
    page.get_by_role("tab", name="Chat").click()
    again = _ask(page, "How many cells without ventilation were found in the Zebrafish detention centre?")
    assert "zebrafish-monitoring.txt" not in again.inner_text()

    page.get_by_role("tab", name="Documents").click()
    wrong_type = tmp_path / "notes.csv"
    wrong_type.write_text("a,b\n", encoding="utf-8")
    page.locator("#hrqa-upload input[type=file]").set_input_files(str(wrong_type))
    page.get_by_text("Invalid file type: notes.csv").wait_for()


def _choose_document(page, name: str) -> None:
    page.locator("#hrqa-doc-choice input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator("#hrqa-doc-summary").get_by_text(name).wait_for()


def test_ui_document_with_script_is_shown_as_text_and_runs_nothing(page, tmp_path):
    txt = tmp_path / "quokka-markup.txt"
    txt.write_text(f"Quokka markup report {PAYLOAD}\n\nThe Quokka inspection report quotes this markup: {PAYLOAD} "
                   "and it must appear as text.\n", encoding="utf-8")
    page_html = tmp_path / "quokka-page.html"
    page_html.write_text(f"<html><head><title>Quokka page {PAYLOAD}</title></head><body><h1>Quokka web page</h1>"
                         "<p>The Quokka web page shows &lt;script&gt;window.__pwned=3&lt;/script&gt; as text.</p>"
                         f"{PAYLOAD}</body></html>", encoding="utf-8")
    result = _upload(page, [txt, page_html])
    assert "failed" not in result, result
    page.get_by_role("tab", name="Chat").click()

    answer = _ask(page, "What markup does the Quokka inspection report quote?")
    assert "<script>" in answer.inner_text()
    answer.locator("a.hrqa-cite").first.click()
    page.locator("#hrqa-panel .hrqa-current").wait_for()
    assert "<script>window.__pwned=1</script>" in page.locator("#hrqa-panel").inner_text()

    web = _ask(page, "What does the Quokka web page show as text?")
    web.locator("a.hrqa-cite").first.click()
    page.wait_for_function("document.querySelector('#hrqa-panel').innerText.includes('Quokka web page')")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#hrqa-docs-table").get_by_text("quokka-markup.txt", exact=True).wait_for()
    page.wait_for_timeout(500)  # give any injected handler (img onerror) time to fire
    assert page.evaluate("window.__pwned") is None
    _shot(page, "documents-markup-as-text")


def test_recommendations_tab_in_the_app_lists_251_and_opens_it(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Recommendations").click()
    # the UPR report's items come first (newest document first) and the table renders only the rows in view
    expect(page.locator("#hrqa-rec-count")).to_contain_text("recommendations", timeout=60_000)  # loaded
    query = page.locator("#hrqa-rec-query textarea, #hrqa-rec-query input").first
    query.fill("mahallas")
    query.press("Enter")
    expect(page.locator("#hrqa-rec-count")).to_contain_text("1 recommendation", timeout=30_000)
    cell = page.get_by_role("gridcell").filter(has_text="¶251").first
    cell.wait_for(timeout=60_000)
    cell.click()
    page.locator("blockquote").filter(has_text="Closer cooperation with local self-organized groups").first.wait_for(
        timeout=30_000)
    _shot(page, "recommendations-in-app", readme="screenshot-recommendations", full_page=False)


def test_a_list_answer_opens_its_whole_list_in_the_recommendations_tab(page):
    from playwright.sync_api import expect

    answer = _ask(page, "Which recommendations concern mahallas?")
    expect(answer).to_contain_text("recommendation")
    button = page.locator("#hrqa-open-list")
    expect(button).to_be_visible(timeout=15_000)
    button.click()
    expect(page.get_by_role("tab", name="Recommendations")).to_have_attribute("aria-selected", "true")
    count = page.locator("#hrqa-rec-count")
    expect(count).to_contain_text("recommendation", timeout=30_000)
    expect(count).to_contain_text("the chat's list", timeout=30_000)
    expect(page.get_by_role("gridcell").filter(has_text="¶251").first).to_be_visible(timeout=30_000)
    # the tab lists the answer's own items: as many as the answer says match, not all 32 items
    stated = int(re.search(r"(\d+) recommendations? match", answer.inner_text()).group(1))
    assert int(re.search(r"(\d+) recommendations?", count.inner_text()).group(1)) == stated, count.inner_text()
