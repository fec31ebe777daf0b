"""The offline answer: sentences copied verbatim from retrieved passages, each with its marker.

It never writes a claim of its own: the only words not taken from a cited passage are fixed framing
("The documents contain 2 matching recommendations:") and the citation labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.evidence import best_sentences, support
from assistant.rerank import is_recommendation
from assistant.retrieval import Intent, Retrieved
from assistant.types import Citation

MAX_LIST_ITEMS = 10
RELATED_SHARE = 0.6  # a second passage joins the answer when it covers >= 60% of what the best one covers


@dataclass(frozen=True)
class Draft:
    """An answer text and the citations its markers refer to."""

    text: str
    citations: list[Citation]


def citation_for(marker: int, item: Retrieved, quote: str) -> Citation:
    p = item.passage
    return Citation(marker=marker, passage_id=p.id, label=p.label,
                    file_name=item.doc.meta.file_name if item.doc else "", paragraph=p.paragraph, page=p.page,
                    section_kind=p.section_kind, quote=quote)


def compose(intent: Intent, retrieved: Sequence[Retrieved], stems: Sequence[str],
            weights: Mapping[str, float]) -> Draft:
    """Build the extractive answer.

    Args:
        intent: what the question wants (recommendations and lists get one line per matching paragraph).
        retrieved: passages, best first.
        stems / weights: the question's content stems and their IDF weights.
    """
    scored = [(support(stems, r.passage.text, weights).coverage, r) for r in retrieved]
    best = max((c for c, _ in scored), default=0.0)
    if intent.recommendation:
        recs = [r for c, r in scored if c > 0 and c >= RELATED_SHARE * best and is_recommendation(r.passage)]
        if recs:
            return _listing(recs, stems, weights, intent, "matching recommendation")
    relevant = [r for c, r in scored if c > 0 and c >= RELATED_SHARE * best] or list(retrieved[:1])
    if intent.listing and len(relevant) > 1:
        return _listing(relevant, stems, weights, intent, "relevant passage")
    return _direct(relevant[:2], stems, weights, intent)


def _listing(items: Sequence[Retrieved], stems, weights, intent: Intent, noun: str) -> Draft:
    items = list(items)[:MAX_LIST_ITEMS]
    lines, citations = [], []
    for marker, item in enumerate(items, 1):
        quote = _quote(item, stems, weights, intent, limit=3 if noun.endswith("recommendation") else 2)
        citations.append(citation_for(marker, item, quote))
        lines.append(f"- {item.passage.label}: {quote} [{marker}]")
    plural = "" if len(items) == 1 else "s"
    return Draft(f"The documents contain {len(items)} {noun}{plural}:\n" + "\n".join(lines), citations)


def _direct(items: Sequence[Retrieved], stems, weights, intent: Intent) -> Draft:
    parts, citations = [], []
    for marker, item in enumerate(items, 1):
        quote = _quote(item, stems, weights, intent, limit=2)
        citations.append(citation_for(marker, item, quote))
        parts.append(f"{quote} [{marker}]")
    return Draft(" ".join(parts), citations)


def _quote(item: Retrieved, stems, weights, intent: Intent, limit: int) -> str:
    chosen = best_sentences(stems, item.passage.text, weights, want_numbers=intent.numeric, limit=limit)
    return " ".join(s for s, _ in chosen) if chosen else item.passage.text
