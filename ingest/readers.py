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

from bs4 import BeautifulSoup
from bs4.element import PreformattedString
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.errors import IngestError
from ingest.files import MAX_FILE_BYTES, MAX_TEXT_CHARS, SUPPORTED_EXTENSIONS, read_bytes, source_format
from ingest.limits import InputLimits, check_docx, check_html
from ingest.types import Page, RawDocument

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_CHARS", "SUPPORTED_EXTENSIONS", "content_hash", "decode_text", "read_bytes",
           "read_file", "source_format"]

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

logger = logging.getLogger(__name__)


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
# HTML elements that are page chrome or code, never document text.
_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "head", "iframe", "svg")
# Site banners and footers; inside an <article> or <main> they hold the article's own title and byline.
_CHROME_TAGS = ("header", "footer")
_PARAGRAPH_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl")
_LINE_TAGS = ("div", "section", "article", "main", "aside", "tr", "dt", "dd", "figcaption", "address", "caption")


def read_file(path: str | Path, max_text_chars: int | None = None, data: bytes | None = None,
              limits: InputLimits | None = None) -> RawDocument:
    """Read a supported file into pages of raw text.

    Args:
        path: a .txt, .md, .pdf, .html, .htm or .docx file (a regular file: not a FIFO, device or socket).
        max_text_chars: refuse documents whose text is longer (default: limits.max_text_chars).
        data: the file's bytes when the caller has read them already (with read_bytes), so what is parsed is
            exactly what the caller hashed.
        limits: the input limits (ingest.limits.InputLimits; defaults when None).

    Returns:
        The document's text: one Page per PDF page (numbered from 1), a single unnumbered Page otherwise.

    Raises:
        IngestError: the path is missing, a directory, not a regular file or unreadable; the type is unsupported;
            the file is empty, binary, corrupt, encrypted, has no extractable text, or is over a limit.
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
    if fmt == "pdf":
        pages = _pdf_pages(data, where)
    elif fmt == "docx":
        check_docx(data, where, limits)
        pages = (Page(_docx_text(data, where)),)
    elif fmt == "html":
        markup = decode_text(data, where)
        check_html(markup, where, limits)
        pages = (Page(_html_text(markup)),)
    else:
        pages = (Page(decode_text(data, where)),)
    pages = tuple(Page(_CONTROLS.sub("", page.text), page.number) for page in pages)
    if not any(page.text.strip() for page in pages):
        reason = "no extractable text (scanned PDF?)" if fmt == "pdf" else "no text content"
        raise IngestError(where, reason)
    chars = sum(len(page.text) for page in pages)
    if chars > limits.max_text_chars:
        raise IngestError(where, f"too long: {chars:,} characters of text, over the limit of "
                                 f"{limits.max_text_chars:,} for one document; split the file into parts")
    return RawDocument(path=where, file_name=p.name, source_format=fmt, pages=pages)


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
        logger.info("decoded text without a byte-order mark as UTF-16")
        return utf16
    for encoding in ("utf-8", "cp1251", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "cp1251" or _looks_cyrillic(text):
            if encoding != "utf-8":
                logger.info("decoded legacy text as %s", encoding)
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


def _pdf_pages(data: bytes, path: str) -> tuple[Page, ...]:
    """Extract text page by page; page numbers are 1-based so citations match the PDF viewer."""
    reader = _open_pdf(data, path)
    try:
        pdf_pages = list(reader.pages)
    except Exception as exc:  # noqa: BLE001 - a broken page tree surfaces only when pages are listed
        raise IngestError(path, f"not a readable PDF: {exc}") from exc
    pages = []
    for number, page in enumerate(pdf_pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken content streams
            raise IngestError(path, f"not a readable PDF: page {number}: {exc}") from exc
        pages.append(Page(text.replace("\r\n", "\n").replace("\r", "\n"), number))
    if not pages:
        raise IngestError(path, "not a readable PDF: it has no pages")
    return tuple(pages)


def _open_pdf(data: bytes, path: str) -> PdfReader:
    """Open a PDF, decrypting it when the user password is empty (permission-only encryption)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # noqa: BLE001 - corrupt files make pypdf raise anything, KeyError to PdfReadError
        raise IngestError(path, f"not a readable PDF: {exc}") from exc
    if encrypted:
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except DependencyError as exc:
            raise IngestError(path, "encrypted PDF (AES needs the 'cryptography' package); decrypt it first") from exc
        except Exception as exc:  # noqa: BLE001 - broken encryption dictionaries
            raise IngestError(path, f"encrypted PDF; decrypt it first ({exc})") from exc
        if not opened:
            raise IngestError(path, "encrypted PDF; decrypt it first")
    return reader


def _docx_text(data: bytes, path: str) -> str:
    """Paragraphs and table cells in body order, one per line, blank line between paragraphs."""
    import docx  # imported here: python-docx is only needed for .docx files

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
    except Exception as exc:  # noqa: BLE001 - zip, XML and package errors from a damaged file
        raise IngestError(path, f"not a readable DOCX: {exc}") from exc
    return "\n\n".join(block for block in blocks if block)


def _docx_block(item: DocxParagraph | Table) -> str:
    """One paragraph as a line (list items get a bullet), or a table as one line per cell."""
    if hasattr(item, "rows"):  # a Table
        cells = (cell.text.strip() for row in item.rows for cell in row.cells)
        return "\n".join(dict.fromkeys(c for c in cells if c))  # merged cells repeat their text
    text = item.text.strip()
    style = item.style.name if item.style is not None else ""
    return f"• {text}" if text and style.startswith("List") else text


def _html_text(markup: str) -> str:
    """Visible text of an HTML page as lines: one per paragraph, heading or list item."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_CHROME_TAGS):
        if tag.find_parent(("article", "main")) is None:
            tag.decompose()
    # Comments, the doctype and processing instructions are strings to bs4, but not visible text.
    for special in soup.find_all(string=lambda s: isinstance(s, PreformattedString)):
        special.extract()
    for string in soup.find_all(string=True):
        if string.find_parent("pre") is None:
            string.replace_with(re.sub(r"\s+", " ", string))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_PARAGRAPH_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all(_LINE_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in soup.find_all("li"):
        tag.insert_before("\n• ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in soup.get_text().split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
