"""Second-stage ranking of fused candidates with cheap, explainable features (no cross-encoder ships offline).

score = coverage                      IDF-weighted share of the question's content words in heading + paragraph
      + W_DENSE   * dense / best dense    semantic similarity, relative to the best candidate
      + W_KEYWORD * bm25 / best bm25      keyword evidence, relative to the best candidate
      + bonuses                            recommendation wanted and given; number wanted and given;
                                           a date for "when", a person's name for "who", a place for "where"
      - W_OFF_TOPIC * share of the question's distinctive names ("Azerbaijan") its article never mentions
A paragraph that opens with a connective ("Also, ...", "She ...") continues its predecessor and inherits
CONTINUATION_SHARE of the predecessor's score. Weights were chosen on the seed questions with
bench/quality.py and kept only where they raised MRR without lowering recall@5.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping, Sequence

from assistant.evidence import DATE, support, text_stems
from assistant.recommendations import recommendation_items
from vectorstore.text import context_of

if TYPE_CHECKING:
    from assistant.retrieval import Intent, Retrieved

W_DENSE = 0.3
W_KEYWORD = 0.2
W_ANSWER_TYPE = 0.1
W_RECOMMENDATION = 0.3
W_NUMBER = 0.1
W_FOCUS = 0.15
W_OFF_TOPIC = 0.3  # subtracted when a passage's article names none of the question's distinctive names
CONTINUATION_SHARE = 0.97

_CONNECTIVE = re.compile(r"^(also|furthermore|moreover|in addition|additionally|besides|at the same time|in turn|"
                         r"as a result|she|he|they|it|this|these|those)(?=[\s,;:])", re.I)
# A person's name: a title, or a given name and a surname with an ending common in the region's names
# (Moskalkova, Eshmatova, Aliyeva, Kamalov, Zeynalov, Rahimli, ...); "Oliy Majlis" or "Human Rights" are not names.
_PERSON = re.compile(r"\b(Mr|Ms|Mrs|Dr|Prof)\.? [A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+(ova|ov|eva|ev|yeva|yev|ina|in|sky|skaya"
                     r"|enko|uk|yan|li|zade|aev|ayev|ovich|ovna)\b")
_PLACE = re.compile(r"\b(in|at) (?!the\b)[A-Z][a-z]+")
# "What shortcomings/problems/violations ...": the answer is where the text says what is wrong, not where it
# names the category ("reported serious shortcomings"); negations and words of lack or disrepair say that.
_ASKS_PROBLEMS = re.compile(r"^\s*(which|what)\s+(\w+\s+)?(shortcomings?|problems?|deficienc(y|ies)|gaps?"
                            r"|violations?|challenges?|weakness(es)?|obstacles?|barriers?|failures?|flaws?"
                            r"|difficult(y|ies)|abuses?)\b", re.I)
_PROBLEM = re.compile(r"\bno\b(?!\.?\s*\d)|\b(not|never|nor|cannot|lacks?|lacking|lack of|absent|absence"
                      r"|insufficient(ly)?|inadequate(ly)?|poor(ly)?|disrepair|worn|too|shortages?|fail(s|ed|ure)?"
                      r"|without|unable|overcrowd(ed|ing)"
                      r"|in need of|denied|deprived|unsatisfactory|violat(ed|es|ing|ion|ions))\b|n't\b", re.I)
# "Why ...", "What was it meant to achieve?": the answer gives a cause or a purpose.
_ASKS_PURPOSE = re.compile(r"\b(meant to|aim(ed)? (to|at)|aims?\b|purpose|goals?\b|objectives?\b|intended to"
                           r"|designed to)", re.I)
_REASON = re.compile(r"\b(because|due to|owing to|as a result|in order to|so that|since|caused by|the reason|aimed at"
                     r"|so as to|given that|in view of|in connection with|purpose|aims? (to|at)|goal|objective"
                     r"|intended to|designed to)\b", re.I)
# "What was the title/theme of ...": the answer is a quoted name.
_ASKS_TITLE = re.compile(r"\b(title|titled|called|named|name of|theme|topic|motto|slogan)\b", re.I)
_QUOTED = re.compile(r"[“\"«][^”\"»]{6,}[”\"»]")
_NUMBER = re.compile(r"\d")
_WHICH_DOCUMENTS = re.compile(r"\bwhich (documents?|reports?|sources?|texts?|articles?|pages?)\b", re.I)


def answer_type(question: str) -> str:
    """"date", "person", "place", "reason", "problem", "title" or "" from the question's wh-word (and, for
    "problem" and "title", its noun)."""
    if _ASKS_PROBLEMS.match(question):
        return "problem"
    q = question.strip().lower()
    if q.startswith("when"):
        return "date"
    if q.startswith("who") or re.search(r"\bwhich (\w+ )?(official|person|minister|ombudsman|commissioner)\b", q):
        return "person"
    if q.startswith("where"):
        return "place"
    if q.startswith("why") or _ASKS_PURPOSE.search(q):
        return "reason"
    if _ASKS_TITLE.search(q):
        return "title"
    return ""


def asks_for_documents(question: str) -> bool:
    """"Which documents/reports ..." questions are answered with one item per document."""
    return bool(_WHICH_DOCUMENTS.search(question))


_TYPE_PATTERNS = {"date": DATE, "person": _PERSON, "place": _PLACE, "problem": _PROBLEM, "reason": _REASON,
                  "title": _QUOTED}


def has_answer_type(wanted: str, text: str) -> bool:
    """Whether text holds the kind of thing the question asks for (a date for "when", ...)."""
    pattern = _TYPE_PATTERNS.get(wanted)
    return bool(pattern and pattern.search(text))


def is_continuation(text: str, previous: str = "") -> bool:
    """Whether a paragraph continues the one before it: it opens with a connective ("Also, ...", "She ..."),
    or the one before ends with a colon ("Komil Allamjonov, Chairman of the Board:" then his words)."""
    return bool(_CONNECTIVE.match(text.strip())) or previous.rstrip().endswith(":")


def is_recommendation(item: "Retrieved") -> bool:
    """Whether the passage holds a recommendation item (the explorer's definition, assistant.recommendations)."""
    return bool(recommendation_items(item.passage, item.doc))


def rerank(question: str, items: Sequence["Retrieved"], stems: Sequence[str], weights: Mapping[str, float],
           intent: "Intent", focus: Sequence[str] = ()) -> list["Retrieved"]:
    """Score items in place (Retrieved.score, .coverage) and return them best first.

    focus: the stems the question asks about ("russia", "offici") and its main verb ("speak" in "what did she
    speak about"); a paragraph whose own text (not just its heading, which every paragraph under it shares)
    contains one gets W_FOCUS, unless its article is about something else (it misses the question's
    distinctive names).
    """
    if not items:
        return []
    best_dense = max(r.dense for r in items) or 1.0
    best_keyword = max(r.keyword for r in items) or 1.0
    wanted = answer_type(question)
    for item in items:
        p = item.passage
        item.coverage = support(stems, f"{context_of(p)} {p.text}", weights).coverage
        score = item.coverage + W_DENSE * item.dense / best_dense + W_KEYWORD * item.keyword / best_keyword
        if intent.recommendation and is_recommendation(item):
            score += W_RECOMMENDATION
        if focus and not item.entities_missing and text_stems(p.text) & set(focus):
            score += W_FOCUS
        if intent.numeric and _NUMBER.search(p.text):
            score += W_NUMBER
        item.typed = has_answer_type(wanted, p.text)
        if item.typed:
            score += W_ANSWER_TYPE
        item.score = score - W_OFF_TOPIC * item.entities_missing
    _inherit(items)
    ranked = sorted(items, key=lambda r: r.score, reverse=True)
    if asks_for_documents(question):
        return _documents_by_lead(ranked)
    if intent.listing and not intent.recommendation:
        return _dominant_article_in_reading_order(ranked)
    return ranked


def _inherit(items: Sequence["Retrieved"]) -> None:
    by_position = {(r.passage.doc_id, r.passage.ordinal): r for r in items}
    for item in sorted(items, key=lambda r: (r.passage.doc_id, r.passage.ordinal)):
        prev = by_position.get((item.passage.doc_id, item.passage.ordinal - 1))
        if prev is not None and prev.passage.article_index == item.passage.article_index \
                and is_continuation(item.passage.text, prev.passage.text):
            item.score = max(item.score, CONTINUATION_SHARE * prev.score)


def _documents_by_lead(ranked: list["Retrieved"]) -> list["Retrieved"]:
    """For "which documents ..." questions: one passage per document first, documents by their best score.

    Each document is represented by the opening paragraph (of the article, in a newsletter) among its
    candidates, because that is where a text says what it is about; the other passages follow.
    """
    firsts: list["Retrieved"] = []
    for best in ranked:
        if any(f.passage.doc_id == best.passage.doc_id for f in firsts):
            continue
        same_article = [r for r in ranked if r.passage.doc_id == best.passage.doc_id
                        and r.passage.article_index == best.passage.article_index]
        firsts.append(min(same_article, key=lambda r: r.passage.ordinal))
    chosen = {id(r) for r in firsts}
    return firsts + [r for r in ranked if id(r) not in chosen]


def _dominant_article_in_reading_order(ranked: list["Retrieved"], top: int = 5, quorum: int = 3
                                       ) -> list["Retrieved"]:
    """For list questions: when one newsletter article holds most of the top passages, the answer is that
    article, so its candidate paragraphs come first in reading order (a list reads as the text does); those
    holding the kind of thing asked for ("what shortcomings": the ones saying what is wrong) come before the
    rest, whose restatement of the headline ("reported serious shortcomings") is context, not an item.

    Only articles (article_index > 0): a whole news page or report is not one list to read in order.
    """
    key = (ranked[0].passage.doc_id, ranked[0].passage.article_index) if ranked else None
    if key is None or key[1] == 0:
        return ranked
    same = [r for r in ranked if (r.passage.doc_id, r.passage.article_index) == key]
    if sum(1 for r in ranked[:top] if r in same) < quorum:
        return ranked
    return sorted(same, key=lambda r: (not r.typed, r.passage.ordinal)) + [r for r in ranked if r not in same]
