"""Read a file from disk into a RawDocument: the only module in ingest/ that does I/O.

Every failure becomes an IngestError naming the file and what to do, so one bad file never stops a batch
and never turns into an empty document that would silently index nothing.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest._pdfium import pdf_document
from ingest.errors import IngestError
from ingest.files import MAX_FILE_BYTES, MAX_TEXT_CHARS, SUPPORTED_EXTENSIONS, read_bytes, source_format
from ingest.html import html_to_light
from ingest.limits import InputLimits, check_docx, check_html
from ingest.markdown import to_light
from ingest.types import Page, RawDocument

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_CHARS", "SUPPORTED_EXTENSIONS", "content_hash", "decode_text", "read_bytes",
           "read_file", "source_format"]

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

log = logging.getLogger(__name__)

# UTF-32 BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Above this share of control characters a "text" file is really binary (real text has ~0).
_MAX_CONTROL_RATIO = 0.05
# Share of UTF-16 byte pairs with a NUL high byte: spaces and punctuation alone give ~15% even in Russian text.
_MIN_UTF16_NUL_SHARE = 0.08
# cp1251 is accepted only when words containing Cyrillic are (almost) all-Cyrillic: Latin-1 accents decoded
# as cp1251 give mixed words such as "cafй", genuine Russian gives whole Cyrillic words.
_MIN_PURE_CYRILLIC_WORDS = 0.8
# Control characters are invisible in a document but can drive a terminal (ESC sequences, C1 CSI) when a passage
# is printed by `hrqa ask`/`show`; only tab, newline and form feed (a page break) carry layout.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def read_file(path: str | Path, max_text_chars: int | None = None, data: bytes | None = None,
              limits: InputLimits | None = None) -> RawDocument:
    """Read a supported file into pages of light Markdown.

    Args:
        path: a .txt, .md, .pdf, .html, .htm or .docx file (a regular file: not a FIFO, device or socket).
        max_text_chars: refuse documents whose text is longer (default: limits.max_text_chars).
        data: the file's bytes when the caller has read them already (with read_bytes), so what is parsed is
            exactly what the caller hashed.
        limits: the input limits (ingest.limits.InputLimits; defaults when None), the PDF page and time
            budgets included.

    Returns:
        The document's text as light Markdown: one Page per PDF page (numbered from 1), a single unnumbered Page
        otherwise; and its hints (title, date, cover text, scraper fields).

    Raises:
        IngestError: the path is missing, a directory, not a regular file or unreadable; the type is unsupported;
            the file is empty, binary, corrupt, encrypted, a scan without a text layer, or over a limit.
    """
    limits = limits or InputLimits()
    if max_text_chars is not None:
        limits = replace(limits, max_text_chars=max_text_chars)
    p = Path(path)
    where = str(path)
    fmt = source_format(p, where)
    if data is None:
        data = read_bytes(p, limits)
    if not data:
        raise IngestError(where, "empty file")
    hints: dict[str, str] = {}
    if fmt == "pdf":
        pages, hints = pdf_document(data, where, limits.max_pdf_pages, limits.max_pdf_seconds)
    elif fmt == "docx":
        check_docx(data, where, limits)
        text, hints = _docx_document(data, where)
        pages = (Page(text),)
    elif fmt == "html":
        markup = decode_text(data, where)
        check_html(markup, where, limits)
        text, hints = html_to_light(markup)
        pages = (Page(text),)
    else:
        text = decode_text(data, where)
        if fmt == "md":  # a .txt stays plain text: Markdown would join a title line to the paragraph under it
            light = to_light(text)
            text, hints = light.text, _scraper_hints(light.fields)
        pages = (Page(text),)
    pages = tuple(Page(_CONTROLS.sub("", page.text), page.number) for page in pages)
    if not any(page.text.strip() for page in pages):
        raise IngestError(where, "no text content")
    chars = sum(len(page.text) for page in pages)
    if chars > limits.max_text_chars:
        raise IngestError(where, f"too long: {chars:,} characters of text, over the limit of "
                                 f"{limits.max_text_chars:,} for one document; split the file into parts")
    return RawDocument(path=where, file_name=p.name, source_format=fmt, pages=pages, hints=hints)


def content_hash(path: str | Path) -> str:
    """Hash a file's bytes, so a changed file is re-ingested and an unchanged one is skipped.

    Args:
        path: the file to hash.

    Returns:
        The sha256 hex digest of the file's bytes.

    Raises:
        IngestError: the file cannot be read (see read_bytes).
    """
    return hashlib.sha256(read_bytes(path)).hexdigest()


def decode_text(data: bytes, path: str = "<bytes>") -> str:
    """Decode text bytes: BOM, then UTF-8, then cp1251 when it looks Cyrillic, then cp1252 / Latin-1.

    Args:
        data: the raw bytes.
        path: used in error messages only.

    Returns:
        The text with newlines normalised to "\\n" and no BOM.

    Raises:
        IngestError: the bytes are binary, not text.
    """
    text = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if _looks_binary(text):
        raise IngestError(path, "binary content, not text")
    return text


def _decode(data: bytes) -> str:
    """Pick an encoding; never raises (Latin-1 decodes any byte string)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        log.info("decoded text without a byte-order mark as UTF-16")
        return utf16
    for encoding in ("utf-8", "cp1251", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "cp1251" or _looks_cyrillic(text):
            if encoding != "utf-8":
                log.info("decoded legacy text as %s", encoding)
            return text
    return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that lacks a BOM, told by its NUL bytes: UTF-8 and legacy text never hold any, while in UTF-16
    every ASCII character (spaces, digits, punctuation; every letter of Latin text) has a NUL on one side of its
    byte pair and hardly ever on the other. None when the bytes are not that (or do not decode strictly)."""
    pairs = len(data) // 2
    if not pairs or b"\x00" not in data:
        return None
    even, odd = data[0 : 2 * pairs : 2].count(0), data[1 : 2 * pairs : 2].count(0)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= _MIN_UTF16_NUL_SHARE * pairs and other * 10 <= zeros:
            try:
                return data[: 2 * pairs].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _looks_cyrillic(text: str) -> bool:
    """True when words with Cyrillic letters are whole Cyrillic words, as in real Russian text."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if any("\u0400" <= c <= "\u04ff" for c in w)]
    if not words:
        return False
    pure = sum(all("\u0400" <= c <= "\u04ff" for c in w) for w in words)
    return pure / len(words) >= _MIN_PURE_CYRILLIC_WORDS


def _looks_binary(text: str) -> bool:
    """True for NULs or many control characters, which text files do not contain."""
    if "\x00" in text:
        return True
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\f\v")
    return controls > _MAX_CONTROL_RATIO * max(len(text), 1)


def _docx_document(data: bytes, path: str) -> tuple[str, dict]:
    """Light Markdown of a DOCX, and its title hint (core properties, else the page header).

    Heading styles become "#" lines, list paragraphs "• " items, table rows "| a | b |" lines (merged cells,
    which repeat their text, once); body order is kept.
    """
    import docx  # imported here: python-docx is only needed for .docx files

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
        title = (document.core_properties.title or "").strip()
        header = " ".join(p.text for section in document.sections for p in section.header.paragraphs
                          if p.text.strip())
    except Exception as exc:  # noqa: BLE001 - zip, XML and package errors from a damaged file
        raise IngestError(path, f"not a readable DOCX: {exc}") from exc
    hints = {}
    # A title property that is a file name ("UPR20_ Slovenia_List_E", "Microsoft Word - x.docx") is no title.
    if title and not re.search(r"_\S*_|^(microsoft word|untitled|document\d*)\b|\.docx?$", title, re.I):
        hints["title"] = title
    elif header.strip():  # the page header, without its page-number field ("Page 15 of 27")
        hints["title"] = re.sub(r"\s+", " ", re.sub(r"\bpage \d+( of \d+)?\b", "", header, flags=re.I)).strip()
    return "\n\n".join(block for block in blocks if block), hints


def _docx_block(item: DocxParagraph | Table) -> str:
    """One paragraph as a line (headings with '#', list items with a bullet), or a table as one row per line."""
    if hasattr(item, "rows"):  # a Table
        rows = []
        for row in item.rows:
            cells = list(dict.fromkeys(" / ".join(cell.text.split("\n")).strip() for cell in row.cells))
            if any(cells):
                rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        return "\n\n".join(rows)
    text = " ".join(item.text.split())
    style = item.style.name if item.style is not None else ""
    heading = re.match(r"(?:Heading|Überschrift|Titre)\s*(\d)", style)
    if text and (heading or style == "Title"):
        return "#" * (int(heading.group(1)) if heading else 1) + " " + text
    return f"• {text}" if text and style.startswith("List") else text


def _scraper_hints(fields: dict[str, str]) -> dict[str, str]:
    """A web-to-text scraper's header fields as hints; its date is the web page's, not the document's."""
    hints = {f"scraped_{key}": value for key, value in fields.items()}
    if fields.get("title"):
        hints["title"] = fields["title"]
    return hints
