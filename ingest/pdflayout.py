"""From the characters of PDF pages, with their boxes and fonts, to page text that says what each line is.

Pure: ingest.readers extracts the characters (pypdfium2) and calls `layout()`. Decisions are made by layout, not by
patterns fitted to one document:
- a line is running furniture (running head, page number, job number) when it sits in the top or bottom band of the
  page and either repeats on several pages (digits ignored) or is a lone token without lower-case words;
- footnotes are the lines in a smaller font below all the body text of their page; footnote markers are small
  raised digits or asterisks inside body lines;
- a heading is a short run of lines set in another font than the body text (bold, italic) or a larger one, followed
  by a line in another style (a run of bold lines in one style, such as a bold list of recommendations, is body
  text); its level is the rank of its font size; it is written as a Markdown heading ("## II. Conclusions") so
  that every format reaches ingest.structure in the same light Markdown;
- a paragraph break is a vertical gap clearly larger than the page's line spacing, written as a blank line;
- the title block of a cover page (page 1, above the first body paragraph) is not text: it gives the title.
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.pdfcover import cover_block, cover_title
from ingest.pdflines import Body, Line, PdfPage, body_style, lines_of, same_style, strip_marks

__all__ = ["Layout", "PdfPage", "layout"]

BAND = 0.15  # top and bottom share of the page height where running heads and page numbers sit
REPEATS = 3  # pages a band line must appear on (digits ignored) to be a running head
SMALL = 0.93  # a line below this share of the body font size is small (footnotes, captions)
MARKER = 0.78  # a character below this share of its line's height, raised, is a superscript
PARAGRAPH_GAP = 1.38  # a gap this many times the page's usual line spacing starts a paragraph
MAX_HEADING_WORDS = 60  # UN headings can be long ("A. Oral update by the independent international commission ...")
MAX_HEADING_LINES = 5
_NOTE_MARKS = set("0123456789*†‡,")


@dataclass(frozen=True)
class Layout:
    """The result: light-Markdown text per page, and what the cover says about the document."""

    pages: tuple[tuple[int, str], ...]
    title: str = ""
    cover: str = ""


def layout(pages: Sequence[PdfPage]) -> Layout:
    """Turn pdfium pages into page texts (headings as '#' lines, paragraphs separated by blank lines).

    Args:
        pages: every page of the document, in order.

    Returns:
        The Layout: (page number, text) pairs, the title read from the cover's title block ("" when there is no
        cover), and the cover's text (masthead, session lines, dates) for ingest.metadata.
    """
    lines = [line for page in pages for line in lines_of(page)]
    if not lines:
        return Layout(tuple((p.number, "") for p in pages))
    body = body_style(lines)
    heights = {p.number: p.height for p in pages}
    _mark_furniture(lines, heights, len(pages))
    _mark_footnotes(lines, body.height)
    for line in lines:
        _drop_markers(line, body.height)
    cover_lines = cover_block(lines, body)
    italic = frozenset().union(*(p.italic for p in pages))
    _mark_headings([ln for ln in lines if ln.kind == "body"], body, italic)
    texts = []
    previous: list[Line] = []
    for page in pages:
        own = [ln for ln in lines if ln.page == page.number and ln.kind in ("body", "heading")]
        text = _page_text(own)
        if own and previous and _starts_paragraph(previous[-1], own[0], previous):
            text = "\n" + text  # the page opens a new paragraph: the blank line says so
        texts.append((page.number, text))
        previous = own or previous
    return Layout(tuple(texts), cover_title(cover_lines, heights.get(1, 0.0), body),
                  "\n".join(ln.text for ln in cover_lines))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _mark_furniture(lines: Sequence[Line], heights: dict[int, float], n_pages: int) -> None:
    """Running heads and page numbers: band lines that recur on several pages, or lone numbers and codes there."""
    in_band = [ln for ln in lines if _in_band(ln, heights[ln.page])]
    pages_of: dict[tuple[str, int], set[int]] = {}
    for line in in_band:  # a running head comes back at the same height; a repeated heading need not
        pages_of.setdefault(_band_key(line), set()).add(line.page)
    needed = min(REPEATS, max(2, n_pages // 2))
    rows: dict[str, set[int]] = {}
    for line in lines:
        if line.gapped:
            rows.setdefault(_shape(line.text), set()).add(line.page)
    for line in lines:  # a table's header row printed again on every page it runs over
        if line.gapped and len(rows[_shape(line.text)]) >= needed and not re.search(r"\d", line.text):
            line.kind = "furniture"
    for line in in_band:
        # Digits are ignored when comparing band lines ("A/HRC/28/2 ... 59"), but a line of digits alone is
        # furniture only as a page number: "140.46" at a page's foot is the label of the text that follows.
        worded = bool(re.search(r"[^\W\d_]", line.text))
        if _lone_code(line.text) or (worded and n_pages > 1 and len(pages_of[_band_key(line)]) >= needed):
            line.kind = "furniture"


def _band_key(line: Line) -> tuple[str, int]:
    return _shape(line.text), round(line.bottom / 6)


def _lone_code(text: str) -> bool:
    """A page number ("12", "- 12 -") or a code ("GE.14-23930 (E)", "A/HRC/28/15"): no word, a few tokens."""
    if len(text.split()) > 5 or re.search(r"[a-z]{2}", text):
        return False
    if re.fullmatch(r"[\W\d]*", text):  # "12", "- 12 -", "*1907475*"; not "140.46" or "73, 76, 89–92)"
        return len(re.findall(r"\d+", text)) == 1
    return bool(re.search(r"[A-Z]", text))


def _in_band(line: Line, height: float) -> bool:
    return line.bottom >= (1 - BAND) * height or line.top <= BAND * height


def _mark_footnotes(lines: Sequence[Line], body: float) -> None:
    """Small-font lines below every body-size line of their page are footnotes."""
    for page in {ln.page for ln in lines}:
        own = [ln for ln in lines if ln.page == page and ln.kind == "body"]
        normal = [ln.bottom for ln in own if ln.height >= SMALL * body]
        floor = min(normal) if normal else float("inf")
        for line in own:
            if line.height < SMALL * body and line.top <= floor + 0.2 * body:
                line.kind = "footnote"


def _drop_markers(line: Line, body: float) -> None:
    """Remove footnote markers: small raised digits or asterisks (a piece made of them alone goes whole)."""
    if line.kind != "body":
        return
    h, base = line.height, line.bottom
    if h < MARKER * body and set(line.text) <= _NOTE_MARKS | {" "}:
        line.kind = "footnote"  # a marker pdfium left on a line of its own
        return
    line.chars = [c for c in line.chars if not (c[0] in _NOTE_MARKS and c[1][3] - c[1][1] < MARKER * h
                                                 and c[1][1] > base + 0.2 * h)]


def _rank(line: Line, italic: frozenset[int]) -> tuple[int, bool]:
    """Heading rank: larger first; at one size, upright above italic."""
    return round(line.height), line.font not in italic


def _mark_headings(lines: Sequence[Line], body: Body, italic: frozenset[int]) -> None:
    """Short emphasised runs followed by a line in another style are headings; their level is the rank of their
    font size among the document's heading sizes. A label line opening a run ("Annex", "Part Two") is a heading of
    its own, one level above the title under it."""
    i, found = 0, []
    while i < len(lines):
        if not body.emphasised(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and same_style(lines[i], lines[j]) and lines[j].page == lines[i].page \
                and 0 < lines[j - 1].bottom - lines[j].bottom < 2.2 * lines[i].height:
            j += 1
        run = lines[i:j]
        text = " ".join(ln.text for ln in run)
        nxt = lines[j] if j < len(lines) else None
        # The run ends at another style, or at a gap before a line in the same style (two headings in a row).
        followed_by_other = nxt is None or not same_style(run[0], nxt) or nxt.page != run[-1].page \
            or run[-1].bottom - nxt.bottom >= 2.2 * run[0].height
        short = len(run) <= MAX_HEADING_LINES and len(text.split()) <= MAX_HEADING_WORDS
        # Set off from the text: the line before ends its paragraph, and the line after does not go on with the
        # heading's sentence (a line printed in another font mid-paragraph is no heading).
        prev = lines[i - 1] if i else None
        close = prev is not None and prev.page == run[0].page and prev.bottom - run[0].bottom < 1.6 * prev.height
        inside = (close and prev is not None and not body.emphasised(prev)
                  and not re.search(r"[.:;!?”\")]$", prev.text)) \
            or (nxt is not None and nxt.text[:1].islower())
        note = re.fullmatch(r"\[[^\]]*\]", text.strip()) is not None  # "[English only]": an editorial note
        # A table's header cells are no headings: a row of cells far apart, or a cell with text beside it.
        table = any(ln.gapped for ln in run) or (nxt is not None and nxt.page == run[-1].page
                                                 and nxt.bottom >= run[-1].bottom)
        if followed_by_other and short and not inside and not note and not table \
                and not re.search(r"[.;,:]$", strip_marks(text)) \
                and not re.match(r"^\d+\.\d+\s", text) and re.search(r"[^\W\d_]{2}", text):
            found.append(run)
        i = j
    ranks = sorted({_rank(run[0], italic) for run in found}, reverse=True)
    for k, run in enumerate(found):
        for line in run:
            line.kind = "heading"
        run[0].level = ranks.index(_rank(run[0], italic)) + 1
        if len(run) > 1 and _LABEL_LINE.match(run[0].text):
            run[1].level = run[0].level + 1
        elif k and _LABEL_LINE.match(found[k - 1][-1].text) and found[k - 1][-1].level == run[0].level \
                and lines.index(run[0]) - lines.index(found[k - 1][-1]) <= 2:
            run[0].level += 1  # "Annex II" then, in the same style, its title


_LABEL_LINE = re.compile(r"^(?:annex|appendix|part|chapter)(?:\s+[\w-]+)?$", re.I)


def _starts_paragraph(last: Line, first: Line, page_lines: Sequence[Line]) -> bool:
    """Whether a page's first line starts a paragraph rather than continuing the last line of the page before:
    it does unless that line ran to the right margin (a wrapped line) without ending a sentence."""
    if last.kind == "heading" or first.kind == "heading":
        return False  # headings are separate lines anyway
    if first.gapped:
        return True  # a table row
    rights = sorted(ln.right for ln in page_lines if ln.kind == "body")
    margin = rights[round(0.9 * (len(rights) - 1))] if rights else last.right
    full = last.right >= margin - 2.5 * last.height
    return not full


def _page_text(lines: Sequence[Line]) -> str:
    """One page's text: a heading on one '#' line, body lines as they are, a blank line at paragraph gaps."""
    pitches = [a.bottom - b.bottom for a, b in zip(lines, lines[1:])
               if a.kind == b.kind == "body" and 0 < a.bottom - b.bottom < 3 * a.height]
    pitch = statistics.median(pitches) if pitches else 0.0
    rights = sorted(ln.right for ln in lines if ln.kind == "body")
    margin = rights[round(0.9 * (len(rights) - 1))] if rights else 0.0
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        if line.kind == "heading":
            if line.level:
                out.extend(["", "#" * line.level + " " + strip_marks(line.text)])
            else:  # a wrapped heading; "54–" / "57)" join without a space
                out[-1] += ("" if out[-1].endswith(("–", "-")) else " ") + strip_marks(line.text)
            prev = line
            continue
        # A paragraph starts after a heading, at a gap larger than the line spacing, at a jump back up the page
        # (a new column or frame), or after a short line that ends a sentence (a paragraph's last line).
        ended = prev is not None and prev.kind == "body" and prev.right < margin - 3 * prev.height \
            and re.search(r"[.;:!?”\"]$", prev.text) is not None
        row = line.gapped  # a table row (cells far apart) is a block of its own
        if prev is not None and (prev.kind == "heading" or (pitch and prev.bottom - line.bottom > PARAGRAPH_GAP * pitch)
                                 or line.bottom > prev.bottom or ended or row):
            out.append("")
        out.append(line.text)
        prev = line
    return "\n".join(out).strip("\n")
