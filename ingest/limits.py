"""Input limits: cheap, linear checks that refuse an input before an expensive parser sees it.

Pure functions over bytes and strings (the reads are in ingest/readers.py). Each limit is a field of
`InputLimits`, set from `HRQA_*` settings at the edge; the defaults leave every real document of this domain far
inside them (a 1,000-page report is ~2 MB of DOCX XML and a few thousand HTML elements) while a hostile input
(a ZIP bomb, 100k nested <div>, a megabyte question) is refused in well under a second.
"""
from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from io import BytesIO

from ingest.errors import HrqaError, IngestError

MB = 1024 * 1024


@dataclass(frozen=True)
class InputLimits:
    """What one file may cost. Sizes in MB, counts in elements.

    Attributes:
        max_text_chars: characters of text in one document.
        max_file_mb: bytes on disk of one PDF or DOCX file (text files are bounded by max_text_chars).
        max_zip_entries: parts in a DOCX package (real ones have tens; each costs memory to list).
        max_zip_uncompressed_mb: all parts of a DOCX inflated (images included).
        max_docx_xml_mb: the XML parts inflated: what python-docx parses into objects.
        max_docx_elements: XML start tags across those parts.
        max_html_mb: an HTML page's bytes.
        max_html_depth: element nesting depth of an HTML page.
        max_html_elements: elements of an HTML page.
        max_pdf_pages: pages of one PDF.
        max_pdf_seconds: seconds reading one PDF may take.
        follow_symlinks: read symbolic links inside an ingested folder that point outside it.
    """

    max_text_chars: int = 5_000_000
    max_file_mb: int = 200
    max_zip_entries: int = 2_000
    max_zip_uncompressed_mb: int = 300
    max_docx_xml_mb: int = 40
    max_docx_elements: int = 1_000_000
    max_html_mb: int = 20
    max_html_depth: int = 400
    max_html_elements: int = 300_000
    # A PDF is read at ~100-500 pages a second here; these bound a hostile or mis-sent file (a 10,000-page scan).
    max_pdf_pages: int = 3000
    max_pdf_seconds: float = 300.0
    follow_symlinks: bool = False


class QuestionTooLong(HrqaError):
    """A question over the length limit (checked by the core, whatever the client)."""


def check_question(question: str, max_chars: int) -> None:
    """Refuse a question longer than max_chars characters.

    Raises:
        QuestionTooLong: naming the length and the limit.
    """
    if len(question) > max_chars:
        raise QuestionTooLong(f"the question is {len(question):,} characters long; the limit is {max_chars:,} "
                              "(HRQA_MAX_QUESTION_CHARS): ask a shorter question")


# -- DOCX (ZIP) ---------------------------------------------------------------------------------------------
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 65535
_CHUNK = 1 << 20


def check_docx(data: bytes, where: str, limits: InputLimits) -> None:
    """Refuse a DOCX whose package is too big to open: entry count, inflated size, XML size and element count.

    The entry count is read from the ZIP's end record before the central directory is listed; sizes are the
    declared ones, which bind: Python's zipfile never inflates a member past its declared size. The XML parts are
    then inflated in 1 MB chunks and their tags counted, stopping at the first limit crossed.

    Raises:
        IngestError: not a ZIP package, or over a limit (named, with its HRQA_ setting).
    """
    entries = _zip_entry_count(data)
    if entries is None:
        raise IngestError(where, "not a readable DOCX: not a ZIP package")
    if entries > limits.max_zip_entries:
        raise IngestError(where, f"DOCX package has {entries:,} parts, over the limit of {limits.max_zip_entries:,} "
                                 "(HRQA_MAX_ZIP_ENTRIES)")
    try:
        package = zipfile.ZipFile(BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise IngestError(where, f"not a readable DOCX: {exc}") from exc
    total = sum(info.file_size for info in infos)
    if total > limits.max_zip_uncompressed_mb * MB:
        raise IngestError(where, f"DOCX inflates to {total / MB:,.1f} MB, over the limit of "
                                 f"{limits.max_zip_uncompressed_mb} MB (HRQA_MAX_ZIP_UNCOMPRESSED_MB)")
    xml_parts = [info for info in infos if info.filename.lower().endswith((".xml", ".rels"))]
    xml_bytes = sum(info.file_size for info in xml_parts)
    if xml_bytes > limits.max_docx_xml_mb * MB:
        raise IngestError(where, f"DOCX holds {xml_bytes / MB:,.1f} MB of XML, over the limit of "
                                 f"{limits.max_docx_xml_mb} MB (HRQA_MAX_DOCX_XML_MB)")
    elements = 0
    for info in xml_parts:
        elements += _count_start_tags(package, info, where, limits.max_docx_elements - elements)
        if elements > limits.max_docx_elements:
            raise IngestError(where, f"DOCX has over {limits.max_docx_elements:,} XML elements "
                                     "(HRQA_MAX_DOCX_ELEMENTS)")


def _zip_entry_count(data: bytes) -> int | None:
    """Total entries from the end-of-central-directory record; None when there is none (not a ZIP)."""
    tail = data[-(_EOCD_SIZE + _MAX_COMMENT):]
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return None
    (total,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if total != 0xFFFF:
        return total
    # ZIP64: the real count is in the ZIP64 end record, which the 20-byte locator just before this one points to
    locator = tail[at - 20 : at] if at >= 20 else b""
    if locator[:4] != b"PK\x06\x07":
        return None
    (offset,) = struct.unpack("<Q", locator[8:16])
    record = data[offset : offset + 56]
    return struct.unpack("<Q", record[32:40])[0] if record[:4] == b"PK\x06\x06" else None


def _count_start_tags(package: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: int) -> int:
    """Start tags in one XML part, read in chunks; stops early once budget is exceeded."""
    count = 0
    try:
        with package.open(info) as member:
            while chunk := member.read(_CHUNK):
                count += chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<?") - chunk.count(b"<!")
                if count > budget:
                    return count
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise IngestError(where, f"not a readable DOCX: part {info.filename}: {exc}") from exc
    return count


# -- HTML ---------------------------------------------------------------------------------------------------
# Elements that never nest (void) or whose end tag may be left out (a <p> or <li> closes itself): counting them
# as open would make ordinary pages look deep. Raw-text elements hold no markup until their end tag.
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_OPTIONAL_END = frozenset("p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp "
                          "html head body".split())
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)")
_MARKUP = re.compile(r"<(?:!--|[!?]|/?[A-Za-z])")  # where markup starts; a stray "<" is text
_TAG_STOP = re.compile(r"[>\"']")
# Python's html.parser recovers from a tag or comment that never closes by rescanning the rest of the text at
# every "<" after it: ("<" after the cut) x (characters after it) steps, ~30 million a second. A page cut short
# in its last tag costs nothing; 40,000 repeats of "<a " (120 KB) took over a minute.
_MAX_RECOVERY_COST = 30_000_000


def check_html(text: str, where: str, limits: InputLimits) -> None:
    """Refuse an HTML page that is too deep, has too many elements, or is malformed in a way parsers choke on.

    Raises:
        IngestError: over max_html_depth or max_html_elements, or a tag or comment that never closes followed by
            so much markup that recovering from it would take a parser quadratic time.
    """
    elements, depth, cut = html_shape(text, limits.max_html_depth, limits.max_html_elements)
    if depth > limits.max_html_depth:
        raise IngestError(where, f"HTML nests elements over {limits.max_html_depth:,} levels deep "
                                 "(HRQA_MAX_HTML_DEPTH)")
    if elements > limits.max_html_elements:
        raise IngestError(where, f"HTML has over {limits.max_html_elements:,} elements (HRQA_MAX_HTML_ELEMENTS)")
    if cut >= 0 and text.count("<", cut) * (len(text) - cut) > _MAX_RECOVERY_COST:
        raise IngestError(where, f"malformed HTML: the tag or comment at character {cut:,} never closes, and the "
                                 f"{len(text) - cut:,} characters after it cannot be parsed safely; fix the file there")


def html_shape(text: str, max_depth: int | None = None, max_elements: int | None = None) -> tuple[int, int, int]:
    """(elements, deepest nesting, where an unclosed tag or comment starts or -1), in one pass; stops early past
    either maximum, or at a tag or comment that never closes.

    Every step moves forward (a regular-expression search for the next tag, str.find for its end), so the scan is
    linear whatever the input (no regular expression can backtrack over an unclosed comment); it approximates a
    browser's tree (mismatched end tags just close one level), which is all a limit needs.
    """
    lower = None
    i = depth = deepest = elements = 0
    while (start := _MARKUP.search(text, i)) is not None:
        i = start.start()
        if start.group() in ("<!--", "<!", "<?"):  # a comment, doctype or processing instruction, skipped whole
            closer = "-->" if start.group() == "<!--" else ">"
            end = text.find(closer, i + len(start.group()))
            if end < 0:
                return elements, deepest, i
            i = end + len(closer)
            continue
        match = _TAG_NAME.match(text, i)
        assert match is not None  # _MARKUP found "<" and a letter or "/" here, which is a tag name's start
        end = _tag_end(text, match.end())
        if end < 0:
            return elements, deepest, i
        closing, name = match.group(1), match.group(2).lower()
        i = end + 1
        if closing:
            if depth and name not in _VOID and name not in _OPTIONAL_END:
                depth -= 1
            continue
        elements += 1
        if name in _RAW_TEXT:
            lower = text.lower() if lower is None else lower
            close = lower.find("</" + name, i)
            i = len(text) if close < 0 else close
        elif text[end - 1] != "/" and name not in _VOID and name not in _OPTIONAL_END:
            depth += 1
            deepest = max(deepest, depth)
        if (max_depth is not None and deepest > max_depth) or (max_elements is not None and elements > max_elements):
            break
    return elements, deepest, -1


def _tag_end(text: str, pos: int) -> int:
    """Where a tag whose attributes start at pos ends (its ">"; one inside quotes does not count), or -1."""
    while (stop := _TAG_STOP.search(text, pos)) is not None:
        if stop.group() == ">":
            return stop.start()
        close = text.find(stop.group(), stop.end())
        if close < 0:
            return -1
        pos = close + 1
    return -1
