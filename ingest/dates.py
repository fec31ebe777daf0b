"""Dates a document states about itself, with what they mean.

Pure. A document's own date is one of: the UN "Distr.: General <date>" of its cover (issued), a date its file
carries outside the text (an HTML page's publication date: published), a news item's dateline or the date its
first sentence reports (event), a newsletter issue's date near its top (published), a copyright line
("© UNDP 2023": published), or the year a report's title says it covers (period covered). A date that is only
mentioned in the body is an event the document reports, never its date.
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9})
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
# A date that ends a range ("20–31 January 2025") is a session, not the document date: hence (?<![–-]).
DATE_PATTERNS = (
    re.compile(rf"(?<![\d–-])(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?<![\d–-])(?P<day>\d{1,2})[-./](?P<num_month>\d{1,2})[-./](?P<year>\d{4})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<num_month>\d{2})-(?P<day>\d{2})\b"),
)
_UN_DATE = re.compile(rf"Distr\.:\s*\w+\s+(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})")
DATE_LINE = re.compile(r"^\s*\d{1,2}[-./]\d{1,2}[-./]\d{4}(?:\s|$)", re.M)  # a news page's dateline
# A statement of the document's own date near its top: "Published 4 March 2021", "Adopted on 12 May 2020".
_STATED = re.compile(r"(?<![\[\w])(published|issued|adopted|date)\b(?:\s+on)?\s*:?\s*(?=\S)", re.I)
_MEANINGS = {"published": "published", "issued": "issued", "adopted": "adopted", "date": "published"}
_COPYRIGHT = re.compile(r"©\s*(?:[A-Z][\w&.-]*\s+){0,4}((?:19|20)\d\d)\b")
_TITLE_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_HEAD_CHARS = 2500  # a document states its own date near its top


def iso(match: re.Match[str]) -> str:
    """YYYY-MM-DD from a date match, or "" when it is not a real calendar date."""
    parts = match.groupdict()
    month = int(parts.get("num_month") or MONTHS.get((parts.get("month") or "").lower(), 0))
    try:
        return date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:
        return ""


def first_date(text: str) -> str:
    """The earliest real date written in text, ISO, or ""."""
    found = sorted((m for p in DATE_PATTERNS for m in p.finditer(text)), key=lambda m: m.start())
    return next((d for d in map(iso, found) if d), "")


def un_issued(text: str) -> str:
    """The "Distr.: General 24 March 2025" date of a UN cover, ISO, or ""."""
    match = _UN_DATE.search(text)
    return iso(match) if match else ""


def document_date(doc_type: str, title: str, text: str, cover: str = "", stated: tuple[str, str] = ("", "")
                  ) -> tuple[str, str]:
    """(ISO date or year, meaning) of a document, or ("", "") when it states none.

    Args:
        doc_type: the inferred type ("news", "newsletter", "report", ...).
        title: the document's title.
        text: its text (raw, before cleaning, so a UN cover's Distr. line is still there).
        cover: a PDF cover's text, when the reader separated it.
        stated: (date, meaning) the file carries outside its text (HTML metadata).
    """
    issued = un_issued(f"{cover}\n{text[: 2 * _HEAD_CHARS]}")
    if issued:
        return issued, "issued"
    if stated[0]:
        return stated[0], stated[1] or "published"
    head = text[:_HEAD_CHARS]
    for statement in _STATED.finditer(head):
        found = first_date(head[statement.end():statement.end() + 40])
        if found and head[statement.end():statement.end() + 40].lstrip()[:1].isalnum():
            return found, _MEANINGS[statement.group(1).lower()]
    if doc_type == "news":
        line = DATE_LINE.search(head)
        first = first_date(line.group(0)) if line else first_date(_first_paragraphs(head))
        return (first, "event") if first else ("", "")
    if doc_type == "newsletter":
        first = first_date(head)
        return (first, "published") if first else ("", "")
    if doc_type in ("report", "assessment"):
        copyright_year = _COPYRIGHT.search(head)
        if copyright_year:
            return copyright_year.group(1), "published"
        years = _TITLE_YEAR.findall(title)
        if len(years) == 1:
            return years[0], "period_covered"
    return "", ""


def _first_paragraphs(text: str, n: int = 3) -> str:
    """The first few non-empty blocks of a text (a news item's headline and first sentences)."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "\n".join(blocks[:n])
