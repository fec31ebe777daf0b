from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.types import Answer, Citation
from assistant.web.support import browser_secret, history_of, load_logins, source_view, stage_uploads, write_handout
from ingest.errors import ConfigError


def test_ui_support_stage_uploads_copies_under_safe_names_and_refuses_others(tmp_path):
    incoming = tmp_path / "in"
    incoming.mkdir()
    (incoming / "..report.txt").write_text("hello", encoding="utf-8")
    (incoming / "tool.exe").write_bytes(b"MZ")
    staged, problems = stage_uploads([str(incoming / "..report.txt"), str(incoming / "tool.exe")],
                                     tmp_path / "uploads", 1, ".txt,.pdf")
    assert staged == [tmp_path / "uploads" / "report.txt"]
    assert staged[0].read_text(encoding="utf-8") == "hello"
    assert problems == ["tool.exe: file type '.exe' is not accepted; upload one of .txt, .pdf"]


def test_ui_support_stage_uploads_refuses_files_over_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    staged, problems = stage_uploads([str(big)], tmp_path / "uploads", 1, ".txt")
    assert staged == [] and problems == ["big.txt: 1.0 MB is over the 1 MB upload limit"]
    assert not (tmp_path / "uploads").exists()


def test_ui_support_load_logins_from_setting_and_file(tmp_path):
    users = tmp_path / "users"
    users.write_text("# trainers\ncat:pw3\n", encoding="utf-8")
    assert load_logins(Settings(auth="ann:pw1,bob:pw2", auth_file=str(users))) == [
        ("ann", "pw1"), ("bob", "pw2"), ("cat", "pw3")]
    assert load_logins(Settings()) is None


def test_ui_support_load_logins_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match="HRQA_AUTH_FILE .*nope"):
        load_logins(Settings(auth_file=str(tmp_path / "nope")))


def test_ui_support_write_handout_writes_md_and_docx_named_after_the_question():
    answers = [Answer(question="Which appeals came in 2025?", text="Many [1].")]
    md, docx = Path(write_handout(answers, "md")), Path(write_handout(answers, "docx"))
    assert md.name.startswith("hrqa-which-appeals-came-in-2025-") and md.suffix == ".md"
    assert md.read_text(encoding="utf-8").startswith("# Which appeals came in 2025?")
    assert docx.suffix == ".docx" and docx.read_bytes()[:2] == b"PK"
    assert write_handout([], "md") is None


def test_ui_support_browser_secret_is_kept_across_restarts(tmp_path):
    first = browser_secret(tmp_path / "data")
    assert len(first) == 64 and browser_secret(tmp_path / "data") == first
    assert (tmp_path / "data" / "browser-state.key").stat().st_mode & 0o077 == 0  # not readable by others


def test_ui_support_history_of_pairs_questions_and_answers():
    cited = Citation(marker=1, passage_id="p1", label="L", file_name="f", paragraph="1", page=None,
                     section_kind="body", quote="q")
    answers = [Answer(question="Q1", text="A1 [1]", citations=[cited]), Answer(question="Q2", text="A2")]
    assert history_of(answers) == [("user", "Q1"), ("assistant", "A1 [1]", ("p1",)), ("user", "Q2"),
                                   ("assistant", "A2", ())]


def test_ui_support_source_view_gives_neighbours_document_and_latest_quote(sample_index):
    record = sample_index.find_document("ombudsman-assessment-ch7-stakeholder-engagement.txt")
    passages = sample_index.store.passages_of(record.meta.doc_id, record.version)
    target = next(p for p in passages if p.paragraph == "251")
    cite = Citation(1, target.id, target.label, "x.txt", "251", None, "recommendation", "Closer cooperation")
    view = source_view(sample_index, target.id, [Answer(question="q", text="t [1]", citations=[cite])])
    assert [p.paragraph for p in view.context] == ["250", "251", "252"]
    assert view.record.meta.file_name == "ombudsman-assessment-ch7-stakeholder-engagement.txt"
    assert view.quote == "Closer cooperation"
    assert source_view(sample_index, "no-such:passage:00000", []) is None


def test_remove_upload_deletes_only_copies_inside_the_uploads_dir(tmp_path):
    from assistant.web.support import remove_upload

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    copy = uploads / "a.txt"
    copy.write_text("x")
    original = tmp_path / "corpus" / "b.txt"
    original.parent.mkdir()
    original.write_text("y")
    assert remove_upload(str(copy), uploads) is True and not copy.exists()
    assert remove_upload(str(original), uploads) is False and original.exists()
    assert remove_upload(str(uploads / "missing.txt"), uploads) is False


def test_a_list_answer_offers_its_whole_list_in_the_recommendations_tab():
    from assistant.types import Answer
    from assistant.web.support import list_button, list_request

    wanted = {"doc_ids": ["wg4"], "theme": None, "group": "roma", "actor": None, "status": None, "query": None,
              "ids": ["wg4:140.9"]}
    listed = Answer(question="q", text="33 recommendations match; 12 of 33 shown.",
                    listing={"total": 33, "shown": 12, "by_document": {"wg4": 33}, "filter": wanted})
    assert list_button([listed]) == {"visible": True, "value": "12 of 33 shown — open all in Recommendations"}
    assert list_request([listed]) == wanted
    plain = Answer(question="q", text="An answer. [1]")
    assert list_button([listed, plain]) == {"visible": False} and list_request([plain]) is None
