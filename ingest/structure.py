"""Split cleaned pages into paragraphs carrying their citation data.

Input is light Markdown (ingest.readers): headings the reader knows of come as "## Title" lines, blocks are
separated by blank lines, table rows come as "| a | b |". Plain text files have no such marks; their headings are
found by shape (short title-like lines, labelled "Section 1." / "II." / "A." / "1.1." titles).

A paragraph gets the document's own number when it has one ("246", "140.18", "(g)", a views document's
"140.82-85, 87") and a positional number otherwise; wrong numbers are the worst failure for citations, so an own
number is only accepted when it continues the document's sequence (see `_Splitter._accepts`). A list numbered
1., 2., ... right after paragraph 111 under the same heading is that paragraph's items: 111.1, 111.2, ...
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest import _layout as L
from ingest import _patterns as P
from ingest._numbering import Numbering
from ingest._paragraphs import WORDLESS, chapeaus_are_not_recommendations, figures_joined
from ingest._plainheadings import PlainHeadings
from ingest.types import Page, Paragraph


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
    row: bool = False  # a table row is a paragraph of its own
    item: str = ""  # for a table row, its first cell's first line: where a recommending State is named
    header: bool = False  # the first row of a table: column names


def split_paragraphs(pages: Sequence[Page], explicit_headings: bool = False, default_kind: str = "",
                     title: str = "") -> list[Paragraph]:
    """Split cleaned pages into numbered, headed, classified paragraphs.

    Args:
        pages: the document's pages in order, text already passed through ingest.clean.clean_text;
            Page.number is the 1-based PDF page or None.
        explicit_headings: the reader marks every heading ("#" lines: PDF, Markdown, HTML); no other line is
            taken for one.
        default_kind: the section kind of paragraphs no heading classifies ("" = "finding" in a document
            with numbered paragraphs, "news" for web text, "other" otherwise; a record of proceedings passes
            "other").
        title: the document's title; a heading equal to it starts the heading paths (a site name printed above
            a web page's headline is not a heading of its text).

    Returns:
        Paragraphs in reading order. Own numbers have numbered=True; other paragraphs are numbered "1", "2", ...
        within the document (within the article for newsletters). Headings are not paragraphs; they fill
        heading_path, chapter and section_kind. Newsletters (a masthead line says "newsletter") are split into
        articles.
    """
    lines = L.lines_of(pages)
    if not lines:
        return []
    paragraphs = _Splitter(lines, explicit_headings, L.key(title), default_kind).run()
    return chapeaus_are_not_recommendations(paragraphs)


class _Splitter:
    """One pass over the lines; state is the open paragraph, the heading stack and the sequence."""

    def __init__(self, lines: list[L.Line], explicit: bool, title_key: str = "", default_kind: str = ""):
        self.lines = lines
        self.title_key = title_key
        self.default_kind = default_kind
        self.explicit = explicit
        self.wrapped = L.is_wrapped(lines)
        self.wrap_width = L.wrap_width(lines)
        self.heading_limit = min(110, int(0.75 * self.wrap_width))
        self.front_end = 0 if explicit else L.front_matter_end(lines)
        self.newsletter = self.front_end > 0
        self.toc = L.contents_entries(lines) if not explicit else set()
        self.plain = PlainHeadings(lines, self.wrapped, self.wrap_width, self.heading_limit, self.toc,
                                   self.newsletter, self.front_end)
        self.out: list[Paragraph] = []
        self.open: _Open | None = None
        self.headings: dict[int, str] = {}
        self.chapter = ""
        self.article: tuple[str, int] = ("", 0)
        self.positional = 0
        self.numbers = Numbering()
        self.after_heading = True
        self.caption = False  # the innermost heading is a list caption: each bullet under it is an item
        self.in_table = False
        self.chapter_level = -1  # the level of the heading that set the chapter

    def run(self) -> list[Paragraph]:
        """Classify every line, then give unheaded paragraphs the document's default kind."""
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._flush()
        default = self.default_kind or ("finding" if any(p.numbered for p in self.out)
                                   else "news" if not self.wrapped else "other")
        paragraphs = figures_joined(self.out)
        return [p if p.section_kind else replace(p, section_kind=default) for p in paragraphs]

    def _step(self, i: int) -> int:
        """Handle line i; returns the index of the next unhandled line."""
        line = self.lines[i]
        text = line.text
        if line.toc:
            return i + 1
        marked = L.MARKED_HEADING.match(text)
        if marked:
            self._set_heading(self._marked_level(len(marked.group(1)), marked.group(2)), text=marked.group(2))
            return i + 1
        if L.TABLE_ROW.match(text):
            self._row(line)
            self.in_table = True
            return i + 1
        self.in_table = False
        if self._views_label(i):
            return i + 1
        if self._own_number(line, i):
            return i + 1
        lettered = L.LETTERED.match(text)
        new_page = i > 0 and line.page != self.lines[i - 1].page
        in_item_list = self.open and self.open.takes_items and not self.after_heading
        if lettered and (line.break_before or new_page or not in_item_list):
            self._start(f"({lettered.group(1)})", True, line, lettered.group(2))
            return i + 1
        heading = None if self.explicit else self.plain.find(i, self.headings, self.caption, self._at_boundary)
        if heading:
            level, title, end = heading
            self._set_heading(level, text=title)
            return end
        if self.open and not self.open.row and self._continues(line):
            self.open.parts.append(text)
        else:
            if self.caption and not P.BULLET.match(text):  # the captioned list is over
                self.headings.pop(max(self.headings))
                self.caption = False
            self.positional += 1
            self._start(str(self.positional), False, line, text)
        return i + 1

    def _marked_level(self, depth: int, title: str) -> int:
        """The level of a "#" heading: its depth, except that a numbered heading ("1. Views expressed ...") set in
        the same style as an unnumbered one open above it ("Italy") sits under it."""
        level = 2 * (depth - 1)
        open_here = self.headings.get(level)
        if open_here is not None and L.number_depth(title) != L.LEVEL_PLAIN and not L.is_labelled(open_here):
            return level + 1
        if level + 1 in self.headings and L.number_depth(title) != L.LEVEL_PLAIN:
            return level + 1  # the next numbered heading under the same unnumbered one
        return level

    def _row(self, line: L.Line) -> None:
        """A table row is one paragraph; a first cell opening with an own number gives it its number."""
        cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
        first = cells[0] if cells else ""
        own = L.REC_NUMBER.match(first) or L.PARA_NUMBER.match(first)
        rest = " | ".join(c for c in cells[1:] if c and c != "/")
        if own and own.lastindex and own.lastindex >= 2 and L.REC_NUMBER.match(first):
            number, body = f"{own.group(1)}.{own.group(2)}", own.group(3)
        elif own and L.PARA_NUMBER.match(first) and own.group(2):
            number, body = own.group(1), own.group(2)
        else:
            number, body = "", first
        body = " | ".join(b for b in (body, rest) if b)
        if number:
            self._start(number, True, line, body)
        else:
            self.positional += 1
            self._start(str(self.positional), False, line, body)
        assert self.open is not None  # _start opened it
        self.open.row, self.open.item = True, first.split(" / ")[0]
        self.open.header = not self.in_table and all(len(c.split()) <= 8 for c in cells)
        self._flush()

    def _views_label(self, i: int) -> bool:
        """A State's views answer recommendations under labels naming them ("140.82-85, 87", "Rec. 18",
        "Recs. 6–13", "5., 6., 7."): the label is the number of the answer that follows. A list of numbers may
        wrap ("40., 41., 42.," / "43., 44."): the numbers opening the next line belong to it."""
        line = self.lines[i]
        text = line.text
        if self.default_kind != "response" and L.heading_kind(tuple(self.headings.values())) != "response":
            return False  # only a State's answers have labels naming the recommendations they answer
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        wrapped = L.LIST_NUMBERS.match(nxt.text) if nxt is not None and L.LIST_NUMBERS.match(text) else None
        if wrapped:
            first = L.LIST_NUMBERS.match(text)
            assert first is not None and nxt is not None  # both matched for `wrapped` to be set
            text = f"{first.group(0).strip()} {wrapped.group(0).strip()} {text[first.end():]}".strip()
            rest = nxt.raw.strip()[wrapped.end():].strip()
            if rest:
                nxt.raw = rest
            else:
                del self.lines[i + 1]
        label = L.views_label(text)
        if label is None or not (line.break_before or self.after_heading or self.open is None):
            return False
        number, body, goes_on = label
        self._start(number, True, line, body)
        if goes_on is not None:
            self.numbers.answered([int(n) for n in re.findall(r"\d+", number)], goes_on)
        return True

    def _own_number(self, line: L.Line, i: int) -> bool:
        """Start a paragraph at a recommendation or paragraph number that continues the sequence."""
        rec, para = L.REC_NUMBER.match(line.text), L.PARA_NUMBER.match(line.text)
        if rec and not WORDLESS.search(rec.group(3)):
            rec = None  # "3.2 1115.4": a chart's numbers, not recommendation 3.2
        if line.indented and not self.explicit:
            return False  # pypdf-style indentation of plain text marks a sub-heading, not a paragraph
        if not self.explicit and self.plain.numbered_title(i):
            return False  # "2.1 Care for the elderly": a contents entry or heading, not a paragraph
        boundary = self._at_boundary(i)
        item = None
        if para and boundary and not self.after_heading and self.open is not None and self.open.numbered:
            item = self.numbers.sublist_item(int(para.group(1)), self.open.number)
        if rec and self.numbers.accepts(int(rec.group(1)), int(rec.group(2)), boundary):
            self.numbers.take(int(rec.group(1)), int(rec.group(2)))
            self._start(f"{rec.group(1)}.{rec.group(2)}", True, line, rec.group(3))
        elif item:
            assert para is not None  # an item comes from a paragraph number
            self._start(item, True, line, para.group(2) or "")
        elif para and self.numbers.accepts(int(para.group(1)), 0, boundary):
            self.numbers.take(int(para.group(1)))
            self._start(para.group(1), True, line, para.group(2) or "")
            assert self.open is not None  # _start opened it
            self.open.takes_items = True
        else:
            return False
        return True

    def _at_boundary(self, i: int) -> bool:
        """Line i starts a paragraph by layout: after a blank, a heading or a finished sentence."""
        line = self.lines[i]
        if i == 0 or line.break_before or self.after_heading or self.open is None:
            return True
        ended = bool(L.SENTENCE_END.search(self.lines[i - 1].text))
        return ended and (not self.explicit or line.page != self.lines[i - 1].page)

    def _set_heading(self, level: int, text: str) -> None:
        """Close the open paragraph and put the heading at its level, dropping deeper headings."""
        self._flush()
        if level == L.MASTHEAD:
            self.after_heading = True
            return
        title = L.heading_text(text)
        label = L.chapter_label(title)
        if self.title_key and L.key(title) == self.title_key and not self.newsletter:
            # The document's own title is its name in every citation, not a heading of its text; what stands
            # above it (a site's name over a news headline) is the site's.
            self.headings, self.chapter, self.after_heading, self.caption = {}, label, True, False
            return
        self.headings = {lvl: h for lvl, h in self.headings.items() if lvl < level}
        self.headings[level] = title
        if level <= self.chapter_level or label:
            self.chapter, self.chapter_level = label, level if label else self.chapter_level
        if self.newsletter and level == L.LEVEL_LETTER:
            if self.article[1] == 0:
                self.headings = {level: title}  # masthead lines are no rubric of the first article
            self.article = (title, self.article[1] + 1)
            self.positional = 0
        self.after_heading = True
        self.numbers.end_list()
        self.caption = text.rstrip().endswith(":")

    def _continues(self, line: L.Line) -> bool:
        """Whether a plain line belongs to the open paragraph."""
        assert self.open is not None  # called only while a paragraph is open
        text, parts = line.text, self.open.parts
        if not parts:
            self.open.page = line.page  # "246." alone at a page's foot: the paragraph is where its text is
            return True
        bullet = P.BULLET.match(text) is not None
        if line.break_before:  # a web text's list continues its lead-in ("... focused on:") across a blank line;
            # in a PDF the blank line is a real gap between spaced items, each a paragraph
            led_in = parts[-1].endswith(":") or P.BULLET.match(parts[-1]) is not None
            joined = bullet and led_in and not self._captioned() and not self.explicit and not self.wrapped
            return joined or (text[:1].islower() and not bullet)
        if bullet and self._captioned():
            return False  # under a caption heading ("Gaps in the system:") every bullet is an item
        if self.wrapped and not self.open.numbered and not bullet and L.SENTENCE_END.search(parts[-1]):
            # Unnumbered wrapped text has no blank lines to rely on: a short line ending a
            # sentence is the last line of its paragraph.
            return len(parts[-1]) >= 0.8 * self.wrap_width or text[:1].islower()
        return self.wrapped or text[:1].islower() or bullet

    def _captioned(self) -> bool:
        """The innermost heading is a list caption ("Recommendations for covering childcare gaps:")."""
        return self.caption
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
        if para.header or L.ABOUT_ITSELF.match(text):
            kind = "other"  # a table's column names; "The present report ..." says what the document is
        item = para.item or text
        actor = L.actor_of(item) if para.numbered and re.fullmatch(r"\d+\.\d+", para.number) else ""
        if actor and kind != "response":
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
                actor=actor if kind == "recommendation" else "",
            )
        )
