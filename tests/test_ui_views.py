import subprocess
import sys
from pathlib import Path

import pytest

from assistant.retrieval import Filters, Retrieved
from assistant.types import Answer, Citation
from assistant.web.panel import PageImage, highlight, passage_panel
from assistant.web.views import (
    allowed_extensions,
    answer_message,
    filters_from_ui,
    filters_summary,
    parse_auth,
    parse_cite_value,
    safe_upload_name,
    sources_html,
    startup_line,
    streaming_message,
    upload_problem,
)
from ingest.errors import ConfigError
from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord

ROOT = Path(__file__).resolve().parent.parent
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _passage(pid="d-1:abc:00001", text="Closer cooperation with mahallas is required.",
             label="Doc, ¶251 (Recommendation)", ordinal=1, kind="recommendation", page=None) -> Passage:
    return Passage(id=pid, doc_id="d-1", ordinal=ordinal, text=text, paragraph="251", label=label,
                   section_kind=kind, page=page)


def _answer(text="Mahallas need cooperation [1].", quote="Closer cooperation with mahallas is required.",
            label="Doc, ¶251 (Recommendation)") -> Answer:
    p = _passage(label=label)
    citation = Citation(1, p.id, label, "doc.txt", "251", 4, "recommendation", quote)
    return Answer(question="Which?", text=text, citations=[citation], passages=[Retrieved(p, 1.0)])


def test_ui_views_answer_marker_becomes_cite_link_to_passage():
    html = answer_message(_answer())
    assert '<a class="hrqa-cite" href="#cite-d-1:abc:00001" title="Doc, ¶251 (Recommendation)">[1]</a>' in html
    assert "\n\n" not in html  # one HTML block: the chat's Markdown renderer leaves it alone


def test_ui_views_unknown_marker_stays_plain_text():
    html = answer_message(_answer(text="See [7] and [1]."))
    assert "See [7] and " in html and html.count("hrqa-cite") == 1


def test_ui_views_answer_text_and_label_are_escaped():
    html = answer_message(_answer(text=f"Quoted {EVIL} [1]", label=f"Doc {EVIL}"))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert 'title="Doc &lt;script&gt;' in html


def test_ui_views_sources_list_label_file_page_and_kind():
    html = sources_html(_answer())
    assert "[1] Doc, ¶251 (Recommendation)</a> — doc.txt, p. 4 · " in html
    assert '<span class="hrqa-kind">recommendation</span>' in html


def test_ui_views_refusal_lists_nearest_passages_unmarked():
    answer = Answer(question="?", text="The documents do not cover this question.", answerable=False,
                    passages=[Retrieved(_passage(), 0.1)])
    html = answer_message(answer)
    assert "Nearest passages (they do not answer the question)" in html and "[1]" not in html


def test_ui_views_streaming_message_escapes_and_shows_status():
    assert streaming_message("", "Searching…") == '<div class="hrqa-answer"><i>Searching…</i></div>'
    assert streaming_message("a <b>\n\nc") == '<div class="hrqa-answer">a &lt;b&gt;<br><br>c</div>'


def test_ui_views_highlight_escapes_first_then_marks_quote():
    assert highlight("x <b> and y.", "<b> and") == "x <mark>&lt;b&gt; and</mark> y."


def test_ui_views_highlight_marks_each_sentence_when_quote_is_not_contiguous():
    text = "First one. Middle. Last one."
    assert highlight(text, "First one. Last one.") == "<mark>First one.</mark> Middle. <mark>Last one.</mark>"


def test_ui_views_highlight_without_quote_only_escapes():
    assert highlight("a & b", "") == "a &amp; b"


def test_ui_views_passage_panel_shows_document_facts_neighbours_and_escapes():
    target = _passage(text=f"Evil {EVIL} here.", page=3)
    before = _passage(pid="d-1:abc:00000", text="Before.", label="Doc, ¶250", ordinal=0)
    meta = DocumentMeta("d-1", "doc.txt", f"Title {EVIL}", "Doc", "assessment", "2025-07-30")
    html = passage_panel(target, [before, target], DocRecord(meta, "abc", 2), quote=f"Evil {EVIL}")
    assert "<script>" not in html and "<img" not in html
    assert "type: assessment · date: 2025-07-30 · file: doc.txt" in html
    assert "Doc, ¶251 (Recommendation) · page 3 · section: recommendation" in html
    assert "<mark>Evil &lt;script&gt;" in html and "Before." in html
    assert html.count("hrqa-current") == 1
    assert "hrqa-page" not in html  # no page images given: the text alone


def test_ui_views_passage_panel_boxes_the_passage_on_its_page_beside_the_text():
    target = _passage(page=12, label="Doc, ¶251, p. 12")
    page = PageImage(12, "data:image/png;base64,AAAA", ((0.1, 0.2, 0.5, 0.01), (0.1, 0.215, 0.3, 0.01)))
    html = passage_panel(target, [target], None, pages=[page])
    assert '<div class="hrqa-split"><div class="hrqa-pages"><figure class="hrqa-page" data-page="12">' in html
    assert '<div class="hrqa-hl" style="left:10.00%;top:20.00%;width:50.00%;height:1.00%"></div>' in html
    assert html.count('class="hrqa-hl"') == 2 and '<div class="hrqa-context">' in html
    assert "Doc, ¶251, p. 12 · section" in html  # the page is said once


def test_ui_views_sources_say_the_page_once_when_the_label_has_it():
    answer = _answer(label="Doc, ¶251 (Recommendation), p. 4")
    assert "(Recommendation), p. 4</a> — doc.txt · " in sources_html(answer)


def test_ui_views_startup_line_says_where_what_and_login():
    meta = DocumentMeta("d-1", "doc.txt", "T", "T", "report")
    line = startup_line("http://127.0.0.1:7860/", [DocRecord(meta, "v", 12), DocRecord(meta, "w", 3)], False,
                        "offline extractive")
    assert line == ("hrqa: chat at http://127.0.0.1:7860/ · 2 documents, 15 passages · login off (set HRQA_AUTH to "
                    "require one) · answers: offline extractive · Ctrl+C stops")
    assert "· login on ·" in startup_line("u", [], True, "x")


def test_ui_views_parse_cite_value_drops_click_time():
    assert parse_cite_value("d-1:abc:00001|1712345678") == "d-1:abc:00001"
    assert parse_cite_value("") == ""


def test_ui_views_filters_from_ui_maps_every_widget():
    f = filters_from_ui(["a.txt"], ["assessment"], ["recommendation"], ["Uzbekistan"], "2025", "2025-12")
    assert f == Filters(docs=("a.txt",), doc_types=("assessment",), section_kinds=("recommendation",),
                        countries=("Uzbekistan",), date_from="2025", date_to="2025-12")


def test_ui_views_filters_from_ui_empty_widgets_mean_no_filter():
    assert filters_from_ui(None, [], [], None, " ", "").is_empty()


def test_ui_views_filters_from_ui_bad_date_names_the_field():
    with pytest.raises(ConfigError, match="date from 'May 2025'"):
        filters_from_ui(date_from="May 2025")


def test_ui_views_filters_summary_describes_active_filters():
    assert filters_summary(Filters(section_kinds=("recommendation",), date_from="2025")) == \
        "section: recommendation; date: 2025 – …"
    assert filters_summary(Filters()) == ""


@pytest.mark.parametrize("raw, safe", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\win\\evil.docx", "evil.docx"),
    ("a/..b/....txt", "txt"),
    ("..", "upload"),
    (".hidden.md", "hidden.md"),
    ("my report (2025)?.txt", "my report (2025)_.txt"),
    ("", "upload"),
])
def test_ui_views_safe_upload_name_never_leaves_the_folder(raw, safe):
    name = safe_upload_name(raw)
    assert name == safe
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")


def test_ui_views_upload_problem_type_and_size():
    assert upload_problem("a.txt", 10, 1, ".pdf,.txt") == ""
    assert upload_problem("a.exe", 10, 1, ".pdf,.txt") == \
        "a.exe: file type '.exe' is not accepted; upload one of .pdf, .txt"
    assert upload_problem("a.pdf", 3 * 1048576, 2, "pdf") == "a.pdf: 3.0 MB is over the 2 MB upload limit"


def test_ui_views_allowed_extensions_normalises_dots_and_case():
    assert allowed_extensions(" PDF, .txt ,") == [".pdf", ".txt"]


def test_ui_views_parse_auth_commas_lines_and_comments():
    assert parse_auth("ann:pw1, bob:p:w\n# staff\ncat:") == [("ann", "pw1"), ("bob", "p:w"), ("cat", "")]
    assert parse_auth("") == []


def test_ui_views_parse_auth_malformed_entry_is_refused_without_echoing_it():
    with pytest.raises(ConfigError, match="'ann'") as err:
        parse_auth("ann")
    assert "HRQA_AUTH" in str(err.value)


def test_ui_views_importing_core_and_cli_does_not_import_gradio():
    code = ("import assistant.core, assistant.cli, assistant.web.app, assistant.web.views, assistant.web.support, sys; "
            "assert 'gradio' not in sys.modules, 'gradio imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
