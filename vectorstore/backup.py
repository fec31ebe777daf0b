"""Backup of an index as one gzipped JSONL file, the same for the embedded store and a server; its validation.

The file holds every committed document: its passages (text, metadata, vector), then its manifest record, then
at the end a line with the counts and a SHA-256 of every line before it, so a cut, truncated or altered file is
told from a whole one. The keyword index is not saved: it is rebuilt from the manifest on the next sync.

Consistency under a concurrent ingest (another process, or another machine on a Chroma server): the manifest is
read first, then for each of its records exactly that version's passages are fetched. A document re-ingested
meanwhile (its old passages deleted) shows as fewer passages than its record promises; its current record is then
re-read and fetched again. So every record in a backup comes with exactly its passages, and nothing else.
Restoring is in vectorstore/restore.py.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from ingest.errors import StoreError
from vectorstore.index import Index

FORMAT = "hrqa-backup-2"
FORMATS = ("hrqa-backup-1", FORMAT)  # version 1: no end line, passages first then every record
_RETRIES = 5  # re-reads of a document that keeps changing while it is backed up

log = logging.getLogger(__name__)


def backup(index: Index, dest: str | Path) -> dict[str, int]:
    """Write every committed document of index to dest (.jsonl.gz), consistently (see the module docstring).

    The file is written under a temporary name and renamed when complete, so dest is never a partial backup.

    Returns:
        counts of documents and passages written.

    Raises:
        StoreError: the store cannot be read, the file cannot be written (a full disk), or a document kept
            changing through every retry.
    """
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    store = index.store
    try:
        with gzip.open(part, "wt", encoding="utf-8") as out:
            writer = _Writer(out)
            writer.line({"format": FORMAT, "embedder": store.embedder_name})
            for record in sorted(_manifest(store), key=lambda r: r["id"]):  # the manifest first
                got = _document_with_passages(store, record)
                if got is None:
                    continue
                record, passages = got
                for passage in passages:
                    writer.line({"kind": "passages", **passage})
                writer.line({"kind": "documents", **record})
            writer.end()
        os.replace(part, dest)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise StoreError(f"cannot write backup {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return {"documents": writer.documents, "passages": writer.passages}


def _manifest(store) -> list[dict]:
    """Every manifest record, read again when a read races a concurrent write."""
    for attempt in range(_RETRIES):
        records = _read(lambda: list(store.iter_records("documents")), attempt)
        if records is not None:
            return records
    return list(store.iter_records("documents"))


def _document_with_passages(store, record: dict) -> tuple[dict, list[dict]] | None:
    """The record with exactly its version's passages; re-read while it changes; None once it is deleted."""
    for attempt in range(_RETRIES):
        meta = record["metadata"]
        where = {"$and": [{"doc_id": record["id"]}, {"version": meta.get("version", "")}]}
        passages = _read(lambda where=where: {p["id"]: p for p in store.iter_records("passages", where=where)},
                         attempt)
        if passages is not None and len(passages) == int(meta.get("n_passages", -1)):  # ids: paging may repeat
            return record, sorted(passages.values(), key=lambda p: p["metadata"].get("ordinal", 0))
        current = _read(lambda doc_id=record["id"]: list(store.iter_records("documents", ids=[doc_id])), attempt)
        if current == []:
            log.info("backup: %s was deleted while it was being backed up; left out", record["id"])
            return None
        record = current[0] if current else record
    raise StoreError(f"document {record['id']} kept changing during the backup; run the backup again when the "
                     "ingest is finished")


def _read(fetch, attempt: int):
    """fetch(), or None when it failed: a server read that races a concurrent delete can fail ("Error finding
    id"); the caller reads again."""
    try:
        return fetch()
    except StoreError as exc:
        log.info("backup: a read failed while the store changed (%s); reading again", exc)
        time.sleep(0.05 * (attempt + 1))
        return None


class _Writer:
    """JSON lines with a running SHA-256 and counts; end() writes the closing line."""

    def __init__(self, out: IO[str]):
        self.out, self.sha = out, hashlib.sha256()
        self.documents = self.passages = 0

    def line(self, obj: dict) -> None:
        text = json.dumps(obj, ensure_ascii=False) + "\n"
        self.sha.update(text.encode("utf-8"))
        self.out.write(text)
        if obj.get("kind") == "documents":
            self.documents += 1
        elif obj.get("kind") == "passages":
            self.passages += 1

    def end(self) -> None:
        self.out.write(json.dumps({"kind": "end", "documents": self.documents, "passages": self.passages,
                                   "sha256": self.sha.hexdigest()}) + "\n")


@dataclass
class Contents:
    """What a validated backup holds: its header, document versions and passage counts, ids and vector size."""

    header: dict
    documents: dict[str, tuple[str, int]] = field(default_factory=dict)  # doc_id -> (version, n_passages)
    passage_ids: list[str] = field(default_factory=list)
    dim: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"documents": len(self.documents), "passages": len(self.passage_ids)}


def validate(src: str | Path, embedder_name: str) -> Contents:
    """Read the whole backup and check it, writing nothing.

    Checked: gzip and JSON integrity, the header (format, embedder), every record's shape (id, vector of one
    size with finite numbers, scalar metadata), unique ids, every document's passage count against its record,
    no passage without its document's record, and for version 2 the end line's counts and SHA-256.

    Raises:
        StoreError: naming the file and the first problem found.
    """
    try:
        return _validate(src, embedder_name)
    except StoreError:
        raise
    except (OSError, EOFError, zlib.error, ValueError, TypeError, AttributeError) as exc:  # gzip, JSON, shapes
        raise StoreError(f"{src}: damaged or not an hrqa backup; nothing restored "
                         f"({type(exc).__name__}: {exc})") from exc


def _validate(src: str | Path, embedder_name: str) -> Contents:
    seen: dict[tuple[str, str], int] = {}
    ids: set[tuple[str, str]] = set()  # (kind, id)
    sha, end = hashlib.sha256(), None
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        first = fh.readline()
        sha.update(first.encode("utf-8"))
        contents = Contents(_header(json.loads(first or "{}"), src, embedder_name))
        for n, line in enumerate(fh, start=2):
            if end is not None:
                raise _bad(src, f"line {n} follows the end line")
            record = json.loads(line)
            if record.get("kind") == "end":
                end = record
                continue
            sha.update(line.encode("utf-8"))
            _check_record(record, src, n, ids)
            meta = record["metadata"]
            if record["kind"] == "documents":
                contents.documents[record["id"]] = (str(meta.get("version")), int(meta.get("n_passages", -1)))
                continue
            contents.dim = _check_dim(record["embedding"], contents.dim, src, n)
            key = (str(meta.get("doc_id")), str(meta.get("version")))
            seen[key] = seen.get(key, 0) + 1
            contents.passage_ids.append(record["id"])
    _check_complete(contents, seen, end, sha.hexdigest(), src)
    return contents


def _header(header: dict, src, embedder_name: str) -> dict:
    if header.get("format") not in FORMATS:
        raise StoreError(f"{src}: not an hrqa backup (format {header.get('format')!r})")
    if header.get("embedder") != embedder_name:
        raise StoreError(f"{src}: made with embedder {header.get('embedder')!r}, this index uses "
                         f"{embedder_name!r}; set HRQA_EMBEDDER to match")
    return header


def _check_record(record: dict, src, n: int, ids: set[tuple[str, str]]) -> None:
    if record.get("kind") not in ("passages", "documents"):
        raise _bad(src, f"line {n} is not a passage or document record")
    rid, embedding, meta = record.get("id"), record.get("embedding"), record.get("metadata")
    if not isinstance(rid, str) or not rid or (record["kind"], rid) in ids:
        raise _bad(src, f"line {n} has a missing or repeated id")
    ids.add((record["kind"], rid))
    if not isinstance(embedding, list) or not embedding or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in embedding):
        raise _bad(src, f"line {n} ({rid}) has no valid vector")
    if not isinstance(meta, dict) or not all(isinstance(v, (str, int, float, bool)) for v in meta.values()):
        raise _bad(src, f"line {n} ({rid}) has invalid metadata")
    if not isinstance(record.get("document"), (str, type(None))):
        raise _bad(src, f"line {n} ({rid}) has an invalid text")
    needed = ("version", "n_passages") if record["kind"] == "documents" else ("doc_id", "version")
    if any(key not in meta for key in needed):
        raise _bad(src, f"line {n} ({rid}) lacks {' or '.join(needed)}")


def _check_dim(embedding: list, dim: int, src, n: int) -> int:
    if dim and len(embedding) != dim:
        raise _bad(src, f"line {n} has a vector of {len(embedding)} numbers, the others {dim}")
    return len(embedding)


def _check_complete(contents: Contents, seen: dict, end: dict | None, sha: str, src) -> None:
    for doc_id, (version, n_passages) in contents.documents.items():
        if seen.get((doc_id, version), 0) != n_passages:
            raise _bad(src, f"document {doc_id} has {seen.get((doc_id, version), 0)} passages, its record says "
                            f"{n_passages}")
    orphans = set(seen) - {(d, v) for d, (v, _) in contents.documents.items()}
    if orphans:
        raise _bad(src, f"{sum(seen[k] for k in orphans)} passages belong to no document in the file "
                        f"(e.g. {sorted(orphans)[0][0]})")
    if contents.header["format"] == FORMAT:
        if end is None:
            raise _bad(src, "the end line is missing (the file was cut short)")
        if (end.get("documents"), end.get("passages"), end.get("sha256")) != (
                len(contents.documents), len(contents.passage_ids), sha):
            raise _bad(src, "its contents do not match the end line's counts and checksum")


def _bad(src, problem: str) -> StoreError:
    return StoreError(f"{src}: damaged or not an hrqa backup; nothing restored ({problem})")


def iter_file(src: str | Path) -> Iterator[dict]:
    """The records of a backup already validated, in file order, without the header and the end line."""
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            record = json.loads(line)
            if record.get("kind") in ("passages", "documents"):
                yield record
