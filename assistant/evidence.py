"""How strongly a passage supports a question: term matching, sentence selection, refusal signals.

Everything here is pure and cheap; thresholds are calibrated on the seed questions (see bench/quality.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from ingest.chunk import sentences
from vectorstore.keyword import query_terms

_YEAR = re.compile(r"\b(19|20)\d\d\b")
# Words that say what kind of answer is wanted, not what it is about; they must not count as evidence.
QUESTION_WORDS = frozenset(
    """many much number kind kinds sort type types according say says said describe describes
    mention mentions document documents assessment report recommend recommendation recommendations
    recommended concern concerns concerning regarding does did do get got""".split()
)


def stem(token: str) -> str:
    """A deliberately crude stem: lower-case, plural 's' dropped, first 6 letters.

    Good enough to match recommendation/recommended, organisations/organizations, махаллей/махалли,
    and cheap enough to run over every candidate sentence.
    """
    token = token.lower()
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token[:6]


def content_stems(text: str) -> list[str]:
    """Stems of a question's content words, question words removed."""
    return [stem(t) for t in query_terms(text) if t not in QUESTION_WORDS]


def text_stems(text: str) -> set[str]:
    return {stem(t) for t in re.findall(r"\w+", text.lower())}


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each bullet line counts as a sentence ("No. 43" does not end one)."""
    return [s for line in re.split(r"\n(?=\s*•)", text) for s in sentences(line)]


@dataclass(frozen=True)
class Support:
    """How well one text covers the question: weighted coverage in [0, 1] and the stems it lacks."""

    coverage: float
    missing: tuple[str, ...]


def support(question_stems: Sequence[str], text: str, weights: Mapping[str, float]) -> Support:
    """IDF-weighted share of the question's content stems found in text."""
    if not question_stems:
        return Support(0.0, ())
    present = text_stems(text)
    total = sum(weights.get(s, 1.0) for s in question_stems)
    found = sum(weights.get(s, 1.0) for s in question_stems if s in present)
    missing = tuple(s for s in question_stems if s not in present)
    return Support(found / total if total else 0.0, missing)


def idf_weights(question_stems: Sequence[str], doc_freq: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """Smoothed IDF per stem; a stem absent from the corpus gets the highest weight."""
    return {s: math.log(1.0 + (n_docs + 1) / (doc_freq.get(s, 0) + 1)) for s in question_stems}


def years_missing(question: str, text: str) -> list[str]:
    """Years the question names that the text does not mention (a 2023 question is not answered by 2025 data)."""
    text_years = {m.group(0) for m in _YEAR.finditer(text)}
    return [m.group(0) for m in _YEAR.finditer(question) if m.group(0) not in text_years]


def best_sentences(question_stems: Sequence[str], text: str, weights: Mapping[str, float],
                   want_numbers: bool = False, limit: int = 2) -> list[tuple[str, float]]:
    """The passage's sentences that cover the question best, in reading order, with their coverage."""
    scored = []
    for pos, sentence in enumerate(split_sentences(text)):
        cov = support(question_stems, sentence, weights).coverage
        if want_numbers and re.search(r"\d", sentence):
            cov += 0.15
        scored.append((cov, pos, sentence))
    top = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
    best = top[0][0] if top else 0.0
    keep = [t for t in top if t[0] > 0 and t[0] >= 0.5 * best]
    return [(s, c) for c, _, s in sorted(keep, key=lambda t: t[1])]
