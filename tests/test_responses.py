"""Parsing a State's views on UPR recommendations: lists, ranges, reasons, page furniture, the real addendum."""
from __future__ import annotations

from collections import Counter

import pytest

from assistant.recommendations.responses import (NOTED, SUPPORTED, Response, document_symbol, expand_numbers, family_of,
                                 is_views_document, parse_responses, responses_text)
from ingest.types import Passage
from tests.conftest import SHARED

VIEWS_PDF = SHARED / "corpus-real" / "slovenia_upr4_views_on_recommendations_A-HRC-59-15-Add1.pdf"

SNIPPET = """ I. Accepted recommendations
3. The Government accepts the following recommendations: 140.7, 140.8, 140.35. 140.36,
140.116. 140.117, 140.132,
140.133.
 II. Accepted recommendations that Slovenia considers already
implemented or in the process of implementation
4. The Government accepts the following recommendations and provides some
additional information about the implementation: 140.47, 140.82, 140.83,
140.84, 140.85, 140.87, 140.118, 140.119, 140.120, 140.209, 140.241.
140.47
 The National Campaign raises awareness.
A/HRC/59/15/Add.1
3
140.82-85, 87
 Slovenia implements anti-trafficking measures.
 A manual has been prepared.
140.118-119
 The Strategy defines objectives.
140.120, 209
 Slovenia has increased places.
140.132-133
 Slovenia provides free education.
 III. Noted recommendations
5. The Government takes note of recommendations 140.1, 140.2, 140.240
and wishes to provide the following information:
 140.1-2
 Ratification is not a priority.
 140.240-241
 Only treatments that comply with guidelines are provided.
"""


def test_expand_numbers_ranges_and_short_continuations():
    assert expand_numbers("140.82-85, 87") == ["140.82", "140.83", "140.84", "140.85", "140.87"]
    assert expand_numbers("140.120, 209") == ["140.120", "140.209"]
    assert expand_numbers("140.118-119") == ["140.118", "140.119"]
    assert expand_numbers("140.35. 140.36") == ["140.35", "140.36"]
    assert expand_numbers("140.145, 146") == ["140.145", "140.146"]


def test_parse_responses_snippet_statuses():
    got = parse_responses(SNIPPET)
    supported = {n for n, r in got.items() if r.status == SUPPORTED}
    assert {n for n, r in got.items() if r.status == NOTED} == {"140.1", "140.2", "140.240"}
    assert supported == {"140.7", "140.8", "140.35", "140.36", "140.116", "140.117", "140.132", "140.133", "140.47",
                         "140.82", "140.83", "140.84", "140.85", "140.87", "140.118", "140.119", "140.120",
                         "140.209", "140.241"}


def test_parse_responses_snippet_reasons_and_sources():
    got = parse_responses(SNIPPET)
    assert got["140.7"] == Response(SUPPORTED, "", "3", "")
    assert got["140.87"] == Response(SUPPORTED, "Slovenia implements anti-trafficking measures. A manual has been "
                                     "prepared.", "4", "140.82-85, 87")
    assert got["140.47"].reason == "The National Campaign raises awareness."  # page furniture dropped
    assert got["140.209"] == Response(SUPPORTED, "Slovenia has increased places.", "4", "140.120, 209")
    assert got["140.133"] == Response(SUPPORTED, "Slovenia provides free education.", "3", "140.132-133")
    assert got["140.2"] == Response(NOTED, "Ratification is not a priority.", "5", "140.1-2")
    # one reason block covering a noted and a supported recommendation keeps each one's own status
    assert got["140.240"].status == NOTED and got["140.241"].status == SUPPORTED
    assert got["140.241"].reason == got["140.240"].reason == "Only treatments that comply with guidelines are provided."


def test_parse_responses_reason_without_listed_status_uses_section():
    got = parse_responses(" III. Noted recommendations\n140.9\n We disagree.\n")
    assert got == {"140.9": Response(NOTED, "We disagree.", "140.9", "140.9")}


def test_parse_responses_plain_text_is_empty():
    assert parse_responses("Slovenia received 254 recommendations, of which 217 are supported and 37 noted.") == {}


def test_views_document_detection_and_family():
    assert is_views_document("Views on conclusions and/or recommendations: Slovenia")
    assert is_views_document("", "Views on UPR recommendations A/HRC/59/15/Add.1")
    assert not is_views_document("Report of the Working Group on the Universal Periodic Review: Slovenia")
    assert document_symbol("Views on UPR recommendations A/HRC/59/15/Add.1") == "A/HRC/59/15/Add.1"
    assert family_of("A/HRC/59/15/Add.1") == "A/HRC/59/15"
    assert document_symbol("UPR Working Group report A/HRC/59/15") == "A/HRC/59/15"


def test_responses_text_rebuilds_headers_from_heading_path():
    def p(i, text, paragraph, heading, numbered=False, part=0):
        return Passage(id=f"v:{i}", doc_id="v", ordinal=i, text=text, paragraph=paragraph, label="",
                       numbered=numbered, heading=heading, part=part)

    sec2 = "II. Accepted recommendations"
    passages = [p(0, "The Government accepts the following recommendations: 140.1,", "4", sec2, True, 1),
                p(1, "140.2, 140.3.", "4", sec2, True, 2),
                p(2, "Ratified in 2025.", "1", f"{sec2} > 140.1-2"),
                p(3, "Also done.", "2", f"{sec2} > 140.3")]
    assert responses_text(passages) == ("II. Accepted recommendations\n4. The Government accepts the following "
                                        "recommendations: 140.1, 140.2, 140.3.\n140.1-2\nRatified in 2025.\n140.3\n"
                                        "Also done.")
    got = parse_responses(responses_text(passages))
    assert got["140.2"] == Response(SUPPORTED, "Ratified in 2025.", "4", "140.1-2")


@pytest.mark.skipif(not VIEWS_PDF.exists(), reason="needs ../shared/corpus-real")
def test_parse_responses_real_slovenia_views_254_217_37():
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(VIEWS_PDF).pages)
    got = parse_responses(text)
    assert set(got) == {f"140.{n}" for n in range(1, 255)}
    assert Counter(r.status for r in got.values()) == {SUPPORTED: 217, NOTED: 37}
    assert got["140.36"].status == SUPPORTED  # listed as "140.35. 140.36"
    assert got["140.86"].reason == ""
    assert got["140.84"].reason_ref == "140.82-85, 87"
    assert got["140.253"].reason.startswith("There is no specific procedure in Slovenian legislation.")


@pytest.mark.skipif(not VIEWS_PDF.exists(), reason="needs ../shared/corpus-real")
def test_parse_responses_real_views_through_ingest_parser_same_result():
    from pypdf import PdfReader

    from ingest.pipeline import load

    raw = parse_responses("\n".join(page.extract_text() for page in PdfReader(VIEWS_PDF).pages))
    assert parse_responses(responses_text(load(VIEWS_PDF).passages)) == raw
