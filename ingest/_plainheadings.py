"""Headings of plain text (a .txt file, a DOCX without heading styles), which no reader has marked: found by
their shape, and placed in the outline by their label, the contents list, or their kind. Used by ingest.structure.

- "Chapter 7: ...", "Section 1.", "II. ...", "A. ...", "a. ..." and indented "1. ..." are labelled headings;
  "1.1. Institutional care" is a numbered title (it may wrap over short lower-case lines);
- a short title-like line without final punctuation, set off from the text before it, is a plain heading: a
  contents entry is a main heading (under the current numbered section, if any); another title sits under the
  current main heading; in hard-wrapped text, a short line ending with a colon over a list is that list's caption.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest import _layout as L
from ingest import _patterns as P


@dataclass
class PlainHeadings:
    """The heading rules for one document's lines."""

    lines: list[L.Line]
    wrapped: bool
    wrap_width: int
    heading_limit: int
    toc: set[str]
    newsletter: bool
    front_end: int

    def numbered_title(self, i: int) -> bool:
        """A short numbered line without final punctuation standing alone: a title, not a paragraph."""
        text = self.lines[i].text
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if len(text) > self.heading_limit or len(text.split()) > 10 or not re.match(r"^\d+(?:\.\d+)*\.\d*\s+\S", text):
            return False
        if text[-1] in ".,;:)" or L.NOTE_MARK_END.search(text):
            return False
        if nxt is None or nxt.break_before or nxt.text[:1].isupper() \
                or bool(L.PARA_NUMBER.match(nxt.text) or L.REC_NUMBER.match(nxt.text)):
            return True
        return self.title_end(i) > i + 1  # a title wrapped in short lines ("2.1. Demographic characteristics")

    def title_end(self, i: int) -> int:
        """The index after a numbered title's last line: it goes on over short lower-case lines without final
        punctuation up to a blank line (the index i + 1 when it does not)."""
        end = i + 1
        while end < len(self.lines) and end - i <= 3:
            line = self.lines[end]
            if line.break_before or len(line.text) > 0.6 * self.wrap_width or not line.text[:1].islower() \
                    or line.text[-1:] in ".;:":
                break
            end += 1
        ends_block = end >= len(self.lines) or self.lines[end].break_before
        return end if ends_block else i + 1

    def find(self, i: int, headings: dict[int, str], caption: bool,
             at_boundary: Callable[[int], bool]) -> tuple[int, str, int] | None:
        """(level, title, next index) when line i starts a heading of plain text."""
        line = self.lines[i]
        text = line.text
        labelled = L.labelled_heading(text, line.indented)
        if labelled is None and self.numbered_title(i):
            labelled = L.number_depth(text)
            end = self.title_end(i)
            if end > i + 1:
                return labelled, " ".join(ln.text for ln in self.lines[i:end]), end
        if labelled is not None and len(text) <= 150 and not text.endswith("."):
            level = labelled
            end = i + 1
            while end < len(self.lines) and self._goes_on(text, line.indented, self.lines[end]):
                text = f"{text} {self.lines[end].text}"
                end += 1
            return level, text, end
        if i + 1 >= len(self.lines) or not self._plain(i, at_boundary):
            return None
        if self.newsletter and i >= self.front_end and not self._plain(i + 1, at_boundary):
            return L.LEVEL_LETTER, text, i + 1  # an article title: a heading followed by body
        if self.newsletter and i < self.front_end:
            if len(text.split()) > 8:
                return None  # a masthead's description ("The monthly newsletter by ...") is a paragraph
            return L.MASTHEAD, text, i + 1  # a masthead line ("Newsletter #25 May 5, 2022"): no heading of text
        if self.newsletter:
            return L.LEVEL_TOP, text, i + 1
        return self.level(text, headings, caption), text, i + 1

    def level(self, text: str, headings: dict[int, str], caption: bool) -> int:
        """An unlabelled heading of plain text: a contents entry is a main heading (under the current numbered
        section, if any); another title sits under the current main heading; a caption ending with a colon
        sits under that."""
        numbered = [lvl for lvl, h in headings.items() if L.is_labelled(h) and not L.PART_LABEL.match(h)]
        base = max(numbered) + 1 if numbered else 0
        if L.key(text) in self.toc:
            return base
        if text.rstrip().endswith(":"):  # a list caption: under the current heading, beside a caption before it
            if caption:
                return max(headings)
            return max(headings, default=base - 1) + 1 if headings else base
        mains = [lvl for lvl, h in headings.items() if L.key(h) in self.toc or lvl < base]
        return (max(mains) + 1) if mains else base  # without contents or numbers, titles are siblings

    def _goes_on(self, heading: str, indented: bool, nxt: L.Line) -> bool:
        """A wrapped heading continues on an unindented, unnumbered next line."""
        if nxt.break_before or nxt.indented or L.PARA_NUMBER.match(nxt.text) or L.REC_NUMBER.match(nxt.text):
            return False
        if L.labelled_heading(nxt.text, False) is not None or L.LETTERED.match(nxt.text):
            return False
        if nxt.text[:1].islower() or L.CONNECTOR_END.search(heading):
            return True
        if indented and not L.SENTENCE_END.search(nxt.text):
            return True  # pypdf indents only a heading's first line
        return False

    def _plain(self, i: int, at_boundary: Callable[[int], bool]) -> bool:
        """A short, title-like line without final punctuation, set off from the text before it."""
        if i >= len(self.lines):
            return False
        line, nxt = self.lines[i], self.lines[i + 1] if i + 1 < len(self.lines) else None
        text = line.text
        limit = self.heading_limit if self.wrapped else 160
        if not (2 <= len(text) <= limit and (text[0].isupper() or text[0].isdigit())):
            return False
        if not re.search(r"[^\W\d_]{3}", text):
            return False  # "27", "2019": a table's cells, not a title
        following = self.lines[i + 1:i + 3]
        # A short line ending with a colon over a list is the list's caption in hard-wrapped text; in web text
        # it is the sentence leading into the list.
        caption = self.wrapped and text.endswith(":") and len(text.split()) <= 10 \
            and any(P.BULLET.match(ln.text) for ln in following)
        if (text[-1] in ".,;:" and not caption) or L.NOTE_MARK_END.search(text) or P.BULLET.match(text):
            return False
        if not self.wrapped:
            return nxt is None or not (nxt.text[:1].islower() and not nxt.break_before)
        if len(text.split()) > 14 or L.CONNECTOR_END.search(text) or re.search(r"[a-z]\. [A-Z]", text):
            return False  # a wrapped sentence, not a title
        if nxt and nxt.text[:1].islower() and not nxt.break_before:
            return False
        return at_boundary(i) or caption
