"""The app's handlers in-process on the sample corpus with the fake embedder (the browser test covers the page)."""
from pathlib import Path

import pytest

from tests.helpers import hand_weights

from assistant.core import Assistant
from assistant.settings import Settings
from assistant.web.app import _Handlers, build_app
from vectorstore.indexer import Indexer

pytest.importorskip("gradio")

FILTERS_OFF = ([], [], [], [], "", "")


@pytest.fixture
def handlers(sample_index, tmp_path):
    settings = Settings(data_dir=str(tmp_path / "data"), max_upload_mb=1)
    return _Handlers(Assistant(sample_index, weights=hand_weights()), Indexer(sample_index, tmp_path / "data", progress=False), settings)


def _last(stream):
    *steps, final = list(stream)
    return steps, final


def test_ui_build_app_returns_blocks(handlers):
    import gradio as gr

    app = build_app(handlers.assistant, handlers.indexer, handlers.settings)
    assert isinstance(app, gr.Blocks)


def test_ui_respond_streams_then_links_markers_and_writes_exports(handlers):
    steps, (chat, answers, box, answer_md, chat_md) = _last(
        handlers.respond("Which recommendations concern mahallas?", [], [], *FILTERS_OFF))
    assert "Searching the documents…" in steps[0][0][-1]["content"]
    question_html = '<div class="hrqa-question">Which recommendations concern mahallas?</div>'
    assert chat[0] == {"role": "user", "content": question_html}
    assert 'class="hrqa-answer hrqa-done"' in chat[-1]["content"] and 'class="hrqa-cite"' in chat[-1]["content"]
    assert len(answers) == 1 and box == ""
    label = answers[0].citations[0].label
    assert f"**{label}**" in Path(answer_md).read_text(encoding="utf-8")
    assert Path(chat_md).read_text(encoding="utf-8").startswith("# hrqa conversation")


def test_ui_respond_passes_history_for_followups(handlers):
    *_, (chat, answers, *_rest) = handlers.respond("Which recommendations concern mahallas?", [], [], *FILTERS_OFF)
    *_, (chat, answers, *_rest) = handlers.respond("which of them concern domestic violence?", chat, answers,
                                                   *FILTERS_OFF)
    assert len(chat) == 4 and answers[1].standalone.startswith("Which of them concern domestic violence?") and "mahallas" in answers[1].standalone


def test_ui_respond_bad_filter_is_shown_in_chat_and_question_kept(handlers):
    *_, (chat, answers, box, *_rest) = handlers.respond("Anything?", [], [], [], [], [], [], "soon", "")
    assert "Could not answer: date from &#x27;soon&#x27; is not a date" in chat[-1]["content"]
    assert answers == [] and box == "Anything?"


def test_ui_respond_empty_question_changes_nothing(handlers):
    (chat, answers, box, *_rest), = list(handlers.respond("  ", [], [], *FILTERS_OFF))
    assert (chat, answers, box) == ([], [], "")


def test_ui_show_source_highlights_cited_quote(handlers):
    *_, (_, answers, *_rest) = handlers.respond("Which recommendations concern mahallas?", [], [], *FILTERS_OFF)
    citation = answers[0].citations[0]
    html = handlers.show_source(f"{citation.passage_id}|123", answers)
    assert "<mark>" in html and "hrqa-current" in html
    assert "no longer indexed" in handlers.show_source("gone:0:0|1", answers)


def test_ui_ingest_upload_copies_indexes_and_reports_per_file(handlers, tmp_path):
    doc = tmp_path / "zebrafish.txt"
    doc.write_text("Zebrafish monitoring\n\nThe Ombudsman found 17 cells without ventilation.\n", encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    calls = []
    result = handlers.ingest([str(doc), str(bad)], lambda *a, **k: calls.append(a))
    assert "added    zebrafish.txt: 1 passages" in result
    assert "failed   bad.pdf: " in result
    assert (Path(handlers.settings.data_dir) / "uploads" / "zebrafish.txt").exists()
    assert calls[-1] == (1.0,)
    assert handlers.assistant.index.find_document("zebrafish.txt") is not None


def test_ui_ingest_refuses_wrong_type_with_a_message(handlers, tmp_path):
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert handlers.ingest([str(exe)], lambda *a, **k: None).startswith("refused  tool.exe: file type '.exe'")


def test_ui_delete_removes_document_and_reports_unknown(handlers):
    name = "baku-conference-ombudsmen-business-human-rights.txt"
    assert handlers.delete(name).startswith(f"deleted  {name} (")
    assert handlers.delete(name) == f"{name} is not indexed (any more)."
    assert handlers.delete(None) == "Choose a document to delete."
