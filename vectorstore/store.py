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

import logging
from dataclasses import asdict, dataclass, fields
from typing import Any, Iterable, Sequence

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


def version_of(content_hash: str) -> str:
    """The short content-hash prefix used as a document version in ids and metadata."""
    return content_hash[:10]


class PassageStore:
    """Passages and the document manifest in Chroma.

    Args:
        client: a chromadb client (PersistentClient or HttpClient).
        embedder_name: collections are per embedder, so vectors of different models never mix.
        prefix: collection name prefix.
    """

    def __init__(self, client: Any, embedder_name: str, prefix: str = "hrqa"):
        self.client = client
        self.embedder_name = embedder_name
        try:
            self._passages = client.get_or_create_collection(
                f"{prefix}-passages-{embedder_name}",
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            self._docs = client.get_or_create_collection(
                f"{prefix}-documents-{embedder_name}", embedding_function=None
            )
        except Exception as exc:  # chromadb raises many types; the caller needs one
            raise StoreError(f"cannot open Chroma collections ({exc})") from exc

    # -- writing ---------------------------------------------------------------------------------------
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

    def commit_document(self, record: DocRecord) -> None:
        """Write the manifest record: from now on the document's passages are live."""
        meta = {f"m_{k}": _scalar(v) for k, v in asdict(record.meta).items()}
        meta.update(version=record.version, n_passages=record.n_passages, path=record.path,
                    ingested_at=record.ingested_at)
        self._docs.upsert(ids=[record.meta.doc_id], embeddings=[[1.0]], metadatas=[meta])

    def delete_document(self, doc_id: str) -> None:
        """Remove a document: manifest first (it disappears at once), then every passage it ever had."""
        self._docs.delete(ids=[doc_id])
        self._passages.delete(where={"doc_id": doc_id})

    def delete_stale_passages(self, doc_id: str, keep_version: str) -> None:
        """Delete a document's passages of any version other than keep_version."""
        self._passages.delete(where={"$and": [{"doc_id": doc_id}, {"version": {"$ne": keep_version}}]})

    def remove_orphans(self) -> int:
        """Delete passages whose (doc_id, version) is not in the manifest; returns how many."""
        live = {doc_id: rec.version for doc_id, rec in self.manifest().items()}
        orphan_ids = [pid for pid, meta in self._iter_passage_meta()
                      if live.get(str(meta.get("doc_id"))) != meta.get("version")]
        for start in range(0, len(orphan_ids), _WRITE_BATCH):
            self._passages.delete(ids=orphan_ids[start : start + _WRITE_BATCH])
        return len(orphan_ids)

    # -- reading ---------------------------------------------------------------------------------------
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

    def document(self, doc_id: str) -> DocRecord | None:
        page = self._docs.get(ids=[doc_id], include=["metadatas"])
        return _doc_record(page["metadatas"][0]) if page["ids"] else None

    def passages_of(self, doc_id: str, version: str) -> list[Passage]:
        """A document's live passages in reading order."""
        got = self._passages.get(where={"$and": [{"doc_id": doc_id}, {"version": version}]},
                                 include=["documents", "metadatas"])
        passages = [_passage(pid, text, meta) for pid, text, meta in
                    zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(passages, key=lambda p: p.ordinal)

    def get(self, ids: Sequence[str]) -> list[Passage]:
        """Passages by id, in the order asked, skipping unknown ids."""
        if not ids:
            return []
        got = self._passages.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {pid: _passage(pid, text, meta) for pid, text, meta in
                 zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    def find(self, live: dict[str, str], **equals: str) -> list[Passage]:
        """Live passages whose metadata equals the given values (e.g. paragraph="251" or label=...)."""
        clauses = [{k: v} for k, v in equals.items()]
        got = self._passages.get(where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
                                 include=["documents", "metadatas"])
        found = [_passage(pid, text, meta) for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
                 if live.get(meta.get("doc_id")) == meta.get("version")]
        return sorted(found, key=lambda p: (p.doc_id, p.ordinal))

    def query(self, vector: Sequence[float], n: int, where: dict | None = None,
              live: dict[str, str] | None = None) -> list[Hit]:
        """Nearest passages by cosine similarity (score = 1 - distance), orphans dropped when live is given."""
        # Chroma 1.5 returns what it has when n exceeds the collection: no count() round trip per question.
        res = self._passages.query(query_embeddings=[list(vector)], n_results=n, where=where or None,
                                   include=["documents", "metadatas", "distances"])
        hits = []
        for pid, text, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                         res["distances"][0]):
            if live is not None and live.get(meta.get("doc_id")) != meta.get("version"):
                continue
            hits.append(Hit(_passage(pid, text, meta), 1.0 - float(dist)))
        return hits

    def count(self) -> int:
        return self._passages.count()

    def iter_records(self, which: str) -> Iterable[dict]:
        """Raw records of "passages" or "documents" (id, embedding, document, metadata), for backups."""
        collection = self._collection(which)
        offset = 0
        while True:
            page = collection.get(include=["embeddings", "documents", "metadatas"], limit=_READ_PAGE, offset=offset)
            for i, pid in enumerate(page["ids"]):
                yield {"id": pid, "embedding": [float(x) for x in page["embeddings"][i]],
                       "document": page["documents"][i], "metadata": page["metadatas"][i]}
            if len(page["ids"]) < _READ_PAGE:
                return
            offset += _READ_PAGE

    def put_records(self, which: str, records: Sequence[dict]) -> None:
        """Upsert raw records as produced by iter_records."""
        if records:
            self._collection(which).upsert(
                ids=[r["id"] for r in records], embeddings=[r["embedding"] for r in records],
                documents=[r["document"] for r in records], metadatas=[r["metadata"] for r in records])

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
