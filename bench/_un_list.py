"""OHCHR's thematic list of a UPR cycle's recommendations (a DOCX table), read as the UN's own labels.

Each row of the table's first column is "115.1 Take further steps ... (Croatia); Source of position:
A/HRC/28/15/Add.1 - Para. 3"; the second the position ("Supported" / "Noted"); the third the UHRI themes, one per
line, then "Affected persons:" and one "- label" per line. Rows "Theme: ..." head the table's sections and are not
recommendations. Shared by bench/recommendations.py and the tests that check the explorer against the UN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_NUMBER = re.compile(r"^\s*(\d+\.\d+)\s+(.*)$", re.S)
_SOURCE = re.compile(r"Source of position:\s*(.*)$", re.S)


@dataclass(frozen=True)
class UNRecommendation:
    """One recommendation as the UN lists it."""

    number: str  # "115.1"
    text: str  # without the "Source of position" line
    position: str  # "supported" / "noted" (lower case)
    themes: tuple[str, ...]  # "A12 Acceptance of international norms", ...
    persons: tuple[str, ...]  # "children", "general", ... (lower case)
    position_source: str  # "A/HRC/28/15/Add.1 - Para. 3"


def read_un_list(path: Path) -> dict[str, UNRecommendation]:
    """Number -> UNRecommendation for every recommendation row of the DOCX's first table."""
    import docx

    table = docx.Document(str(path)).tables[0]
    out: dict[str, UNRecommendation] = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        match = _NUMBER.match(cells[0])
        if cells[0].startswith("Theme:") or not match:
            continue
        body, _, source = match.group(2).partition("Source of position:")
        themes_part, _, persons_part = cells[2].partition("Affected persons:")
        out[match.group(1)] = UNRecommendation(
            number=match.group(1), text=" ".join(body.split()), position=cells[1].strip().lower(),
            themes=tuple(t.strip() for t in themes_part.splitlines() if t.strip()),
            persons=tuple(p.strip(" -").lower() for p in persons_part.splitlines() if p.strip(" -")),
            position_source=" ".join(source.split()))
    return out


def code_of(theme: str) -> str:
    """"A45 National Human Rights Institution (NHRI)" -> "A45"."""
    return theme.split()[0] if theme.split() else ""
