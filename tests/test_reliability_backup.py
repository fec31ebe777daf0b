"""Reliability, backups: a backup is a consistent snapshot even while an ingest runs; a restore validates the
whole file first and, on any error, leaves the target store exactly as it was.

Before: a backup taken during a re-ingest held manifest records without their passages (3 of 62 in server mode),
and restoring a damaged backup into a store with data left hundreds of orphan passages; only half of the damaged
files got a clear error.
"""
from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path

import pytest

from bench._fake_ingest import snapshot
from ingest.errors import StoreError
from tests.conftest import SAMPLE_CORPUS
from vectorstore.backup import backup, validate
from vectorstore.indexer import Indexer
from vectorstore.restore import restore

NAMES = sorted(p.name for p in SAMPLE_CORPUS.iterdir())


def _state(index) -> dict:
    """Every record of the target byte for byte (vectors included) and the keyword index's rows."""
    records = {which: sorted(json.dumps(r, sort_keys=True) for r in index.store.iter_records(which))
               for which in ("passages", "documents")}
    with index.keyword._lock:
        records["fts"] = sorted(index.keyword._conn.execute("SELECT id, doc_id, text FROM fts").fetchall())
    return records


def _corpus(tmp_path: Path, name: str, files: list[str], extra: str = "") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in files:
        shutil.copyfile(SAMPLE_CORPUS / file, folder / file)
        if extra:
            with open(folder / file, "a", encoding="utf-8") as fh:
                fh.write(extra)
    return folder


@pytest.fixture
def source_backup(make_index, tmp_path) -> tuple[Path, dict]:
    """A backup of three sample documents, and its counts."""
    index = make_index(path=tmp_path / "src")
    Indexer(index, tmp_path / "src", progress=False).ingest([_corpus(tmp_path, "docs", NAMES[:3])])
    counts = backup(index, tmp_path / "b.jsonl.gz")
    return tmp_path / "b.jsonl.gz", counts


@pytest.fixture
def target(source_backup, make_index, tmp_path):
    """A store with data of its own: two other documents, and one of the backup's in a later version."""
    index = make_index(path=tmp_path / "dst")
    shared = tmp_path / "docs" / NAMES[2]
    shared.write_text(shared.read_text(encoding="utf-8") + "\n\nA closing note added later.\n", encoding="utf-8")
    assert Indexer(index, tmp_path / "dst", progress=False).ingest([shared, _corpus(tmp_path, "own", NAMES[3:])]).ok
    return index


def _lines(path: Path) -> list[bytes]:
    with gzip.open(path, "rb") as fh:
        return fh.read().splitlines(keepends=True)


def _write(path: Path, lines: list[bytes]) -> Path:
    with gzip.open(path, "wb") as fh:
        fh.write(b"".join(lines))
    return path


def _damaged(src: Path, tmp_path: Path) -> dict[str, Path]:
    """Twelve ways a backup file gets damaged."""
    raw, lines, rng = src.read_bytes(), _lines(src), random.Random(7)
    out = {f"truncated-{n}": raw[: int(len(raw) * f)] for n, f in enumerate((0.1, 0.5, 0.9, 0.999))}
    for n in range(4):
        flipped = bytearray(raw)
        flipped[rng.randrange(20, len(raw) - 10)] ^= 1 << rng.randrange(8)
        out[f"bit-flip-{n}"] = bytes(flipped)
    out["random-bytes"] = rng.randbytes(len(raw))
    paths = {name: (tmp_path / f"{name}.gz") for name in out}
    for name, data in out.items():
        paths[name].write_bytes(data)
    paths["cut-at-a-line"] = _write(tmp_path / "cut.gz", lines[: len(lines) // 2])
    paths["no-end-line"] = _write(tmp_path / "noend.gz", lines[:-1])
    edited = json.loads(lines[1])
    edited["document"] = edited["document"] + " (edited)"
    paths["edited-text"] = _write(tmp_path / "edited.gz", [lines[0], json.dumps(edited).encode() + b"\n", *lines[2:]])
    return paths


def test_reliability_backup_every_damaged_file_is_refused_and_the_target_stays_byte_for_byte(
        source_backup, target, tmp_path):
    before = _state(target)
    refused = {}
    for name, path in _damaged(source_backup[0], tmp_path).items():
        with pytest.raises(StoreError) as info:
            restore(target, path)
        refused[name] = str(info.value)
        assert _state(target) == before, name
    assert all("nothing restored" in message for message in refused.values()), refused
    assert snapshot(tmp_path / "dst")["orphans"] == []


@pytest.mark.parametrize("fail_at", [1, 2])  # the passages' write, the manifest's (the commit)
def test_reliability_backup_write_failing_mid_restore_is_undone_exactly(source_backup, target, tmp_path,
                                                                        monkeypatch, fail_at):
    before = _state(target)
    real_put = target.store.put_records
    calls = []

    def fail_on_second(which, records):
        calls.append(which)
        if len(calls) == fail_at:
            raise OSError(28, "No space left on device")
        return real_put(which, records)

    monkeypatch.setattr(target.store, "put_records", fail_on_second)
    with pytest.raises(StoreError, match="restore failed while writing .*every change was undone"):
        restore(target, source_backup[0])
    monkeypatch.setattr(target.store, "put_records", real_put)
    assert _state(target) == before


def test_reliability_backup_restore_over_data_replaces_versions_without_orphans(source_backup, target, tmp_path):
    path, counts = source_backup
    assert restore(target, path) == counts
    after = snapshot(tmp_path / "dst")
    assert after["orphans"] == [] and after["count"] == after["manifest_passages"]
    assert sorted(r.meta.file_name for r in target.documents()) == NAMES  # the shared document once
    shared = next(r for r in target.documents() if r.meta.file_name == NAMES[2])
    assert "A closing note added later." not in " ".join(
        p.text for p in target.store.passages_of(shared.meta.doc_id, shared.version))  # the backup's version


def test_reliability_backup_during_a_reingest_holds_each_record_with_exactly_its_passages(make_index, tmp_path,
                                                                                         monkeypatch):
    index = make_index(path=tmp_path / "live")
    corpus = _corpus(tmp_path, "docs", NAMES)
    Indexer(index, tmp_path / "live", progress=False).ingest([corpus])
    changed = corpus / NAMES[1]
    real_iter = index.store.iter_records
    state = {"reingested": False}

    def reingest_after_the_manifest_is_read(which, where=None, ids=None):
        if which == "passages" and not state["reingested"]:  # another process re-ingests right now
            state["reingested"] = True
            changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA paragraph added meanwhile.\n",
                               encoding="utf-8")
            Indexer(index, tmp_path / "live", progress=False).ingest([changed])
        return real_iter(which, where=where, ids=ids)

    monkeypatch.setattr(index.store, "iter_records", reingest_after_the_manifest_is_read)
    counts = backup(index, tmp_path / "b.jsonl.gz")
    assert state["reingested"]
    records = [json.loads(line) for line in _lines(tmp_path / "b.jsonl.gz")[1:-1]]
    docs = {r["id"]: r["metadata"] for r in records if r["kind"] == "documents"}
    for doc_id, meta in docs.items():
        held = [r for r in records if r["kind"] == "passages" and r["metadata"]["doc_id"] == doc_id]
        assert {r["metadata"]["version"] for r in held} == {meta["version"]} and len(held) == meta["n_passages"]
    assert counts == validate(tmp_path / "b.jsonl.gz", "fake").counts == {"documents": 5, "passages": len(
        [r for r in records if r["kind"] == "passages"])}


def test_reliability_backup_first_format_files_still_restore(source_backup, make_index, tmp_path):
    lines = [json.loads(line) for line in _lines(source_backup[0])]
    header, records = {**lines[0], "format": "hrqa-backup-1"}, lines[1:-1]
    old = [header] + [r for r in records if r["kind"] == "passages"] + [r for r in records if r["kind"] == "documents"]
    path = _write(tmp_path / "v1.gz", [json.dumps(r).encode() + b"\n" for r in old])
    assert restore(make_index(path=tmp_path / "fresh"), path) == source_backup[1]
    cut = _write(tmp_path / "v1-cut.gz", [json.dumps(r).encode() + b"\n" for r in old[:-1]])
    with pytest.raises(StoreError, match="belong to no document in the file"):
        restore(make_index(path=tmp_path / "fresh2"), cut)


def test_reliability_backup_cannot_be_written_leaves_no_partial_file(make_index, tmp_path, monkeypatch):
    index = make_index()
    Indexer(index, tmp_path / "store", progress=False).ingest([SAMPLE_CORPUS / NAMES[0]])
    dest = tmp_path / "out" / "b.jsonl.gz"
    with pytest.raises(StoreError, match=f"cannot write backup {dest}"):
        backup(index, dest)  # its folder does not exist
    assert not dest.exists() and not dest.with_name(dest.name + ".part").exists()


@pytest.mark.slow
def test_reliability_backup_taken_while_another_process_reingests_on_a_server_is_consistent(tmp_path):
    from bench._backups import backup_race

    race = backup_race(tmp_path, backups=8)
    assert race["writer_rounds"] >= 2  # the writer changed documents while the backups ran
    assert race["inconsistent"] == 0, race
