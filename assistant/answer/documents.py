"""Documents a question names by description, resolved through their metadata (symbol, UPR cycle, date).

"the fourth cycle", "Slovenia's most recent review", "the previous review", "A/HRC/59/15" (and its addendum),
"the 2014 review" each pick documents of the manifest; several references add up. Used by the ranker (a feature:
the passage is from a named document) and by the recommendation path (a filter), and by `--filter doc=...`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from assistant.answer.question import DocRef
from vectorstore.store import DocRecord

# UPR cycles by year (as ingest.metadata dates them), for "the 2014 review".
_CYCLE_STARTS = ((2008, 1), (2012, 2), (2017, 3), (2023, 4))


def cycle_of_year(year: int) -> int:
    return max((cycle for start, cycle in _CYCLE_STARTS if year >= start), default=0)


def resolve(refs: Sequence[DocRef], manifest: Mapping[str, DocRecord], countries: Iterable[str] = ()
            ) -> set[str]:
    """The ids of the documents the references name; empty when there are none or nothing matches."""
    if not refs:
        return set()
    records = list(manifest.values())
    upr = _upr(records, countries)
    cycles = sorted({r.meta.cycle for r in upr})
    out: set[str] = set()
    titled: set[str] = set()
    for ref in refs:
        if ref.words:
            titled.update(_titled(ref.words, records))
            continue
        if ref.symbol:
            symbol = ref.symbol.lower()
            out.update(r.meta.doc_id for r in records if r.meta.symbol and (
                r.meta.symbol.lower() == symbol or r.meta.symbol.lower().startswith(symbol + "/")))
        cycle = ref.cycle
        if ref.latest and cycles:
            cycle = cycles[-1]
        if ref.previous and len(cycles) > 1:
            cycle = cycles[-2]
        if ref.year:
            cycle = cycle or cycle_of_year(int(ref.year))
            out.update(r.meta.doc_id for r in records if r.meta.date.startswith(ref.year) and not r.meta.cycle)
        if cycle:
            out.update(r.meta.doc_id for r in upr if r.meta.cycle == cycle)
    if titled:  # "the stakeholder summary of the fourth review": the documents both references name
        return (out & titled) or titled if out else titled
    return out


_ALIASES = {"dept": "department", "un": "united nations", "us": "united states", "usa": "united states"}


def _name_words(rec: DocRecord) -> set[str]:
    text = " ".join([rec.meta.title, rec.meta.short_title, re.sub(r"[_\-.]+", " ", rec.meta.file_name)]).lower()
    words = set(re.findall(r"[\w’']+", text))
    return words | {part for w in list(words) if w in _ALIASES for part in _ALIASES[w].split()}


def _titled(words: Sequence[str], records: Sequence[DocRecord]) -> set[str]:
    """The documents whose title, short title or file name (their aliases expanded) holds every one of words
    (none: no restriction)."""
    return {r.meta.doc_id for r in records if set(words) <= _name_words(r)}


def _upr(records: Sequence[DocRecord], countries: Iterable[str]) -> list[DocRecord]:
    """The UPR documents (those of a cycle), of the countries named when any are."""
    wanted = {c.lower() for c in countries}
    return [r for r in records if r.meta.cycle and (not wanted or r.meta.country.lower() in wanted)]


_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    return _ORDINALS.get(n, f"{n}th")


def unmatched_cycles(refs: Sequence[DocRef], manifest: Mapping[str, DocRecord], countries: Iterable[str] = ()
                     ) -> tuple[list[int], list[int]]:
    """(cycles the references name that no UPR document is from, the cycles there are): "the third review" when
    only the 1st, 2nd and 4th are indexed -> ([3], [1, 2, 4]). A year names its cycle only when no document is
    dated that year; relative references ("the latest") always find one."""
    records = list(manifest.values())
    cycles = sorted({r.meta.cycle for r in _upr(records, countries)})
    missing = []
    for ref in refs:
        if ref.symbol or ref.latest or ref.previous:
            continue
        cycle = ref.cycle
        if not cycle and ref.year and not any(r.meta.date.startswith(ref.year) for r in records):
            cycle = cycle_of_year(int(ref.year))
        if cycle and cycles and cycle not in cycles and cycle not in missing:
            missing.append(cycle)
    return missing, cycles
