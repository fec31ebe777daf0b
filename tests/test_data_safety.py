"""Data safety: deleting a document removes exactly its rows; a restart and a backup/restore change no answer.

The restart and backup tests run the real CLI with the real model in fresh subprocesses (slow).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench._fake_ingest import snapshot
from bench._serve import SEED_QUESTIONS, hrqa, ingest_sample

DELETED = "baku-conference-ombudsmen-business-human-rights.txt"


def test_data_safety_delete_removes_exactly_that_documents_rows_from_both_indexes(sample_index, tmp_path):
    store = tmp_path / "store"
    before = snapshot(store)
    record = sample_index.find_document(DELETED)
    assert sample_index.delete_document(record.meta.doc_id)

    after = snapshot(store)
    gone = record.meta.doc_id
    assert after["passages"] == {pid: v for pid, v in before["passages"].items() if v[1] != gone}
    assert after["fts"] == [(pid, doc) for pid, doc in before["fts"] if doc != gone]
    assert after["keyword_docs"] == {d: v for d, v in before["keyword_docs"].items() if d != gone}
    assert after["manifest"] == {d: v for d, v in before["manifest"].items() if d != gone}
    assert len(before["passages"]) - len(after["passages"]) == record.n_passages > 0
    assert after["orphans"] == [] and after["count"] == after["manifest_passages"]
    assert not sample_index.delete_document(gone)  # a second delete finds nothing and changes nothing
    assert snapshot(store) == after


def _answers(store: Path) -> list[dict]:
    """The seed questions answered by `hrqa ask --batch` in a fresh process, timings dropped."""
    done = hrqa("ask", "--batch", str(SEED_QUESTIONS), "--store", str(store))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for item in lines:
        item.pop("seconds", None)
    return lines


@pytest.fixture(scope="module")
def real_store(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The sample corpus ingested by the real CLI, and its answers to the 35 seed questions."""
    store = tmp_path_factory.mktemp("real-store")
    ingest_sample(store)
    return store, _answers(store)


@pytest.mark.slow
def test_data_safety_restart_gives_identical_answers_and_citations(real_store):
    store, first = real_store
    assert len(first) == 35 and sum(bool(a["citations"]) for a in first) >= 20  # answered: 23 with the weights of today
    assert _answers(store) == first


@pytest.mark.slow
def test_data_safety_backup_restore_into_empty_store_gives_identical_answers(real_store, tmp_path):
    store, first = real_store
    backup = tmp_path / "hrqa-backup.jsonl.gz"
    backed_up = hrqa("backup", str(backup), "--store", str(store))
    assert backed_up.returncode == 0, backed_up.stderr
    assert backed_up.stdout.startswith("backed up 5 documents, ")

    empty = tmp_path / "restored"
    done = hrqa("restore", str(backup), "--store", str(empty))
    assert done.returncode == 0, done.stderr
    counts = backed_up.stdout.split(" to ")[0].removeprefix("backed up ")
    assert done.stdout == f"restored {counts} from {backup}\n"
    assert _answers(empty) == first
    listed = [json.loads(hrqa("docs", "--json", "--store", str(s)).stdout) for s in (store, empty)]
    assert listed[0] == listed[1]  # manifest records, paths and ingest times included
