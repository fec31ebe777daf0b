"""The one place where settings become real objects: Chroma client, embedder, index, indexer, chat model."""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from assistant.settings import Settings
from vectorstore.store import DocRecord

# Imported where used: `hrqa docs` must not pay for the answer layer, LangChain or chromadb (issue 14).
if TYPE_CHECKING:
    from assistant.core import Assistant
    from vectorstore.embeddings import Embedder
    from vectorstore.index import Index
    from vectorstore.indexer import Indexer


def open_index(settings: Settings, embedder: Embedder | None = None) -> Index:
    """The index described by settings; the embedder loads lazily unless one is injected."""
    from vectorstore.client import make_chroma_client
    from vectorstore.embeddings import make_embedder
    from vectorstore.index import Index

    client = make_chroma_client(
        path=settings.data_path, host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
        headers=settings.header_dict(), tenant=settings.chroma_tenant, database=settings.chroma_database,
    )
    keyword_path = settings.data_path / _keyword_file(settings)
    model = embedder or partial(make_embedder, settings.embedder, settings.embed_batch_size, settings.embed_backend,
                                settings.model_cache or None)
    location = (f"Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.uses_server
                else "the embedded Chroma store")
    return Index(client, keyword_path, model, embedder_name=_vector_space(settings),
                 prefix=settings.collection_prefix, sync_seconds=settings.keyword_sync_seconds, location=location)


def _vector_space(settings: Settings) -> str:
    """Names the collections: torch and onnx give the same vectors and share them, int8 ones differ slightly."""
    return settings.embedder + ("-int8" if settings.embed_backend == "onnx-int8" else "")


def _keyword_file(settings: Settings) -> str:
    """Per store and embedder, so an embedded store and a server (or two servers) never share a cache."""
    where = (f"{settings.chroma_host}-{settings.chroma_port}-{settings.chroma_tenant}-{settings.chroma_database}"
             if settings.uses_server else "local")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in where)
    return f"keyword-{settings.collection_prefix}-{_vector_space(settings)}-{safe}.sqlite"


def documents(settings: Settings) -> list[DocRecord]:
    """The indexed documents by file name, as Index.documents() gives them, without opening Chroma when the
    embedded store's manifest can be read directly (vectorstore.manifest_sql; a server always goes through Chroma).
    """
    if not settings.uses_server:
        from vectorstore.manifest_sql import read_manifest

        records = read_manifest(settings.data_path, f"{settings.collection_prefix}-documents-{_vector_space(settings)}",
                                settings.chroma_tenant, settings.chroma_database)
        if records is not None:
            return sorted(records.values(), key=lambda r: r.meta.file_name)
    return open_index(settings).documents()


def make_indexer(settings: Settings, index: Index, progress: bool = True) -> Indexer:
    from vectorstore.indexer import Indexer

    return Indexer(index, settings.data_path, batch_size=settings.embed_batch_size,
                   max_chars=settings.max_passage_chars, progress=progress, limits=settings.input_limits(),
                   min_free_mb=settings.min_free_mb)


def make_assistant(settings: Settings, index: Index | None = None, chat_model=None) -> Assistant:
    """An Assistant over the configured index and LLM backend (offline extractive by default)."""
    from assistant.answer.ranking import Weights
    from assistant.core import Assistant
    from assistant.llm import make_chat_model

    index = index or open_index(settings)
    if chat_model is None:
        chat_model = make_chat_model(settings.llm_backend, settings.llm_model, settings.llm_base_url,
                                     settings.llm_api_key, settings.llm_model_path, settings.llm_timeout,
                                     settings.llm_temperature, settings.llm_max_tokens)
    weights = Weights.load(settings.embedder, settings.weights_file or None)
    return Assistant(index, chat_model, k=settings.top_k, weights=weights, llm_timeout=settings.llm_timeout,
                     list_shown=settings.list_shown, max_question_chars=settings.max_question_chars)
