"""vectorstore.repair: a damaged Chroma vector index is found when the store is opened and rebuilt from the
records Chroma's own database holds; an interrupted rebuild is finished by the next open; a server's damage is
reported with what to do.

Before: a zero-byte index_metadata.pickle (what a full disk left behind) made every question and `hrqa backup`
fail with a deserialisation error, for good.
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from bench._fake_ingest import make_corpus, open_index
from ingest.errors import StoreError
from vectorstore import repair
from vectorstore.indexer import Indexer


def _records(index) -> dict:
    return {which: sorted((r["id"], r["document"], tuple(sorted(r["metadata"].items())),
                           tuple(round(x, 6) for x in r["embedding"])) for r in index.store.iter_records(which))
            for which in ("passages", "documents")}


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> tuple[Path, dict]:
    """A store with enough passages (> Chroma's 1,000-record persist threshold) to have every HNSW file."""
    root = tmp_path_factory.mktemp("repair")
    corpus = make_corpus(root / "corpus", copies=0, generated=28, paragraphs=40)
    index = open_index(root / "store")
    assert Indexer(index, root / "store", progress=False).ingest([corpus]).ok
    return root / "store", _records(index)


def _segment(store: Path) -> Path:
    """The passages collection's HNSW folder (the largest one)."""
    return max((d for d in (store / "chroma").iterdir() if d.is_dir()),
               key=lambda d: sum(f.stat().st_size for f in d.iterdir()))


def _overwrite(path: Path, start: int, end: int) -> None:
    data = bytearray(path.read_bytes())
    data[start:end] = os.urandom(end - start)
    path.write_bytes(bytes(data))


DAMAGE = {
    "zero-byte pickle": lambda seg: (seg / "index_metadata.pickle").write_bytes(b""),
    "random pickle": lambda seg: (seg / "index_metadata.pickle").write_bytes(os.urandom(4000)),
    "random header": lambda seg: (seg / "header.bin").write_bytes(os.urandom(100)),
    "truncated vectors": lambda seg: os.truncate(seg / "data_level0.bin", 1000),
    "garbled links": lambda seg: _overwrite(seg / "data_level0.bin", 100, 50_000),  # crashed hnswlib (SIGSEGV)
    "cut link lists": lambda seg: os.truncate(seg / "link_lists.bin", 10),
    "segment folder gone": shutil.rmtree,
}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_repair_damaged_vector_index_is_rebuilt_on_open_with_the_same_records(big_store, tmp_path, how, caplog):
    original, before = big_store
    store = tmp_path / "store"
    shutil.copytree(original, store)
    assert (_segment(store) / "index_metadata.pickle").exists()
    DAMAGE[how](_segment(store))
    with caplog.at_level(logging.WARNING, logger="vectorstore.repair"):
        index = open_index(store)
    assert any("is damaged" in r.message and "rebuilding it from the records in Chroma's database" in r.message
               for r in caplog.records)
    assert _records(index) == before  # ids, texts, metadata and vectors
    hits = index.nearest(index.embedder.embed_query("complaints about legal aid"), 3)
    assert len(hits) == 3 and not list(store.glob("recovery-*"))
    assert repair.damage(index.store) == {}


def test_repair_interrupted_rebuild_is_finished_by_the_next_open(big_store, tmp_path, monkeypatch):
    original, before = big_store
    store = tmp_path / "store"
    shutil.copytree(original, store)
    DAMAGE["zero-byte pickle"](_segment(store))
    real_load = repair._load

    def die_half_way(target, which, recovery):
        real_load(target, which, recovery)
        target.client.delete_collection(target.names[which])  # as if killed before the load had finished
        raise KeyboardInterrupt

    monkeypatch.setattr(repair, "_load", die_half_way)
    with pytest.raises(KeyboardInterrupt):
        open_index(store)
    assert list(store.glob("recovery-*.jsonl.gz"))  # the salvaged records wait on disk
    monkeypatch.setattr(repair, "_load", real_load)
    assert _records(open_index(store)) == before
    assert not list(store.glob("recovery-*"))


def test_repair_store_is_not_judged_while_an_ingest_runs_but_at_the_next_open(big_store, tmp_path, caplog):
    from vectorstore.locking import FileLock

    original, before = big_store
    store = tmp_path / "store"
    shutil.copytree(original, store)
    DAMAGE["zero-byte pickle"](_segment(store))
    with FileLock(store / "ingest.lock"), caplog.at_level(logging.INFO, logger="vectorstore.repair"):
        open_index(store)  # files caught mid-write by a running ingest look damaged: not judged now
    assert any("an ingest is running" in r.message for r in caplog.records)
    assert (_segment(store) / "index_metadata.pickle").stat().st_size == 0  # untouched
    assert _records(open_index(store)) == before  # the next open, with the lock free, rebuilds


def test_repair_server_store_cannot_be_rebuilt_here_and_says_what_to_do(make_index, monkeypatch):
    index = make_index()
    probes = []
    monkeypatch.setattr(repair, "damage", lambda store: probes.append(1) or {"passages": "InternalError: hnsw"})
    monkeypatch.setattr(repair, "_persist_dir", lambda client: None)
    monkeypatch.setattr(repair.time, "sleep", lambda seconds: None)
    with pytest.raises(StoreError, match="cannot read its vector index .*restore the latest backup"):
        repair.ensure_readable(index.store, lambda: None)
    assert len(probes) == 3  # a read that raced another machine's delete is tried again first


def test_repair_server_store_failing_one_probe_opens(make_index, monkeypatch):
    index = make_index()
    answers = [{"passages": "InternalError: Error finding id"}, {}]
    monkeypatch.setattr(repair, "damage", lambda store: answers.pop(0))
    monkeypatch.setattr(repair, "_persist_dir", lambda client: None)
    monkeypatch.setattr(repair.time, "sleep", lambda seconds: None)
    repair.ensure_readable(index.store, lambda: None)
    assert answers == []


def test_repair_healthy_store_is_not_touched(make_index, tmp_path):
    index = make_index()
    before = sorted(p.name for p in (tmp_path / "store" / "chroma").rglob("*"))
    repair.ensure_readable(index.store, lambda: pytest.fail("the embedder must not be loaded"))
    assert sorted(p.name for p in (tmp_path / "store" / "chroma").rglob("*")) == before
