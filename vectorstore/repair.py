"""Detect a damaged Chroma vector index when a store is opened, and rebuild it from the records Chroma still has.

A write that meets a full disk can leave the embedded store's HNSW files unreadable (a zero-byte
index_metadata.pickle): every read of the collection then fails, `hrqa backup` included. The records themselves
(ids, texts, metadata) live in Chroma's SQLite database, which SQLite keeps whole; the vectors of recent writes are
still in its write-ahead queue, and the others are recomputed from the texts with the same embedder (the
passage's embedding text depends only on its stored text and metadata, so they come out the same).

Damage is looked for twice: the HNSW files are checked structurally first (vectorstore/hnsw.py: a cut or garbled
file would crash hnswlib, not raise), then each collection must answer a count, vector reads and a query.

Checks and rebuild hold the data directory's ingest lock, so no hrqa process writes meanwhile: files caught
mid-write by a running ingest would look damaged. When an ingest holds the lock, the check waits for the next
open. The rebuild writes every salvaged record to a recovery file beside the store, drops and re-creates the
collection, loads the file, then deletes it. Killed half-way, the next open finds the file and finishes from it.
A Chroma server's files are out of reach: its damage is reported with what to do instead.
"""
from __future__ import annotations

import gzip
import json
import logging
import sqlite3
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import StoreError
from vectorstore import hnsw
from vectorstore.locking import FileLock, IngestBusy
from vectorstore.space import MB, free_bytes, require_free
from vectorstore.store import PassageStore, passage_from_record
from vectorstore.text import embedding_text

log = logging.getLogger(__name__)

_DOCUMENT_KEY = "chroma:document"
_DELETE, _UPDATE = 3, 1  # chromadb's operation codes in embeddings_queue (ADD 0, UPDATE 1, UPSERT 2, DELETE 3)
_END = {"kind": "end"}
_COLLECTIONS = ("passages", "documents")
_SERVER_PROBES = 3


def damage(store: PassageStore, skip: Any = ()) -> dict[str, str]:
    """Which collections (not in skip) cannot be read, and why: a count, vectors at a few offsets and a query."""
    problems = {}
    for which in (w for w in _COLLECTIONS if w not in skip):
        collection = store._collection(which)
        try:
            n = collection.count()
            vector = None
            for offset in sorted({0, n // 2, max(n - 1, 0)}) if n else ():
                got = collection.get(limit=1, offset=offset, include=["embeddings"])
                vector = got["embeddings"][0] if got["ids"] else vector
            if vector is not None:
                collection.query(query_embeddings=[list(vector)], n_results=1, include=["distances"])
        except Exception as exc:  # noqa: BLE001 - chromadb raises InternalError and others on damaged files
            problems[which] = f"{type(exc).__name__}: {exc}"
    return problems


def file_damage(chroma_dir: Path, store: PassageStore) -> dict[str, str]:
    """Which collections' HNSW files are inconsistent, and how (read before Chroma touches them)."""
    problems: dict[str, str] = {}
    try:
        conn = sqlite3.connect(f"file:{chroma_dir / 'chroma.sqlite3'}?mode=ro", uri=True)
    except sqlite3.Error:
        return problems
    try:
        for which in _COLLECTIONS:
            row = conn.execute("SELECT s.id, c.dimension FROM segments s JOIN collections c ON s.collection = c.id "
                               "WHERE c.name = ? AND s.scope = 'VECTOR'", (store.names[which],)).fetchone()
            found = hnsw.problem(chroma_dir / row[0], row[1]) if row else ""
            if found:
                problems[which] = found
    except (sqlite3.Error, OSError, ValueError) as exc:
        log.warning("could not check the vector index files: %s", exc)
    finally:
        conn.close()
    return problems


def ensure_readable(store: PassageStore, embed: Any) -> None:
    """Rebuild the collections of an embedded store that are damaged (or whose rebuild was interrupted).

    Args:
        store: the opened store (its collections opened, not yet read).
        embed: a zero-argument callable giving the Embedder (loaded only when vectors must be recomputed).

    Raises:
        StoreError: the store is damaged and cannot be rebuilt here (a Chroma server, an ingest running, no room).
    """
    chroma_dir = _persist_dir(store.client)
    if chroma_dir is None:
        for attempt in range(_SERVER_PROBES):  # a read racing another machine's delete can fail once
            problems = damage(store)
            if not problems:
                return
            time.sleep(0.5 * (attempt + 1))
        if problems:
            raise StoreError(f"{store.location} cannot read its vector index ({'; '.join(problems.values())}). Its "
                             "files are on the server: restore the latest backup into a new collection prefix "
                             "(HRQA_COLLECTION_PREFIX) with hrqa restore, or repair the server")
        return
    try:
        with FileLock(chroma_dir.parent / "ingest.lock", write_pid=False):  # no hrqa writer while files are judged
            todo = _todo(chroma_dir, store)
            if todo:
                _refuse_on_full_disk(chroma_dir, todo, store)
            for which, problem in todo.items():
                _rebuild(chroma_dir, store, which, problem, embed)
    except IngestBusy:  # files being written look inconsistent; the writer is alive, so they are not damaged
        log.info("an ingest is running on this data directory: the vector index is checked at the next open")
    except PermissionError:
        log.info("the data directory is read-only here: the vector index is not checked")


def _refuse_on_full_disk(chroma_dir: Path, todo: dict[str, str], store: PassageStore) -> None:
    """Chroma applies its queued writes before it reads, so on a full disk a sound store fails its reads too:
    that is not damage, and rebuilding would need room there is not. Say so instead (files intact or not)."""
    used = sum(f.stat().st_size for f in chroma_dir.rglob("*") if f.is_file())
    free = free_bytes(chroma_dir)
    if free < used:
        raise StoreError(f"{store.location} cannot be read: the disk holding the data directory is full "
                         f"({free / MB:.1f} MB free, the store takes {used / MB:.1f} MB) and Chroma must write before "
                         f"it reads ({next(iter(todo.values()))[:200]}); free some space and start again "
                         "(nothing was changed)")


def _todo(chroma_dir: Path, store: PassageStore) -> dict[str, str]:
    """Collections to rebuild, with the reason: damaged files, failing reads, or an interrupted rebuild."""
    problems = file_damage(chroma_dir, store)
    problems.update(damage(store, skip=problems))  # never let Chroma read files already found inconsistent
    for which in _COLLECTIONS:
        if which not in problems and _complete(_recovery(chroma_dir, store, which)):
            problems[which] = "an earlier rebuild was interrupted"
    return problems


def _rebuild(chroma_dir: Path, store: PassageStore, which: str, problem: str, embed: Any) -> None:
    recovery = _recovery(chroma_dir, store, which)
    log.warning("the %s collection of %s is damaged (%s): rebuilding it from the records in Chroma's database",
                which, store.location, problem)
    if not _complete(recovery):
        _save(recovery, _salvaged(chroma_dir / "chroma.sqlite3", store, which, embed))
    store.client.delete_collection(store.names[which])
    store.open_collections()
    _load(store, which, recovery)
    recovery.unlink()
    log.warning("the %s collection is rebuilt: %d records", which, store._collection(which).count())


def _recovery(chroma_dir: Path, store: PassageStore, which: str) -> Path:
    return chroma_dir.parent / f"recovery-{store.names[which]}.jsonl.gz"


def _persist_dir(client: Any) -> Path | None:
    settings = client.get_settings() if hasattr(client, "get_settings") else None
    if settings is None or not getattr(settings, "is_persistent", False):
        return None
    return Path(settings.persist_directory)


def salvage(db: Path, collection: str) -> dict[str, dict]:
    """Every live record of a collection from Chroma's SQLite database, read-only: id -> record.

    The metadata segment holds each record's text and metadata as of its last applied write; writes still in the
    queue after that are applied on top. A record's vector is kept when the queue still has it, else None.
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (collection_id,) = conn.execute("SELECT id FROM collections WHERE name = ?", (collection,)).fetchone()
        (segment,) = conn.execute("SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'",
                                  (collection_id,)).fetchone()
        records: dict[str, dict] = {}
        rows = conn.execute("SELECT e.embedding_id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value "
                            "FROM embeddings e JOIN embedding_metadata m ON m.id = e.id WHERE e.segment_id = ?",
                            (segment,))
        for rid, key, text, integer, real, boolean in rows:
            record = records.setdefault(rid, {"id": rid, "embedding": None, "document": None, "metadata": {}})
            value = text if text is not None else integer if integer is not None else real if real is not None \
                else bool(boolean) if boolean is not None else None
            if key == _DOCUMENT_KEY:
                record["document"] = value
            else:
                record["metadata"][key] = value
        applied = conn.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (segment,)).fetchone()
        queue = conn.execute("SELECT seq_id, operation, id, vector, encoding, metadata FROM embeddings_queue "
                             "WHERE topic LIKE ? ORDER BY seq_id", (f"%{collection_id}",))
        for seq_id, operation, rid, vector, encoding, metadata in queue:
            _replay(records, applied[0] if applied else -1, seq_id, operation, rid, vector, encoding, metadata)
        return records
    except (sqlite3.Error, TypeError) as exc:
        raise StoreError(f"Chroma's database cannot be read ({exc}); restore the latest backup into a new data "
                         "directory with hrqa restore") from exc
    finally:
        conn.close()


def _replay(records: dict, applied: int, seq_id: int, operation: int, rid: str, vector, encoding, metadata) -> None:
    """Apply one queued write: later than the metadata segment, it changes the record; any, it may carry a vector."""
    if seq_id > applied:
        if operation == _DELETE:
            records.pop(rid, None)
            return
        record = records.setdefault(rid, {"id": rid, "embedding": None, "document": None, "metadata": {}})
        for key, value in json.loads(metadata or "{}").items():
            if key == _DOCUMENT_KEY:
                record["document"] = value
            elif value is None and operation == _UPDATE:
                record["metadata"].pop(key, None)
            else:
                record["metadata"][key] = value
    if rid in records and vector is not None and operation != _DELETE:
        dtype = "<i4" if str(encoding).upper() == "INT32" else "<f4"
        records[rid]["embedding"] = [float(x) for x in np.frombuffer(vector, dtype=dtype)]


def _salvaged(db: Path, store: PassageStore, which: str, embed: Any) -> list[dict]:
    """The collection's records with every vector filled in (recomputed where the queue no longer has it)."""
    records = list(salvage(db, store.names[which]).values())
    if which == "documents":
        for record in records:
            record["embedding"] = [1.0]  # the manifest's placeholder vector
        return records
    missing = [r for r in records if r["embedding"] is None]
    log.warning("recomputing %d of %d passage vectors", len(missing), len(records))
    if missing:
        embedder = embed()
        texts = [embedding_text(passage_from_record(r)) for r in missing]
        for start in range(0, len(missing), 256):
            vectors = embedder.embed_documents(texts[start : start + 256])
            for record, vector in zip(missing[start : start + 256], vectors):
                record["embedding"] = [float(x) for x in vector]
    return records


def _save(recovery: Path, records: list[dict]) -> None:
    """Write the salvaged records, then an end line; renamed into place only when whole."""
    sample = records[:100]
    size = len(records) * sum(len(json.dumps(r)) for r in sample) // max(1, len(sample))
    require_free(recovery.parent, 2 * size, 0, "rebuilding the vector index")  # the file, then the new index
    part = recovery.with_name(recovery.name + ".part")
    with gzip.open(part, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.write(json.dumps(_END) + "\n")
    part.replace(recovery)


def _complete(recovery: Path) -> bool:
    """Whether a recovery file exists and was written to its end (else it is discarded)."""
    if not recovery.exists():
        return False
    try:
        with gzip.open(recovery, "rt", encoding="utf-8") as fh:
            tail = deque(fh, maxlen=1)  # the last line only
        if tail and json.loads(tail[0]) == _END:
            return True
    except (OSError, EOFError, ValueError):
        pass
    recovery.unlink()
    return False


def _load(store: PassageStore, which: str, recovery: Path) -> None:
    batch = []
    with gzip.open(recovery, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record == _END:
                break
            batch.append(record)
            if len(batch) >= 500:
                store.put_records(which, batch)
                batch = []
    store.put_records(which, batch)
