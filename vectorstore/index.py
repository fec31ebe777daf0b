"""The index: dense store + keyword index + embedder, kept consistent.

`Index` is what the retriever and the indexer share. It never reads settings; the caller passes plain values.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Collection, Sequence

from ingest.errors import StoreError
from ingest.types import Passage
from vectorstore.embeddings import Embedder
from vectorstore.exact import ExactVectors
from vectorstore.keyword import KeywordIndex
from vectorstore.repair import ensure_readable
from vectorstore.store import DocRecord, Hit, PassageStore

log = logging.getLogger(__name__)


class Index:
    """Dense + keyword index over one corpus.

    Args:
        client: a chromadb client.
        keyword_path: the SQLite file of the keyword index (":memory:" in tests).
        embedder: an Embedder, or a zero-argument factory so the model loads only when first needed
            (an unchanged re-ingest never loads it).
        embedder_name: needed when embedder is a factory; names the collections.
        prefix: collection name prefix.
        sync_seconds: how often keyword_sync() re-reads the manifest (other processes may write).
        location: the store in messages ("Chroma server host:8000"); no file paths, users of the web app see it.
    """

    def __init__(self, client: Any, keyword_path: str | Path, embedder: Embedder | Callable[[], Embedder],
                 embedder_name: str | None = None, prefix: str = "hrqa", sync_seconds: float = 2.0,
                 location: str = "the Chroma store"):
        name = embedder_name or embedder.name  # type: ignore[union-attr]  # a factory comes with embedder_name
        self.location = location
        self.store = PassageStore(client, name, prefix, location)
        is_model = hasattr(embedder, "embed_query")
        self._embedder: Embedder | None = embedder if is_model else None  # type: ignore[assignment]
        self._factory: Callable[[], Embedder] | None = None if is_model else embedder  # type: ignore[assignment]
        self._lock = threading.Lock()
        ensure_readable(self.store, lambda: self.embedder)  # a damaged vector index is rebuilt before any use
        self.keyword = KeywordIndex(keyword_path)
        self.vectors = ExactVectors(self.store.all_vectors, self.store.vectors_of)
        # caches derived from this store's passages (the recommendations' tags and vectors) live beside its keyword
        # index, so they have the same scope: one store, one embedder
        self.cache_dir = Path(keyword_path).with_name(Path(keyword_path).stem + "-recommendations")
        self._sync_seconds = sync_seconds
        self._last_sync = 0.0
        self._live: dict[str, str] = {}
        self._manifest: dict[str, DocRecord] = {}

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None and self._factory is not None:
                    self._embedder = self._factory()
        assert self._embedder is not None  # a model or a factory was given
        return self._embedder

    def refresh(self, force: bool = False) -> dict[str, DocRecord]:
        """Re-read the manifest (at most every sync_seconds unless forced) and sync the keyword index."""
        now = time.monotonic()
        due = now - self._last_sync >= self._sync_seconds or not self._manifest or self.keyword.needs_sync
        if force or due:
            manifest = self.store.manifest()
            live = {doc_id: rec.version for doc_id, rec in manifest.items()}
            changed = self.keyword.sync(live, self.store.passages_of)
            if changed:
                log.info("keyword index: %d documents synced", changed)
            self._manifest, self._live, self._last_sync = manifest, live, now
        return self._manifest

    def nearest(self, vector: Sequence[float], n: int, doc_ids: Collection[str] | None = None,
                section_kinds: Sequence[str] = ()) -> list[Hit]:
        """The n live passages nearest to vector by cosine similarity, found exactly (vectorstore.exact says why
        not by Chroma's HNSW search), best first; only of doc_ids and section_kinds when given."""
        found = self.nearest_ids(vector, n, doc_ids, section_kinds)
        passages = {p.id: p for p in self.store.get([pid for pid, _ in found])}
        return [Hit(passages[pid], score) for pid, score in found if pid in passages]

    def nearest_ids(self, vector: Sequence[float], n: int, doc_ids: Collection[str] | None = None,
                    section_kinds: Sequence[str] = ()) -> list[tuple[str, float]]:
        """nearest() as (passage id, cosine) pairs, for a caller that reads these passages with others at once."""
        ids = self.store.ids_of_kinds(section_kinds) if section_kinds else None
        return self.vectors.search(vector, n, self.live, doc_ids, ids)

    @property
    def live(self) -> dict[str, str]:
        """doc_id -> version of every committed document (as of the last refresh)."""
        self.refresh()
        return self._live

    def documents(self) -> list[DocRecord]:
        return sorted(self.refresh(force=True).values(), key=lambda r: r.meta.file_name)

    def find_document(self, key: str) -> DocRecord | None:
        """A document by id, file path or file name (None when there is none).

        Raises:
            StoreError: several documents have this file name (files of one name in two folders).
        """
        records = list(self.refresh(force=True).values())
        exact = [r for r in records if key in (r.meta.doc_id, r.path)]
        named = [r for r in records if r.meta.file_name == key]
        if exact or len(named) <= 1:
            found = exact or named
            return found[0] if found else None
        raise StoreError(f"{len(named)} documents are named {key}: name one by its id or path "
                         f"({', '.join(sorted(r.meta.doc_id for r in named))})")

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document from both indexes; False when it was not there."""
        if self.store.document(doc_id) is None:
            return False
        self.store.delete_document(doc_id)
        self.keyword.remove_document(doc_id)
        self.refresh(force=True)
        return True

    def passage(self, passage_id: str) -> Passage | None:
        got = self.store.get([passage_id])
        return got[0] if got else None

    def neighbours(self, passage: Passage, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with up to `before`/`after` passages around it, in reading order."""
        rec = self.refresh().get(passage.doc_id)
        if rec is None:
            return [passage]
        doc = self.store.passages_of(passage.doc_id, rec.version)
        pos = next((i for i, p in enumerate(doc) if p.id == passage.id), None)
        if pos is None:
            return [passage]
        return doc[max(0, pos - before) : pos + after + 1]
