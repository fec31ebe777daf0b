"""Split cleaned pages into paragraphs carrying their citation data.

A paragraph gets the document's own number when it has one ("246", "140.18", "(g)") and a
positional number otherwise; wrong numbers are the worst failure for citations, so an own number
is only accepted when it continues the document's sequence (see `_Splitter._accepts`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest import _layout as L
from ingest import _patterns as P
from ingest.types import Page, Paragraph

_MAX_GAP = 3  # a skipped own number is accepted only at a sentence boundary, and by at most this gap


@dataclass
class _Open:
    """The paragraph being built."""

    number: str
    numbered: bool
    page: int | None
    headings: tuple[str, ...]
    chapter: str
    article: tuple[str, int]
    parts: list[str] = field(default_factory=list)
    takes_items: bool = False  # an own-numbered paragraph owns its "(a)" items


def split_paragraphs(pages: Sequence[Page]) -> list[Paragraph]:
    """Split cleaned pages into numbered, headed, classified paragraphs.

    Args:
        pages: the document's pages in order, text already passed through ingest.clean.clean_text;
            Page.number is the 1-based PDF page or None.

    Returns:
        Paragraphs in reading order. Own numbers ("246", "140.18", "(g)") have numbered=True;
        other paragraphs are numbered "1", "2", ... within the document (within the article for
        newsletters). Headings are not paragraphs; they fill heading_path, chapter and
        section_kind. Newsletters (a masthead line says "newsletter") are split into articles.
    """
    lines = L.lines_of(pages)
    return _chapeaus_are_not_recommendations(_Splitter(lines).run()) if lines else []


def _chapeaus_are_not_recommendations(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """In a UN list of recommendations ("140.1" ... "140.254"), the plain-numbered paragraphs under the same
    heading are its chapeau ("The following recommendations will be examined ...") and closing note, not
    recommendations."""
    if not any(p.section_kind == "recommendation" and "." in p.number for p in paragraphs):
        return paragraphs
    return [_with_kind(p, "other") if p.section_kind == "recommendation" and p.numbered and p.number.isdigit()
            else p for p in paragraphs]


class _Splitter:
    """One pass over the lines; state is the open paragraph, the heading stack and the sequence."""

    def __init__(self, lines: list[L.Line]):
        self.lines = lines
        self.wrapped = L.is_wrapped(lines)
        self.wrap_width = L.wrap_width(lines)
        self.heading_limit = min(110, int(0.75 * self.wrap_width))
        self.front_end = L.front_matter_end(lines)
        self.newsletter = self.front_end > 0
        self.out: list[Paragraph] = []
        self.open: _Open | None = None
        self.headings: dict[int, str] = {}
        self.chapter = ""
        self.article: tuple[str, int] = ("", 0)
        self.positional = 0
        self.last: tuple[int, int] | None = None  # last own number and last recommendation minor
        self.after_heading = True

    def run(self) -> list[Paragraph]:
        """Classify every line, then give unheaded paragraphs the document's default kind."""
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._flush()
        default = "finding" if any(p.numbered for p in self.out) else "news" if not self.wrapped else "other"
        return [p if p.section_kind else _with_kind(p, default) for p in self.out]

    def _step(self, i: int) -> int:
        """Handle line i; returns the index of the next unhandled line."""
        line = self.lines[i]
        text = line.text
        if not line.indented and self._own_number(line, i):
            return i + 1
        lettered = L.LETTERED.match(text)
        if lettered and not (self.open and self.open.takes_items and not self.after_heading):
            self._start(f"({lettered.group(1)})", True, line, lettered.group(2))
            return i + 1
        heading = self._heading(i)
        if heading:
            level, label, title, end = heading
            self._set_heading(level, label, title)
            return end
        if self.open and self._continues(line):
            self.open.parts.append(text)
        else:
            self.positional += 1
            self._start(str(self.positional), False, line, text)
        return i + 1

    def _own_number(self, line: L.Line, i: int) -> bool:
        """Start a paragraph at a recommendation or paragraph number that continues the sequence."""
        rec, para = L.REC_NUMBER.match(line.text), L.PARA_NUMBER.match(line.text)
        if self._numbered_title(i):
            return False  # "2.1 Care for the elderly": a contents entry or heading, not a paragraph
        boundary = self._at_boundary(i)
        if rec and self._accepts(int(rec.group(1)), int(rec.group(2)), boundary):
            self.last = (int(rec.group(1)), int(rec.group(2)))
            self._start(f"{rec.group(1)}.{rec.group(2)}", True, line, rec.group(3))
        elif para and self._accepts(int(para.group(1)), 0, boundary):
            self.last = (int(para.group(1)), 0)
            self._start(para.group(1), True, line, para.group(2) or "")
            self.open.takes_items = True
        else:
            return False
        return True

    def _numbered_title(self, i: int) -> bool:
        """A short numbered line without final punctuation standing alone: a title, not a paragraph."""
        text = self.lines[i].text
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if len(text) > self.heading_limit or len(text.split()) > 10 or not re.match(r"^[\d.]+\s+\S", text):
            return False
        if text[-1] in ".,;:)" or L.NOTE_MARK_END.search(text):
            return False
        return nxt is None or nxt.break_before or bool(L.PARA_NUMBER.match(nxt.text) or L.REC_NUMBER.match(nxt.text))

    def _accepts(self, major: int, minor: int, boundary: bool) -> bool:
        """Whether major(.minor) is the next own number: +1 always, a small gap only at a boundary."""
        if self.last is None:  # the first own number: at a layout boundary, or "1." anywhere
            return boundary or (major == 1 and not minor)
        last_major, last_minor = self.last
        if minor:  # 140.1 follows paragraph 140, 140.2 follows 140.1
            step = minor - last_minor if major == last_major else 0
        else:
            step = major - last_major
        return step == 1 or (boundary and 1 < step <= _MAX_GAP)

    def _at_boundary(self, i: int) -> bool:
        """Line i starts a paragraph by layout: after a blank, a heading or a finished sentence."""
        line = self.lines[i]
        if i == 0 or line.break_before or self.after_heading or self.open is None:
            return True
        return bool(L.SENTENCE_END.search(self.lines[i - 1].text))

    def _heading(self, i: int) -> tuple[int, str, str, int] | None:
        """(level, chapter label, title, next index) when line i starts a heading."""
        line = self.lines[i]
        text = line.text
        labelled = L.labelled_heading(text, line.indented)
        if labelled and len(text) <= 150 and not text.endswith("."):
            level, label = labelled
            end = i + 1
            while end < len(self.lines) and self._heading_goes_on(text, line.indented, self.lines[end]):
                text = f"{text} {self.lines[end].text}"
                end += 1
            return level, label, text, end
        if i + 1 >= len(self.lines) or not self._plain_heading(i):
            return None
        if self.newsletter and i >= self.front_end and not self._plain_heading(i + 1):
            return L.LEVEL_LETTER, "", text, i + 1  # an article title: a heading followed by body
        return (L.LEVEL_TOP if self.newsletter else L.LEVEL_PLAIN), "", text, i + 1

    def _heading_goes_on(self, heading: str, indented: bool, nxt: L.Line) -> bool:
        """A wrapped heading continues on an unindented, unnumbered next line."""
        if nxt.break_before or nxt.indented or L.PARA_NUMBER.match(nxt.text) or L.REC_NUMBER.match(nxt.text):
            return False
        if L.labelled_heading(nxt.text, False) or L.LETTERED.match(nxt.text):
            return False
        if nxt.text[:1].islower() or L.CONNECTOR_END.search(heading):
            return True
        return indented and not L.SENTENCE_END.search(nxt.text)  # pypdf indents only a heading's first line

    def _plain_heading(self, i: int) -> bool:
        """A short, title-like line without final punctuation, set off from the text before it."""
        if i >= len(self.lines):
            return False
        line, nxt = self.lines[i], self.lines[i + 1] if i + 1 < len(self.lines) else None
        text = line.text
        limit = self.heading_limit if self.wrapped else 160
        if not (2 <= len(text) <= limit and (text[0].isupper() or text[0].isdigit())):
            return False
        if text[-1] in ".,;:" or L.NOTE_MARK_END.search(text) or P.BULLET.match(text):
            return False
        if not self.wrapped:
            return nxt is None or not (nxt.text[:1].islower() and not nxt.break_before)
        if len(text.split()) > 14 or L.CONNECTOR_END.search(text) or re.search(r"[a-z]\. [A-Z]", text):
            return False  # a wrapped sentence, not a title
        if nxt and nxt.text[:1].islower() and not nxt.break_before:
            return False
        return self._at_boundary(i)

    def _set_heading(self, level: int, label: str, title: str) -> None:
        """Close the open paragraph and put title at its level, dropping deeper headings."""
        self._flush()
        self.headings = {lvl: h for lvl, h in self.headings.items() if lvl < level}
        self.headings[level] = title
        if level == L.LEVEL_TOP:
            self.chapter = label
        if self.newsletter and level == L.LEVEL_LETTER:
            if self.article[1] == 0:
                self.headings = {level: title}  # masthead lines are no rubric of the first article
            self.article = (title, self.article[1] + 1)
            self.positional = 0
        self.after_heading = True

    def _continues(self, line: L.Line) -> bool:
        """Whether a plain line belongs to the open paragraph."""
        text, parts = line.text, self.open.parts
        if not parts:
            return True  # "246." alone on its line: the text follows
        bullet = P.BULLET.match(text) is not None
        if line.break_before:  # a list continues its lead-in ("... focused on:") across a blank line
            return bullet and (parts[-1].endswith(":") or P.BULLET.match(parts[-1]) is not None)
        if self.wrapped and not self.open.numbered and not bullet and L.SENTENCE_END.search(parts[-1]):
            # Unnumbered wrapped text has no blank lines to rely on: a short line ending a
            # sentence is the last line of its paragraph.
            return len(parts[-1]) >= 0.8 * self.wrap_width or text[:1].islower()
        return self.wrapped or text[:1].islower() or bullet

    def _start(self, number: str, numbered: bool, line: L.Line, text: str) -> None:
        """Close the open paragraph and open a new one at line."""
        self._flush()
        headings = tuple(self.headings[level] for level in sorted(self.headings))
        self.open = _Open(number, numbered, line.page, headings, self.chapter, self.article)
        if text:
            self.open.parts.append(text)
        self.after_heading = False

    def _flush(self) -> None:
        """Emit the open paragraph, if it has any text."""
        para, self.open = self.open, None
        if para is None or not para.parts:
            return
        text = L.join_parts(para.parts)
        in_front = self.newsletter and para.article[1] == 0
        kind = "news" if self.newsletter else L.heading_kind(para.headings)
        if "." in para.number and L.actor_of(text):
            kind = "recommendation"  # "140.18 ... (Algeria);" names its recommending State
        self.out.append(
            Paragraph(
                text=text,
                number=para.number,
                numbered=para.numbered,
                heading_path=para.headings,
                chapter=para.chapter,
                section_kind="other" if in_front else kind,
                page=para.page,
                article_title=para.article[0],
                article_index=para.article[1],
                actor=L.actor_of(text) if kind == "recommendation" and para.numbered else "",
            )
        )




def _with_kind(paragraph: Paragraph, kind: str) -> Paragraph:
    """A copy of paragraph with section_kind set."""
    return replace(paragraph, section_kind=kind)
