"""Reliability, errors users can act on: web users see no server path, pid or traceback; names cannot drive a
terminal; a lost Chroma server is one line naming it and the files left; UTF-16 without a BOM is read.

Before: a busy-ingest refusal showed web users the data path and pid; file names with escape sequences were
printed raw by `ingest`, `docs` and `ask`, and a newline in a name split `hrqa docs` rows; an ingest that lost
its Chroma server ended in a raw httpx.ConnectError traceback with no report; UTF-16 text without a BOM was
refused as "binary content".
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant import cli
from assistant.core import Assistant
from assistant.settings import Settings
from ingest.readers import read_file
from tests.conftest import ROOT, SAMPLE_CORPUS, FakeEmbedder
from tests.helpers import hand_weights
from vectorstore.client import make_chroma_client
from vectorstore.index import Index
from vectorstore.indexer import Indexer
from vectorstore.locking import FileLock

pytest.importorskip("gradio")

_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
EVIL = "evil\x1b[2J\x1b[31mred\u202etxt.txt"
TWO_LINES = "two\nlines.txt"


class _FakeMiniLM(FakeEmbedder):
    name = "minilm"


@pytest.fixture
def hostile_names_store(tmp_path, monkeypatch):
    """A store holding the sample corpus plus two files whose names carry an escape sequence and a newline."""
    # the factory imports the embedder maker where it uses it (hrqa docs must stay light), so it is patched there
    monkeypatch.setattr("vectorstore.embeddings.make_embedder", lambda *a, **k: _FakeMiniLM())
    docs = tmp_path / "docs"
    docs.mkdir()
    for n, name in enumerate((EVIL, TWO_LINES)):
        (docs / name).write_text(f"The Marmot office {n} recommends that mahallas hear detainees' families.\n",
                                 encoding="utf-8")
    return docs, tmp_path / "store"


def test_reliability_errors_cli_output_escapes_control_characters_in_names(hostile_names_store, capsys):
    docs, store = hostile_names_store
    assert cli.main(["ingest", str(SAMPLE_CORPUS), str(docs), "--store", str(store)]) == 0
    ingested = capsys.readouterr().out
    assert cli.main(["docs", "--store", str(store)]) == 0
    listed = capsys.readouterr().out
    # a list answer: the documents' labels (titles made from the file names) are in the text, the names in Sources
    assert cli.main(["ask", "Which office says mahallas should hear detainees' families?", "--store", str(store)]) == 0
    asked = capsys.readouterr().out
    for out in (ingested, listed, asked):
        assert not _RAW_CONTROL.search(out), repr(out)
    assert "evil\\x1b[2J\\x1b[31mred\\u202etxt.txt" in listed and "two\\nlines.txt" in listed
    assert len(listed.strip().splitlines()) == 1 + 7  # the header and one row per document, none split
    assert "evil\\x1b[2J" in ingested and "evil\\x1b[2J" in asked


def test_reliability_errors_web_busy_ingest_shows_no_path_or_pid(sample_index, tmp_path):
    from assistant.web.handlers import Handlers

    data = tmp_path / "data"
    handlers = Handlers(Assistant(sample_index), Indexer(sample_index, data, progress=False),
                        Settings(data_dir=str(data)))
    upload = tmp_path / "note.txt"
    upload.write_text("The Okapi note asks for legal aid.\n", encoding="utf-8")
    with FileLock(data / "ingest.lock"):
        shown = handlers.ingest([str(upload)], lambda *a, **k: None)
    assert shown == "refused  Another ingestion is running on this server; try again when it has finished."
    assert str(data) not in shown and str(os.getpid()) not in shown
    assert not list((data / "uploads").glob("*"))  # the refused upload's copy does not stay behind


def test_reliability_errors_web_unexpected_failure_shows_no_internals(sample_index, tmp_path, monkeypatch):
    from assistant.web.handlers import Handlers

    handlers = Handlers(Assistant(sample_index, weights=hand_weights()),
                        Indexer(sample_index, tmp_path, progress=False), Settings(data_dir=str(tmp_path)))

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom in {tmp_path}/secret/config.py line 3")

    monkeypatch.setattr(handlers.assistant.retriever, "candidates_for", broken)
    *_, (chat, _, kept, _, _) = list(handlers.respond("Which recommendations concern mahallas?", [], [], None,
                                                      [], [], [], [], "", ""))
    message = chat[-1]["content"]
    assert "Something went wrong on the server; the administrator finds the details in the server" in message
    assert "secret" not in message and "boom" not in message and "Traceback" not in message
    assert kept == "Which recommendations concern mahallas?"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["UTF-16 report: the Wombat commission met NGOs.\n",
                                  "Омбудсман посетил колонию и рекомендовал улучшить медицинскую помощь.\n",
                                  "Azərbaycan Respublikasının İnsan hüquqları üzrə müvəkkili (Ombudsman).\n"])
def test_reliability_errors_utf16_without_bom_is_read(tmp_path, encoding, text):
    path = tmp_path / "nobom.txt"
    path.write_bytes(text.encode(encoding))
    assert read_file(path).pages[0].text == text


# --- a Chroma server lost mid-ingest -------------------------------------------------------------------------

@contextmanager
def _chroma_server(path: Path):
    """bench._backups.start_chroma's server, killed outright afterwards (the test kills it mid-ingest itself)."""
    from bench._backups import start_chroma

    port, proc = start_chroma(path)
    try:
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_reliability_errors_lost_chroma_server_stops_ingest_with_one_line_naming_it_and_files_left(tmp_path):
    with _chroma_server(tmp_path / "chroma") as (port, proc):
        index = Index(make_chroma_client(host="127.0.0.1", port=port), tmp_path / "kw.sqlite", FakeEmbedder(),
                      sync_seconds=0, location=f"Chroma server 127.0.0.1:{port}")

        def kill_after_first(result):
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

        report = Indexer(index, tmp_path, progress=False).ingest([SAMPLE_CORPUS], on_file=kill_after_first)
    names = [Path(f.path).name for f in report.files]  # in the order they were taken (smallest first)
    assert sorted(names) == sorted(p.name for p in SAMPLE_CORPUS.iterdir())
    assert [f.status for f in report.files] == ["added", "failed", "not done", "not done", "not done"]
    assert "\n" not in report.stopped
    assert report.stopped.startswith(f"ingest stopped at {names[1]}: Chroma server 127.0.0.1:{port}: ")
    assert f"4 file(s) left to do: {', '.join(names[1:])}; the files done before it are kept" in report.stopped

    env = {k: v for k, v in os.environ.items() if not k.startswith("HRQA_")}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLE_CORPUS), "--store",
                           str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env, "HRQA_CHROMA_HOST": "127.0.0.1", "HRQA_CHROMA_PORT": str(port),
                               "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"hrqa: error: cannot open Chroma server 127.0.0.1:{port}: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_reliability_errors_cli_empty_question_and_a_closed_pipe(tmp_path, capsys, monkeypatch):
    for question, why in (("", "the question is empty"), ("   ", "the question is empty")):
        assert cli.main(["ask", question, "--store", str(tmp_path)]) == 2
        assert f"({why})" in capsys.readouterr().err
    assert cli.main(["ask", "--store", str(tmp_path)]) == 2
    assert "(neither given)" in capsys.readouterr().err

    def reader_gone(args):
        raise BrokenPipeError(32, "Broken pipe")  # `hrqa docs | head -1` once head has exited

    monkeypatch.setattr(cli, "_docs", reader_gone)
    assert cli.main(["docs", "--store", str(tmp_path)]) == 0  # no traceback, no error status
    assert "Traceback" not in capsys.readouterr().err
