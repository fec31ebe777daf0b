"""The Recommendations tab in a real browser: filter by theme, open a row, download the CSV.

Run with HRQA_TEST_BROWSER=1 (needs /usr/bin/chromium and the playwright package).
"""
from __future__ import annotations

import os
import socket

import pytest

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(os.environ.get("HRQA_TEST_BROWSER") != "1", reason="set HRQA_TEST_BROWSER=1")]

THEME = "Local self-government and mahallas"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(sample_index):
    import gradio as gr

    from assistant.recommendations import RecommendationExplorer
    from assistant.web.recommendations import build_recommendations_tab

    with gr.Blocks() as demo:
        with gr.Tab("Recommendations"):
            build_recommendations_tab(gr, RecommendationExplorer(sample_index), None)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_recommendations_tab_filter_open_row_download_csv(app_url, browser, tmp_path):
    from playwright.sync_api import expect

    # one Playwright per session: the shared `browser` fixture (conftest.py)
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(app_url)
    expect(page.get_by_text("3 recommendations")).to_be_visible(timeout=30_000)

    page.get_by_label("Theme").click()
    page.get_by_role("option", name=THEME).click()
    expect(page.get_by_text("1 recommendations")).to_be_visible(timeout=15_000)
    cell = page.get_by_role("gridcell").filter(has_text="¶251").first
    expect(cell).to_be_visible()

    cell.click()
    details = page.locator("blockquote").filter(has_text="mahallas")
    expect(details).to_be_visible(timeout=15_000)
    expect(page.get_by_text("keyword: 'mahallas'").first).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_text("Download CSV").click()
    path = tmp_path / "recommendations.csv"
    download_info.value.save_as(path)
    assert "¶251" in path.read_text(encoding="utf-8")

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "recommendations.png"), full_page=True)
    page.close()
