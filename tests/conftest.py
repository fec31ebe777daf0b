"""Shared fakes and fixtures. Unit tests stay offline and fast; `slow` tests load the real packaged model once."""
from __future__ import annotations

import hashlib
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "examples" / "corpus"
SEED_QUESTIONS = ROOT / "examples" / "eval" / "seed_questions.jsonl"
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "tests" / "artifacts"
FIXTURE_PDF = ROOT / "tests" / "fixtures" / "slovenia_wg_report_excerpt.pdf"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


class FakeEmbedder:
    """Bag-of-words hashing embedder: cosine similarity is word overlap, so distances are predictable."""

    name = "fake"
    dim = 64

    def __init__(self):
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)


@dataclass
class _Chunk:
    content: str


@dataclass
class ScriptedChatModel:
    """A chat model that replies from a script and records every prompt.

    Each script item is a reply string, an Exception to raise, or ("sleep", seconds) to hang.
    """

    script: list
    prompts: list = field(default_factory=list)
    model_name: str = "scripted-fake"

    def _next(self, messages):
        self.prompts.append(messages)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        if isinstance(item, tuple) and item[0] == "sleep":
            time.sleep(item[1])
            return "too late [S1]"
        return item

    def stream(self, messages):
        reply = self._next(messages)
        for start in range(0, len(reply), 7):
            yield _Chunk(reply[start : start + 7])

    def invoke(self, messages):
        return _Chunk(self._next(messages))


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def make_index(tmp_path):
    """A factory for an embedded Chroma index in tmp_path with the fake embedder."""
    from vectorstore.client import make_chroma_client
    from vectorstore.index import Index

    def build(embedder=None, path: Path | None = None, sync_seconds: float = 0.0):
        path = path or tmp_path / "store"
        client = make_chroma_client(path=path)
        return Index(client, path / "keyword.sqlite", embedder or FakeEmbedder(), sync_seconds=sync_seconds)

    return build


@pytest.fixture
def sample_index(tmp_path, make_index):
    """The sample corpus ingested with the fake embedder."""
    from vectorstore.indexer import Indexer

    index = make_index()
    report = Indexer(index, tmp_path / "store", progress=False).ingest([SAMPLE_CORPUS])
    assert report.ok, report.files
    return index


@pytest.fixture(scope="session")
def real_embedder():
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from vectorstore.embeddings import make_embedder

    return make_embedder("minilm")


@pytest.fixture(scope="session")
def real_sample_index(tmp_path_factory, real_embedder):
    """The sample corpus ingested with the real model, shared by the end-to-end tests."""
    from vectorstore.client import make_chroma_client
    from vectorstore.index import Index
    from vectorstore.indexer import Indexer

    path = tmp_path_factory.mktemp("real-store")
    index = Index(make_chroma_client(path=path), path / "keyword.sqlite", real_embedder, sync_seconds=0.0)
    report = Indexer(index, path, progress=False).ingest([SAMPLE_CORPUS])
    assert report.ok, report.files
    return index


# -- the real app in a real browser (tests marked `browser`; one server for the whole session) -----------------
@pytest.fixture(scope="session")
def ui_store(tmp_path_factory) -> Path:
    """The sample corpus and the Slovenia PDF (for the page view) ingested with the real CLI and embedder."""
    from bench._serve import hrqa, ingest_sample

    path = tmp_path_factory.mktemp("ui-store")
    ingest_sample(path)
    done = hrqa("ingest", str(FIXTURE_PDF), "--store", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    return path


@pytest.fixture(scope="session")
def ui_server(ui_store, tmp_path_factory):
    """`hrqa serve` on a free port; yields its URL and stops it afterwards."""
    from bench._serve import serve

    with serve(ui_store, tmp_path_factory.mktemp("serve-log") / "serve.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, ui_server):
    """A fresh browser session (its own conversations) on the app, with the Chat tab loaded."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(ui_server)
    page.wait_for_selector("#hrqa-chat")
    yield page
    context.close()
