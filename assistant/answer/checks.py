"""Whether the ranked passages answer the question: a fitted probability that an answer citing them is right.

The question-level features below summarise the best candidates; their weights and the threshold come from the
weights file (bench/fit.py fits them on questions whose documents are held out). Below the threshold the
answer is a refusal that still shows the nearest passages; for a multi-part question each part is checked on
its own, so a question half the documents answer gets that half (assistant.answer.compose).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answer.question import Question
from assistant.answer.ranking import Model, Scored, Weights

TOP = 3  # candidates whose features the check reads beyond the first


@dataclass(frozen=True)
class Verdict:
    """The probability that answering is right, its features, and the reasons shown on a refusal."""

    probability: float
    features: Mapping[str, float]
    reasons: tuple[str, ...]

    def answers(self, threshold: float) -> bool:
        return self.probability >= threshold


def features(q: Question, ranked: Sequence[Scored]) -> dict[str, float]:
    """Question-level features of a ranked list (empty list: all zero)."""
    if not ranked:
        return {name: 0.0 for name in NAMES}
    top = ranked[:TOP]
    first = ranked[0].features
    unknown = [s for s in q.stems if q.doc_freq and q.doc_freq.get(s, 0) == 0]
    total = sum(q.weight(s) for s in q.stems) or 1.0
    return {
        "p1": ranked[0].probability,
        "p2": ranked[1].probability if len(ranked) > 1 else 0.0,
        "cov1": first["cov"],
        "cov_own1": first["cov_own"],
        "cov_sentence1": first["cov_sentence"],
        "focus1": first["focus"],
        "dense1": first["dense"],
        "entity_missing1": first["entity_missing"],
        "max_cov": max(s.features["cov"] for s in top),
        "unknown_share": sum(q.weight(s) for s in unknown) / total,
        "unknown_focus": 1.0 if any(s in unknown for s in q.focus) else 0.0,
        "year_missing": 1.0 if q.years and all(s.features["year"] < 0 for s in top) else 0.0,
        "type_missing": 1.0 if q.answer_type and all(s.features["answer_type"] == 0 for s in top) else 0.0,
        "count_missing": 1.0 if q.numeric and all(s.features["count"] == 0 for s in top) else 0.0,
        "doc_ref_missing": 1.0 if any(s.features["doc_ref"] < 0 for s in top[:1]) else 0.0,
        "n_stems": min(len(q.stems), 12) / 12.0,
        "p_any3": 1.0 - math.prod(1.0 - s.probability for s in top),
        "margin": ranked[0].probability - (ranked[1].probability if len(ranked) > 1 else 0.0),
        "rrf1": first["rrf"],
        "type_focus1": first["type_focus"],
        "phrase1": first["phrase"],
        "doc_share1": first["doc_share"],
        "prev_doc1": first["prev_doc"],
        "numeric": 1.0 if q.numeric else 0.0,
        "listing": 1.0 if q.listing or q.answer_type == "problem" else 0.0,
        "comparison": 1.0 if q.comparison else 0.0,
        "followup": 1.0 if q.followup else 0.0,
        "foreign": 1.0 if q.lang != "en" else 0.0,
        "parts": min(len(q.parts), 3) / 3.0,
    }


NAMES = ("p1", "p2", "cov1", "cov_own1", "cov_sentence1", "focus1", "dense1", "entity_missing1", "max_cov",
         "unknown_share", "unknown_focus", "year_missing", "type_missing", "count_missing", "doc_ref_missing",
         "n_stems", "p_any3", "margin", "rrf1", "type_focus1", "phrase1", "doc_share1", "prev_doc1", "numeric",
         "listing", "comparison", "followup", "foreign", "parts")


def check(q: Question, ranked: Sequence[Scored], weights: Weights) -> Verdict:
    """The fitted probability that an answer from ranked is right, with readable reasons for a refusal."""
    row = features(q, ranked)
    probability = Model.probability(weights.answerable.score(row)) if ranked else 0.0
    return Verdict(probability, row, _reasons(q, row) if ranked else ("nothing was retrieved",))


def _reasons(q: Question, row: Mapping[str, float]) -> tuple[str, ...]:
    """What a user reads when the answer is a refusal: the signals that weighed most against answering."""
    reasons = []
    if row["unknown_focus"]:
        names = ", ".join(q.words.get(s, s) for s in q.focus if q.doc_freq.get(s, 0) == 0)
        reasons.append(f"the documents never mention {names}")
    if row["year_missing"]:
        reasons.append(f"no passage found is about {', '.join(q.years)}")
    if row["count_missing"]:
        reasons.append("no passage found gives a figure for what the question counts")
    if row["type_missing"] and not row["count_missing"]:
        reasons.append(f"no passage found holds the kind of answer asked for ({q.answer_type})")
    if row["entity_missing1"] >= 0.5:
        reasons.append("the best passage is from a text that never names what the question is about")
    if not reasons:
        reasons.append(f"the best passage covers {row['cov1']:.0%} of the question and is not a likely answer")
    return tuple(reasons)
