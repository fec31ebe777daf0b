"""Recommendation items as CSV, XLSX, JSON and a terminal table, safe to open in a spreadsheet.

Spreadsheets turn "140.10" into the number 140.1 and run cells that start with = + - @ as formulas (formula
injection). So:
- XLSX (openpyxl): every cell is a text cell (type "s", number format "@"), numbers included; a value that would
  start like a formula gets a leading apostrophe, the OWASP neutralisation, and stays text;
- CSV: UTF-8 with a BOM (Excel then reads it as UTF-8); the number column is written ="140.10", the form Excel and
  LibreOffice read as the text 140.10 (a constant, not content from a document); every other value that would
  start like a formula gets the leading apostrophe. Programs that want the plain values should read the JSON.
- JSON: plain strings, nothing escaped or prefixed.
Control characters a spreadsheet or terminal would act on are never written raw.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

from assistant.recommendations.items import RecommendationItem

COLUMNS = ("number", "document", "label", "page", "State", "response", "reason", "themes", "groups", "text", "id",
           "warnings")
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and newlines are kept inside quoted cells
_NUMERIC = re.compile(r"^\d+(?:\.\d+)*$")
_SLUG = re.compile(r"[^a-z0-9]+")


def row(item: RecommendationItem) -> list[str]:
    """The item's values in COLUMNS order, as plain text (nothing neutralised yet)."""
    return [item.number, item.file_name, item.label, "" if item.page is None else str(item.page), item.actor,
            item.response_status, item.response_reason, "; ".join(t.label for t in item.themes),
            "; ".join(t.label for t in item.groups), item.text, item.id, "; ".join(item.warnings)]


def neutralised(value: str) -> str:
    """A cell value a spreadsheet shows as written: control characters dropped, a formula start quoted."""
    value = _CONTROL.sub("", value)
    return "'" + value if _FORMULA_START.match(value) else value


def to_csv(items: Sequence[RecommendationItem], bom: bool = True) -> str:
    """CSV text with COLUMNS (the BOM as its first character when bom)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for item in items:
        values = [neutralised(v) for v in row(item)]
        if _NUMERIC.match(values[0]):
            values[0] = f'="{values[0]}"'
        writer.writerow(values)
    return ("\ufeff" if bom else "") + out.getvalue()


def write_xlsx(items: Sequence[RecommendationItem], path: str | Path, title: str = "Recommendations") -> Path:
    """An .xlsx workbook of COLUMNS, every cell a text cell, the header row frozen."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _SLUG.sub(" ", title.lower()).strip()[:31] or "recommendations"
    for r, values in enumerate([list(COLUMNS), *(row(i) for i in items)], 1):
        for c, value in enumerate(values, 1):
            cell = sheet.cell(row=r, column=c)
            cell.value = neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # openpyxl would store a value starting with "=" as a formula
            cell.number_format = "@"
            if r == 1:
                cell.font = Font(bold=True)
            elif COLUMNS[c - 1] in ("text", "reason"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJKL", (9, 28, 30, 6, 20, 11, 50, 30, 24, 80, 24, 24)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.save(str(path))
    return Path(path)


def to_json(items: Sequence[RecommendationItem]) -> str:
    """A JSON array of items (every field, tags with id, label, why and score); text as plain strings."""
    return json.dumps([{**asdict(i), "number": i.number} for i in items], indent=2, ensure_ascii=False)


def export_name(filters: Mapping[str, object], extension: str, today: date | None = None) -> str:
    """"recommendations-<filter>-<YYYY-MM-DD>.<extension>", the filter as key-value words ("group-roma_status-
    noted"), "all" without one; only [a-z0-9-_] so the name is safe on every file system."""
    parts = []
    for key, value in filters.items():
        values = [value] if isinstance(value, str) else sorted(str(v) for v in (value or ()))  # type: ignore[attr-defined]
        words = "-".join(w for w in (_SLUG.sub("-", str(v).lower()).strip("-") for v in values) if w)
        if words:
            parts.append(f"{key}-{words}")
    label = "_".join(parts)[:80].rstrip("-_") or "all"
    return f"recommendations-{label}-{(today or date.today()).isoformat()}.{extension.lstrip('.')}"


def items_text(items: Sequence[RecommendationItem], text_width: int = 70,
               repeats: Mapping[str, str] | None = None) -> str:
    """A compact terminal table: number, State, themes, groups, response, text clipped to text_width. repeats
    (RecommendationExplorer.repeats): items that are the same UN recommendation as another; the total says how many
    distinct recommendations the rows are."""
    if not items:
        return "no recommendations match"
    rows = [(i.number, i.actor or "-", ", ".join(t.id for t in i.themes) or "-",
             ", ".join(t.id for t in i.groups) or "-", i.response_status or "-",
             ("[!] " if i.warnings else "") + _clip(i.text, text_width)) for i in items]
    headers = ("number", "State", "themes", "groups", "response", "text")
    widths = [min(max(len(_clip(str(r[c]), 60)) for r in [headers, *rows]), 40) for c in range(5)]

    def line(r):
        return "  ".join([*(_clip(str(v), w).ljust(w) for v, w in zip(r[:5], widths)), r[5]])

    documents = list(dict.fromkeys(i.file_name for i in items))
    out = []
    for name in documents:
        out.append(f"== {_clip(name, 100)}")
        out.extend([line(headers), *(line(r) for r, i in zip(rows, items) if i.file_name == name)])
    shown = {i.id for i in items}
    twice = sum(1 for i in items if (repeats or {}).get(i.id) in shown)
    total = f"{len(items)} recommendation{'s' if len(items) != 1 else ''}"
    if twice:
        total = (f"{len(items) - twice} recommendations in {len(items)} rows: {twice} {'is' if twice == 1 else 'are'}"
                 " listed twice, in the working group's report and in OHCHR's thematic list of the same review")
    out.append(total)
    return "\n".join(out)


def _clip(text: str, n: int) -> str:
    text = " ".join(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
