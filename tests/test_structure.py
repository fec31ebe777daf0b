"""Tests for ingest.structure: exact paragraphs on tiny inputs, then the sample and real corpora."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text
from ingest.structure import split_paragraphs
from ingest.types import Page

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
REAL = Path("/work/shared/corpus-real")
WG_REPORT = REAL / "slovenia_upr4_working_group_report_A-HRC-59-15.pdf"
CHAPTER = "Chapter 7: Stakeholder engagement and partnership"


def _split(text: str, number: int | None = None):
    return split_paragraphs([Page(text, number)])


def _sample(name: str):
    return _split(clean_text((CORPUS / name).read_text(encoding="utf-8")))


def _pdf(path: Path):
    """Paragraphs as ingest reads a PDF: PDFium's text and layout, cleaned, split with the reader's headings."""
    from ingest.pipeline import describe
    from ingest.readers import read_file

    return describe(read_file(path))[1]


def test_split_paragraphs_no_pages_gives_nothing():
    assert split_paragraphs([]) == []
    assert _split("") == []


def test_split_paragraphs_number_alone_on_its_line_owns_following_lines():
    [para] = _split("246.\nThe Office works with civil society and\nexchanges information.")
    assert (para.number, para.numbered) == ("246", True)
    assert para.text == "The Office works with civil society and exchanges information."


def test_split_paragraphs_number_and_text_on_one_line_are_split():
    [para] = _split("246. The Office works.")
    assert (para.number, para.numbered, para.text) == ("246", True, "The Office works.")


def test_split_paragraphs_out_of_sequence_number_is_text_not_a_paragraph():
    paras = _split("1. The session was held from 20 to 31 January\n2025. The review took place.\n2. Next.")
    assert [p.number for p in paras] == ["1", "2"]
    assert paras[0].text == "The session was held from 20 to 31 January 2025. The review took place."


def test_split_paragraphs_small_gap_at_sentence_end_is_accepted():
    assert [p.number for p in _split("1. One.\n3. Three.")] == ["1", "3"]


def test_split_paragraphs_recommendation_gets_number_kind_and_actor():
    [para] = _split("140.18 Ensure the independence of the Ombudsman\n(Algeria);")
    assert (para.number, para.numbered, para.section_kind) == ("140.18", True, "recommendation")
    assert para.actor == "Algeria"
    assert para.text == "Ensure the independence of the Ombudsman (Algeria);"


@pytest.mark.parametrize(
    ("ending", "actor"),
    [
        ("(Germany, Norway);", "Germany, Norway"),
        ("(Maldives) (Portugal);", "Maldives, Portugal"),
        ("(Venezuela (Bolivarian Republic of));", "Venezuela (Bolivarian Republic of)"),
        ("Convention, 2019 (No. 190) (Chile).", "Chile"),
    ],
)
def test_split_paragraphs_recommendation_actor_is_the_final_parentheses(ending, actor):
    [para] = _split(f"140. Chapeau:\n140.1 Ratify the {ending}")[1:]
    assert para.actor == actor


def test_split_paragraphs_recommendations_follow_their_chapeau():
    paras = _split("139. Last.\nII. Conclusions and/or recommendations\n140. The following:\n140.1 Do a (X);\n"
                   "140.2 Do b (Y);\n141. All conclusions.")
    assert [p.number for p in paras] == ["139", "140", "140.1", "140.2", "141"]
    # the chapeau (140) and the closing note (141) sit under the heading but are not recommendations
    assert [p.section_kind for p in paras] == ["finding", "other", "recommendation", "recommendation", "other"]
    assert paras[2].chapter == "II"
    assert paras[2].heading_path == ("II. Conclusions and/or recommendations",)


def test_split_paragraphs_lettered_item_outside_a_numbered_paragraph_is_its_own():
    paras = _split("Paris Principles\nThe institution shall:\n(g) In view of the role of\nNGOs, develop relations.")
    assert [(p.number, p.numbered) for p in paras] == [("1", False), ("(g)", True)]
    assert paras[1].text == "In view of the role of NGOs, develop relations."
    assert paras[1].section_kind == "standard"


def test_split_paragraphs_lettered_items_of_a_numbered_paragraph_stay_in_it():
    [para] = _split("3. The following documents:\n (a) A national report;\n (b) A compilation.")
    assert para.text == "The following documents:\n(a) A national report;\n(b) A compilation."


def test_split_paragraphs_heading_path_chapter_and_kind_follow_headings():
    text = (
        "Chapter 7: Engagement\n1. Body one.\nAreas for improvement\n2. Body two.\n"
        "Recommendation\n3. Body three."
    )
    paras = _split(text)
    assert [(p.number, p.chapter, p.section_kind) for p in paras] == [
        ("1", "7", "finding"),
        ("2", "7", "area_for_improvement"),
        ("3", "7", "recommendation"),
    ]
    assert paras[2].heading_path == ("Chapter 7: Engagement", "Recommendation")


def test_split_paragraphs_un_headings_nest_and_wrap():
    text = (
        " I. Summary of the proceedings\n A. Presentation by the State under review\n5. The head spoke.\n"
        " II. Information provided by the national human rights\ninstitution accredited\n6. It said."
    )
    paras = _split(text)
    assert paras[0].heading_path == ("I. Summary of the proceedings", "A. Presentation by the State under review")
    assert paras[1].heading_path == ("II. Information provided by the national human rights institution accredited",)
    assert (paras[1].chapter, paras[1].number) == ("II", "6")


def test_split_paragraphs_paragraph_keeps_the_page_it_starts_on():
    pages = [Page("1. Starts here and goes on", 4), Page("over the break.\n2. Next.", 5)]
    paras = split_paragraphs(pages)
    assert [(p.number, p.page) for p in paras] == [("1", 4), ("2", 5)]
    assert paras[0].text == "Starts here and goes on over the break."


def test_split_paragraphs_web_page_title_is_heading_and_body_is_news():
    paras = _split("Ombudsman met NGOs\n\n22-05-2020\nOmbudsman met NGOs\n\nFirst paragraph.\n\nSecond one.")
    assert [(p.number, p.numbered, p.section_kind) for p in paras] == [("1", False, "news"), ("2", False, "news")]
    assert paras[0].heading_path == ("Ombudsman met NGOs",)


def test_split_paragraphs_newsletter_splits_articles_with_titles():
    text = (
        "Newsletter - may 2022\n\nStudy Tour to the USA\n\n\nBody one.\n\nBody two.\n\n"
        "New appointments\n\nA New Ambassador\n\n\nBody three focused on:\n\n  • first;\n  • second."
    )
    paras = _split(text)
    assert [(p.article_index, p.article_title, p.number) for p in paras] == [
        (1, "Study Tour to the USA", "1"),
        (1, "Study Tour to the USA", "2"),
        (2, "A New Ambassador", "1"),
    ]
    assert paras[2].heading_path == ("New appointments", "A New Ambassador")
    assert paras[2].text == "Body three focused on:\n• first;\n• second."
    assert {p.section_kind for p in paras} == {"news"}


def test_split_paragraphs_assessment_sample_numbers_kinds_and_headings():
    paras = _sample("ombudsman-assessment-ch7-stakeholder-engagement.txt")
    assert [p.number for p in paras] == ["246", "247", "248", "1", "(g)", "249", "250", "251", "252"]
    assert [p.numbered for p in paras] == [True, True, True, False, True, True, True, True, True]
    assert [p.section_kind for p in paras] == ["finding"] * 3 + ["standard"] * 2 + ["area_for_improvement"] * 2 + [
        "recommendation"
    ] * 2
    by_number = {p.number: p for p in paras}
    assert by_number["251"].heading_path == (CHAPTER, "Recommendation")
    assert by_number["(g)"].heading_path == (CHAPTER, "Paris Principles")
    assert by_number["249"].heading_path == (CHAPTER, "Areas for improvement")
    assert by_number["246"].heading_path == (CHAPTER,)
    assert {p.chapter for p in paras} == {"7"}
    assert by_number["1"].text == "Within the framework of its operation, the national institution shall:"
    assert by_number["(g)"].text.startswith("In view of the fundamental role played by the non-governmental")
    assert by_number["251"].text.startswith("Closer cooperation with local self-organized groups (mahallas)")
    assert "quasi-governmental or government friendly" in by_number["250"].text
    assert by_number["252"].text.endswith("Cooperation with NGOs on special reports could be also strengthened.")
    assert all("Do'stlaringiz" not in p.text and "\n" not in p.text for p in paras)
    assert {p.page for p in paras} == {None}


@pytest.mark.parametrize(
    ("name", "count", "title", "first_words"),
    [
        ("az-ombudsman-online-meeting-ngos-2020.txt", 9,
         "Ombudsman held an online meeting with several NGO directors and human rights defenders",
         "The Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"),
        ("baku-conference-ombudsmen-business-human-rights.txt", 7,
         "The best practices of the Ombudsmen for Human Rights and Business were studied",
         "The Authorized Person of the Oliy Majlis for Human Rights (Ombudsman) Feruza Eshmatova"),
        ("uz-ru-ombudsman-roadmap-2025-2026.txt", 8,
         "Cooperation in the Field of Human Rights: Uzbekistan and Russia’s Ombudspersons Sign a Roadmap for 2025–2026",
         "On July 30, 2025, an international roundtable discussion was held"),
    ],
)
def test_split_paragraphs_web_page_samples_are_news_under_their_title(name, count, title, first_words):
    paras = _sample(name)
    assert [p.number for p in paras] == [str(i) for i in range(1, count + 1)]
    assert {p.heading_path for p in paras} == {(title,)}
    assert {(p.section_kind, p.numbered, p.article_index) for p in paras} == {("news", False, 0)}
    assert paras[0].text.startswith(first_words)


def test_split_paragraphs_web_page_signature_is_the_last_paragraph():
    paras = _sample("uz-ru-ombudsman-roadmap-2025-2026.txt")
    assert paras[-1].text == "Press Service of the Commissioner of the Oliy Majlis for Human Rights (Ombudsman)"


def test_split_paragraphs_newsletter_sample_has_44_articles():
    paras = _sample("yuksalish-newsletter-25-may-2022.txt")
    titles = {p.article_index: p.article_title for p in paras}
    assert sorted(titles) == list(range(0, 45))
    assert titles[0] == ""
    assert titles[1] == "Study Tour to the USA to Share Experience in Combating Corruption"
    assert titles[2] == "Public Monitoring and Evaluation Groups Created in All Regions of Uzbekistan"
    assert titles[15] == "Nearly 40,000 Protection Orders Issued in 2021"
    assert titles[19] == "24 points up in the World Press Freedom Index"
    assert titles[44] == "Partnership in Action Network: 382 Victims of Human Trafficking Enabled to Return Home"
    masthead = [p for p in paras if p.article_index == 0]
    # The masthead's short lines ("Newsletter #25 May 5, 2022") are no paragraphs; its two sentences are.
    assert [(p.number, p.section_kind, p.heading_path) for p in masthead] == [("1", "other", ()), ("2", "other", ())]
    assert masthead[0].text.startswith("The monthly newsletter by the Nationwide Movement 'Yuksalish'")
    assert masthead[1].text.startswith("This publication is prepared with the support of the Bureau")
    assert {p.section_kind for p in paras if p.article_index} == {"news"}


def test_split_paragraphs_newsletter_numbers_restart_per_article_and_lists_join_lead_in():
    paras = _sample("yuksalish-newsletter-25-may-2022.txt")
    study_tour = [p.number for p in paras if p.article_index == 1]
    assert study_tour == [str(i) for i in range(1, 10)]
    hub = [p for p in paras if p.article_index == 3]
    assert [p.number for p in hub] == ["1", "2", "3"]
    assert hub[2].text.split("\n") == [
        "In turn, the Eurasia Foundation leadership voiced the idea of creating a regional hub of social "
        "entrepreneurship in Uzbekistan, focused on:",
        "• improvement of the legislation of the Central Asian countries on the development of social "
        "entrepreneurship;",
        "• allocation of small grants for low-income families and persons with disabilities;",
        "• social entrepreneurship training in Tashkent for more than 2,000 young people from Central Asian countries.",
    ]
    appointments = [p for p in paras if p.article_index == 36]
    assert appointments[0].heading_path == (
        "New appointments",
        "Abdulaziz Kamilov Becomes Deputy Secretary of the Security Council under the President",
    )


@pytest.mark.skipif(not WG_REPORT.is_file(), reason="real corpus not available")
def test_split_paragraphs_slovenia_working_group_report_numbers_are_exact():
    paras = _pdf(WG_REPORT)
    own = [p.number for p in paras if p.numbered and not p.number.startswith("(")]
    expected = [str(i) for i in range(1, 141)] + [f"140.{i}" for i in range(1, 255)] + ["141"]
    assert own == expected
    assert [p.number for p in paras if p.number.startswith("(")] == ["(a)", "(b)", "(c)"]  # items of ¶3
    recommendations = [p for p in paras if p.number.startswith("140.")]
    assert len(recommendations) == 254
    assert {p.section_kind for p in recommendations} == {"recommendation"}
    assert all(p.actor and p.page for p in recommendations)


@pytest.mark.skipif(not WG_REPORT.is_file(), reason="real corpus not available")
def test_split_paragraphs_slovenia_working_group_report_details():
    by_number = {p.number: p for p in _pdf(WG_REPORT) if p.numbered}
    assert (by_number["1"].page, by_number["140.1"].page, by_number["140.254"].page) == (2, 11, 25)
    assert by_number["140.18"].text == (
        "Adopt the necessary measures to ensure the independence and financial autonomy of the Human Rights "
        "Ombudsman (Algeria);"
    )
    assert by_number["140.18"].actor == "Algeria"
    assert by_number["140.1"].actor == (
        "Algeria, Cabo Verde, Paraguay, South Sudan, Sri Lanka, Togo, Uruguay, Bolivarian Republic of Venezuela"
    )
    assert by_number["140.167"].actor == "Venezuela (Bolivarian Republic of)"
    assert by_number["140.254"].text.endswith("ensure the protection of stateless persons (Iraq).")
    assert by_number["140"].heading_path == ("II. Conclusions and/or recommendations",)
    assert by_number["5"].heading_path == (
        "I. Summary of the proceedings of the review process",
        "A. Presentation by the State under review",
    )
    # The spaced items of ¶3 are paragraphs of their own, and the footnote marker after (c) is gone.
    assert by_number["3"].text.endswith("the following documents were issued for the review of Slovenia:")
    assert by_number["(c)"].text == "A summary prepared by OHCHR in accordance with paragraph 15 (c)."
    assert "GE.25" not in by_number["7"].text and "A/HRC/WG.6/48/SVN/1" not in by_number["7"].text


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus not available")
@pytest.mark.parametrize(
    ("name", "last"),
    [
        ("slovenia_upr4_stakeholder_summary_A-HRC-WG6-48-SVN-3.pdf", 89),
        ("slovenia_upr4_un_compilation_A-HRC-WG6-48-SVN-2.pdf", 82),
        ("slovenia_upr4_views_on_recommendations_A-HRC-59-15-Add1.pdf", 5),
    ],
)
def test_split_paragraphs_other_un_reports_number_their_paragraphs_in_sequence(name, last):
    own = [p.number for p in _pdf(REAL / name) if p.numbered and p.number.isdigit()]
    assert own == [str(i) for i in range(1, last + 1)]


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus not available")
@pytest.mark.parametrize("name", ["undp_2023_care_system_uzbekistan_report.txt",
                                  "us_state_dept_2023_human_rights_report_uzbekistan.txt"])
def test_split_paragraphs_real_text_reports_do_not_crash(name):
    paras = _split(clean_text((REAL / name).read_text(encoding="utf-8")))
    assert paras and all(p.text.strip() for p in paras)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.integers(1, 999))), max_size=4))
def test_split_paragraphs_any_pages_do_not_crash(raw_pages):
    pages = [Page(clean_text(text), number) for text, number in raw_pages]
    paras = split_paragraphs(pages)
    assert all(p.text and p.number for p in paras)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["246.", "247. Text.", "140.1 Do (X);", "(g) Item", "Chapter 7: X", " II. Y",
                                 "Recommendation", "", "  • bullet", "Body line", "Newsletter", "22-05-2020"])))
def test_split_paragraphs_layout_mixtures_do_not_crash(lines):
    assert all(p.text for p in split_paragraphs([Page("\n".join(lines), 1)]))


def test_split_paragraphs_state_views_on_recommendations_are_responses_not_recommendations():
    paras = _split("I. Accepted recommendations\n3. The Government accepts 140.7, 140.8.\n"
                   "III. Noted recommendations\n5. The Government notes 140.1.")
    assert [(p.number, p.section_kind) for p in paras] == [("3", "response"), ("5", "response")]


# --- light Markdown from the readers, and layouts of real documents ---------------------------------------


def _explicit(text: str, **options):
    return split_paragraphs([Page(text, 1)], explicit_headings=True, **options)


def test_split_paragraphs_marked_headings_nest_by_depth_and_other_lines_are_never_headings():
    paras = _explicit("# I. Background\n\n## A. Scope\n\n1. The Committee said.\n\nShort title line\n\n2. Next.")
    assert [(p.number, p.heading_path) for p in paras] == [
        ("1", ("I. Background", "A. Scope")), ("1", ("I. Background", "A. Scope")),
        ("2", ("I. Background", "A. Scope"))]
    assert [p.numbered for p in paras] == [True, False, True]


def test_split_paragraphs_numbered_heading_in_the_style_of_an_unnumbered_one_nests_under_it():
    paras = _explicit("## A. Outcomes\n\n### Italy\n\n### 1. Views of the State\n\n374. Text.\n\n### Slovenia\n\n"
                      "819. More.")
    assert paras[0].heading_path == ("A. Outcomes", "Italy", "1. Views of the State")
    assert paras[1].heading_path == ("A. Outcomes", "Slovenia")


def test_split_paragraphs_numbered_items_under_a_paragraph_become_its_sub_numbers():
    paras = _explicit("# II. Conclusions and/or recommendations\n\n111. The recommendations below will be examined:\n\n"
                      "1. To ratify the Convention (Algeria);\n\n2. To adopt a law (Norway);\n\n"
                      "112. All conclusions reflect the position.")
    assert [(p.number, p.section_kind, p.actor) for p in paras] == [
        ("111", "other", ""), ("111.1", "recommendation", "Algeria"), ("111.2", "recommendation", "Norway"),
        ("112", "other", "")]


@pytest.mark.parametrize(
    ("label", "number"),
    [("140.82-85, 87\n\nThe answer.", "140.82-85, 87"), ("140.11-14\n\nThe answer.", "140.11-14"),
     ("Rec. 18 We consider it.", "18"), ("Recs. 6–13 The Government notes.", "6-13"),
     ("5., 6., 7. Slovenia accepts these.", "5-7")],
)
def test_split_paragraphs_views_labels_number_the_answer_under_them(label, number):
    text = f"# I. Accepted recommendations\n\n{label}"
    paras = _explicit(text)
    assert paras[0].number == number and paras[0].numbered
    assert _explicit(text.replace("Accepted recommendations", "Findings"))[0].number != number  # not in a report


def test_split_paragraphs_combined_answer_takes_its_numbers_out_of_the_sequence():
    paras = _explicit("76. Accepted.\n\n77., 78., 79., 82.,\n83., 85., 86., 87. Slovenia accepts these.\n\n"
                      "80. Accepted.\n\n81. Accepted.\n\n84. Not accepted.\n\n88. Accepted.", default_kind="response")
    assert [p.number for p in paras] == ["76", "77-79, 82-83, 85-87", "80", "81", "84", "88"]
    assert all(p.numbered for p in paras)


def test_split_paragraphs_table_rows_are_paragraphs_with_number_and_state_from_the_first_cell():
    paras = _split("| Recommendation | Position | Themes |\n\n| 115.1 Ratify the treaty (Croatia); / Source: Add.1 | "
                   "Supported | A12 Acceptance |\n\n| Theme: A41 Constitutional framework |")
    assert [(p.number, p.numbered, p.section_kind, p.actor) for p in paras] == [
        ("1", False, "other", ""), ("115.1", True, "recommendation", "Croatia"), ("2", False, "finding", "")]
    assert paras[1].text == "Ratify the treaty (Croatia); / Source: Add.1 | Supported | A12 Acceptance"


def test_split_paragraphs_document_title_is_no_heading_and_drops_what_stands_above_it():
    paras = split_paragraphs([Page("Site name of the office\n\nOmbudsman met NGOs\n\nFirst paragraph.\n\n"
                                   "Second one.", None)], title="Ombudsman met NGOs")
    assert [p.heading_path for p in paras] == [(), ()]


def test_split_paragraphs_contents_entries_are_dropped_and_make_main_headings():
    text = ("Contents\nAcknowledgments ..... 2\nExecutive summary ..... 3\n\nAcknowledgments\n\nThanks to all.\n\n"
            "Executive summary\n\nThe study looks at care.\n\nCare for children\n\nChildren get care.")
    paras = _split(text)
    assert [p.text for p in paras] == ["Thanks to all.", "The study looks at care.", "Children get care."]
    assert paras[2].heading_path == ("Executive summary", "Care for children")


def test_split_paragraphs_page_numbers_of_a_text_file_are_dropped_but_table_numbers_stay():
    body = "\n\n".join(f"Paragraph {n} of the text.\n\n{n}" for n in range(3, 10))
    paras = _split(body + "\n\n2019\n\n27\n\nTable 7: Homes by year")
    assert all(not p.text.isdigit() for p in paras)
    assert paras[-1].text == "2019 27 Table 7: Homes by year"  # a table's numbers join its caption


def test_split_paragraphs_wrapped_text_caption_with_colon_heads_its_bullet_items():
    text = ("The report reviews care services for older persons across the regions of the country and finds "
            "gaps.\nGaps in the elderly care system:\n• lack of services;\n• low pay for carers.\n"
            "Identified gaps are covered by unpaid care and the report says so in full here.")
    paras = _split(text)
    assert [(p.text, p.heading_path) for p in paras[1:]] == [
        ("• lack of services;", ("Gaps in the elderly care system",)),
        ("• low pay for carers.", ("Gaps in the elderly care system",)),
        ("Identified gaps are covered by unpaid care and the report says so in full here.", ())]


def test_split_paragraphs_paragraph_about_the_document_itself_is_other():
    [para] = _explicit("# I. Background\n\n1. The present report was prepared pursuant to resolution 5/1.",
                       default_kind="finding")
    assert para.section_kind == "other"
