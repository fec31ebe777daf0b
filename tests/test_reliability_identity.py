"""Reliability, identity: no document silently replaced, none stale, none indexed twice.

Before: the document id was the file's base name, so a second "report.txt" from another folder replaced the
first (reported as "added, added"); a file rewritten while it was ingested kept the old text under the new hash
forever ("unchanged" on every later run); the same content under two names filled the top results with copies.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core import Assistant
from bench._fake_ingest import snapshot
from tests.helpers import hand_weights
from vectorstore import indexer as indexer_module
from vectorstore.indexer import Indexer

ZEBRA = "The Zebra commission recommends independent monitoring of every detention facility.\n"
OKAPI = "The Okapi council recommends free legal aid for every detainee.\n"


def _ingest(index, store: Path, *paths) -> dict[str, tuple[str, str]]:
    report = Indexer(index, store, progress=False).ingest(list(paths))
    return {str(Path(f.path).relative_to(store.parent)): (f.status, f.reason) for f in report.files}


def _texts(index) -> list[str]:
    return sorted(p.text for rec in index.documents() for p in index.store.passages_of(rec.meta.doc_id, rec.version))


def test_reliability_identity_same_name_in_two_folders_are_two_documents(make_index, tmp_path):
    for folder, text in (("a", ZEBRA), ("b", OKAPI)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    index = make_index()
    assert _ingest(index, tmp_path / "store", tmp_path / "a", tmp_path / "b") == {
        "a/report.txt": ("added", ""), "b/report.txt": ("added", "")}
    records = index.documents()
    assert [r.meta.file_name for r in records] == ["report.txt", "report.txt"]  # the display name is kept
    assert len({r.meta.doc_id for r in records}) == 2 and _texts(index) == sorted([ZEBRA.strip(), OKAPI.strip()])
    # and each stays itself: changing one updates that one only
    (tmp_path / "b" / "report.txt").write_text(OKAPI + "\nIt asks for interpreters too.\n", encoding="utf-8")
    assert _ingest(index, tmp_path / "store", tmp_path / "a", tmp_path / "b") == {
        "a/report.txt": ("unchanged", ""), "b/report.txt": ("updated", "")}


def test_reliability_identity_file_rewritten_during_ingest_is_stored_as_read_and_updated_next_run(
        make_index, tmp_path, monkeypatch):
    doc = tmp_path / "docs" / "moving.txt"
    doc.parent.mkdir()
    doc.write_text(ZEBRA, encoding="utf-8")
    # the reading the version is hashed from (before: a separate read of its own, file_hash)
    name = "read_bytes" if hasattr(indexer_module, "read_bytes") else "file_hash"
    real_read, rewritten = getattr(indexer_module, name), []

    def read_then_rewritten(path, *args, **kwargs):
        got = real_read(path, *args, **kwargs)
        if not rewritten:  # another program rewrites the file right after this read
            rewritten.append(doc.write_text(OKAPI, encoding="utf-8"))
        return got

    monkeypatch.setattr(indexer_module, name, read_then_rewritten)
    index = make_index()
    assert _ingest(index, tmp_path / "store", doc) == {"docs/moving.txt": ("added", "")}
    assert _texts(index) == [ZEBRA.strip()]  # the text stored is the text whose hash was recorded
    monkeypatch.setattr(indexer_module, name, real_read)
    assert _ingest(index, tmp_path / "store", doc) == {"docs/moving.txt": ("updated", "")}
    assert _texts(index) == [OKAPI.strip()]


def test_reliability_identity_same_content_under_two_names_is_indexed_once_and_reported(make_index, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "original.txt").write_text(ZEBRA, encoding="utf-8")
    (docs / "copy-of-original.txt").write_text(ZEBRA, encoding="utf-8")
    index = make_index()
    got = _ingest(index, tmp_path / "store", docs)
    assert got["docs/copy-of-original.txt"] == ("added", "")  # sorted first, so it is the one indexed
    assert got["docs/original.txt"] == (
        "skipped", f"same content as copy-of-original.txt ({docs.resolve() / 'copy-of-original.txt'}); "
                   "not indexed twice")
    assert len(index.documents()) == 1
    answer = Assistant(index, weights=hand_weights()).ask("What does the Zebra commission recommend?")
    assert len({r.passage.text for r in answer.passages}) == len(answer.passages)  # no copies in the results
    assert _ingest(index, tmp_path / "store", docs, ) == {  # stable on the next run, nothing pruned wrongly
        "docs/copy-of-original.txt": ("unchanged", ""), "docs/original.txt": got["docs/original.txt"]}


def test_reliability_identity_moved_file_keeps_its_document_and_renamed_one_replaces_it(make_index, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "report.txt").write_text(ZEBRA, encoding="utf-8")
    index = make_index()
    _ingest(index, tmp_path / "store", tmp_path / "old")
    (first,) = index.documents()

    shutil.move(tmp_path / "old", tmp_path / "new")  # the folder moved: same name, same bytes, old path gone
    assert _ingest(index, tmp_path / "store", tmp_path / "new") == {
        "new/report.txt": ("unchanged", f"moved from {tmp_path.resolve() / 'old' / 'report.txt'}")}
    (moved,) = index.documents()
    assert moved.meta.doc_id == first.meta.doc_id and moved.path == str((tmp_path / "new" / "report.txt").resolve())

    (tmp_path / "new" / "report.txt").rename(tmp_path / "new" / "final-report.txt")
    assert _ingest(index, tmp_path / "store", tmp_path / "new") == {
        "new/final-report.txt": ("added", "renamed from report.txt")}
    assert [r.meta.file_name for r in index.documents()] == ["final-report.txt"]
    assert snapshot(tmp_path / "store")["orphans"] == []


def test_reliability_identity_store_made_with_name_only_ids_keeps_them(make_index, tmp_path):
    from dataclasses import replace

    from ingest.ids import doc_id_for
    from vectorstore.store import DocRecord

    doc = tmp_path / "docs" / "legacy.txt"
    doc.parent.mkdir()
    doc.write_text(ZEBRA, encoding="utf-8")
    index = make_index()
    _ingest(index, tmp_path / "store", doc)
    (record,) = index.documents()
    # rewrite the store as an older hrqa left it: the id made from the file name alone
    legacy_id = doc_id_for("legacy.txt")
    passages = index.store.passages_of(record.meta.doc_id, record.version)
    index.store.delete_document(record.meta.doc_id)
    meta = replace(record.meta, doc_id=legacy_id)
    moved = [replace(p, doc_id=legacy_id, id=p.id.replace(record.meta.doc_id, legacy_id)) for p in passages]
    index.store.add_passages(moved, index.embedder.embed_documents([p.text for p in moved]), record.version, meta)
    index.store.commit_document(DocRecord(meta, record.version, len(moved), record.path, record.ingested_at))
    assert _ingest(index, tmp_path / "store", doc) == {"docs/legacy.txt": ("unchanged", "")}
    assert [r.meta.doc_id for r in index.documents()] == [legacy_id]


def test_reliability_identity_deleting_by_an_ambiguous_name_asks_for_the_id(make_index, tmp_path):
    from ingest.errors import StoreError

    for folder, text in (("a", ZEBRA), ("b", OKAPI)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    index = make_index()
    _ingest(index, tmp_path / "store", tmp_path / "a", tmp_path / "b")
    with pytest.raises(StoreError, match="2 documents are named report.txt: name one by its id or path"):
        index.find_document("report.txt")
    by_path = index.find_document(str((tmp_path / "b" / "report.txt").resolve()))
    assert index.delete_document(by_path.meta.doc_id) and _texts(index) == [ZEBRA.strip()]
    assert index.find_document("report.txt").path == str((tmp_path / "a" / "report.txt").resolve())


def test_reliability_identity_failed_write_while_following_a_move_stops_the_run(make_index, tmp_path,
                                                                               monkeypatch):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "report.txt").write_text(ZEBRA, encoding="utf-8")
    index = make_index()
    _ingest(index, tmp_path / "store", tmp_path / "old")
    shutil.move(tmp_path / "old", tmp_path / "new")

    def lost(record):
        raise ConnectionError("server gone")

    monkeypatch.setattr(index.store, "commit_document", lost)
    report = Indexer(index, tmp_path / "store", progress=False).ingest([tmp_path / "new"])
    assert [f.status for f in report.files] == ["failed"]
    assert report.stopped.startswith("ingest stopped at report.txt: the Chroma store: ConnectionError: server gone")
