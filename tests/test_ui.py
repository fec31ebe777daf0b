"""The app's handlers in-process on the sample corpus with the fake embedder (the browser tests cover the page)."""
import logging
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from assistant.web import conversations as conv
from assistant.web.app import build_app
from assistant.web.handlers import Handlers
from tests.helpers import hand_weights
from vectorstore.indexer import Indexer

pytest.importorskip("gradio")

FILTERS_OFF: tuple = ([], [], [], [], "", "")
MAHALLAS = "Which recommendations concern mahallas?"
FIXTURE_PDF = Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf"


@pytest.fixture
def handlers(sample_index, tmp_path):
    settings = Settings(data_dir=str(tmp_path / "data"), max_upload_mb=1)
    return Handlers(Assistant(sample_index, weights=hand_weights()), Indexer(sample_index, tmp_path / "data",
                                                                             progress=False), settings)


def _last(stream):
    *steps, final = list(stream)
    return steps, final


def _ask(handlers, question, chat=(), answers=(), library=None, user=""):
    *_, (chat, answers, box, library, _list) = handlers.respond(question, list(chat), list(answers), library,
                                                                *FILTERS_OFF, user=user)
    return chat, answers, box, library


def test_ui_build_app_returns_blocks(handlers):
    import gradio as gr

    app = build_app(handlers.assistant, handlers.indexer, handlers.settings)
    assert isinstance(app, gr.Blocks)


def test_ui_respond_streams_then_links_markers_and_keeps_the_turn(handlers):
    steps, (chat, answers, box, library, choices) = _last(handlers.respond(MAHALLAS, [], [], None, *FILTERS_OFF))
    assert "Searching the documents…" in steps[0][0][-1]["content"]
    question_html = f'<div class="hrqa-question">{MAHALLAS}</div>'
    assert chat[0] == {"role": "user", "content": question_html}
    assert 'class="hrqa-answer hrqa-done"' in chat[-1]["content"] and 'class="hrqa-cite"' in chat[-1]["content"]
    assert len(answers) == 1 and box == ""
    (conversation,) = library["conversations"].values()
    assert library["current"] == conversation["id"] and conversation["title"] == MAHALLAS
    assert choices["choices"] == [(f"{MAHALLAS} · {conversation['updated'][:10]} · 1 Q", conversation["id"])]


def test_ui_handouts_are_named_after_the_question_and_quote_once(handlers):
    _, answers, _, _ = _ask(handlers, MAHALLAS)
    answer_md, answer_docx, chat_md, chat_docx = handlers.handouts(answers)
    assert Path(answer_md).name.startswith("hrqa-which-recommendations-concern-mahallas-")
    assert Path(answer_docx).suffix == ".docx" and Path(chat_docx).stat().st_size > 1000
    text = Path(chat_md).read_text(encoding="utf-8")
    assert text.count("Closer cooperation with local self-organized groups") == 1
    assert handlers.handouts([]) == (None, None, None, None)


def test_ui_respond_passes_history_for_followups(handlers):
    chat, answers, _, library = _ask(handlers, MAHALLAS)
    chat, answers, _, library = _ask(handlers, "which of them concern domestic violence?", chat, answers, library)
    assert len(chat) == 4 and answers[1].standalone.startswith("Which of them concern domestic violence?")
    assert "mahallas" in answers[1].standalone
    assert len(library["conversations"]) == 1 and len(conv.answers_of(library)) == 2


def test_ui_respond_bad_filter_is_a_warning_in_chat_and_question_kept(handlers, caplog):
    with caplog.at_level(logging.WARNING):
        *_, (chat, answers, box, *_rest) = handlers.respond("Anything?", [], [], None, [], [], [], [], "last year", "")
    assert "Could not answer: date from &#x27;last year&#x27; is not a date" in chat[-1]["content"]
    assert answers == [] and box == "Anything?"
    (record,) = [r for r in caplog.records if "not answered" in r.getMessage()]
    assert record.levelname == "WARNING" and record.exc_info is None  # a user's error: no traceback


def test_ui_respond_empty_question_changes_nothing(handlers):
    (chat, answers, box, *_rest), = list(handlers.respond("  ", [], [], None, *FILTERS_OFF))
    assert (chat, answers, box) == ([], [], "")


def test_ui_restore_reopens_the_current_conversation_from_the_browser_value(handlers):
    chat, answers, _, library = _ask(handlers, MAHALLAS)
    reopened_chat, reopened, kept, _ = handlers.restore(library)
    assert reopened_chat == chat
    assert reopened[0].citations == answers[0].citations and reopened[0].text == answers[0].text
    new_chat, new_answers, kept, *_ = handlers.new_conversation(kept)
    assert (new_chat, new_answers, kept["current"]) == ([], [], "")
    again = handlers.open_conversation(library["current"], kept)
    assert again[0] == chat


def test_ui_signed_in_users_conversations_live_on_the_server(handlers):
    _, _, _, library = _ask(handlers, MAHALLAS, user="ann")
    assert handlers.restore(None, user="ann")[2] == library  # another browser, the same user
    assert handlers.restore(None, user="bob")[2] == conv.empty()
    renamed, *_ = handlers.rename_conversation("Mahallas for the May training", library, user="ann")
    assert conv.choices(handlers.store.load("ann"))[0][0].startswith("Mahallas for the May training ·")
    handlers.delete_conversation(renamed, user="ann")
    assert handlers.store.load("ann")["conversations"] == {}


def test_ui_show_source_highlights_cited_quote_and_offers_the_original(handlers):
    _, answers, _, _ = _ask(handlers, MAHALLAS)
    citation = answers[0].citations[0]
    html, original = handlers.show_source(f"{citation.passage_id}|123", answers)
    assert "<mark>" in html and "hrqa-current" in html and "hrqa-page-img" not in html  # a .txt: no page image
    assert original["visible"] is True and Path(original["value"]).read_bytes() == Path(
        handlers.assistant.index.find_document(citation.file_name).path).read_bytes()
    assert "no longer indexed" in handlers.show_source("gone:0:0|1", answers)[0]


def test_ui_show_source_of_a_pdf_shows_the_page_with_boxes(handlers, tmp_path):
    handlers.ingest([str(FIXTURE_PDF)], lambda *a, **k: None)
    record = handlers.assistant.index.find_document(FIXTURE_PDF.name)
    passage = next(p for p in handlers.assistant.index.store.passages_of(record.meta.doc_id, record.version)
                   if p.paragraph == "140.2")
    html, _ = handlers.show_source(f"{passage.id}|1", [])
    assert html.count('class="hrqa-page-img" src="data:image/png;base64,') == 1
    assert 'data-page="2"' in html and html.count('class="hrqa-hl"') >= 2
    assert list((Path(handlers.settings.data_dir) / "page-cache").glob("*@*-p2.png"))


def test_ui_ingest_upload_reports_progress_per_window_and_removes_failed_uploads(handlers, tmp_path):
    doc = tmp_path / "zebrafish.txt"
    doc.write_text("Zebrafish monitoring\n\n" + "\n\n".join(f"{i}. Cell {i} of the Zebrafish centre had no "
                                                               "ventilation." for i in range(1, 141)), encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    calls = []
    result = handlers.ingest([str(doc), str(bad)], lambda share, desc="": calls.append((share, desc)))
    assert "added    zebrafish.txt: 140 passages" in result
    assert "failed   bad.pdf: " in result and "(the upload was removed)" in result
    uploads = Path(handlers.settings.data_dir) / "uploads"
    assert (uploads / "zebrafish.txt").exists() and not (uploads / "bad.pdf").exists()
    shares = [share for share, _ in calls]
    assert shares == sorted(shares) and set(shares) - {0.0, 0.5, 1.0}  # moves within a file, not only per file
    assert ("Indexing zebrafish.txt: 64 of 140 passages" in desc for _, desc in calls)
    assert handlers.assistant.index.find_document("zebrafish.txt") is not None


def test_ui_ingest_refuses_wrong_type_with_a_message(handlers, tmp_path):
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert handlers.ingest([str(exe)], lambda *a, **k: None).startswith("refused  tool.exe: file type '.exe'")


def test_ui_delete_asks_first_naming_what_goes_then_removes(handlers):
    name = "baku-conference-ombudsmen-business-human-rights.txt"
    question, box = handlers.ask_delete(name)
    assert box["visible"] is True
    assert "passages leave the index (the file itself stays where it is)" in question
    assert handlers.assistant.index.find_document(name) is not None  # asking removes nothing
    assert handlers.delete(name).startswith(f"deleted  {name} (")
    assert handlers.delete(name) == f"{name} is not indexed (any more)."
    assert handlers.delete(None) == "Choose a document to delete."


def test_ui_reindex_reads_the_file_again(handlers):
    name = "baku-conference-ombudsmen-business-human-rights.txt"
    assert handlers.reindex(name, lambda *a, **k: None).startswith(f"updated  {name}: ")
    assert handlers.reindex(None, lambda *a, **k: None) == "Choose a document to re-index."
