"""The offline answer: sentences copied verbatim from retrieved passages, each with its marker.

It never writes a claim of its own: the only words not taken from a cited passage are fixed framing
("The documents contain 2 matching recommendations:") and the citation labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import takewhile
from typing import Mapping, Sequence

from assistant.evidence import best_sentences
from assistant.recommendations import recommendation_items
from assistant.rerank import asks_for_documents
from assistant.retrieval import Intent, Retrieved
from assistant.types import Citation

MAX_LIST_ITEMS = 10
# A passage joins a list answer when it covers this share of what the best passage covers; a direct answer
# takes a second passage only when it is nearly as good as the first (more citations, less precision).
LIST_SHARE = 0.9
SECOND_SHARE = 0.98


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


def compose(question: str, intent: Intent, ranked: Sequence[Retrieved], stems: Sequence[str],
            weights: Mapping[str, float]) -> Draft:
    """Build the extractive answer from passages in the ranker's order (assistant.rerank).

    Args:
        question: the standalone question ("which documents ..." answers name documents).
        intent: what the question wants (recommendations and lists get one line per matching paragraph).
        ranked: passages, best first, with rerank scores.
        stems / weights: the question's content stems and their IDF weights (to pick sentences).
    """
    if not ranked:
        return Draft("", [])
    top = max(r.score for r in ranked)
    strong = [r for r in ranked if r.score >= LIST_SHARE * top]
    if intent.recommendation:
        found = [(r, recommendation_items(r.passage, r.doc)) for r in ranked]
        recs = [(r, items) for r, items in found if items]
        best_rec = max((r.score for r, _ in recs), default=0.0)
        recs = [(r, items) for r, items in recs if r.score >= LIST_SHARE * best_rec and r.coverage > 0]
        if recs:
            return _recommendations(recs, stems, weights, intent)
    if asks_for_documents(question):
        return _listing(_document_representatives(ranked, LIST_SHARE * top), stems, weights, intent,
                        "matching document", by_document=True)
    if intent.listing:
        typed = list(takewhile(lambda r: r.typed, ranked))  # the ranker puts what was asked for first
        if typed:
            strong = [r for r in typed if r.score >= LIST_SHARE * max(r.score for r in typed)]
        if len(strong) > 1:
            return _listing(strong, stems, weights, intent, "relevant passage")
    first = ranked[0]
    second = [r for r in ranked[1:2] if r.score >= SECOND_SHARE * first.score]
    return _direct([first, *second], stems, weights, intent)


def _document_representatives(ranked: Sequence[Retrieved], threshold: float) -> list[Retrieved]:
    """The ranker puts one representative passage per document first (assistant.rerank); keep those whose
    document has a passage scoring at least threshold."""
    best: dict[str, float] = {}
    for r in ranked:
        best[r.passage.doc_id] = max(best.get(r.passage.doc_id, 0.0), r.score)
    reps: list[Retrieved] = []
    for r in ranked:
        if any(x.passage.doc_id == r.passage.doc_id for x in reps):
            break
        reps.append(r)
    return [r for r in reps if best[r.passage.doc_id] >= threshold]


def _listing(items: Sequence[Retrieved], stems, weights, intent: Intent, noun: str,
             by_document: bool = False) -> Draft:
    items = list(items)[:MAX_LIST_ITEMS]
    lines, citations = [], []
    for marker, item in enumerate(items, 1):
        quote = _quote(item, stems, weights, intent, limit=3 if noun.endswith("recommendation") else 2)
        citations.append(citation_for(marker, item, quote))
        name = f"{item.doc.meta.title} ({item.doc.meta.file_name})" if by_document and item.doc \
            else item.passage.label
        lines.append(f"- {name}: {quote} [{marker}]")
    plural = "" if len(items) == 1 else "s"
    return Draft(f"The documents contain {len(items)} {noun}{plural}:\n" + "\n".join(lines), citations)


def _recommendations(recs, stems, weights, intent: Intent) -> Draft:
    """One line per recommendation item: the whole paragraph, or just the recommending sentence in news."""
    lines, citations = [], []
    for marker, (item, rec_items) in enumerate(recs[:MAX_LIST_ITEMS], 1):
        sentences = [i.text for i in rec_items if i.text != item.passage.text]
        quote = " ".join(sentences) if sentences else _quote(item, stems, weights, intent, limit=3)
        citations.append(citation_for(marker, item, quote))
        lines.append(f"- {item.passage.label}: {quote} [{marker}]")
    plural = "" if len(citations) == 1 else "s"
    return Draft(f"The documents contain {len(citations)} matching recommendation{plural}:\n" + "\n".join(lines),
                 citations)


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
