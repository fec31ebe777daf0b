"""Line-level layout rules for ingest.structure: number and heading shapes, wrapping, joining.

Kept apart from the splitter's state machine so each rule can be read (and tested) on its own.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest import _patterns as P
from ingest.countries import country_named
from ingest.types import Page

PARA_NUMBER = re.compile(r"^(\d{1,4})\.(?:\s+(\S.*))?$")  # "246." or "246. Text", at column 0
REC_NUMBER = re.compile(r"^(\d{1,3})\.(\d{1,3})\s+(\S.*)$")  # "140.18 Ensure ...", at column 0
LETTERED = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s+(\S.*)$")
MARKED_HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")  # a heading the reader knows of (light Markdown)
TABLE_ROW = re.compile(r"^\|.*\|$")
PART_LABEL = re.compile(r"^(?:part|volume)\b", re.I)  # a division of a whole publication, not a section
# A paragraph about the document itself ("The present report is a compilation ...", "This document contains ...").
ABOUT_ITSELF = re.compile(r"^(?:the present|this) (?:report|document|compilation|summary|addendum|study|paper"
                          r"|publication)\b", re.I)
_LEADERS = re.compile(r"(?:\.\s?){5,}|…{2,}|_{5,}")  # a contents entry's dot leaders
# Labels under which a State's views answer recommendations: "140.82-85, 87", "Rec. 18", "Recs. 6–13",
# "5., 6., 7., 8., 9." (the answer may follow on the same line).
_REC_REF = r"\d{1,3}\.\d{1,3}(?:\s*[-–]\s*(?:\d{1,3}\.)?\d{1,3})?"
_VIEWS_UN = re.compile(rf"^({_REC_REF}(?:\s*,\s*(?:{_REC_REF}|\d{{1,3}}(?:\s*[-–]\s*\d{{1,3}})?))*)\s*$")
_VIEWS_REC = re.compile(r"^Recs?\.\s*(\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*(.*)$")
LIST_NUMBERS = re.compile(r"^(?:\d{1,3}\.,?\s*){2,}")  # "40., 41., 42.," opening a line
_VIEWS_LIST = re.compile(r"^((?:\d{1,3}\.,\s*)+\d{1,3}\.,?)(?:\s+(\S.*))?$")
_NUMBER_DEPTH = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
_CHAPTER = re.compile(r"^(?:chapter|part|section)\s+(\d{1,3}|[IVXLC]{1,6})\b[.:]?\s*(.*)$", re.IGNORECASE)
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_LETTER = re.compile(r"^([A-Za-z])\.\s+([A-Z].*)$")
_SUBSECTION = re.compile(r"^(\d{1,2})\.\s+([A-Z].*)$")  # only when indented, else it is a paragraph
SENTENCE_END = re.compile(r"(?:[.:;!?”\"’)]|[.;:]\d{1,3})\s*$")
NOTE_MARK_END = re.compile(r"[^\W\d_)\]”’\"][.;:,]\d{1,3}$")  # "...Statelessness.24": a sentence and its note
CONNECTOR_END = re.compile(r"(?:,|\b(?:and|or|of|the|in|on|to|for|with|by|a|an|towards?|against|into|from|within|"
                           r"between|among|under|over|about|through|including|than))\s*$", re.IGNORECASE)
LEVEL_TOP, LEVEL_LETTER, LEVEL_SUB, LEVEL_PLAIN = range(4)  # heading depth: chapter, A., indented 1., plain
MASTHEAD = -1  # a newsletter's masthead line: set apart like a heading, but no heading of any paragraph


@dataclass
class Line:
    """One non-blank input line with its layout context."""

    raw: str
    page: int | None
    break_before: bool  # a blank line (or a dropped date line) precedes it
    toc: bool = False  # an entry of a table of contents: not text

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def indented(self) -> bool:
        return self.raw[:1].isspace()


def lines_of(pages: Sequence[Page]) -> list[Line]:
    """Flatten pages into non-blank lines; page breaks are not paragraph breaks (a reader that knows a page
    starts a paragraph writes a blank line first). Contents entries (dot leaders, or a run of titles that recur
    as headings below) are marked toc; running page numbers of a text file (a lone number going up by one
    from page to page) are dropped."""
    out: list[Line] = []
    pending_break, bullet = False, ""
    for page in pages:
        for raw in page.text.split("\n"):
            if P.BULLET.fullmatch(raw.strip()):
                bullet = "• "  # a bullet whose item a conversion put on the next line
                pending_break = True
                continue
            if not raw.strip() or P.DATE_ONLY.match(raw):
                pending_break = True
                continue
            out.append(Line(bullet + raw.rstrip(), page.number, pending_break, toc=bool(_LEADERS.search(raw))))
            pending_break, bullet = False, ""
    return _without_repeated_lines(_without_page_numbers(_mark_contents(out)))


def _without_repeated_lines(lines: list[Line]) -> list[Line]:
    """In hard-wrapped text (a PDF turned into text), a short line printed three times or more without final
    punctuation is a running head or a chart's label, not text; web text and newsletters repeat their rubrics."""
    if not is_wrapped(lines):
        return lines
    counts = Counter(line.text for line in lines if _running(line.text))
    repeated = {text for text, n in counts.items() if n >= 3}
    if not repeated:
        return lines
    kept = []
    for i, line in enumerate(lines):
        if line.text in repeated:
            if i + 1 < len(lines):
                lines[i + 1].break_before = True
            continue
        kept.append(line)
    return kept


def _running(text: str) -> bool:
    return len(text.split()) <= 6 and not re.search(r"[.:;!?]$", text) and not MARKED_HEADING.match(text) \
        and not TABLE_ROW.match(text)


def _without_page_numbers(lines: list[Line]) -> list[Line]:
    """Drop lone-number lines that count pages: the longest chain in which each is one or two more than the last
    (at least five of them); other lone numbers (table cells) stay."""
    lone = [(i, int(line.text)) for i, line in enumerate(lines) if re.fullmatch(r"\d{1,4}", line.text)]
    best: dict[int, list[int]] = {}
    for pos, (i, value) in enumerate(lone):
        chain = [i]
        for other, other_value in lone[max(0, pos - 60):pos]:  # a page number is never far from the last one
            if value - other_value in (1, 2) and len(best[other]) + 1 > len(chain):
                chain = best[other] + [i]
        best[i] = chain
    longest = max(best.values(), key=len, default=[])
    drop = set(longest) if len(longest) >= 5 else set()
    kept = []
    for i, line in enumerate(lines):
        if i in drop:
            if i + 1 < len(lines):
                lines[i + 1].break_before = True
            continue
        kept.append(line)
    return kept


def _mark_contents(lines: list[Line]) -> list[Line]:
    """Mark a table of contents without leaders: six or more short title lines in a row, most of which recur
    later in the text as lines of their own (the headings they list)."""
    titles = [_title_like(line.text) for line in lines]
    later = Counter(key(line.text) for line in lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and titles[j]:
            j += 1
        if j - i >= 6 and sum(later[key(lines[k].text)] > 1 for k in range(i, j)) >= 0.5 * (j - i):
            for k in range(i, j):
                lines[k].toc = True
        i = max(j, i + 1)
    return lines


def _title_like(text: str) -> bool:
    words = len(text.split())
    return 1 <= words <= 12 and (text[:1].isupper() or text[:1].isdigit()) and text[-1:] not in ".,;" \
        and re.search(r"[^\W\d_]{3}", text) is not None


def contents_entries(lines: Sequence[Line]) -> set[str]:
    """The keys of the headings a table of contents lists (see key())."""
    return {key(_LEADERS.split(line.text)[0]) for line in lines if line.toc}


def key(text: str) -> str:
    """A heading compared loosely: lower case, letters and digits only."""
    return re.sub(r"[^\w]+", "", text.lower())


def heading_text(text: str) -> str:
    """A heading as cited: note markers and a caption's colon dropped, spaces tidied."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=[^\W\d])\d{1,3}$|[*†‡]+$", "", text).strip()
    return re.sub(r"\s*:$", "", text)


def chapter_label(title: str) -> str:
    """"7" for "Chapter 7: ...", "II" for "II. ...", "" otherwise."""
    chapter = _CHAPTER.match(title)
    if chapter:
        return chapter.group(1)
    roman = _ROMAN.match(title)
    return roman.group(1) if roman else ""


def number_depth(text: str) -> int:
    """The level of a numbered title: "1. Child care" -> 0, "1.1. Institutional care" -> 1."""
    match = _NUMBER_DEPTH.match(text)
    return match.group(1).count(".") if match else LEVEL_PLAIN


def views_label(text: str) -> tuple[str, str, int | None] | None:
    """(number, text after it, paragraph number the sequence goes on from) when a line is the label of a State's
    answer to recommendations. "5., 6., 7." numbers the document's paragraphs: answers 5 to 7, the next is 8; a
    list that skips some ("77., 78., 79., 82.,") answers out of order, and the skipped numbers follow it, so the
    sequence goes on from its first. "140.82-85" and "Rec. 18" only name the recommendations answered (None)."""
    un = _VIEWS_UN.match(text)
    if un and len(re.findall(r"\d+\.\d+", un.group(1))) > 6:
        un = None  # a line of a long list ("140.161, 140.162, ..."), not the label of an answer
    if un and ("-" in un.group(1) or "–" in un.group(1) or "," in un.group(1)):
        return re.sub(r"\s*[-–]\s*", "-", un.group(1)).strip(), "", None
    if un:
        return un.group(1), "", None
    rec = _VIEWS_REC.match(text)
    if rec:
        return re.sub(r"\s*[-–]\s*", "-", rec.group(1)), rec.group(2), None
    listed = _VIEWS_LIST.match(text)
    if listed:
        numbers = [int(n) for n in re.findall(r"\d+", listed.group(1))]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{numbers[0]}-{numbers[-1]}", listed.group(2) or "", numbers[-1]
        return _ranges(numbers), listed.group(2) or "", numbers[0]
    return None


def _ranges(numbers: list[int]) -> str:
    """[77, 78, 79, 82] -> "77-79, 82"."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}-{prev}" if prev != start else str(start))
        if n is not None:
            start = prev = n
    return ", ".join(out)


def is_wrapped(lines: list[Line]) -> bool:
    """Hard-wrapped text (PDF, e-mail) has long lines of ~60-130 chars; web text has whole paragraphs."""
    lengths = [len(line.text) for line in lines if len(line.text) >= 40]
    if not lengths:  # only short lines: blank-line separated blocks read like a web page
        return not any(line.break_before for line in lines)
    return statistics.median(lengths) <= 140


def wrap_width(lines: list[Line]) -> int:
    """The length of a full line of wrapped text: the 90th percentile of the longer lines."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 40)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 100


def front_matter_end(lines: list[Line]) -> int:
    """Index of the first line after a newsletter masthead, 0 when the text is no newsletter."""
    if not any(P.NEWSLETTER_MARK.search(line.text) for line in lines[:5]):
        return 0
    end, blocks = 0, 0
    for i, line in enumerate(lines):
        blocks += line.break_before
        if blocks > 12:
            break
        if any(p.search(line.text) for p in P.FRONT_MATTER):
            end = i + 1
    while end < len(lines) and not lines[end].break_before:
        end += 1  # the rest of the block that matched
    return end


def labelled_heading(text: str, indented: bool) -> int | None:
    """The level of "Chapter 7: ...", "Section 1. ...", "II. ...", "A. ...", "a. ..." and indented "1. ..."."""
    if _CHAPTER.match(text) or re.fullmatch(r"annex(?:\s+[IVX\d]+)?", text, re.IGNORECASE) or _ROMAN.match(text):
        return LEVEL_TOP
    if _LETTER.match(text):
        return LEVEL_LETTER
    if indented and _SUBSECTION.match(text):
        return LEVEL_SUB
    return None


def join_parts(parts: list[str]) -> str:
    """Re-join wrapped lines with spaces; bullets and lettered items start their own line."""
    text = ""
    for part in parts:
        bullet = P.BULLET.match(part)
        if bullet:
            text += f"\n• {part[bullet.end():].strip()}"
        elif LETTERED.match(part) and text:
            text += f"\n{part}"
        else:
            text += f" {part}"
    return re.sub(r"[ \t]+", " ", text).strip()


def is_labelled(heading: str) -> bool:
    """A heading with a label of its own: "Section 1.", "II.", "A.", "a.", "1.", "1.1."."""
    return labelled_heading(heading, True) is not None or bool(_NUMBER_DEPTH.match(heading))


def heading_kind(headings: tuple[str, ...]) -> str:
    """The section kind of the innermost heading that the HEADING_KINDS table knows, else ""."""
    for heading in reversed(headings):
        bare = re.sub(r"\s*\([^)]*\)", "", heading).strip()
        for pattern, kind in P.HEADING_KINDS:
            if pattern.search(bare):
                return kind
    return ""


def actor_of(text: str) -> str:
    """The recommending State(s): the parenthesised groups ending a recommendation.

    Groups may nest ("(Venezuela (Bolivarian Republic of))"), so parentheses are matched by depth.
    """
    actors: list[str] = []
    rest = text.rstrip(" ;.,")
    while rest.endswith(")"):
        depth, start = 0, -1
        for pos in range(len(rest) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(rest[pos], 0)
            if depth == 0:
                start = pos
                break
        group = rest[start + 1 : -1].strip() if start >= 0 else ""
        if not group[:1].isupper() or re.search(r"\d", group):
            break  # "(No. 190)" or an unbalanced group is part of the text, not a State
        if group.isupper() and not country_named(group):
            break  # an acronym the text introduces ("(ICRMW)"), not a State
        actors.insert(0, re.sub(r"\s*,\s*", ", ", group))
        rest = rest[:start].rstrip()
    return ", ".join(actors)
