"""Ingestion under faults: killed runs resume to the clean result, a second ingestion is refused by name.

The kill -9 trials run real subprocesses (bench/_fake_ingest.py, fake embedder); bench/crash_safety.py runs
the same trial 20 times and records the figures.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench._fake_ingest import differences, make_corpus, snapshot
from bench.crash_safety import clean_reference, concurrent_trial, crash_trial
from tests.conftest import ROOT, SAMPLE_CORPUS
from vectorstore.indexer import Indexer, IngestBusy

HOLD_LOCK = textwrap.dedent("""
    import fcntl, os, sys
    fh = open(sys.argv[1], "a+")
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fh.seek(0); fh.truncate(); fh.write(str(os.getpid())); fh.flush()
    print("locked", flush=True)
    sys.stdin.read()  # hold the lock until the test closes our stdin
""")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("crash") / "corpus", copies=1, generated=6)


@pytest.fixture(scope="module")
def reference(small_corpus, tmp_path_factory):
    """A clean ingest of small_corpus: (snapshot, seconds the ingestion took)."""
    return clean_reference(tmp_path_factory.mktemp("clean"), small_corpus)


@pytest.fixture
def lock_holder(tmp_path):
    """Another process holding the ingest lock of tmp_path/'store'; yields (data dir, its pid)."""
    store = tmp_path / "store"
    store.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store / "ingest.lock")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield store, proc.pid
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.mark.slow
def test_crash_safety_kill9_at_random_moments_then_resume_equals_clean_ingest(small_corpus, reference, tmp_path):
    snap, seconds = reference
    delays = [seconds * f for f in (0.05, 0.25, 0.45, 0.6, 0.75)]  # spread over the run, deterministic
    records = [crash_trial(tmp_path / f"t{n}", small_corpus, d, snap) for n, d in enumerate(delays)]
    assert [r["problems"] for r in records] == [[]] * len(records)
    assert sum(r["killed"] for r in records) >= 3, records  # a busy machine may finish a late one first


@pytest.mark.slow
def test_crash_safety_two_ingestions_at_once_one_refused_store_clean(small_corpus, reference, tmp_path):
    result = concurrent_trial(tmp_path / "race", small_corpus, reference[0])
    assert result["problems"] == []
    assert sorted(result["exits"]) in ([0, 0], [0, 1])
    if result["refused"]:
        assert f"another ingestion is running on {tmp_path / 'race'}" in result["message"]


def test_crash_safety_interrupted_commit_leaves_marker_and_rerun_removes_orphans(make_index, tmp_path,
                                                                                monkeypatch):
    store = tmp_path / "store"
    index = make_index(path=store)
    real_commit = index.store.commit_document
    committed = []

    def commit_then_die(record):
        if len(committed) == 2:  # the third document's passages are written, its manifest record never is
            raise KeyboardInterrupt
        committed.append(record.meta.doc_id)
        real_commit(record)

    monkeypatch.setattr(index.store, "commit_document", commit_then_die)
    with pytest.raises(KeyboardInterrupt):
        Indexer(index, store, progress=False).ingest([SAMPLE_CORPUS])
    assert (store / "ingest.inprogress").exists()
    assert index.store.count() > sum(r.n_passages for r in index.store.manifest().values())

    monkeypatch.setattr(index.store, "commit_document", real_commit)
    report = Indexer(index, store, progress=False).ingest([SAMPLE_CORPUS])
    assert report.orphans_removed > 0 and report.count("unchanged") == 2 and report.ok
    assert not (store / "ingest.inprogress").exists()

    clean = make_index(path=tmp_path / "clean")
    Indexer(clean, tmp_path / "clean", progress=False).ingest([SAMPLE_CORPUS])
    got, want = snapshot(store), snapshot(tmp_path / "clean")
    for snap in (got, want):  # the two corpora are the same files, so only the store paths differ
        snap["manifest"] = {k: {**v, "path": ""} for k, v in snap["manifest"].items()}
    assert differences(got, want) == []


def test_crash_safety_lock_held_by_another_process_raises_ingest_busy_naming_dir(lock_holder, make_index):
    store, pid = lock_holder
    index = make_index(path=store)
    with pytest.raises(IngestBusy) as info:
        Indexer(index, store, progress=False).ingest([SAMPLE_CORPUS])
    assert str(info.value) == (f"another ingestion is running on {store} (pid {pid}); "
                               "wait for it to finish and run again")
    assert index.store.manifest() == {} and index.store.count() == 0  # refused before writing anything


def test_crash_safety_cli_ingest_while_locked_exits_1_with_message(lock_holder):
    store, pid = lock_holder
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRQA_")}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLE_CORPUS), "--store", str(store)],
                          cwd=ROOT, env={**env, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"hrqa: error: another ingestion is running on {store} (pid {pid}); "
                                   "wait for it to finish and run again")
