"""The offline answer: sentences copied verbatim from the cited passages, each with its marker.

It never writes a claim of its own: the only words not taken from a cited passage are fixed framing ("Passages
that answer this:", "The documents do not say: ...") and the citation labels. Each cited passage is quoted by the
sentence that answers (the one holding the asked-for figure, date, name, reason or share and most of the
question's words), with the list a colon opens; a direct answer cites the best passage, and up to MAX_DIRECT
when the next ones are likely enough too (the fitted `second` threshold); a list cites every passage likely
enough; a comparison, the best passage of each document.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.features import View, sentence_score
from assistant.answer.question import Question
from assistant.answer.ranking import Weights
from assistant.types import Citation

MAX_DIRECT = 3  # passages a direct answer may cite: the best, and the next ones when they are likely enough too
MAX_LIST = 8  # passages in a list answer from ranked passages (a recommendation list is complete: another path)
MAX_COMPARED = 4  # documents in a comparison


@dataclass(frozen=True)
class Draft:
    """An answer text and the citations its markers refer to."""

    text: str
    citations: list[Citation]


def citation_for(marker: int, item, quote: str) -> Citation:
    p = item.passage
    return Citation(marker=marker, passage_id=p.id, label=p.label,
                    file_name=item.doc.meta.file_name if item.doc else "", paragraph=p.paragraph, page=p.page,
                    section_kind=p.section_kind, quote=quote)


def compose(q: Question, ranked: Sequence, weights: Weights) -> Draft:
    """The extractive answer from ranked candidates (assistant.retrieval.Retrieved, best first, scored)."""
    if not ranked:
        return Draft("", [])
    if q.documents:
        return _lines(q, _one_per_document(ranked, weights.listed, MAX_LIST), "Documents that answer this:",
                      by_document=True)
    if q.comparison:
        compared = _one_per_document(ranked, weights.listed, MAX_COMPARED)
        if len(compared) > 1:
            return _lines(q, compared, "What each document says:")
    if q.listing or q.answer_type == "problem":
        listed = [r for r in ranked[:MAX_LIST] if r.score >= weights.listed]
        if len(listed) > 1:
            return _lines(q, listed, "Passages that answer this:")
    first = ranked[0]
    chosen = [first, *[r for r in ranked[1:MAX_DIRECT]
                        if r.score >= weights.second and r.passage.id != first.passage.id]]
    parts, citations = [], []
    for marker, item in enumerate(chosen, 1):
        quote = quote_of(q, item)
        citations.append(citation_for(marker, item, quote))
        parts.append(f"{quote} [{marker}]")
    return Draft(" ".join(parts), citations)


_POINTS_BACK = re.compile(r"\s*(It|They|This|These|That|Those|He|She|His|Her|Its|Their|Such|The latter)\b")


def quote_of(q: Question, item, limit: int = 2) -> str:
    """The sentences of a passage that answer: the best first in reading order, up to limit, and the list that a
    sentence ending in a colon opens."""
    view = View(item.passage, item.doc)
    scored = [(sentence_score(q, s, st), i, s) for i, (s, st) in enumerate(view.sentences)]
    if not scored:
        return item.passage.text
    best = max(scored)[0]
    keep = sorted(t for t in sorted(scored, key=lambda t: (-t[0], t[1]))[:limit] if t[0] >= 0.5 * best and t[0] > 0)
    chosen = {i for _, i, _ in keep} or {max(scored)[1]}
    for _, i, s in scored:
        if i in chosen and s.rstrip().endswith(":"):
            chosen.update(range(i + 1, len(scored)))
    # a sentence that opens by pointing back ("It noted with satisfaction ...") is quoted with the one it points to
    chosen.update(i - 1 for _, i, s in scored if i in chosen and i > 0 and _POINTS_BACK.match(s))
    return " ".join(s for _, i, s in scored if i in chosen)


def _one_per_document(ranked: Sequence, least: float, most: int) -> list:
    out: list = []
    seen: set[str] = set()
    for item in ranked:
        if item.passage.doc_id in seen or (out and item.score < least):
            continue
        seen.add(item.passage.doc_id)
        out.append(item)
        if len(out) >= most:
            break
    return out


def _lines(q: Question, items: Sequence, lead: str, by_document: bool = False) -> Draft:
    lines, citations = [], []
    for marker, item in enumerate(items, 1):
        quote = quote_of(q, item)
        citations.append(citation_for(marker, item, quote))
        name = f"{item.doc.meta.title} ({item.doc.meta.file_name})" if by_document and item.doc else item.passage.label
        lines.append(f"- {name}: {quote} [{marker}]")
    return Draft(f"{lead}\n" + "\n".join(lines), citations)


def partial(answered: Sequence[tuple[str, Draft]], missing: Sequence[str]) -> Draft:
    """One answer from the parts of a question: each answered part's text (markers renumbered), then the parts
    the documents do not cover, named plainly."""
    texts: list[str] = []
    citations: list[Citation] = []
    for _, draft in answered:
        text = draft.text
        for citation in draft.citations:
            marker = len(citations) + 1
            text = text.replace(f"[{citation.marker}]", f"[§{marker}]")
            citations.append(Citation(**{**citation.__dict__, "marker": marker}))
        texts.append(text.replace("[§", "["))
    if missing:
        texts.append("The documents do not say: " + "; ".join(m.rstrip("?") + "?" for m in missing))
    return Draft("\n\n".join(texts), citations)
