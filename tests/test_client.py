"""The Chroma client factory: settings reach chromadb.HttpClient unchanged; failures name the server."""
from __future__ import annotations

import chromadb
import pytest

from assistant import factory
from assistant.settings import Settings
from ingest.errors import StoreError
from tests.conftest import FakeEmbedder


class _FakeCollection:
    def __init__(self, name):
        self.name = name

    def count(self):  # the index checks on open that its collections can be read
        return 0


class _RecordingHttpClient:
    """Stands in for chromadb.HttpClient and records how it was built."""

    built: list[dict] = []

    def __init__(self, **kwargs):
        type(self).built.append(kwargs)

    def heartbeat(self):
        return 1

    def get_or_create_collection(self, name, **kwargs):
        return _FakeCollection(name)


@pytest.fixture
def recording_client(monkeypatch):
    _RecordingHttpClient.built = []
    monkeypatch.setattr(chromadb, "HttpClient", _RecordingHttpClient)
    return _RecordingHttpClient


def test_open_index_server_settings_reach_http_client(recording_client, tmp_path):
    env = {"HRQA_CHROMA_HOST": "chroma.internal", "HRQA_CHROMA_PORT": "8443", "HRQA_CHROMA_SSL": "true",
           "HRQA_CHROMA_HEADERS": "Authorization=Bearer s3cret;X-Team=hr", "HRQA_CHROMA_TENANT": "ngo",
           "HRQA_CHROMA_DATABASE": "upr", "HRQA_COLLECTION_PREFIX": "team", "HRQA_DATA_DIR": str(tmp_path)}
    index = factory.open_index(Settings.load(env=env), embedder=FakeEmbedder())
    (kwargs,) = recording_client.built
    assert {k: v for k, v in kwargs.items() if k != "settings"} == {
        "host": "chroma.internal", "port": 8443, "ssl": True, "tenant": "ngo", "database": "upr",
        "headers": {"Authorization": "Bearer s3cret", "X-Team": "hr"}}
    assert kwargs["settings"].anonymized_telemetry is False
    assert index.store._passages.name == "team-passages-minilm"


def test_open_index_keyword_cache_is_per_server_tenant_and_database(recording_client, tmp_path):
    base = Settings.load(env={}, data_dir=str(tmp_path), chroma_host="h", chroma_port=1)
    names = {factory._keyword_file(s) for s in (base, base.with_(chroma_tenant="other"),
                                               base.with_(chroma_database="other"), base.with_(chroma_port=2),
                                               base.with_(chroma_host=""))}
    assert len(names) == 5


def test_make_chroma_client_unreachable_server_names_it():
    from vectorstore.client import make_chroma_client

    with pytest.raises(StoreError, match="Chroma server 127.0.0.1:9"):
        make_chroma_client(host="127.0.0.1", port=9)
