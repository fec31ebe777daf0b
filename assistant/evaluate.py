"""Scoring answers against gold questions (the format of examples/eval/seed_questions.jsonl).

What the user is shown decides a question's outcome:
- "right": answered, and a cited passage holds a gold quote;
- "wrong": answered, but no cited passage holds a gold quote (for an unanswerable question: answered at all);
- "wrongly_refused": refused although the documents answer it;
- "rightly_refused": an unanswerable question refused.
A passage holds a gold quote when it comes from the gold document and contains the quote, compared without
whitespace, case and quote-character differences (PDF extraction and paragraph splitting move spaces and line
breaks); a quote cut by a passage split counts when its first or last half (at least five words) is there.
Retrieval metrics beside it: recall@k and MRR of the first passage holding a gold quote, citation validity (every
marker resolves to a returned passage) and precision (cited passages that hold a gold quote), latency.
"""
from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": None})
_MARKER = re.compile(r"\[(\d+)\]")
OUTCOMES = ("right", "wrong", "wrongly_refused", "rightly_refused")
_MIN_HALF_WORDS = 5


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_QUOTES)).lower()


def load_questions(path: str | Path) -> list[dict]:
    """Read a JSONL file of questions; each needs at least id and question.

    Raises:
        ValueError: a line is not JSON or lacks id/question (the message names the line).
    """
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or "id" not in item or "question" not in item:
            raise ValueError(f"{path}:{n}: needs at least 'id' and 'question'")
        out.append(item)
    return out


def quote_in(quote: str, text: str) -> bool:
    """Whether text holds the quote, or (for a quote of ten words or more) its first or last half."""
    body = _squeezed(text)
    if _squeezed(quote) in body:
        return True
    words = quote.split()
    if len(words) < 2 * _MIN_HALF_WORDS:
        return False
    half = len(words) // 2
    return _squeezed(" ".join(words[:half])) in body or _squeezed(" ".join(words[half:])) in body


def passage_hits(passage: dict, gold: Sequence[dict]) -> bool:
    return any(passage.get("doc") == g["doc"] and quote_in(g["quote"], passage.get("text", "")) for g in gold)


def outcome(gold: Sequence[dict], answerable: bool, cited_gold: int) -> str:
    """One of OUTCOMES for what the user was shown."""
    if not gold:
        return "wrong" if answerable else "rightly_refused"
    if not answerable:
        return "wrongly_refused"
    return "right" if cited_gold else "wrong"


@dataclass
class QuestionScore:
    id: str
    kind: str
    lang: str
    answerable_gold: bool
    refused: bool
    first_hit_rank: int | None  # 1-based rank of the first passage that hits, None when none does
    markers_valid: bool
    cited: int
    cited_gold: int
    outcome: str
    seconds: float


def score_one(item: dict, result: dict, k: int) -> QuestionScore:
    """Score one batch-format result against its gold item."""
    gold = item.get("gold", [])
    passages = result.get("passages", [])
    rank = next((i for i, p in enumerate(passages[:k], 1) if passage_hits(p, gold)), None)
    markers = {int(m) for m in _MARKER.findall(result.get("answer", ""))}
    citations = result.get("citations", [])
    by_marker = {c["marker"]: c for c in citations}
    returned = {p["id"]: p for p in passages}
    valid = all(m in by_marker and by_marker[m]["passage_id"] in returned for m in markers)
    cited_gold = sum(1 for c in citations
                     if c["passage_id"] in returned and passage_hits(returned[c["passage_id"]], gold))
    answerable = bool(result.get("answerable", True))
    return QuestionScore(item["id"], item.get("kind", ""), item.get("lang", "en"), bool(gold), not answerable, rank,
                         valid, len(citations), cited_gold, outcome(gold, answerable, cited_gold),
                         result.get("seconds", 0.0))


def summarise(scores: Sequence[QuestionScore], k: int, select: Callable[[QuestionScore], bool] = lambda s: True
              ) -> dict[str, Any]:
    """Aggregate metrics over the selected questions; outcome shares of answerable questions, refusal share of
    unanswerable ones."""
    scores = [s for s in scores if select(s)]
    answerable = [s for s in scores if s.answerable_gold]
    unanswerable = [s for s in scores if not s.answerable_gold]
    cited = sum(s.cited for s in answerable)
    latencies = sorted(s.seconds for s in scores)
    return {
        "questions": len(scores),
        "answered_right": _mean([s.outcome == "right" for s in answerable]),
        "answered_wrong": _mean([s.outcome == "wrong" for s in answerable]),
        "wrongly_refused": _mean([s.outcome == "wrongly_refused" for s in answerable]),
        "unanswerable_refused": _mean([s.outcome == "rightly_refused" for s in unanswerable]),
        f"recall@{k}": _mean([1.0 if s.first_hit_rank else 0.0 for s in answerable]),
        "mrr": _mean([1.0 / s.first_hit_rank if s.first_hit_rank else 0.0 for s in answerable]),
        "citation_validity": _mean([1.0 if s.markers_valid else 0.0 for s in scores]),
        "citation_precision": round(sum(s.cited_gold for s in answerable) / cited, 4) if cited else None,
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(1000 * _percentile(latencies, 0.95), 1) if latencies else None,
    }


def _mean(values: Iterable[float | bool]) -> float | None:
    values = [float(v) for v in values]
    return round(sum(values) / len(values), 4) if values else None


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    pos = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[pos]


def run(questions: Sequence[dict], answer_fn: Callable[[dict, list], dict]) -> dict[str, dict]:
    """Answer every question, in file order; a follow-up ("follows": id) is asked after the question it follows,
    with that question and its answer as the chat history.

    Returns:
        id -> batch-format result (Answer.to_dict()).
    """
    results: dict[str, dict] = {}
    for item in questions:
        previous = results.get(item.get("follows", ""))
        history = []
        if previous is not None:
            cited = tuple(c["passage_id"] for c in previous.get("citations", []))
            history = [("user", previous["question"]), ("assistant", previous.get("answer", ""), cited)]
        results[item["id"]] = answer_fn(item, history)
    return results


def evaluate(questions: Sequence[dict], answer_fn: Callable[[dict, list], dict], k: int) -> dict[str, Any]:
    """Run answer_fn (question item, history -> batch-format dict) over the questions and score.

    Returns:
        {"all": metrics, "english": metrics, "by_kind": {...}, "questions": [per-question rows]}
    """
    results = run(questions, answer_fn)
    scores = [score_one(item, results[item["id"]], k) for item in questions]
    return report(scores, k)


def report(scores: Sequence[QuestionScore], k: int) -> dict[str, Any]:
    kinds = sorted({s.kind for s in scores})
    return {
        "all": summarise(scores, k),
        "english": summarise(scores, k, lambda s: s.lang == "en" and s.kind != "multilingual"),
        "by_kind": {kind: summarise(scores, k, _of_kind(kind)) for kind in kinds},
        "questions": [s.__dict__ for s in scores],
    }


def _of_kind(kind: str) -> Callable[[Any], bool]:
    """A filter for summarise(): the scores of one question kind."""
    return lambda score: score.kind == kind
