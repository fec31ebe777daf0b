"""The chromadb-free manifest read of `hrqa docs`: it equals Chroma's own manifest or it declines."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from assistant import factory
from assistant.settings import Settings
from tests.conftest import FakeEmbedder
from tests.helpers import add_doc
from vectorstore.index import Index
from vectorstore.manifest_sql import read_manifest

ROOT = Path(__file__).resolve().parent.parent


def _settings(path: Path) -> Settings:
    return Settings.load(env={}, data_dir=str(path))


def test_manifest_sql_equals_chroma_after_add_update_and_delete(tmp_path, make_index):
    index = make_index(path=tmp_path)
    assert read_manifest(tmp_path, "hrqa-documents-fake") == {}
    add_doc(index, "alpha", [("1", "finding", "Alpha text."), ("2", "other", "More alpha.")], countries=("Uzbekistan",))
    add_doc(index, "beta", [("1", "recommendation", "Beta text.")], date="2025-07-30")
    add_doc(index, "alpha", [("1", "finding", "Alpha changed.")], version="v2", countries=("Uzbekistan",))
    index.delete_document("beta")
    fast = read_manifest(tmp_path, "hrqa-documents-fake")
    assert fast == index.store.manifest()
    assert list(fast) == ["alpha"] and fast["alpha"].version == "v2" and fast["alpha"].n_passages == 1
    assert fast["alpha"].meta.countries == ("Uzbekistan",)


def test_manifest_sql_declines_when_a_write_is_queued_but_not_applied(tmp_path, make_index):
    index = make_index(path=tmp_path)
    add_doc(index, "alpha", [("1", "finding", "Alpha text.")])
    db = tmp_path / "chroma" / "chroma.sqlite3"
    with sqlite3.connect(db) as conn:  # what Chroma's log holds between a write and its application
        topic, seq = conn.execute("SELECT topic, max(seq_id) FROM embeddings_queue WHERE topic LIKE "
                                  "'%' || (SELECT id FROM collections WHERE name = 'hrqa-documents-fake')").fetchone()
        conn.execute("INSERT INTO embeddings_queue (seq_id, operation, topic, id) VALUES (?, 0, ?, 'x')",
                     (seq + 1000, topic))
    assert read_manifest(tmp_path, "hrqa-documents-fake") is None


def test_manifest_sql_declines_without_a_store_or_with_another_layout(tmp_path):
    assert read_manifest(tmp_path / "none", "hrqa-documents-minilm") is None
    (tmp_path / "chroma").mkdir()
    sqlite3.connect(tmp_path / "chroma" / "chroma.sqlite3").execute("CREATE TABLE other (x)").connection.close()
    assert read_manifest(tmp_path, "hrqa-documents-minilm") is None


def test_factory_documents_fast_path_equals_index_documents(sample_index, tmp_path):
    settings = _settings(tmp_path / "store")  # where sample_index lives, with the fake embedder's collections
    assert factory.documents(settings.with_(embedder="fake")) == sample_index.documents()
    assert len(sample_index.documents()) == 5
    assert factory.documents(settings) == []  # that store's minilm collections do not exist: nothing indexed


def test_cli_docs_imports_neither_chromadb_nor_the_answer_layer(tmp_path, make_index):
    index = make_index(path=tmp_path)
    add_doc(index, "alpha", [("1", "finding", "Alpha text.")])
    code = ("import sys; from assistant.cli import main; main(['docs', '--store', sys.argv[1]]); "
            "bad = [m for m in ('chromadb', 'langchain_core', 'assistant.core', 'torch') if m in sys.modules]; "
            "assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"HRQA_EMBEDDER": "minilm", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "No documents indexed" in done.stdout  # the fake embedder's collections are not minilm's


@pytest.mark.server
@pytest.mark.skipif(not os.environ.get("HRQA_TEST_CHROMA_URL"), reason="HRQA_TEST_CHROMA_URL is not set")
def test_factory_documents_on_a_chroma_server_goes_through_chroma_and_sees_another_writer(tmp_path):
    """Server mode: no local file can vouch for the list, so hrqa docs asks the server, and sees a new document
    another machine wrote at once (no cache to go stale)."""
    from urllib.parse import urlparse

    from vectorstore.client import make_chroma_client

    url = urlparse(os.environ["HRQA_TEST_CHROMA_URL"])
    prefix = f"t{uuid.uuid4().hex[:10]}"
    settings = Settings.load(env={}, data_dir=str(tmp_path / "reader"), chroma_host=url.hostname,
                             chroma_port=url.port, collection_prefix=prefix, embedder="fake")
    client = make_chroma_client(host=url.hostname, port=url.port)
    try:
        assert factory.documents(settings) == []
        writer = Index(client, tmp_path / "writer" / "keyword.sqlite", FakeEmbedder(), prefix=prefix)
        add_doc(writer, "alpha", [("1", "finding", "Alpha text.")])
        assert [r.meta.doc_id for r in factory.documents(settings)] == ["alpha"]
        writer.delete_document("alpha")
        assert factory.documents(settings) == []
    finally:
        for collection in client.list_collections():
            name = getattr(collection, "name", collection)
            if name.startswith(prefix + "-"):
                client.delete_collection(name)
