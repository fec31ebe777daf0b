"""Tests for ingest.metadata: titles, citation names, types, dates and countries."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.ids import doc_id_for
from ingest.metadata import infer_meta
from ingest.types import DocumentMeta

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def _meta(file_name: str, text: str, **kwargs) -> DocumentMeta:
    return infer_meta(file_name, text, "hash", "txt", **kwargs)


# --- the sample corpus, as shipped (banners and all: metadata must tolerate uncleaned text) ------------

# file -> (short_title, doc_type, date, countries)
SAMPLE_EXPECTED = {
    "az-ombudsman-online-meeting-ngos-2020.txt": (
        "Azerbaijan ombudsman online meeting NGOs 2020", "news", "2020-05-22", ("Azerbaijan",)),
    "baku-conference-ombudsmen-business-human-rights.txt": (
        "Baku conference ombudsmen business human rights", "news", "",
        ("Azerbaijan", "Uzbekistan", "Türkiye", "China", "Japan", "Moldova", "Indonesia", "Iran", "South Korea",
         "Kazakhstan", "Pakistan", "Morocco")),
    "ombudsman-assessment-ch7-stakeholder-engagement.txt": ("Ombudsman assessment", "assessment", "", ("Uzbekistan",)),
    "uz-ru-ombudsman-roadmap-2025-2026.txt": (
        "Uzbekistan–Russia ombudsman roadmap 2025–2026", "news", "2025-07-30", ("Uzbekistan", "Russia")),
    "yuksalish-newsletter-25-may-2022.txt": (
        "Yuksalish newsletter #25", "newsletter", "2022-05-05",
        ("Uzbekistan", "Afghanistan", "Kyrgyzstan", "United States", "Russia", "Finland", "Ukraine", "Tajikistan",
         "Kazakhstan", "Slovenia", "Switzerland", "Turkmenistan")),
}


@pytest.mark.parametrize("file_name", sorted(SAMPLE_EXPECTED))
def test_infer_meta_sample_file_returns_expected_name_type_date_countries(file_name):
    meta = _meta(file_name, (CORPUS / file_name).read_text(encoding="utf-8"))
    assert (meta.short_title, meta.doc_type, meta.date, meta.countries) == SAMPLE_EXPECTED[file_name]


@pytest.mark.parametrize(
    ("file_name", "title"),
    [
        ("az-ombudsman-online-meeting-ngos-2020.txt",
         "Ombudsman held an online meeting with several NGO directors and human rights defenders"),
        ("baku-conference-ombudsmen-business-human-rights.txt",
         "The best practices of the Ombudsmen for Human Rights and Business were studied"),
        ("uz-ru-ombudsman-roadmap-2025-2026.txt",
         "Cooperation in the Field of Human Rights: Uzbekistan and Russia’s Ombudspersons Sign a Roadmap for "
         "2025–2026"),
        ("yuksalish-newsletter-25-may-2022.txt", "Democracy in Uzbekistan"),
        # Uncleaned, its title is letter-spaced ("C h a p t e r 7"): the file name is the fallback.
        ("ombudsman-assessment-ch7-stakeholder-engagement.txt", "Ombudsman assessment ch7 stakeholder engagement"),
    ],
)
def test_infer_meta_sample_file_with_banners_returns_own_title(file_name, title):
    assert _meta(file_name, (CORPUS / file_name).read_text(encoding="utf-8")).title == title


# --- titles -------------------------------------------------------------------------------------------


def test_infer_meta_cleaned_chapter_heading_is_title():
    text = "Chapter 7: Stakeholder engagement and partnership\n246.\nThe Office of the Ombudsman works.\n"
    meta = _meta("ombudsman-assessment-ch7-stakeholder-engagement.txt", text)
    assert meta.title == "Chapter 7: Stakeholder engagement and partnership"
    assert meta.short_title == "Ombudsman assessment"


def test_infer_meta_headline_printed_twice_wins_over_site_name():
    text = "Azərbaycan Müvəkkili (Ombudsman)\n\nOmbudsman met NGOs\n\n22-05-2020\nOmbudsman met NGOs\n"
    assert _meta("page.txt", text).title == "Ombudsman met NGOs"


def test_infer_meta_wrapped_sentence_lines_are_not_titles():
    text = "The Office of the Ombudsman works with civil society and\nexchanges information.\n"
    assert _meta("some_file-name.txt", text).title == "Some file name"


def test_infer_meta_full_document_returns_complete_meta():
    text = "Press Service\n"
    assert _meta("Weekly digest.txt", "Weekly digest of events\n" + text) == DocumentMeta(
        doc_id=doc_id_for("Weekly digest.txt"),
        file_name="Weekly digest.txt",
        title="Weekly digest of events",
        short_title="Weekly digest",
        doc_type="news",
        content_hash="hash",
        source_format="txt",
    )


# --- UN documents -------------------------------------------------------------------------------------

UN_RAW = (
    "GE.25-02819 (E)\nHuman Rights Council\nFifty-ninth session\n16 June–11 July 2025\n"
    "  Report of the Working Group on the Universal Periodic\nReview*\n  Slovenia\n"
    "United Nations A/HRC/59/15\nGeneral Assembly Distr.: General\n24 March 2025\n"
    "A/HRC/59/15\n140.18 Adopt measures (Algeria);\nSlovenia reviewed A/HRC/WG.6/48/SVN/1 with Slovenia.\n"
)
UN_CLEAN = "Human Rights Council\nFifty-ninth session\n140.18 Adopt measures (Algeria);\nSlovenia and Slovenia.\n"


def test_infer_meta_un_report_uses_cover_title_own_symbol_kind_and_distr_date():
    hints = {"title": "Report of the Working Group on the Universal Periodic Review: Slovenia",
             "cover": "United Nations A/HRC/59/15\nGeneral Assembly Distr.: General\n24 March 2025\n"
                      "Fifty-ninth session"}
    meta = infer_meta("wg.pdf", UN_CLEAN, "h", "pdf", raw_text=UN_RAW, hints=hints)
    assert (meta.short_title, meta.doc_type, meta.date, meta.date_kind, meta.countries) == (
        "UPR Working Group report A/HRC/59/15", "report", "2025-03-24", "issued", ("Slovenia", "Algeria"))
    assert (meta.title, meta.symbol, meta.un_kind, meta.cycle, meta.country) == (
        "Report of the Working Group on the Universal Periodic Review: Slovenia", "A/HRC/59/15",
        "upr_working_group_report", 4, "Slovenia")


def test_infer_meta_cited_symbol_inline_does_not_make_un_document():
    meta = _meta("notes-report.txt", "Field notes\nAs noted in A/HRC/59/15, the review ended.\n")
    assert (meta.short_title, meta.doc_type) == ("Notes report", "report")


def test_infer_meta_unknown_un_kind_labels_as_un_document():
    meta = _meta("x.pdf", "CCPR/C/UZB/CO/5\nConcluding observations\n")
    assert meta.short_title == "UN document CCPR/C/UZB/CO/5"


def test_infer_meta_real_un_excerpt_returns_symbol_label_and_date():
    from ingest.readers import read_file

    raw = read_file(Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf")
    text = "\n\n".join(page.text for page in raw.pages)
    meta = infer_meta(raw.file_name, text, "h", "pdf", hints=raw.hints)
    assert (meta.short_title, meta.doc_type, meta.date, meta.countries[0]) == (
        "UPR Working Group report A/HRC/59/15", "report", "2025-03-24", "Slovenia")


# --- types and dates ----------------------------------------------------------------------------------


def test_infer_meta_title_starting_with_roadmap_is_roadmap():
    assert _meta("plan.txt", "Roadmap for cooperation 2025–2026\nPress Service\n").doc_type == "roadmap"


def test_infer_meta_file_name_word_beats_text_signal():
    # "Press Service" would say news; the file name says report.
    assert _meta("undp-care-report.txt", "Care system study\n(Press Service of the ministry)\n").doc_type == "report"


def test_infer_meta_no_signal_returns_other_and_file_name_label():
    meta = _meta("misc_notes.md", "")
    assert (meta.title, meta.short_title, meta.doc_type, meta.date, meta.countries) == (
        "Misc notes", "Misc notes", "other", "", ())


@pytest.mark.parametrize(
    ("text", "name", "date", "kind"),
    [
        ("Newsletter #25    May 5, 2022\n", "newsletter-25.txt", "2022-05-05", "published"),
        ("On July 30, 2025, a roundtable was held.", "news.txt", "2025-07-30", "event"),
        ("22-05-2020 368 dəfə oxunub\n", "x.txt", "2020-05-22", "event"),
        ("Published 2021-03-04.", "x.txt", "2021-03-04", "published"),
        ("Adopted on 12 May 2020 by the board.", "x.txt", "2020-05-12", "adopted"),
        ("Held on 3 Sept. 2019 in Baku.", "news.txt", "2019-09-03", "event"),
        ("Held on 3 Sept. 2019 in Baku.", "x.txt", "", ""),  # not news: a date it mentions is an event it reports
        ("Uzbekistan 2023 Human Rights Report\nExecutive Summary\n", "x-report.txt", "2023", "period_covered"),
        ("A study\n© UNDP 2023. All rights reserved.", "x-report.txt", "2023", "published"),
        ("A conference in Baku on October 19-20.", "news.txt", "", ""),
        ("Geneva, 20–31 January 2025", "news.txt", "", ""),
        ("Date: 31-02-2020", "x.txt", "", ""),
    ],
)
def test_infer_meta_date_stated_near_top_returns_iso_and_meaning_else_empty(text, name, date, kind):
    meta = _meta(name, text)
    assert (meta.date, meta.date_kind) == (date, kind)


def test_infer_meta_date_deep_in_body_is_not_document_date():
    assert _meta("x.txt", "Title line here\n" + "word " * 600 + "\nOn May 5, 2022 it rained.").date == ""


def test_infer_meta_long_label_cut_to_60_chars_at_word():
    meta = _meta("a-very-long-file-name-describing-the-annual-meeting-of-many-ombudspersons-in-tashkent.txt", "")
    assert meta.short_title == "A very long file name describing the annual meeting of many…"


# --- countries ----------------------------------------------------------------------------------------


def test_infer_meta_demonyms_count_for_their_country_most_frequent_first():
    text = "The Uzbek delegation met the Russian Federation. Uzbekistan and Azerbaijani experts. Uzbek law."
    assert _meta("x.txt", text).countries == ("Uzbekistan", "Russia", "Azerbaijan")


def test_infer_meta_longer_country_name_wins_over_contained_one():
    assert _meta("x.txt", "South Sudan, not Sudan; Papua New Guinea.").countries == (
        "South Sudan", "Sudan", "Papua New Guinea")


# --- overrides ----------------------------------------------------------------------------------------


def test_infer_meta_overrides_replace_inferred_values():
    overrides = {
        "title": "T", "short_title": "S", "doc_type": "report", "date": "2024-01", "countries": "Uzbekistan, Russia",
    }
    meta = _meta("yuksalish-newsletter-25-may-2022.txt", "Newsletter #25 May 5, 2022", overrides=overrides)
    assert (meta.title, meta.short_title, meta.doc_type, meta.date, meta.countries) == (
        "T", "S", "report", "2024-01", ("Uzbekistan", "Russia"))


def test_infer_meta_unknown_override_key_raises_config_error():
    with pytest.raises(ConfigError, match="unknown metadata override 'titel'"):
        _meta("x.txt", "text", overrides={"titel": "x"})


def test_infer_meta_invalid_doc_type_override_raises_config_error():
    with pytest.raises(ConfigError, match="doc_type override 'memo' is not one of"):
        _meta("x.txt", "text", overrides={"doc_type": "memo"})


def test_infer_meta_invalid_date_override_raises_config_error():
    with pytest.raises(ConfigError, match="date override '05/05/2022' must be YYYY"):
        _meta("x.txt", "text", overrides={"date": "05/05/2022"})


def test_infer_meta_file_name_acronyms_and_plurals_upper_cased():
    assert _meta("us_state_dept_ngos_report.txt", "").short_title == "US state dept NGOs report"
