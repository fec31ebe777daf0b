"""Reliability, derived data: the keyword index is a cache of Chroma and heals itself.

Missing, empty, of an older schema, truncated or overwritten with random bytes, whether found at open or while
the app runs: the file is reset with a log line, refilled from Chroma, and questions keep being answered (before,
every question exited with sqlite3.DatabaseError).
"""
from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import pytest

from assistant.core import Assistant

QUESTION = "Which recommendations concern mahallas?"


def _damage(path: Path, how: str) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if how == "missing":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":
        os.truncate(path, path.stat().st_size // 2)
    elif how == "random":
        path.write_bytes(os.urandom(path.stat().st_size))
    elif how == "old-schema":
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA user_version = 1")


@pytest.fixture
def closed_store(sample_index, tmp_path):
    """The sample corpus ingested; its keyword file closed and checkpointed (as after the app stopped)."""
    passages = sample_index.keyword.count()
    with sample_index.keyword._lock:
        sample_index.keyword._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sample_index.keyword.close()
    return tmp_path / "store", passages


@pytest.mark.parametrize("how", ["missing", "empty", "old-schema", "truncated", "random"])
def test_reliability_keyword_index_damaged_at_open_is_rebuilt_and_questions_answered(closed_store, make_index,
                                                                                     how, caplog):
    store, passages = closed_store
    _damage(store / "keyword.sqlite", how)
    with caplog.at_level(logging.INFO, logger="vectorstore"):
        index = make_index(path=store)
        answer = Assistant(index).ask(QUESTION)
    assert index.keyword.count() == passages == index.store.count()
    assert answer.answerable and answer.citations
    if how in ("truncated", "random"):
        assert any("keyword index" in r.message and "is damaged" in r.message and "rebuilding it from Chroma"
                   in r.message for r in caplog.records), [r.message for r in caplog.records]
    if how == "old-schema":
        assert any("has schema 1" in r.message for r in caplog.records)
    assert any("documents synced" in r.message for r in caplog.records)


@pytest.mark.parametrize("how", ["truncated", "random"])
def test_reliability_keyword_index_damaged_while_running_questions_still_answered_then_refilled(sample_index,
                                                                                             tmp_path, how, caplog):
    path = tmp_path / "store" / "keyword.sqlite"
    passages = sample_index.keyword.count()
    with sample_index.keyword._lock:
        sample_index.keyword._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(path, how)
    # An open connection serves what it cached before the damage; one that reads pages afterwards meets it.
    with sample_index.keyword._lock:
        sample_index.keyword._conn.close()
        sample_index.keyword._conn = sqlite3.connect(str(path), check_same_thread=False)
    assistant = Assistant(sample_index)
    with caplog.at_level(logging.WARNING, logger="vectorstore"):
        first = assistant.ask(QUESTION)  # meets the damage: answered from dense retrieval, index reset
        second = assistant.ask(QUESTION)  # the refresh before it refilled the index from Chroma
    assert first.passages and second.answerable and second.citations
    assert any("is damaged" in r.message for r in caplog.records)
    assert sample_index.keyword.count() == passages
    assert not sample_index.keyword.needs_sync
