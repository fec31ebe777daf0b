"""A State's views on UPR recommendations: the three layouts on literal excerpts, statuses, reasons and sources, and
the real addenda of Slovenia's three cycles (the 2nd against the UN's own list of positions)."""
from __future__ import annotations

from collections import Counter

import pytest

from assistant.recommendations.responses import (
    NOTED,
    PARTIAL,
    SUPPORTED,
    Block,
    blocks_from_passages,
    document_symbol,
    expand_numbers,
    family_of,
    is_views_document,
    parse_views,
)
from assistant.recommendations.statuses import answer_status, list_statuses, stated_counts
from ingest.types import Passage
from tests.conftest import SHARED

REAL = SHARED / "corpus-real"
SEC1, SEC2, SEC3 = ("I. Accepted recommendations", "II. Accepted recommendations that Slovenia considers already "
                    "implemented", "III. Noted recommendations")


def b(label, text, heading="", n=0):
    return Block(label, text, heading, f"v:{n}", f"Views, ¶{label}" if label else f"Views, unnumbered {n}", 2)


# A/HRC/59/15/Add.1 (4th cycle) as the parser gives it: status lists with UN numbers, reason blocks labelled
# with the numbers they answer.
FOURTH = [
    b("2", "Slovenia received 254 recommendations from UN member states. With this document, Slovenia sets out its "
      "position and rationale on all recommendations, of which 217 are supported and 37 noted.", "", 1),
    b("3", "The Government accepts the following recommendations: 140.7, 140.8, 140.35. 140.36, 140.116. 140.117, "
      "140.132, 140.133.", SEC1, 2),
    b("4", "The Government accepts the following recommendations and provides some additional information about "
      "the implementation: 140.47, 140.82, 140.83, 140.84, 140.85, 140.87, 140.120, 140.209, 140.241.", SEC2, 3),
    b("140.47", "The National Campaign raises awareness.", SEC2, 4),
    b("140.82-85, 87", "Slovenia implements anti-trafficking measures.", SEC2, 5),
    b("", "A manual has been prepared.", SEC2, 6),
    b("140.120, 209", "Slovenia has increased places.", SEC2, 7),
    b("5", "The Government takes note of recommendations 140.1, 140.2, 140.240 and wishes to provide the following "
      "information:", SEC3, 8),
    b("140.1-2", "Ratification is not a priority.", SEC3, 9),
    b("140.240-241", "Only treatments that comply with guidelines are provided.", SEC3, 10),
    b("140.9", "We disagree.", SEC3, 11),
]
# A/HRC/28/15/Add.1 (2nd cycle): the report's bare numbers in the lists, "Rec. 18" / "Recs. 6–13" blocks (the parser
# labels them "18", "6-13"), cross-references.
SECOND = [
    b("1", "This document is the response of the Government of the Republic of Slovenia to the recommendations. The "
      "Working Group's report contains 163 recommendations.", "", 0),
    b("2", "The Government of Slovenia accepts 142 recommendations. For the time being, the Government of the "
      "Republic of Slovenia notes 21 recommendations.", "", 1),
    b("3", "The Government of the Republic of Slovenia accepts the recommendations 1–5, 14– 16, 161.", SEC1, 2),
    b("4", "The Government of the Republic of Slovenia accepts the recommendations 18, 24, 30, 150 – 152. Slovenia "
      "considers that they are already implemented.", SEC2, 3),
    b("18", "We consider that this recommendation is implemented.", SEC2, 4),
    b("24", "We consider that the activities are already ongoing. Human rights education is in schools.", SEC2, 5),
    b("30", "See recommendation 24.", SEC2, 6),
    b("5", "For the time being, the Government of the Republic of Slovenia notes recommendations 6–8, 163. The "
      "Government of Slovenia wishes to provide the following additional information.", SEC3, 7),
    b("6-8", "The Government is currently not planning to ratify the Convention.", SEC3, 8),
    b("163", "See information on recommendations 6–8.", SEC3, 9),
]
# A/HRC/14/15/Add.1 (1st cycle): one answer per recommendation, the status in its own words.
FIRST = [
    b("", "Slovenia welcomes the recommendations made during its Universal Periodic Review. After evaluating the "
      "recommendations, its answers are as follows:", "", 0),
    b("1", "Slovenia cannot, at this point in time, make a definitive statement. Slovenia already guarantees most "
      "of the rights.", "", 1),
    b("3", "The Slovenian Government accepts the recommendations on ratifying the 1993 Convention (No. 174). "
      "However, at this point in time, it cannot make a definitive statement regarding the 1962 Convention "
      "(No. 118).", "", 2),
    b("5-9", "The Slovenian Government accepts these recommendations. The draft Family Code equates same-sex "
      "civil partnership with other family unions.", "", 3),
    b("11", "Slovenia accepts the recommendation and notes that recommended activities have already been "
      "implemented.", "", 4),
    b("19", "Slovenia accepts the recommendation.", "", 5),
    b("32", "Slovenia accepts the recommendation regarding the treatment of those responsible for domestic "
      "violence.", "", 6),
    b("", "Slovenia cannot accept the recommendation to promulgate a law on domestic violence.", "", 7),
    b("88", "Slovenia does not accept this recommendation, as it is incomprehensible and contrary.", "", 8),
]


def test_expand_numbers_ranges_continuations_and_bare_numbers():
    assert expand_numbers("140.82-85, 87") == ["140.82", "140.83", "140.84", "140.85", "140.87"]
    assert expand_numbers("140.120, 209") == ["140.120", "140.209"]
    assert expand_numbers("140.35. 140.36") == ["140.35", "140.36"]
    assert expand_numbers("1–5, 14– 16, 150 – 152") == ["1", "2", "3", "4", "5", "14", "15", "16", "150", "151",
                                                         "152"]
    assert expand_numbers("77-79, 82-83") == ["77", "78", "79", "82", "83"]
    assert expand_numbers("71", "115.") == ["115.71"]


def test_parse_views_fourth_cycle_layout_statuses_reasons_sources():
    views = parse_views(FOURTH)
    got = views.responses
    assert not views.bare
    assert {n for n, r in got.items() if r.status == NOTED} == {"140.1", "140.2", "140.240", "140.9"}
    assert got["140.36"].status == SUPPORTED and got["140.36"].reason == ""  # listed as "140.35. 140.36"
    assert got["140.87"].reason == "Slovenia implements anti-trafficking measures. A manual has been prepared."
    assert (got["140.87"].source_paragraph, got["140.87"].reason_ref) == ("4", "140.82-85, 87")
    assert got["140.87"].status_block.passage_id == "v:3" and got["140.87"].reason_block.passage_id == "v:5"
    assert got["140.209"].reason == "Slovenia has increased places."
    # one reason block for a noted and a supported recommendation: each keeps its own listed status
    assert got["140.240"].status == NOTED and got["140.241"].status == SUPPORTED
    # a reason block with no listed status takes its section's ("III. Noted recommendations")
    assert got["140.9"].status == NOTED and got["140.9"].source_paragraph == "140.9"
    assert views.stated == {SUPPORTED: 217, NOTED: 37} and views.stated_block.label == "2"
    assert [(sl.status, sl.block.label, sl.count) for sl in views.lists] == [
        (SUPPORTED, "3", 8), (SUPPORTED, "4", 9), (NOTED, "5", 3)]


def test_parse_views_second_cycle_layout_bare_numbers_and_references():
    views = parse_views(SECOND)
    got = views.responses
    assert views.bare
    assert set(got) == {"1", "2", "3", "4", "5", "14", "15", "16", "161", "18", "24", "30", "150", "151", "152", "6",
                        "7", "8", "163"}
    assert got["1"].status == SUPPORTED and got["1"].reason == ""  # ¶1 (the introduction) is no reason block
    assert got["18"].reason == "We consider that this recommendation is implemented."
    assert (got["18"].source_paragraph, got["18"].reason_ref) == ("4", "18")
    assert got["30"].reason == ("See recommendation 24. (We consider that the activities are already ongoing. Human "
                                "rights education is in schools.)")
    assert got["7"].status == NOTED and got["7"].reason_ref == "6-8"
    assert got["163"].reason.startswith("See information on recommendations 6–8. (The Government is currently not")
    assert views.stated == {SUPPORTED: 142, NOTED: 21}


def test_parse_views_first_cycle_layout_status_from_each_answer():
    views = parse_views(FIRST)
    got = views.responses
    assert views.bare and views.lists == ()
    assert {n: r.status for n, r in got.items()} == {
        "1": NOTED, "3": PARTIAL, "5": SUPPORTED, "6": SUPPORTED, "7": SUPPORTED, "8": SUPPORTED, "9": SUPPORTED,
        "11": SUPPORTED, "19": SUPPORTED, "32": PARTIAL, "88": NOTED}
    assert got["19"].reason == "" and got["19"].reason_block is None  # only its status: no reason
    assert got["32"].reason.endswith("Slovenia cannot accept the recommendation to promulgate a law on domestic "
                                     "violence.")  # the unnumbered paragraph continues answer 32
    assert got["7"].status_block.label == "5-9" and got["7"].status_block.passage_id == "v:3"


def test_statuses_negation_and_stated_counts():
    assert list_statuses("Slovenia does not accept recommendations 12, 13.") == [(NOTED, "12, 13")]
    assert list_statuses("Slovenia accepts the recommendation on ratifying the 1993 Convention.") == []
    assert answer_status("Slovenia agrees with the importance of the Programme.") == SUPPORTED
    assert answer_status("It notes that the issue is complex.") == ""
    assert stated_counts("of which 217 are supported and 37 noted") == {SUPPORTED: 217, NOTED: 37}


def test_blocks_from_passages_joins_parts_and_keeps_unnumbered():
    def p(i, text, paragraph, numbered=True, part=0):
        return Passage(id=f"v:{i}", doc_id="v", ordinal=i, text=text, paragraph=paragraph, label=f"L{i}",
                       numbered=numbered, heading=SEC1, part=part, page=3)

    blocks = blocks_from_passages([p(0, "accepts the following recommendations: 140.1,", "3", part=1),
                                   p(1, "140.2.", "3", part=2), p(2, "More.", "1", numbered=False)])
    assert blocks == [Block("3", "accepts the following recommendations: 140.1, 140.2.", SEC1, "v:0", "L0", 3),
                      Block("", "More.", SEC1, "v:2", "L2", 3)]


def test_views_document_detection_and_family():
    assert is_views_document("Views on conclusions and/or recommendations: Slovenia")
    assert not is_views_document("Report of the Working Group on the Universal Periodic Review: Slovenia")
    assert document_symbol("Views on UPR recommendations A/HRC/59/15/Add.1") == "A/HRC/59/15/Add.1"
    assert family_of("A/HRC/59/15/Add.1") == "A/HRC/59/15"


def _real_views(name: str):
    from ingest.pipeline import load

    return parse_views(blocks_from_passages(load(REAL / name).passages))


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus-real")
def test_parse_views_real_fourth_cycle_254_217_37():
    views = _real_views("slovenia_upr4_views_on_recommendations_A-HRC-59-15-Add1.pdf")
    got = views.responses
    assert set(got) == {f"140.{n}" for n in range(1, 255)}
    assert Counter(r.status for r in got.values()) == {SUPPORTED: 217, NOTED: 37} == views.stated
    assert got["140.36"].status == SUPPORTED and got["140.86"].reason == ""
    assert got["140.84"].reason_ref == "140.82-85, 87"
    assert got["140.253"].reason.startswith("There is no specific procedure in Slovenian legislation.")


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus-real")
def test_parse_views_real_second_cycle_equals_un_positions_and_sources():
    from bench._un_list import read_un_list

    views = _real_views("slovenia_upr2_views_on_recommendations_A-HRC-28-15-Add1.pdf")
    un = read_un_list(REAL / "slovenia_upr2_ohchr_thematic_list_of_recommendations.docx")
    assert len(un) == 163 and views.bare
    ours = {f"115.{n}": r for n, r in views.responses.items()}
    assert {n: r.status for n, r in ours.items()} == {n: u.position for n, u in un.items()}
    # the UN cites "A/HRC/28/15/Add.1 - Para. 4": the status list each of ours comes from. For 115.141 the UN says
    # Para. 4, but the addendum lists it in ¶3 ("... 137, 138, 141–143, ..."): the same position, the UN's slip.
    differ = {n for n, u in un.items() if not u.position_source.endswith(f"Para. {ours[n].source_paragraph}")}
    assert differ == {"115.141"} and ours["115.141"].source_paragraph == "3"
    assert views.stated == {SUPPORTED: 142, NOTED: 21}
    assert ours["115.72"].reason.startswith("See recommendation 71. (We consider that the activities")


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus-real")
def test_parse_views_real_first_cycle_every_answer_has_a_status():
    views = _real_views("slovenia_upr1_views_on_recommendations_A-HRC-14-15-Add1.pdf")
    got = views.responses
    assert set(got) == {str(n) for n in range(1, 98)}
    assert {n for n, r in got.items() if r.status == NOTED} == {"1", "84", "88", "93"}
    assert {n for n, r in got.items() if r.status == PARTIAL} == {"3", "32", "58"}
    assert got["87"].status_block.label == "77-79, 82-83, 85-87"  # "77., 78., 79., 82.," wrapped over two lines
    assert "cannot accept the recommendation on specialised family courts" in got["58"].reason
