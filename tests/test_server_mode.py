"""hrqa against a real Chroma server (HttpClient): the same behaviour as the embedded store.

Skipped unless HRQA_TEST_CHROMA_URL (e.g. http://127.0.0.1:8011) names a running `chroma run`; CI starts one
(.ci/start_chroma_server.sh). Every test uses its own collection prefix and deletes its collections, so tests
never see each other's data and a long-lived development server stays clean.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.core import Assistant
from assistant.retrieval import HybridRetriever
from ingest.ids import doc_id_for
from tests.conftest import ROOT, SAMPLE_CORPUS, FakeEmbedder
from tests.helpers import hand_weights
from vectorstore.backup import backup
from vectorstore.client import make_chroma_client
from vectorstore.index import Index
from vectorstore.indexer import Indexer
from vectorstore.restore import restore

URL = os.environ.get("HRQA_TEST_CHROMA_URL", "")
pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not URL, reason="HRQA_TEST_CHROMA_URL is not set (no Chroma server to test)")]
_PARSED = urlparse(URL or "http://127.0.0.1:8000")
HOST, PORT = _PARSED.hostname or "127.0.0.1", _PARSED.port or 8000
MARKER = "zanzibarquux"  # a word no sample document contains


def marker_doc_id(path: Path) -> str:
    """The marker document's id: made from its file name and where it is (see ingest.ids)."""
    return doc_id_for(path.name, str(path.resolve()))


@pytest.fixture
def prefix():
    """A collection prefix of this test alone; its collections are dropped afterwards."""
    name = f"t{uuid.uuid4().hex[:10]}"
    yield name
    client = make_chroma_client(host=HOST, port=PORT)
    for collection in client.list_collections():
        collection_name = getattr(collection, "name", collection)
        if collection_name.startswith(name + "-"):
            client.delete_collection(collection_name)


def server_index(data_dir: Path, prefix: str, embedder=None, sync_seconds: float = 0.0) -> Index:
    """An Index on the test server with its own keyword cache file, as one app process would have."""
    client = make_chroma_client(host=HOST, port=PORT)
    return Index(client, data_dir / "keyword.sqlite", embedder or FakeEmbedder(), prefix=prefix,
                 sync_seconds=sync_seconds)


def write_marker_doc(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "marker-report.txt"
    path.write_text(f"Marker report\n\n1. The {MARKER} programme trains mediators in every region.\n\n"
                    "2. Funding for the programme comes from the regional budgets.\n", encoding="utf-8")
    return path


def test_server_ingest_ask_docs_delete_work_as_embedded(tmp_path, prefix):
    index = server_index(tmp_path / "a", prefix)
    report = Indexer(index, tmp_path / "a", progress=False).ingest([SAMPLE_CORPUS])
    assert report.ok and report.count("added") == 5
    assert len(index.documents()) == 5
    assert index.store.count() == report.summary()["passages"] == index.keyword.count()

    answer = Assistant(index, weights=hand_weights()).ask("Which recommendations concern mahallas?")
    assert answer.passages and answer.passages[0].passage.doc_id.startswith("ombudsman-assessment")

    again = Indexer(index, tmp_path / "a", progress=False).ingest([SAMPLE_CORPUS])
    assert again.count("unchanged") == 5 and again.embedded == 0

    target = index.find_document("ombudsman-assessment-ch7-stakeholder-engagement.txt")
    assert index.delete_document(target.meta.doc_id)
    assert len(index.documents()) == 4
    assert not index.keyword.search("mahallas", 50, doc_ids=[target.meta.doc_id])
    assert index.store.count() == report.summary()["passages"] - target.n_passages


def test_server_backup_restore_roundtrip(tmp_path, prefix):
    src = server_index(tmp_path / "a", prefix)
    Indexer(src, tmp_path / "a", progress=False).ingest([SAMPLE_CORPUS])
    counts = backup(src, tmp_path / "backup.jsonl.gz")
    assert counts["documents"] == 5 and counts["passages"] == src.store.count()

    dst = server_index(tmp_path / "b", prefix + "-restored")
    assert restore(dst, tmp_path / "backup.jsonl.gz") == counts
    assert [d.meta for d in dst.documents()] == [d.meta for d in src.documents()]
    assert dst.keyword.search("mahallas", 5) == src.keyword.search("mahallas", 5)


def test_server_two_processes_see_each_others_ingest_and_delete(tmp_path, prefix):
    writer = server_index(tmp_path / "a", prefix)
    reader = server_index(tmp_path / "b", prefix)
    assert reader.keyword.search(MARKER, 5) == [] and reader.documents() == []

    marker = write_marker_doc(tmp_path / "docs")
    Indexer(writer, tmp_path / "a", progress=False).ingest([marker])
    reader.refresh()
    found = reader.keyword.search(MARKER, 5)
    assert found and all(pid.startswith(marker_doc_id(marker)) for pid, _ in found)
    hits = HybridRetriever(reader).candidates_for(f"{MARKER} programme mediators", pool=3)
    assert hits[0].passage.doc_id == marker_doc_id(marker)

    assert writer.delete_document(marker_doc_id(marker))
    reader.refresh()
    assert reader.keyword.search(MARKER, 5) == []
    vector = reader.embedder.embed_query(f"{MARKER} programme mediators")
    assert reader.nearest(vector, 5) == []
    assert HybridRetriever(reader).candidates_for(f"{MARKER} programme mediators", pool=3) == []


def test_server_reader_waits_for_sync_interval_then_catches_up(tmp_path, prefix):
    writer = server_index(tmp_path / "a", prefix)
    reader = server_index(tmp_path / "b", prefix, sync_seconds=3600)
    first = SAMPLE_CORPUS / "baku-conference-ombudsmen-business-human-rights.txt"
    Indexer(writer, tmp_path / "a", progress=False).ingest([first])
    reader.refresh(force=True)
    Indexer(writer, tmp_path / "a", progress=False).ingest([write_marker_doc(tmp_path / "docs")])
    reader.refresh()  # within the interval: the cached manifest is kept, no server round trip
    assert reader.keyword.search(MARKER, 5) == []
    reader.refresh(force=True)
    assert reader.keyword.search(MARKER, 5)


def _hrqa(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_server_cli_ingest_in_one_process_ask_in_another(tmp_path, prefix):
    base = {**os.environ, "HRQA_CHROMA_HOST": HOST, "HRQA_CHROMA_PORT": str(PORT), "HF_HUB_OFFLINE": "1",
            "HRQA_COLLECTION_PREFIX": prefix, "HRQA_KEYWORD_SYNC_SECONDS": "0"}
    machine_a = {**base, "HRQA_DATA_DIR": str(tmp_path / "a")}
    machine_b = {**base, "HRQA_DATA_DIR": str(tmp_path / "b")}

    ingested = _hrqa(["ingest", str(SAMPLE_CORPUS), "--json"], machine_a)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["summary"]["added"] == 5

    asked = _hrqa(["ask", "Which recommendations concern mahallas?", "--json"], machine_b)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["answerable"] and answer["citations"]
    assert any("ombudsman-assessment" in p["id"] for p in answer["passages"])
    assert list((tmp_path / "b").glob("keyword-*.sqlite")), "machine b keeps its own keyword cache"

    deleted = _hrqa(["delete", "ombudsman-assessment-ch7-stakeholder-engagement.txt"], machine_a)
    assert deleted.returncode == 0, deleted.stderr
    docs = json.loads(_hrqa(["docs", "--json"], machine_b).stdout)
    assert len(docs) == 4
    again = json.loads(_hrqa(["ask", "Which recommendations concern mahallas?", "--json"], machine_b).stdout)
    assert not any("ombudsman-assessment" in p["id"] for p in again["passages"])
