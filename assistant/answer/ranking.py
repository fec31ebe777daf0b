"""Ranking candidates by fitted weights over named features (assistant.answer.features).

score = intercept + sum(weight[f] * feature[f]); the probability that the passage holds the answer is the
logistic of the score. The weights come from assistant/data/weights/<embedder>.json, written by bench/fit.py;
`Weights.load()` reads them. A passage that continues the one before it ("Also, she ...") inherits a fitted share
of that one's probability, so a list or a speech split over paragraphs stays together.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping, Sequence

from assistant.answer.features import NAMES, Pool, View, values
from assistant.answer.question import Question
from ingest.errors import ConfigError

_CONNECTIVE = re.compile(r"^(also|furthermore|moreover|in addition|additionally|besides|at the same time|in turn|"
                         r"as a result|she|he|they|it|this|these|those)(?=[\s,;:])", re.I)


@dataclass(frozen=True)
class Model:
    """A logistic model: its feature names, weights and intercept."""

    coef: Mapping[str, float]
    intercept: float = 0.0

    def score(self, row: Mapping[str, float]) -> float:
        return self.intercept + sum(w * row.get(name, 0.0) for name, w in self.coef.items())

    @staticmethod
    def probability(score: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@dataclass(frozen=True)
class Weights:
    """Everything fitted: the ranker, the answerability check and its threshold, how many passages to cite."""

    ranker: Model
    answerable: Model
    threshold: float = 0.5  # least probability that an answer is right for it to be given
    part_threshold: float = 0.5  # the same for one part of a multi-part question
    second: float = 0.5  # least probability for a second passage in a direct answer
    listed: float = 0.4  # least probability for a passage in a list answer
    continuation: float = 0.9  # share of its predecessor's probability a continuation keeps
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, embedder: str, path: str | None = None) -> "Weights":
        """The shipped weights of an embedder ("minilm", "e5"), or those in path.

        Raises:
            ConfigError: no weights for that embedder, or a file that is not a weights file.
        """
        try:
            if path:
                text = open(path, encoding="utf-8").read()
            else:
                text = resources.files("assistant").joinpath(f"data/weights/{embedder}.json").read_text("utf-8")
            return cls.from_dict(json.loads(text))
        except FileNotFoundError as exc:
            raise ConfigError(f"no fitted weights for embedder {embedder!r} (assistant/data/weights/{embedder}.json);"
                              " run bench/fit.py for it") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"weights file for {embedder!r} is invalid ({exc}); re-run bench/fit.py") from exc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Weights":
        from assistant.answer.checks import NAMES as CHECK_NAMES  # checks builds on this module

        unknown = (set(data["ranker"]["coef"]) - set(NAMES)) | (set(data["answerable"]["coef"]) - set(CHECK_NAMES))
        if unknown:
            raise KeyError(f"unknown features {sorted(unknown)}")
        return cls(ranker=Model(data["ranker"]["coef"], data["ranker"]["intercept"]),
                   answerable=Model(data["answerable"]["coef"], data["answerable"]["intercept"]),
                   **{k: data[k] for k in ("threshold", "part_threshold", "second", "listed", "continuation")
                      if k in data}, meta=data.get("meta", {}))

    def to_dict(self) -> dict[str, Any]:
        return {"ranker": {"coef": dict(self.ranker.coef), "intercept": self.ranker.intercept},
                "answerable": {"coef": dict(self.answerable.coef), "intercept": self.answerable.intercept},
                "threshold": self.threshold, "part_threshold": self.part_threshold, "second": self.second,
                "listed": self.listed, "continuation": self.continuation, "meta": dict(self.meta)}


@dataclass
class Scored:
    """A candidate with its feature values, score and probability of holding the answer."""

    view: View
    features: dict[str, float]
    score: float
    probability: float

    @property
    def passage(self):
        return self.view.passage


def rank(q: Question, views: Sequence[View], pool: Pool, weights: Weights,
         rows: Sequence[dict[str, float]] | None = None) -> list[Scored]:
    """Score every candidate and return them best first (rows: their feature values, when already computed)."""
    rows = values(q, views, pool) if rows is None else rows
    scored = [Scored(v, row, weights.ranker.score(row), 0.0) for v, row in zip(views, rows)]
    for item in scored:
        item.probability = Model.probability(item.score)
    _inherit(scored, weights.continuation)
    return sorted(scored, key=lambda s: s.probability, reverse=True)


def is_continuation(text: str, previous: str = "") -> bool:
    """Whether a paragraph continues the one before it: it opens with a connective ("Also, ...", "She ..."),
    or the one before ends with a colon (a speaker's line, then the words)."""
    return bool(_CONNECTIVE.match(text.strip())) or previous.rstrip().endswith(":")


def _inherit(scored: Sequence[Scored], share: float) -> None:
    by_position = {(s.passage.doc_id, s.passage.ordinal): s for s in scored}
    for item in sorted(scored, key=lambda s: (s.passage.doc_id, s.passage.ordinal)):
        prev = by_position.get((item.passage.doc_id, item.passage.ordinal - 1))
        if prev is not None and prev.passage.article_index == item.passage.article_index \
                and is_continuation(item.passage.text, prev.passage.text):
            item.probability = max(item.probability, share * prev.probability)
