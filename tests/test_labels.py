"""The label gold (examples/eval/labels/) checked against the parser on the real documents: every document's
title, type, date and its meaning, and UN symbol exactly; the sampled passages' paragraph number, heading path,
section kind, page and recommending State on at least 98%; no passage that is boilerplate. Skipped without
../shared (the real documents are not in the repository)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench._labels import boilerplate, compare_documents, compare_passages, parse_all

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus-real"
GOLD = ROOT / "examples" / "eval" / "labels"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="real corpus (../shared/corpus-real) not available")


def _gold(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def parsed():
    return parse_all([REAL, ROOT / "examples" / "corpus"])


def test_labels_every_document_title_type_date_and_symbol_equal_the_gold(parsed):
    rows = compare_documents(_gold("documents.jsonl"), parsed)
    assert len(rows) == 21
    wrong = {r["file"]: {k: (r["got"][k], r["want"][k]) for k, ok in r["fields"].items() if not ok}
             for r in rows if not r["ok"]}
    assert wrong == {}


def test_labels_sampled_passage_labels_at_least_98_percent_equal_the_gold(parsed):
    rows = compare_passages(_gold("passages.jsonl"), parsed)
    misses = [(r["doc"], r["quote"][:40]) for r in rows if not r["ok"]]
    assert len(rows) >= 200
    assert 1 - len(misses) / len(rows) >= 0.98, misses


def test_labels_no_boilerplate_passage_in_any_real_document(parsed):
    assert boilerplate(parsed) == {}
