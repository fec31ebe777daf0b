"""A document's tagged recommendation items and their vectors, kept on disk between processes.

Building them means embedding every recommendation's words and tagging them: about 6 s for three UPR cycles on
2 cores, paid by every `hrqa ask` and `hrqa recommendations` process without this cache (the web app keeps them in
memory). One file per document version, beside the keyword cache (so per store and embedder). The key holds the
document's version and ingest time (a forced re-ingest writes a new time), the vocabulary, and the code that makes
items, tags and vectors: any change there misses. A file that cannot be read is ignored and rebuilt; one that
cannot be written costs only the time.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from assistant.recommendations.items import RecommendationItem
from assistant.recommendations.tagging import Tag, Vocabulary
from vectorstore.store import DocRecord

log = logging.getLogger(__name__)

FORMAT = "1"
_CODE = ("items.py", "tagging.py", "explorer.py")  # what items, tags and vectors are computed by


def code_digest(vocabulary: Vocabulary) -> str:
    """What the cached items depend on besides the document: the vocabulary and the modules that read and tag."""
    digest = hashlib.sha256(FORMAT.encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    digest.update(repr(vocabulary).encode())
    return digest.hexdigest()[:16]


class ItemCache:
    """Tagged items and their own words' vectors per document version, as .npz files in folder."""

    def __init__(self, folder: str | os.PathLike, digest: str):
        self.folder = Path(folder)
        self.digest = digest

    def _path(self, rec: DocRecord) -> Path:
        key = f"{rec.meta.doc_id}\0{rec.version}\0{rec.ingested_at}\0{self.digest}"
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"

    def load(self, rec: DocRecord) -> tuple[list[RecommendationItem], dict[str, np.ndarray]] | None:
        """The document's items and {own text: vector}, or None when not cached (or unreadable)."""
        path = self._path(rec)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                items = [_item(d) for d in json.loads(str(data["items"]))]
                texts = [str(t) for t in data["texts"]]
                vectors = np.asarray(data["vectors"], dtype=np.float32)
        except Exception as exc:  # a damaged or foreign file: rebuild
            log.info("ignoring the recommendation cache %s (%s)", path, exc)
            return None
        if len(texts) != len(vectors) or any(i.doc_id != rec.meta.doc_id for i in items):
            return None
        return items, dict(zip(texts, vectors))

    def save(self, rec: DocRecord, items: list[RecommendationItem], vectors: dict[str, np.ndarray]) -> None:
        texts = list(vectors)
        matrix = np.stack([vectors[t] for t in texts]).astype(np.float32) if texts else np.zeros((0, 0), np.float32)
        path = self._path(rec)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, items=np.array(json.dumps([dataclasses.asdict(i) for i in items])),
                     texts=np.array(texts, dtype=str), vectors=matrix)
            tmp.replace(path)  # atomic: a reader never sees half a file
        except OSError as exc:
            log.info("could not write the recommendation cache %s (%s)", path, exc)
            tmp.unlink(missing_ok=True)

    def prune(self, live: list[DocRecord]) -> None:
        """Remove the files of documents (or versions) no longer indexed."""
        keep = {self._path(rec).name for rec in live}
        try:
            for path in self.folder.glob("*.npz"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
        except OSError as exc:
            log.info("could not prune the recommendation cache %s (%s)", self.folder, exc)


def _item(data: dict) -> RecommendationItem:
    tuples = {"states": tuple(data.get("states", ())), "warnings": tuple(data.get("warnings", ())),
              "themes": tuple(Tag(**t) for t in data.get("themes", ())),
              "groups": tuple(Tag(**t) for t in data.get("groups", ()))}
    return RecommendationItem(**{**data, **tuples})
