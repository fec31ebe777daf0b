"""Scoring answers against gold questions (the format of examples/eval/seed_questions.jsonl).

A passage hits when it comes from the gold document and contains the gold quote (whitespace- and
quote-character-normalised). Metrics: recall@k, MRR, refusal accuracy on `unanswerable`, citation validity
(every marker resolves to a returned passage), citation precision (a cited passage holds a gold quote), latency.
"""
from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_MARKER = re.compile(r"\[(\d+)\]")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


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


def passage_hits(passage: dict, gold: Sequence[dict]) -> bool:
    return any(passage.get("doc") == g["doc"] and normalise(g["quote"]) in normalise(passage.get("text", ""))
               for g in gold)


@dataclass
class QuestionScore:
    id: str
    kind: str
    answerable_gold: bool
    refused: bool
    first_hit_rank: int | None  # 1-based rank of the first passage that hits, None when none does
    markers_valid: bool
    cited: int
    cited_gold: int
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
    cited_gold = sum(1 for c in citations if c["passage_id"] in returned and passage_hits(returned[c["passage_id"]], gold))
    return QuestionScore(item["id"], item.get("kind", ""), bool(gold), not result.get("answerable", True), rank,
                         valid, len(citations), cited_gold, result.get("seconds", 0.0))


def summarise(scores: Sequence[QuestionScore], k: int, select: Callable[[QuestionScore], bool] = lambda s: True
              ) -> dict[str, Any]:
    """Aggregate metrics over the selected questions."""
    scores = [s for s in scores if select(s)]
    answerable = [s for s in scores if s.answerable_gold]
    unanswerable = [s for s in scores if not s.answerable_gold]
    cited = sum(s.cited for s in answerable)
    latencies = sorted(s.seconds for s in scores)
    return {
        "questions": len(scores),
        f"recall@{k}": _mean([1.0 if s.first_hit_rank else 0.0 for s in answerable]),
        "mrr": _mean([1.0 / s.first_hit_rank if s.first_hit_rank else 0.0 for s in answerable]),
        "answered_when_answerable": _mean([0.0 if s.refused else 1.0 for s in answerable]),
        "refusal_accuracy": _mean([1.0 if s.refused else 0.0 for s in unanswerable]),
        "citation_validity": _mean([1.0 if s.markers_valid else 0.0 for s in scores]),
        "citation_precision": (sum(s.cited_gold for s in answerable) / cited) if cited else None,
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(1000 * _percentile(latencies, 0.95), 1) if latencies else None,
    }


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else None


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    pos = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[pos]


def evaluate(questions: Sequence[dict], answer_fn: Callable[[dict], dict], k: int) -> dict[str, Any]:
    """Run answer_fn (question item -> batch-format dict) over the questions and score.

    Returns:
        {"all": metrics, "english_answerable": metrics, "by_kind": {...}, "questions": [per-question rows]}
    """
    scores = [score_one(item, answer_fn(item), k) for item in questions]
    kinds = sorted({s.kind for s in scores})
    return {
        "all": summarise(scores, k),
        "english": summarise(scores, k, lambda s: s.kind != "multilingual"),
        "by_kind": {kind: summarise(scores, k, lambda s, kind=kind: s.kind == kind) for kind in kinds},
        "questions": [s.__dict__ for s in scores],
    }
