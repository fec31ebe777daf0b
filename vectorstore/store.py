"""Chroma-backed passage store with a document manifest.

Two collections per embedder:
- `<prefix>-passages-<embedder>`: one record per passage, vectors passed explicitly (never Chroma's default
  model), metadata = the Passage's scalar fields plus `version` (the document's content-hash prefix).
- `<prefix>-documents-<embedder>`: the manifest, one record per document (DocumentMeta as scalars, vector [1.0]).

A document becomes visible when its manifest record is written, and that is written last: the manifest is the
commit point of an ingest. Passages whose (doc_id, version) is not in the manifest are orphans of an interrupted
run; queries ignore them and `remove_orphans()` deletes them.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass, fields
from typing import Any, Callable, Iterable, Sequence, TypeVar

import numpy as np

from ingest.errors import StoreError
from ingest.types import DocumentMeta, Passage

log = logging.getLogger(__name__)

_PASSAGE_FIELDS = [f.name for f in fields(Passage) if f.name not in {"id", "text"}]
_WRITE_BATCH = 256  # Chroma accepts larger batches, but small ones keep memory flat and progress granular.
_READ_PAGE = 2000


@dataclass(frozen=True)
class DocRecord:
    """A manifest entry: the document's metadata, the version indexed and its passage count."""

    meta: DocumentMeta
    version: str
    n_passages: int
    path: str = ""
    ingested_at: str = ""


@dataclass(frozen=True)
class Hit:
    """A passage with a retrieval score (higher is better)."""

    passage: Passage
    score: float


_F = TypeVar("_F", bound=Callable[..., Any])


def _guarded(method: _F) -> _F:
    """Turn any failure of the Chroma client (chromadb, httpx, sqlite errors) into one StoreError naming the store."""

    @functools.wraps(method)
    def wrapper(self: "PassageStore", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types; the caller needs one
            raise StoreError(f"{self.location}: {type(exc).__name__}: {exc}") from exc

    return wrapper  # type: ignore[return-value]


def version_of(content_hash: str) -> str:
    """The short content-hash prefix used as a document version in ids and metadata."""
    return content_hash[:10]


class PassageStore:
    """Passages and the document manifest in Chroma.

    Args:
        client: a chromadb client (PersistentClient or HttpClient).
        embedder_name: collections are per embedder, so vectors of different models never mix.
        prefix: collection name prefix.
        location: the store in error messages ("Chroma server host:8000").
    """

    def __init__(self, client: Any, embedder_name: str, prefix: str = "hrqa", location: str = "the Chroma store"):
        self.client = client
        self.embedder_name = embedder_name
        self.location = location
        self.names = {"passages": f"{prefix}-passages-{embedder_name}",
                      "documents": f"{prefix}-documents-{embedder_name}"}
        try:
            self.open_collections()
        except Exception as exc:  # chromadb raises many types; the caller needs one
            raise StoreError(f"cannot open Chroma collections in {location} ({exc})") from exc

    def open_collections(self) -> None:
        """(Re)open both collections, creating them when missing."""
        self._passages = self.client.get_or_create_collection(
            self.names["passages"], configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        self._docs = self.client.get_or_create_collection(self.names["documents"], embedding_function=None)

    # -- writing ---------------------------------------------------------------------------------------
    @_guarded
    def add_passages(self, passages: Sequence[Passage], vectors: Sequence[Sequence[float]], version: str,
                     doc_meta: DocumentMeta) -> None:
        """Upsert passages with their vectors (idempotent: ids are deterministic)."""
        for start in range(0, len(passages), _WRITE_BATCH):
            batch = passages[start : start + _WRITE_BATCH]
            self._passages.upsert(
                ids=[p.id for p in batch],
                embeddings=[list(v) for v in vectors[start : start + _WRITE_BATCH]],
                documents=[p.text for p in batch],
                metadatas=[_passage_metadata(p, version, doc_meta) for p in batch],
            )

    @_guarded
    def commit_document(self, record: DocRecord) -> None:
        """Write the manifest record: from now on the document's passages are live."""
        meta = {f"m_{k}": _scalar(v) for k, v in asdict(record.meta).items()}
        meta.update(version=record.version, n_passages=record.n_passages, path=record.path,
                    ingested_at=record.ingested_at)
        self._docs.upsert(ids=[record.meta.doc_id], embeddings=[[1.0]], metadatas=[meta])

    @_guarded
    def delete_document(self, doc_id: str) -> None:
        """Remove a document: manifest first (it disappears at once), then every passage it ever had."""
        self._docs.delete(ids=[doc_id])
        self._passages.delete(where={"doc_id": doc_id})

    @_guarded
    def delete_stale_passages(self, doc_id: str, keep_version: str) -> None:
        """Delete a document's passages of any version other than keep_version."""
        self._passages.delete(where={"$and": [{"doc_id": doc_id}, {"version": {"$ne": keep_version}}]})

    @_guarded
    def remove_orphans(self) -> int:
        """Delete passages whose (doc_id, version) is not in the manifest; returns how many."""
        live = {doc_id: rec.version for doc_id, rec in self.manifest().items()}
        orphan_ids = [pid for pid, meta in self._iter_passage_meta()
                      if live.get(str(meta.get("doc_id"))) != meta.get("version")]
        for start in range(0, len(orphan_ids), _WRITE_BATCH):
            self._passages.delete(ids=orphan_ids[start : start + _WRITE_BATCH])
        return len(orphan_ids)

    # -- reading ---------------------------------------------------------------------------------------
    @_guarded
    def manifest(self) -> dict[str, DocRecord]:
        """All documents by id (small: one record per document)."""
        out: dict[str, DocRecord] = {}
        offset = 0
        while True:
            page = self._docs.get(include=["metadatas"], limit=_READ_PAGE, offset=offset)
            for doc_id, meta in zip(page["ids"], page["metadatas"]):
                out[doc_id] = _doc_record(meta)
            if len(page["ids"]) < _READ_PAGE:
                return out
            offset += _READ_PAGE

    @_guarded
    def document(self, doc_id: str) -> DocRecord | None:
        page = self._docs.get(ids=[doc_id], include=["metadatas"])
        return _doc_record(page["metadatas"][0]) if page["ids"] else None

    @_guarded
    def passages_of(self, doc_id: str, version: str) -> list[Passage]:
        """A document's live passages in reading order."""
        got = self._passages.get(where={"$and": [{"doc_id": doc_id}, {"version": version}]},
                                 include=["documents", "metadatas"])
        passages = [_passage(pid, text, meta) for pid, text, meta in
                    zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(passages, key=lambda p: p.ordinal)

    @_guarded
    def get(self, ids: Sequence[str]) -> list[Passage]:
        """Passages by id, in the order asked, skipping unknown ids."""
        if not ids:
            return []
        got = self._passages.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {pid: _passage(pid, text, meta) for pid, text, meta in
                 zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    @_guarded
    def find(self, live: dict[str, str], **equals: str) -> list[Passage]:
        """Live passages whose metadata equals the given values (e.g. paragraph="251" or label=...)."""
        clauses = [{k: v} for k, v in equals.items()]
        got = self._passages.get(where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
                                 include=["documents", "metadatas"])
        found = [_passage(pid, text, meta) for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
                 if live.get(meta.get("doc_id")) == meta.get("version")]
        return sorted(found, key=lambda p: (p.doc_id, p.ordinal))

    @_guarded
    def all_vectors(self) -> tuple[list[str], Any]:
        """Every passage's id and vector (orphans too: the caller keeps the live ones), read in pages."""
        ids: list[str] = []
        pages = []
        offset = 0
        while True:
            page = self._passages.get(include=["embeddings"], limit=_READ_PAGE, offset=offset)
            ids.extend(page["ids"])
            if len(page["ids"]):
                pages.append(np.asarray(page["embeddings"], dtype=np.float32))
            if len(page["ids"]) < _READ_PAGE:
                return ids, (np.concatenate(pages) if pages else np.zeros((0, 0), dtype=np.float32))
            offset += _READ_PAGE

    @_guarded
    def vectors_of(self, doc_id: str, version: str) -> tuple[list[str], Any]:
        """One document version's passage ids and vectors."""
        got = self._passages.get(where={"$and": [{"doc_id": doc_id}, {"version": version}]}, include=["embeddings"])
        return list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)

    @_guarded
    def ids_of_kinds(self, section_kinds: Sequence[str]) -> set[str]:
        """Ids of the passages of these section kinds ("recommendation", "response", ...)."""
        got = self._passages.get(where={"section_kind": {"$in": list(section_kinds)}}, include=[])
        return set(got["ids"])

    @_guarded
    def count(self) -> int:
        return self._passages.count()

    @_guarded
    def dimension(self) -> int:
        """The length of the passage vectors held (0 when there are none)."""
        got = self._passages.get(limit=1, include=["embeddings"])
        return len(got["embeddings"][0]) if got["ids"] else 0

    def iter_records(self, which: str, where: dict | None = None,
                     ids: Sequence[str] | None = None) -> Iterable[dict]:
        """Raw records (id, embedding, document, metadata) of "passages" or "documents", for backups and restores.

        Args:
            which: the collection.
            where: only records whose metadata matches (a Chroma where clause).
            ids: only these records (unknown ids are skipped).
        """
        collection = self._collection(which)
        if ids is not None:
            for start in range(0, len(ids), _READ_PAGE):
                yield from _raw(self._page(collection, 0, ids=list(ids[start : start + _READ_PAGE])))
            return
        offset = 0
        while True:
            page = self._page(collection, offset, **({"where": where} if where else {}))
            yield from _raw(page)
            if len(page["ids"]) < _READ_PAGE:
                return
            offset += _READ_PAGE

    @_guarded
    def delete_records(self, which: str, ids: Sequence[str]) -> None:
        """Delete records by id (unknown ids are ignored)."""
        for start in range(0, len(ids), _WRITE_BATCH):
            self._collection(which).delete(ids=list(ids[start : start + _WRITE_BATCH]))

    @_guarded
    def put_records(self, which: str, records: Sequence[dict]) -> None:
        """Upsert raw records as produced by iter_records."""
        for start in range(0, len(records), _WRITE_BATCH):
            batch = records[start : start + _WRITE_BATCH]
            self._collection(which).upsert(
                ids=[r["id"] for r in batch], embeddings=[r["embedding"] for r in batch],
                documents=[r["document"] for r in batch], metadatas=[r["metadata"] for r in batch])

    @_guarded
    def _page(self, collection: Any, offset: int, **where: Any) -> dict:
        return collection.get(include=["embeddings", "documents", "metadatas"], limit=_READ_PAGE, offset=offset,
                              **where)

    def _collection(self, which: str) -> Any:
        return {"passages": self._passages, "documents": self._docs}[which]

    def _iter_passage_meta(self) -> Iterable[tuple[str, dict]]:
        offset = 0
        while True:
            page = self._passages.get(include=["metadatas"], limit=_READ_PAGE, offset=offset)
            yield from zip(page["ids"], page["metadatas"])
            if len(page["ids"]) < _READ_PAGE:
                return
            offset += _READ_PAGE


def _raw(page: dict) -> Iterable[dict]:
    for i, pid in enumerate(page["ids"]):
        yield {"id": pid, "embedding": [float(x) for x in page["embeddings"][i]], "document": page["documents"][i],
               "metadata": page["metadatas"][i]}


def _scalar(value: Any) -> Any:
    """Chroma metadata must be scalar: tuples become '|'-joined strings, None becomes -1 / ''."""
    if isinstance(value, (tuple, list)):
        return "|".join(str(v) for v in value)
    if value is None:
        return -1
    return value


def _passage_metadata(p: Passage, version: str, doc: DocumentMeta) -> dict[str, Any]:
    meta = {name: _scalar(getattr(p, name)) for name in _PASSAGE_FIELDS}
    meta.update(version=version, doc_type=doc.doc_type, file_name=doc.file_name)
    return meta


def passage_from_record(record: dict) -> Passage:
    """The Passage of a raw passage record (as iter_records gives)."""
    return _passage(record["id"], record["document"], record["metadata"])


def _passage(pid: str, text: str | None, meta: dict) -> Passage:
    values = {name: meta[name] for name in _PASSAGE_FIELDS if name in meta}
    if values.get("page", -1) == -1:
        values["page"] = None
    return Passage(id=pid, text=text or "", **values)


def _doc_record(meta: dict) -> DocRecord:
    values = {k[2:]: v for k, v in meta.items() if k.startswith("m_")}
    values["countries"] = tuple(c for c in str(values.get("countries", "")).split("|") if c)
    known = {f.name for f in fields(DocumentMeta)}
    doc_meta = DocumentMeta(**{k: v for k, v in values.items() if k in known})
    return DocRecord(meta=doc_meta, version=str(meta.get("version", "")), n_passages=int(meta.get("n_passages", 0)),
                     path=str(meta.get("path", "")), ingested_at=str(meta.get("ingested_at", "")))
