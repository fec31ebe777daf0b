"""Line-level layout rules for ingest.structure: number and heading shapes, wrapping, joining.

Kept apart from the splitter's state machine so each rule can be read (and tested) on its own.
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from ingest import _patterns as P
from ingest.types import Page

PARA_NUMBER = re.compile(r"^(\d{1,4})\.(?:\s+(\S.*))?$")  # "246." or "246. Text", at column 0
REC_NUMBER = re.compile(r"^(\d{1,3})\.(\d{1,3})\s+(\S.*)$")  # "140.18 Ensure ...", at column 0
LETTERED = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s+(\S.*)$")
_CHAPTER = re.compile(r"^(?:chapter|part|section)\s+(\d{1,3}|[IVXLC]{1,6})\b[.:]?\s*(.*)$", re.IGNORECASE)
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_LETTER = re.compile(r"^([A-Ha-h])\.\s+([A-Z].*)$")
_SUBSECTION = re.compile(r"^(\d{1,2})\.\s+([A-Z].*)$")  # only when indented, else it is a paragraph
SENTENCE_END = re.compile(r"(?:[.:;!?”\"’)]|[.;:]\d{1,3})\s*$")
NOTE_MARK_END = re.compile(r"[^\W\d_)\]”’\"][.;:,]\d{1,3}$")  # "...Statelessness.24": a sentence and its note
CONNECTOR_END = re.compile(r"(?:,|\b(?:and|or|of|the|in|on|to|for|with|by|a|an))\s*$", re.IGNORECASE)
LEVEL_TOP, LEVEL_LETTER, LEVEL_SUB, LEVEL_PLAIN = range(4)  # heading depth: chapter, A., indented 1., plain


@dataclass
class Line:
    """One non-blank input line with its layout context."""

    raw: str
    page: int | None
    break_before: bool  # a blank line (or a dropped date line) precedes it

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def indented(self) -> bool:
        return self.raw[:1].isspace()


def lines_of(pages: Sequence[Page]) -> list[Line]:
    """Flatten pages into non-blank lines; page breaks are not paragraph breaks."""
    out: list[Line] = []
    pending_break = False
    for page in pages:
        for raw in page.text.split("\n"):
            if not raw.strip() or P.DATE_ONLY.match(raw):
                pending_break = True
                continue
            out.append(Line(raw.rstrip(), page.number, pending_break))
            pending_break = False
    return out


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


def labelled_heading(text: str, indented: bool) -> tuple[int, str] | None:
    """(level, chapter label) for "Chapter 7: ...", "II. ...", "A. ..." and indented "1. ..."."""
    chapter = _CHAPTER.match(text)
    if chapter:
        return LEVEL_TOP, chapter.group(1)
    if re.fullmatch(r"annex(?:\s+[IVX\d]+)?", text, re.IGNORECASE):
        return LEVEL_TOP, ""
    roman = _ROMAN.match(text)
    if roman:
        return LEVEL_TOP, roman.group(1)
    if _LETTER.match(text):
        return LEVEL_LETTER, ""
    if indented and _SUBSECTION.match(text):
        return LEVEL_SUB, ""
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


def heading_kind(headings: tuple[str, ...]) -> str:
    """The section kind of the innermost heading that the HEADING_KINDS table knows, else ""."""
    for heading in reversed(headings):
        for pattern, kind in P.HEADING_KINDS:
            if pattern.search(heading):
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
        actors.insert(0, group)
        rest = rest[:start].rstrip()
    return ", ".join(actors)
