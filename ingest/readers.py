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
from pathlib import Path
from typing import TYPE_CHECKING

from ingest._pdfium import pdf_document
from ingest.errors import IngestError
from ingest.html import html_to_light
from ingest.markdown import to_light
from ingest.types import Page, RawDocument

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

log = logging.getLogger(__name__)

# Extension -> RawDocument.source_format.
_FORMATS = {".txt": "txt", ".md": "md", ".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx"}
SUPPORTED_EXTENSIONS = tuple(_FORMATS)
# Size limits for one document. Parsing costs ~2 s per million characters and every ~150 characters become a
# passage to embed and store, so a 50 MB text would run for most of an hour; 5 M characters (about 2,500
# dense pages, several times a long UN report) is ingested in minutes. A file too large to plausibly stay
# under the text limit is refused before it is read.
MAX_TEXT_CHARS = 5_000_000
MAX_FILE_BYTES = 200 * 1024 * 1024
# A PDF is read at ~100-500 pages a second here; these bound a hostile or mis-sent file (a 10,000-page scan).
MAX_PDF_PAGES = 3000
MAX_PDF_SECONDS = 300.0
_TEXT_BYTES_PER_CHAR = 4  # UTF-8's widest character: a text file above max chars x 4 bytes cannot fit

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
# cp1251 is accepted only when words containing Cyrillic are (almost) all-Cyrillic: Latin-1 accents decoded
# as cp1251 give mixed words such as "cafй", genuine Russian gives whole Cyrillic words.
_MIN_PURE_CYRILLIC_WORDS = 0.8
# Control characters are invisible in a document but can drive a terminal (ESC sequences, C1 CSI) when a passage
# is printed by `hrqa ask`/`show`; only tab, newline and form feed (a page break) carry layout.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def read_file(path: str | Path, max_text_chars: int = MAX_TEXT_CHARS, max_pdf_pages: int = MAX_PDF_PAGES,
              max_pdf_seconds: float = MAX_PDF_SECONDS) -> RawDocument:
    """Read a supported file into pages of raw text.

    Args:
        path: a .txt, .md, .pdf, .html, .htm or .docx file.
        max_text_chars: refuse documents whose text is longer (see MAX_TEXT_CHARS).
        max_pdf_pages / max_pdf_seconds: refuse PDFs with more pages, or whose reading takes longer.

    Returns:
        The document's text as light Markdown: one Page per PDF page (numbered from 1), a single unnumbered Page
        otherwise; and its hints (title, date, cover text, scraper fields).

    Raises:
        IngestError: the path is missing, a directory or unreadable; the type is unsupported; the file is
            empty, binary, corrupt, encrypted, a scan without a text layer, or over the size, page or time limits.
    """
    p = Path(path)
    where = str(path)
    _require_file(p, where)
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise IngestError(where, f"unsupported file type '{p.suffix or p.name}'; supported: {supported}")
    _check_file_size(p, where, fmt, max_text_chars)
    data = _read_bytes(p, where)
    if not data:
        raise IngestError(where, "empty file")
    hints: dict[str, str] = {}
    if fmt == "pdf":
        pages, hints = pdf_document(data, where, max_pdf_pages, max_pdf_seconds)
    elif fmt == "docx":
        text, hints = _docx_document(data, where)
        pages = (Page(text),)
    elif fmt == "html":
        text, hints = html_to_light(decode_text(data, where))
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
    if chars > max_text_chars:
        raise IngestError(where, f"too long: {chars:,} characters of text, over the limit of {max_text_chars:,} "
                                 "for one document; split the file into parts")
    return RawDocument(path=where, file_name=p.name, source_format=fmt, pages=pages, hints=hints)


def content_hash(path: str | Path) -> str:
    """Hash a file's bytes, so a changed file is re-ingested and an unchanged one is skipped.

    Args:
        path: the file to hash.

    Returns:
        The sha256 hex digest of the file's bytes.

    Raises:
        IngestError: the file cannot be read.
    """
    return hashlib.sha256(_read_bytes(Path(path), str(path))).hexdigest()


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


def _require_file(p: Path, where: str) -> None:
    """Fail early, with a plain reason, for paths that are not readable files."""
    if p.is_dir():
        raise IngestError(where, "is a directory, not a file")
    if not p.exists():
        raise IngestError(where, "file not found; check the path")


def _check_file_size(p: Path, where: str, fmt: str, max_text_chars: int) -> None:
    """Refuse, without reading it, a file whose size alone puts it over the limits."""
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise IngestError(where, f"cannot read file: {exc.strerror or exc}") from exc
    limit = MAX_FILE_BYTES if fmt in ("pdf", "docx") else min(MAX_FILE_BYTES, max_text_chars * _TEXT_BYTES_PER_CHAR)
    if size > limit:
        raise IngestError(where, f"too large: {size / 1048576:.1f} MB, over the limit of {limit / 1048576:.0f} MB "
                                 f"for one {fmt} file (at most {max_text_chars:,} characters of text); split it")


def _read_bytes(p: Path, where: str) -> bytes:
    """Read a file's bytes, turning OS errors into IngestError with a hint."""
    _require_file(p, where)
    try:
        return p.read_bytes()
    except PermissionError as exc:
        raise IngestError(where, "permission denied; check the file's read permissions") from exc
    except OSError as exc:
        raise IngestError(where, f"cannot read file: {exc.strerror or exc}") from exc


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
