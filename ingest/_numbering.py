"""A document's own paragraph numbers: which number may come next (ingest.structure asks before it accepts one).

Wrong numbers are the worst failure for citations, so an own number is accepted only when it continues the
sequence: the next number, or a small gap at a layout boundary; "140.2" after "140.1"; items 1., 2., ... under
paragraph 111 (no heading between) as 111.1, 111.2; and numbers a combined answer took ("77., 78., 82.") are
skipped when counting the gap to the next.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_GAP = 3  # a skipped own number is accepted only at a boundary, and by at most this gap


@dataclass
class Numbering:
    """The sequence so far: the last own number (major, minor), an open sub-list, and the numbers taken."""

    last: tuple[int, int] | None = None
    sublist: tuple[int, int] | None = None  # (parent paragraph, last item) of a list under a paragraph
    used: set[int] = field(default_factory=set)

    def accepts(self, major: int, minor: int, boundary: bool) -> bool:
        """Whether major(.minor) is the next own number: +1 always, a small gap only at a boundary."""
        if self.last is None:  # the first own number: at a layout boundary, or "1." anywhere
            return boundary or (major == 1 and not minor)
        last_major, last_minor = self.last
        if self.sublist:
            last_major, last_minor = self.sublist[0], 0
        if minor:  # 140.1 follows paragraph 140, 140.2 follows 140.1
            step = minor - last_minor if major == last_major else 0
        else:  # numbers a combined answer took are skipped: 88 follows 84 when 85-87 were answered with 77
            step = sum(1 for n in range(last_major + 1, major + 1) if n not in self.used) if major > last_major else 0
        return step == 1 or (boundary and 1 < step <= MAX_GAP)

    def take(self, major: int, minor: int = 0) -> None:
        """Record an accepted own number."""
        self.last, self.sublist = (major, minor), None

    def sublist_item(self, n: int, parent: str | None) -> str | None:
        """The number of item n. of a list under the open paragraph parent ("111" -> "111.1"), or None when n.
        does not continue such a list (or start one at 1 right under the last own paragraph)."""
        if self.last is None or self.last[1]:
            return None
        if self.sublist is None:
            if n != 1 or parent != str(self.last[0]):
                return None
            self.sublist = (self.last[0], 0)
        if n != self.sublist[1] + 1 and not (self.sublist[1] and n == self.sublist[1] + 2):
            return None
        self.sublist = (self.sublist[0], n)
        return f"{self.sublist[0]}.{n}"

    def answered(self, numbers: list[int], goes_on: int) -> None:
        """A combined answer took these paragraph numbers; the sequence goes on from goes_on."""
        self.last, self.sublist = (goes_on, 0), None
        self.used.update(numbers)

    def end_list(self) -> None:
        """A heading ends any list under a paragraph."""
        self.sublist = None
