"""ingest.limits: each check refuses exactly what is over its limit, names the setting, and scans linearly."""
from __future__ import annotations

import io
import zipfile

import pytest

from ingest.errors import IngestError
from ingest.limits import InputLimits, QuestionTooLong, check_docx, check_html, check_question, html_shape


def _docx(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _reason(check, *args) -> str:
    with pytest.raises(IngestError) as info:
        check(*args)
    return info.value.reason


def test_check_question_at_the_limit_passes_over_it_names_length_and_setting():
    check_question("x" * 2000, 2000)
    with pytest.raises(QuestionTooLong) as info:
        check_question("x" * 2001, 2000)
    assert str(info.value) == ("the question is 2,001 characters long; the limit is 2,000 (HRQA_MAX_QUESTION_CHARS): "
                               "ask a shorter question")


def test_check_docx_xml_over_the_limit_is_refused_before_inflating_it():
    body = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 70_000  # 2.4 MB of XML, a few KB compressed
    data = _docx({"word/document.xml": b"<w:document><w:body>" + body + b"</w:body></w:document>"})
    assert len(data) < 100_000
    assert _reason(check_docx, data, "bomb.docx", InputLimits(max_docx_xml_mb=2)) == (
        "DOCX holds 2.3 MB of XML, over the limit of 2 MB (HRQA_MAX_DOCX_XML_MB)")


def test_check_docx_counts_start_tags_not_end_tags_or_declarations():
    xml = b'<?xml version="1.0"?><!-- c --><a><b/><c></c></a>'
    check_docx(_docx({"word/document.xml": xml}), "ok.docx", InputLimits(max_docx_elements=3))
    assert _reason(check_docx, _docx({"word/document.xml": xml}), "x.docx", InputLimits(max_docx_elements=2)) == (
        "DOCX has over 2 XML elements (HRQA_MAX_DOCX_ELEMENTS)")


def test_check_docx_too_many_parts_is_refused_from_the_end_record():
    data = _docx({f"word/media/{n}.bin": b"" for n in range(30)})
    assert _reason(check_docx, data, "many.docx", InputLimits(max_zip_entries=20)) == (
        "DOCX package has 30 parts, over the limit of 20 (HRQA_MAX_ZIP_ENTRIES)")


def test_check_docx_inflated_size_counts_media_too():
    data = _docx({"word/media/image.bin": bytes(3 * 1024 * 1024)})
    assert _reason(check_docx, data, "big.docx", InputLimits(max_zip_uncompressed_mb=2)) == (
        "DOCX inflates to 3.0 MB, over the limit of 2 MB (HRQA_MAX_ZIP_UNCOMPRESSED_MB)")


def test_check_docx_not_a_zip_is_not_a_readable_docx():
    assert _reason(check_docx, b"plain words", "x.docx", InputLimits()) == "not a readable DOCX: not a ZIP package"


@pytest.mark.parametrize("markup, shape", [
    ("<div><div><p>a<p>b</div></div>", (4, 2, -1)),                  # <p> closes itself: not a level
    ("<ul><li>a<li>b</ul><br><img src=x><hr/>", (6, 1, -1)),          # void elements and <li> never nest
    ("<div><!-- <div><div> --></div>", (1, 1, -1)),                    # comments hold no markup
    ("<script>if (a<b) { x = '<div><div>' }</script><div>", (2, 1, -1)),  # neither does a script
    ("<!DOCTYPE html><?xml x?><div>1 < 2</div>", (1, 1, -1)),          # a stray "<" is text
    ("<div/><div/><div/>", (3, 0, -1)),                                # self-closing
    ("<div><span></div></span></div>", (2, 2, -1)),                    # mismatched ends close one level each
    ('<a title="x > y">z</a>', (1, 1, -1)),                            # ">" inside a quoted value is not the end
    ("<p>text</p><div cla", (1, 0, 11)),                                # a page cut short in its last tag
    ("<b>x</b><!-- never closed <b>", (1, 1, 8)),
    ('<a href="x>y</a>', (0, 0, 0)),                                   # a quote never closed
])
def test_html_shape_counts_elements_and_nesting(markup, shape):
    assert html_shape(markup) == shape


@pytest.mark.parametrize("markup", ["<div>" * 100_000, "<!--" * 200_000, "<" * 500_000, "<a" * 200_000,
                                    "<script>" * 100_000, "<b>x</b>" * 100_000])
def test_html_shape_hostile_markup_is_scanned_linearly_and_stops_at_the_limits(markup):
    elements, depth, _ = html_shape(markup, max_depth=400, max_elements=50_000)
    assert elements <= 50_001 and depth <= 401


def test_check_html_names_the_depth_and_element_settings():
    assert _reason(check_html, "<div>" * 501, "deep.html", InputLimits(max_html_depth=500)) == (
        "HTML nests elements over 500 levels deep (HRQA_MAX_HTML_DEPTH)")
    assert _reason(check_html, "<br>" * 11, "wide.html", InputLimits(max_html_elements=10)) == (
        "HTML has over 10 elements (HRQA_MAX_HTML_ELEMENTS)")
    check_html("<div>" * 500 + "text", "ok.html", InputLimits(max_html_depth=500))


def test_check_html_unclosed_tag_is_refused_only_when_recovering_from_it_would_be_quadratic():
    check_html("<p>A page cut short in its last tag.</p>" * 100 + "<div cla", "cut.html", InputLimits())
    with pytest.raises(IngestError) as info:
        check_html("<p>ok</p>" + "<a " * 40_000, "hostile.html", InputLimits())
    assert info.value.reason == ("malformed HTML: the tag or comment at character 9 never closes, and the 120,000 "
                                 "characters after it cannot be parsed safely; fix the file there")


def test_check_docx_zip64_part_count_is_read_from_its_own_end_record():
    data = _docx({f"p/{n}.xml": b"" for n in range(70_000)})  # over 65,535 entries: a ZIP64 end record
    assert _reason(check_docx, data, "parts.docx", InputLimits()) == (
        "DOCX package has 70,000 parts, over the limit of 2,000 (HRQA_MAX_ZIP_ENTRIES)")
