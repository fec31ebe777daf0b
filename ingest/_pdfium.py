"""PDF files read with PDFium (pypdfium2): each page's characters with their boxes and fonts, laid out by
ingest.pdflayout into light-Markdown page texts and the cover's hints. Used by ingest.readers.

pypdfium2 is used instead of pypdf: its text keeps word spacing where pypdf splits words ("form ulated"), it
gives every character's box and font, which running heads, footnotes and headings are recognised by, and the web
app renders pages with it too.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import time

from ingest.errors import IngestError
from ingest.pdflayout import PdfPage, layout
from ingest.types import Page

log = logging.getLogger(__name__)

# PDFium is not thread-safe: no two threads may call into it at the same time, not even on different documents
# (pypdfium2's documentation). The web app renders cited pages while an upload is read, so every call holds this.
PDFIUM_LOCK = threading.RLock()


def pdf_document(data: bytes, path: str, max_pages: int, max_seconds: float) -> tuple[tuple[Page, ...], dict]:
    """Pages of light Markdown and the cover's hints (title, cover text).

    Raises:
        IngestError: not a readable PDF, encrypted, too many pages, too slow, or no text layer (a scan).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with PDFIUM_LOCK:
        pdf = _open_pdf(data, path)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise IngestError(path, "not a readable PDF: it has no pages")
        if n_pages > max_pages:
            raise IngestError(path, f"too many pages: {n_pages:,}, over the limit of {max_pages:,} for one PDF; "
                                    "split it")
        started = time.monotonic()
        pages: list[PdfPage] = []
        font_ids: dict[bytes, int] = {}
        for index in range(n_pages):
            if time.monotonic() - started > max_seconds:
                raise IngestError(path, f"reading the PDF took over {max_seconds:.0f} s (stopped at page "
                                        f"{index + 1} of {n_pages}); split it or raise HRQA_MAX_PDF_SECONDS")
            with PDFIUM_LOCK:  # page by page: a page view waits for one page, not for the whole document
                pages.append(_pdf_page(pdf, index, path, pdfium_c, font_ids))
    except pdfium.PdfiumError as exc:
        raise IngestError(path, f"not a readable PDF: {exc}") from exc
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    if not any(p.text.strip() for p in pages):
        raise IngestError(path, "no text layer: this looks like a scanned PDF; run OCR on it first")
    result = layout(pages)
    hints = {k: v for k, v in (("title", result.title), ("cover", result.cover)) if v}
    return tuple(Page(text, number) for number, text in result.pages), hints


def _open_pdf(data: bytes, path: str):
    """Open a PDF with PDFium; an empty user password opens permission-only encryption."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError(path, "encrypted PDF; decrypt it first") from exc
        raise IngestError(path, f"not a readable PDF: {exc}") from exc


def _pdf_page(pdf, index: int, path: str, pdfium_c, font_ids: dict[bytes, int]) -> PdfPage:
    """One page's characters with their loose boxes and fonts (a font's name and flags, as a small id)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        n = textpage.count_chars()
        text = textpage.get_text_range(0, n) if n > 0 else ""
        if len(text) != n:  # characters outside the BMP: boxes no longer line up with text; keep text only
            log.info("%s page %d: %d characters, %d in text; layout from text order only", path, index + 1, n,
                     len(text))
            n = min(n, len(text))
            text = text[:n]
        boxes, fonts, italic = [], [], set()
        raw = textpage.raw  # PDFium called directly, one box and one font buffer reused: a million characters
        rect, name, flags = pdfium_c.FS_RECTF(), ctypes.create_string_buffer(128), ctypes.c_int()
        rect_ref, flags_ref = ctypes.byref(rect), ctypes.byref(flags)
        loose_box, font_info = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontInfo
        blank = (0.0, 0.0, 0.0, 0.0)
        for i, ch in enumerate(text):
            if ch.isspace():  # a space's box and font are never read: lines are measured by their ink
                boxes.append(blank)
                fonts.append(-1)
                continue
            if not loose_box(raw, i, rect_ref):
                raise IngestError(path, f"not a readable PDF: no box for character {i} on page {index + 1}")
            boxes.append((rect.left, rect.bottom, rect.right, rect.top))
            font_info(raw, i, name, 128, flags_ref)
            key = name.value + b"|%d" % flags.value
            font = font_ids.get(key)
            if font is None:
                font = font_ids[key] = len(font_ids)
                if _italic(textpage, i, pdfium_c):
                    italic.add(font)
            fonts.append(font)
        width, height = page.get_size()
        return PdfPage(index + 1, width, height, text, boxes, fonts, frozenset(italic))
    finally:
        page.close()


def _italic(textpage, index: int, pdfium_c) -> bool:
    """Whether the font of character index slants (a non-zero italic angle)."""
    obj = pdfium_c.FPDFText_GetTextObject(textpage, index)
    font = pdfium_c.FPDFTextObj_GetFont(obj) if obj else None
    angle = ctypes.c_int()
    return bool(font) and bool(pdfium_c.FPDFFont_GetItalicAngle(font, ctypes.byref(angle))) and angle.value != 0
