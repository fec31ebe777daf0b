"""The cited PDF page: the passage's boxes hold exactly its text, on its page and the next; pages are cached."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from assistant.web import pdfpage
from ingest.pipeline import load

PDF = Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf"


@pytest.fixture(scope="module")
def passages():
    return load(PDF).passages


def _text_in(boxes_by_page) -> str:
    """The PDF's own text inside the boxes, normalised like the passage."""
    pdf = pdfium.PdfDocument(str(PDF))
    out = ""
    for number, boxes in boxes_by_page.items():
        page = pdf[number - 1]
        textpage, (width, height) = page.get_textpage(), page.get_size()
        for b in boxes:
            out += textpage.get_text_bounded(b.left * width - 0.5, height - (b.top + b.height) * height - 0.5,
                                             (b.left + b.width) * width + 0.5, height - b.top * height + 0.5)
    return pdfpage.normalise(out)[0]


def test_pdfpage_boxes_of_every_fixture_passage_hold_its_text(passages):
    for p in passages:
        found = pdfpage.locate(PDF, p.page, p.text)
        assert list(found) == [p.page], p.label
        assert pdfpage.normalise(p.text)[0] in _text_in(found), p.label


def test_pdfpage_passage_running_onto_the_next_page_is_boxed_on_both(passages):
    last_on_2 = [p for p in passages if p.page == 2][-1]
    first_on_3 = next(p for p in passages if p.page == 3)
    found = pdfpage.locate(PDF, 2, f"{last_on_2.text} {first_on_3.text}")
    assert list(found) == [2, 3]
    assert pdfpage.normalise(first_on_3.text)[0] in _text_in({3: found[3]})


def test_pdfpage_text_not_on_the_page_gives_no_boxes():
    assert pdfpage.locate(PDF, 2, "Zebrafish monitoring of detention centres in Atlantis.") == {}


def test_pdfpage_page_views_render_once_per_version_and_remove_cached(tmp_path, passages):
    p = passages[5]
    key = pdfpage.page_key("slovenia", "v1")
    (view,) = pdfpage.page_views(PDF, p.page, p.text, tmp_path, key)
    assert view.png == tmp_path / f"slovenia@v1-p{p.page}.png" and view.png.read_bytes()[:4] == b"\x89PNG"
    stamp = view.png.stat().st_mtime_ns
    assert pdfpage.page_views(PDF, p.page, p.text, tmp_path, key)[0].png.stat().st_mtime_ns == stamp  # cached
    assert pdfpage.page_views(tmp_path / "gone.pdf", 1, "x", tmp_path, key) == []
    assert pdfpage.remove_cached(tmp_path, "slovenia") == 1 and not list(tmp_path.glob("*.png"))


def test_pdfpage_normalise_maps_back_to_the_page_characters():
    text, where = pdfpage.normalise("Hu-\nman ﬁle, 12.")
    assert text == "humanfile12" and where == [0, 1, 4, 5, 6, 8, 8, 9, 10, 13, 14]  # the ligature is two letters


def test_pdfpage_calls_into_pdfium_wait_while_another_thread_reads_a_pdf(tmp_path, passages):
    # PDFium is not thread-safe: a page view rendered while an upload is being read must wait for it
    import threading

    from ingest._pdfium import PDFIUM_LOCK

    done: list[str] = []
    jobs = [threading.Thread(target=lambda: done.append(pdfpage.render(PDF, 1, tmp_path, "k").name)),
            threading.Thread(target=lambda: done.append(str(len(pdfpage.locate(PDF, 1, passages[3].text)))))]
    with PDFIUM_LOCK:  # what ingest.readers holds for each page it reads
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(0.5)
        assert done == [], "a PDFium call ran while another thread held the lock"
    for job in jobs:
        job.join(10)
    assert len(done) == 2 and "k-p1.png" in done and "0" not in done  # both ran, and found the page
