"""The cited PDF page as an image, with the boxes where the passage's text sits on it (pypdfium2).

A passage's `page` is where it starts; a long paragraph may run onto the next page, so the text is looked for
there too. The passage text was cleaned at ingestion (wraps re-joined, hyphens removed, page headers dropped), so
it is aligned with the page's own characters after both are reduced to lower-case letters and digits: every
matched run of characters maps back to the page's character boxes, which pdfium merges into one rectangle per line.

Pages are rendered once per (document version, page) into a PNG cache; nothing else is written.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ingest._pdfium import PDFIUM_LOCK

log = logging.getLogger(__name__)

RENDER_SCALE = 1.4  # 72 dpi x 1.4: a page about 830 px wide, sharp enough to read in the panel
MIN_RUN = 10  # normalised characters; shorter common runs ("ofthe", "rights") are coincidences, not the passage
_KEEP = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Box:
    """A highlight rectangle as fractions of the page (0..1 from the top-left corner), so it scales with the image."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PageView:
    """One rendered page and the boxes of the passage on it."""

    number: int
    png: Path
    boxes: tuple[Box, ...]


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case letters and digits of text (NFKC: ligatures split) and, per kept character, its index in text."""
    kept, where = [], []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKC", ch):
            if _KEEP.match(part):
                kept.append(part.lower())
                where.append(i)
    return "".join(kept), where


def match_span(page_text: str, passage: str) -> tuple[int, int, int] | None:
    """Where the head of passage (already normalised) lies in page_text: (first char, end char, consumed).

    Both are normalised; the span runs from the first to the last run of at least MIN_RUN matching characters,
    and "consumed" counts the normalised passage characters up to the end of that last run (the rest, if any,
    continues on the next page). None when no run matches.
    """
    page_norm, where = normalise(page_text)
    if not page_norm or not passage:
        return None
    matcher = SequenceMatcher(None, page_norm, passage, autojunk=False)
    runs = [m for m in matcher.get_matching_blocks() if m.size >= min(MIN_RUN, len(passage))]
    if not runs:
        return None
    first, last = runs[0], runs[-1]
    return where[first.a], where[last.a + last.size - 1] + 1, last.b + last.size


def locate(pdf_path: str | Path, start_page: int, text: str, pages: int = 2) -> dict[int, tuple[Box, ...]]:
    """Page number -> the passage's boxes, from start_page (1-based) onward while text remains (at most `pages`).

    Raises:
        OSError: the file cannot be read; pypdfium2.PdfiumError: it is not a readable PDF.
    """
    import pypdfium2 as pdfium

    rest, _ = normalise(text)
    found: dict[int, tuple[Box, ...]] = {}
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            _find(pdf, start_page, rest, pages, found)
        finally:
            pdf.close()
    return found


def _find(pdf, start_page: int, rest: str, pages: int, found: dict[int, tuple[Box, ...]]) -> None:
    """Fill found page by page while the passage's text (rest) goes on."""
    for number in range(start_page, min(start_page + pages, len(pdf) + 1)):
        if len(rest) < MIN_RUN and found:
            break
        page = pdf[number - 1]
        textpage = page.get_textpage()
        span = match_span(textpage.get_text_range(), rest)
        if span is not None:
            start, end, consumed = span
            found[number] = _boxes(textpage, page.get_size(), start, end)
            rest = rest[consumed:]
        textpage.close()
        page.close()
        if span is None:
            break


def _boxes(textpage, size: tuple[float, float], start: int, end: int) -> tuple[Box, ...]:
    """pdfium's line rectangles for characters [start, end) as page fractions (PDF y grows upwards)."""
    width, height = size
    out = []
    for i in range(textpage.count_rects(start, end - start)):
        left, bottom, right, top = textpage.get_rect(i)
        out.append(Box(round(left / width, 4), round((height - top) / height, 4), round((right - left) / width, 4),
                       round((top - bottom) / height, 4)))
    return tuple(out)


def render(pdf_path: str | Path, number: int, cache_dir: Path, key: str, scale: float = RENDER_SCALE) -> Path:
    """The PNG of page `number` (1-based), rendered once and kept under cache_dir as <key>-p<number>.png.

    key must change when the file does: "<doc id>@<version>" (page_key), so a cached page is never stale.
    """
    target = cache_dir / f"{key}-p{number}.png"
    if target.is_file():
        return target
    import pypdfium2 as pdfium

    cache_dir.mkdir(parents=True, exist_ok=True)
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            image = pdf[number - 1].render(scale=scale, grayscale=True).to_pil()  # text pages: a third of the bytes
        finally:
            pdf.close()
    tmp = target.with_suffix(".tmp")
    image.save(tmp, format="PNG", optimize=True)
    tmp.replace(target)  # atomic: two viewers of one page never read half a file
    return target


def page_views(pdf_path: str | Path, start_page: int, text: str, cache_dir: Path, key: str) -> list[PageView]:
    """The passage's page(s), rendered, with its boxes; the start page alone (no boxes) when the text is not found.

    Returns [] when the file is gone or unreadable (the panel then shows the extracted text only).
    """
    try:
        found = locate(pdf_path, start_page, text) or {start_page: ()}
        return [PageView(n, render(pdf_path, n, cache_dir, key), boxes) for n, boxes in found.items()]
    except Exception as exc:  # pdfium raises its own types; a missing page view must not cost the text panel
        log.warning("cannot show page %s of %s: %s", start_page, pdf_path, exc)
        return []


def remove_cached(cache_dir: Path, doc_id: str) -> int:
    """Delete every cached page of a document (all versions); returns how many files went."""
    gone = 0
    for path in cache_dir.glob(f"{glob_escape(doc_id)}@*.png"):
        path.unlink(missing_ok=True)
        gone += 1
    return gone


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def page_key(doc_id: str, version: str) -> str:
    """The cache key of a document version's pages (remove_cached finds every version by the doc id)."""
    return f"{doc_id}@{version}"
