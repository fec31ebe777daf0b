"""Tests for ingest.clean: exact outputs on tiny inputs, then the sample and real corpora."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
REAL = Path("/work/shared/corpus-real")
ASSESSMENT = CORPUS / "ombudsman-assessment-ch7-stakeholder-engagement.txt"
BANNER = (
    "Sayt test rejimida ishlamoqda / Сайт тест режмида ишламоқда / The site is running in test mode"
    " / Сайт работает в тестовом режиме"
)


def test_clean_text_test_mode_banner_and_social_row_are_removed():
    text = f"{BANNER}\nTelegramTwitterphoneInstagramYouTubeFacebook\nTitle line\nBody."
    assert clean_text(text) == "Title line\nBody."


def test_clean_text_share_trailer_glued_to_last_line_is_cut():
    assert clean_text("could be also strengthened.Do'stlaringiz bilan baham:") == "could be also strengthened."


def test_clean_text_share_trailer_on_its_own_line_is_dropped():
    assert clean_text("Last sentence.\nDo'stlaringiz bilan baham:") == "Last sentence."


def test_clean_text_view_counter_becomes_its_date():
    assert clean_text("Title\n\n22-05-2020 368 dəfə oxunub\nTitle") == "Title\n\n22-05-2020\nTitle"


def test_clean_text_javascript_notice_is_cut_and_site_title_kept():
    line = "Please ensure Javascript is enabled for purposes of website accessibility Ombudsman of Azerbaijan"
    assert clean_text(line) == "Ombudsman of Azerbaijan"


@pytest.mark.parametrize(
    "footer",
    [
        "© Copyright 2021 • • 16, Sharof Rashidov Str, Tashkent",
        'You received this email as you are on the mailing list of the Nationwide Movement "Yuksalish".',
        "If you are not willing to receive the newsletter, please Unsubscribe",
        "Отправлено через",
        "Call center 916",
        "Read more",
    ],
)
def test_clean_text_footer_and_chrome_lines_are_dropped(footer):
    assert clean_text(f"Body text.\n\n{footer}\n\nMore text.") == "Body text.\n\n\nMore text."


def test_clean_text_news_categories_block_and_its_numbers_are_dropped():
    text = "Press Service of the Commissioner\n\nNews Categories\n161\n694\n328"
    assert clean_text(text) == "Press Service of the Commissioner"


def test_clean_text_letter_spaced_heading_is_rebuilt_from_words():
    text = "C h a p t e r 7 : S t a k e h o l d e r e n g a g e m e n t a n d p a r t n e r s h i p"
    assert clean_text(text) == "Chapter 7: Stakeholder engagement and partnership"


def test_clean_text_letter_spaced_word_unknown_to_vocabulary_uses_document_words():
    text = "M a h a l l a s a n d y o u t h\nMahallas work with youth."
    assert clean_text(text).split("\n")[0] == "Mahallas and youth"


def test_clean_text_page_number_at_top_and_bottom_is_dropped():
    assert clean_text("5 1\n246.\nText.\n52") == "246.\nText."


def test_clean_text_paragraph_number_with_dot_is_kept():
    assert clean_text("246.\nText.") == "246.\nText."


def test_clean_text_bare_number_inside_the_text_is_kept():
    text = "a\nb\nc\nd\n51\ne\nf\ng\nh"
    assert clean_text(text) == text


def test_clean_text_compound_prefix_keeps_its_hyphen():
    assert clean_text("generally quasi-\ngovernmental or friendly") == "generally quasi-governmental\nor friendly"


def test_clean_text_split_word_is_joined_without_hyphen():
    assert clean_text("the govern-\nment said") == "the government\nsaid"


def test_clean_text_hyphenated_form_found_in_the_document_is_kept():
    text = "the socio-\neconomic impact of socio-economic change"
    assert clean_text(text) == "the socio-economic\nimpact of socio-economic change"


def test_clean_text_line_emptied_by_hyphen_repair_is_removed():
    assert clean_text("with local self-\norganized\ngroups") == "with local self-organized\ngroups"


def test_clean_text_un_running_headers_are_dropped():
    text = "A/HRC/59/15\n2 GE.25-02819\n5. The head of the delegation.\nGE.25-02819 3"
    assert clean_text(text) == "5. The head of the delegation."


def test_clean_text_pdf_footnote_block_is_cut():
    text = "7. Text ends here.\n  \n 1 A/HRC/WG.6/48/SVN/1.\n 2 A/HRC/WG.6/48/SVN/2."
    assert clean_text(text) == "7. Text ends here."


def test_clean_text_indentation_and_blank_runs_are_normalised():
    assert clean_text("\n\n  Heading   with  gaps  \n\n\n\n\nBody\t text\n\n") == "  Heading with gaps\n\n\nBody text"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_any_text_is_idempotent(text):
    once = clean_text(text)
    assert isinstance(once, str)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["5 1", "246.", "quasi-", "govern-", "ment", "C h a p t e r", "", "  ", " 1 Note",
                                 "Read more", "22-05-2020 368 dəfə oxunub", "Text.", "x-",
                                 "Do'stlaringiz bilan baham:"])))
def test_clean_text_artefact_mixtures_are_idempotent(lines):
    once = clean_text("\n".join(lines))
    assert clean_text(once) == once


def test_clean_text_assessment_sample_is_cleaned():
    cleaned = clean_text(ASSESSMENT.read_text(encoding="utf-8"))
    lines = cleaned.split("\n")
    assert lines[:2] == ["Chapter 7: Stakeholder engagement and partnership", "246."]
    assert lines[-1] == "with NGOs on special reports could be also strengthened."
    assert "quasi-governmental\nor government friendly" in cleaned
    assert "Do'stlaringiz" not in cleaned
    assert len(lines) == 55  # 57 lines less the page number and the share trailer; hyphen repair keeps lines


def test_clean_text_web_pages_keep_title_and_signature():
    baku = clean_text((CORPUS / "baku-conference-ombudsmen-business-human-rights.txt").read_text(encoding="utf-8"))
    assert baku.split("\n")[0] == "The best practices of the Ombudsmen for Human Rights and Business were studied"
    assert baku.endswith("Press Service of the Authorized Person of the Oliy Majlis for Human Rights (Ombudsman)")
    roadmap = clean_text((CORPUS / "uz-ru-ombudsman-roadmap-2025-2026.txt").read_text(encoding="utf-8"))
    assert roadmap.endswith("Press Service of the Commissioner of the Oliy Majlis for Human Rights (Ombudsman)")
    azeri = clean_text((CORPUS / "az-ombudsman-online-meeting-ngos-2020.txt").read_text(encoding="utf-8"))
    assert azeri.split("\n")[:5] == [
        "Azərbaycan Respublikasının İnsan Hüquqları üzrə Müvəkkili (Ombudsman)",
        "",
        "Ombudsman held an online meeting with several NGO directors and human rights defenders",
        "",
        "22-05-2020",
    ]


def test_clean_text_newsletter_footer_and_read_more_are_gone():
    cleaned = clean_text((CORPUS / "yuksalish-newsletter-25-may-2022.txt").read_text(encoding="utf-8"))
    for noise in ("Read more", "© Copyright", "Unsubscribe", "Отправлено через", "You received this email"):
        assert noise not in cleaned
    assert cleaned.endswith("exchange information and promote capacity building.")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_clean_text_sample_corpus_is_idempotent(path):
    once = clean_text(path.read_text(encoding="utf-8"))
    assert clean_text(once) == once


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus not available")
def test_clean_text_real_corpus_pages_do_not_crash_and_lose_headers():
    pypdf = pytest.importorskip("pypdf")
    for path in sorted(REAL.glob("*.pdf")):
        for page in pypdf.PdfReader(path).pages:
            cleaned = clean_text(page.extract_text() or "")
            assert "GE.2" not in cleaned.split("\n")[0]
            assert clean_text(cleaned) == cleaned
    for path in sorted(REAL.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        assert clean_text(cleaned) == cleaned
