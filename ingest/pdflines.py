"""PDF pages as visual lines: the characters pdfium reports, grouped into lines with their geometry and style.

Pure. ingest.readers extracts characters with pypdfium2; ingest.pdflayout decides what each line is.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

EMPHASIS = 1.12  # a line this much larger than the body font is emphasised even in the body's font
OTHER_FONT = 0.75  # a line in another font than the body's is emphasised from this share of its size (small caps)

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PdfPage:
    """One page as pdfium reports it.

    Attributes:
        number: 1-based page number.
        width / height: page size in PDF units.
        text: the page's characters in content order; "\\r\\n" where pdfium ends a line.
        boxes: one (left, bottom, right, top) loose box per character of text; all zero for whitespace, which
            nothing measures (a line's geometry and font come from its ink).
        fonts: one font id per character of text, -1 for whitespace (equal ids: the same font object; pdfium's
            font weights are not reliable enough to tell bold from regular in every file, distinct fonts are).
    """

    number: int
    width: float
    height: float
    text: str
    boxes: Sequence[tuple[float, float, float, float]]
    fonts: Sequence[int]
    italic: frozenset[int] = frozenset()  # the font ids that are italic (a heading in italics ranks below upright)


class _Geometry(NamedTuple):
    """What Line._measured computes from a line's characters, and the state of chars it was computed for."""

    key: tuple[int, int]  # id and length of chars
    text: str
    ink: list[tuple[str, tuple[float, float, float, float], int]]
    height: float  # median height of the letters and digits
    bottom: float  # median baseline of the full-height characters
    left: float
    right: float
    font: int
    ink_low: float  # lowest and highest ink, descenders and raised marks included
    ink_high: float


@dataclass
class Line:
    """A visual line: its characters (text + boxes) and derived style."""

    page: int
    chars: list[tuple[str, tuple[float, float, float, float], int]] = field(default_factory=list)
    kind: str = "body"  # body, furniture, footnote, heading
    level: int = 0

    _geometry: _Geometry | None = field(default=None, repr=False, compare=False)  # see _measured

    def _measured(self) -> _Geometry:
        """The line's text and geometry, computed once per state of chars: lines are measured hundreds of
        thousands of times while a PDF is laid out (that was most of parsing), and chars only ever grow or are
        replaced, so its identity and length say whether it changed."""
        key = (id(self.chars), len(self.chars))
        if self._geometry is None or self._geometry.key != key:
            text = _SPACES.sub(" ", "".join(c for c, _, _ in self.chars)).strip()
            ink = [c for c in self.chars if not c[0].isspace()]
            heights = [b[3] - b[1] for c, b, _ in ink if c.isalnum()] or [b[3] - b[1] for _, b, _ in ink]
            h = statistics.median(heights) if heights else 0.0
            lows = [b[1] for _, b, _ in ink if b[3] - b[1] >= 0.9 * h] or [b[1] for _, b, _ in ink]
            letters = [f for c, _, f in ink if c.isalpha()] or [f for _, _, f in ink]
            self._geometry = _Geometry(
                key, text, ink, h, statistics.median(lows) if lows else 0.0,
                min((b[0] for _, b, _ in ink), default=0.0), max((b[2] for _, b, _ in ink), default=0.0),
                Counter(letters).most_common(1)[0][0] if letters else -1,
                min((b[1] for _, b, _ in ink), default=0.0), max((b[3] for _, b, _ in ink), default=0.0))
        return self._geometry

    @property
    def text(self) -> str:
        return self._measured().text

    @property
    def ink(self) -> list[tuple[str, tuple[float, float, float, float], int]]:
        return self._measured().ink

    @property
    def height(self) -> float:
        return self._measured().height

    @property
    def bottom(self) -> float:
        return self._measured().bottom

    @property
    def top(self) -> float:
        return self.bottom + self.height

    @property
    def left(self) -> float:
        return self._measured().left

    @property
    def right(self) -> float:
        return self._measured().right

    @property
    def middle(self) -> float:
        """The vertical middle of the line's ink, descenders and raised marks included."""
        geometry = self._measured()
        return (geometry.ink_low + geometry.ink_high) / 2

    @cached_property
    def gapped(self) -> bool:
        """Characters far apart on the line (more than 2.5 line heights): the cells of a table row."""
        boxes = sorted(b for _, b, _ in self.ink)
        gap = 2.5 * self.height  # once: the height is a median over the line's characters
        return any(nxt[0] - box[2] > gap for box, nxt in zip(boxes, boxes[1:]))

    @property
    def font(self) -> int:
        """The most common font among the line's letters (-1: no ink)."""
        return self._measured().font


@dataclass(frozen=True)
class Body:
    """The body text's style: line height and font (the most common by characters)."""

    height: float
    font: int

    def emphasised(self, line: Line) -> bool:
        """Set off from the body: another font (bold, italic, a heading face) or a larger size."""
        return line.height >= EMPHASIS * self.height or (line.font != self.font
                                                          and line.height >= OTHER_FONT * self.height)


def lines_of(page: PdfPage) -> list[Line]:
    """Visual lines in content order; pieces pdfium split off a line (a raised note marker and the rest of the line
    after it) are joined back when they sit on the same baseline band to the right."""
    pieces: list[Line] = []
    current = Line(page.number)
    for ch, box, font in zip(page.text, page.boxes, page.fonts):
        if ch == "\ufffe":  # pdfium's mark for a word hyphenated at a line end: keep the hyphen, end the line
            current.chars.append(("-", box, font))
            ch = "\n"
        if ch in "\r\n":
            if current.text:
                pieces.append(current)
            current = Line(page.number)
            continue
        current.chars.append((ch, box, font))
    if current.text:
        pieces.append(current)
    lines: list[Line] = []
    for piece in pieces:
        # The line this piece was split from: the last one, or (a table's next cell, which PDFs often store
        # after the wrapped lines of the cell before it) one of the two before, on the same baseline band.
        host = next((ln for ln in reversed(lines[-3:]) if _same_band(ln, piece) and piece.left >= ln.right - 1.0),
                    None)
        if host is not None:
            gap = piece.left - host.right
            if not host.chars[-1][0].isspace() and gap > 0.15 * host.height:
                host.chars.append((" ", host.chars[-1][1], host.chars[-1][2]))
            host.chars.extend(piece.chars)
        else:
            lines.append(piece)
    return lines


def _same_band(line: Line, piece: Line) -> bool:
    """Whether piece's vertical middle lies inside line's band (the line it was split from)."""
    middle = piece.middle
    return line.bottom - 0.1 * line.height <= middle <= line.top + 0.1 * line.height


def body_style(lines: Sequence[Line]) -> Body:
    """The most common (height, font) by characters."""
    counts: Counter = Counter()
    for line in lines:
        counts[(round(line.height * 2) / 2, line.font)] += len(line.ink)
    (height, font), _ = counts.most_common(1)[0]
    return Body(height or 1.0, font)


def strip_marks(text: str) -> str:
    """A heading or title without its trailing note markers ("Review*", "recommendations**")."""
    return re.sub(r"[*†‡]+$", "", text.strip()).strip()




def same_style(a: Line, b: Line) -> bool:
    return a.font == b.font and abs(a.height - b.height) <= 0.08 * max(a.height, b.height)
