"""Tests for ingest.chunk: one passage per paragraph, exact labels, splits only at sentence ends."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.chunk import citation_label, make_passages, split_text
from ingest.types import DocumentMeta, Paragraph, Passage

ASSESSMENT = DocumentMeta(
    doc_id="ombudsman-assessment-12345678",
    file_name="ombudsman-assessment-ch7-stakeholder-engagement.txt",
    title="Chapter 7: Stakeholder engagement and partnership",
    short_title="Ombudsman assessment",
    doc_type="assessment",
    content_hash="abcdef0123456789",
)
NEWSLETTER = DocumentMeta(
    doc_id="news-1", file_name="n.txt", title="t", short_title="Yuksalish newsletter #25", doc_type="newsletter",
    content_hash="0" * 64,
)
UN_REPORT = DocumentMeta(
    doc_id="un-1", file_name="r.pdf", title="t", short_title="UPR Working Group report A/HRC/59/15",
    doc_type="report", content_hash="f" * 64, source_format="pdf",
)
CHAPTER = ("Chapter 7: Stakeholder engagement and partnership",)


def test_make_passages_recommendation_paragraph_copies_fields_and_labels():
    paragraph = Paragraph(
        text="Closer cooperation with mahallas is required.", number="251", numbered=True,
        heading_path=(*CHAPTER, "Recommendation"), chapter="7", section_kind="recommendation",
    )
    assert make_passages(ASSESSMENT, [paragraph]) == (
        Passage(
            id="ombudsman-assessment-12345678:abcdef0123:00000",
            doc_id="ombudsman-assessment-12345678",
            ordinal=0,
            text="Closer cooperation with mahallas is required.",
            paragraph="251",
            label="Ombudsman assessment, ch. 7, ¶251 (Recommendation)",
            numbered=True,
            section_kind="recommendation",
            heading="Chapter 7: Stakeholder engagement and partnership > Recommendation",
            chapter="7",
            doc_title="Chapter 7: Stakeholder engagement and partnership",  # searched with every passage
        ),
    )


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        ("area_for_improvement", "249", "Ombudsman assessment, ch. 7, ¶249 (Area for improvement)"),
        ("standard", "(g)", "Ombudsman assessment, ch. 7, ¶(g) (Standard)"),
        ("finding", "246", "Ombudsman assessment, ch. 7, ¶246"),
        ("other", "3", "Ombudsman assessment, ch. 7, ¶3"),
    ],
)
def test_citation_label_section_kind_suffix_only_for_named_kinds(kind, number, expected):
    paragraph = Paragraph(text="x", number=number, heading_path=CHAPTER, chapter="7", section_kind=kind)
    assert citation_label(ASSESSMENT, paragraph) == expected


def test_citation_label_newsletter_article_quotes_title_and_positional_number():
    paragraph = Paragraph(
        text="x", number="2", article_title="Nearly 40,000 Protection Orders Issued in 2021", article_index=17,
        section_kind="news",
    )
    assert citation_label(NEWSLETTER, paragraph) == (
        'Yuksalish newsletter #25 — "Nearly 40,000 Protection Orders Issued in 2021", ¶2'
    )


def test_citation_label_un_recommendation_hides_roman_section_and_adds_page():
    paragraph = Paragraph(
        text="x", number="140.18", numbered=True, heading_path=("II. Conclusions and/or recommendations",),
        chapter="II", section_kind="recommendation", page=17, actor="Algeria",
    )
    expected = "UPR Working Group report A/HRC/59/15, ¶140.18 (Recommendation), p. 17"
    assert citation_label(UN_REPORT, paragraph) == expected


def test_citation_label_split_part_follows_number():
    paragraph = Paragraph(text="x", number="12", section_kind="finding", page=4)
    assert citation_label(UN_REPORT, paragraph, part=2) == "UPR Working Group report A/HRC/59/15, ¶12, part 2, p. 4"


def test_make_passages_long_paragraph_splits_into_numbered_parts_at_sentences():
    text = "First sentence is here. Second sentence is here. Third one."
    paragraph = Paragraph(text=text, number="12", numbered=True, section_kind="recommendation", page=5)
    passages = make_passages(UN_REPORT, [paragraph], max_chars=30)
    assert [(p.text, p.part, p.n_parts, p.ordinal) for p in passages] == [
        ("First sentence is here.", 1, 3, 0),
        ("Second sentence is here.", 2, 3, 1),
        ("Third one.", 3, 3, 2),
    ]
    assert [p.label for p in passages] == [
        "UPR Working Group report A/HRC/59/15, ¶12, part 1 (Recommendation), p. 5",
        "UPR Working Group report A/HRC/59/15, ¶12, part 2 (Recommendation), p. 5",
        "UPR Working Group report A/HRC/59/15, ¶12, part 3 (Recommendation), p. 5",
    ]
    assert {p.paragraph for p in passages} == {"12"}


def test_make_passages_short_paragraphs_never_merged_ordinals_run_on():
    paragraphs = [Paragraph(text="A.", number="1"), Paragraph(text="B.", number="2"), Paragraph(text="C.", number="3")]
    passages = make_passages(ASSESSMENT, paragraphs)
    assert [(p.text, p.paragraph, p.ordinal, p.part, p.n_parts) for p in passages] == [
        ("A.", "1", 0, 0, 0), ("B.", "2", 1, 0, 0), ("C.", "3", 2, 0, 0),
    ]
    assert [p.id for p in passages] == [f"ombudsman-assessment-12345678:abcdef0123:0000{i}" for i in range(3)]


def test_make_passages_blank_paragraph_skipped():
    paragraphs = [Paragraph(text="  ", number="1"), Paragraph(text="Kept.", number="2")]
    assert [(p.paragraph, p.ordinal) for p in make_passages(ASSESSMENT, paragraphs)] == [("2", 0)]


def test_make_passages_zero_max_chars_raises_value_error():
    with pytest.raises(ValueError, match="max_chars must be at least 1"):
        make_passages(ASSESSMENT, [], max_chars=0)


def test_split_text_fitting_text_returns_it_stripped():
    assert split_text("  Short text.  ", 100) == ["Short text."]


def test_split_text_packs_sentences_up_to_limit():
    assert split_text("One two. Three four. Five six.", 20) == ["One two. Three four.", "Five six."]


def test_split_text_abbreviations_and_initials_do_not_end_sentences():
    text = "See e.g. the report by Mr. J. Smith. The U.S. and U.N. agree."
    assert split_text(text, 40) == ["See e.g. the report by Mr. J. Smith.", "The U.S. and U.N. agree."]


def test_split_text_overlong_sentence_splits_between_words():
    assert split_text("alpha beta gamma delta epsilon", 12) == ["alpha beta", "gamma delta", "epsilon"]


def test_split_text_overlong_word_is_cut():
    assert split_text("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]


_WORDS = st.lists(
    st.text(alphabet="abcXYZ.!?,", min_size=1, max_size=8), min_size=1, max_size=60
).map(" ".join)


@given(_WORDS, st.integers(min_value=8, max_value=200))
def test_split_text_any_text_keeps_words_in_order_within_limit(text, max_chars):
    parts = split_text(text, max_chars)
    assert all(0 < len(part) <= max_chars for part in parts)
    assert " ".join(parts).split() == text.split()


def test_citation_label_unnumbered_paragraph_in_numbered_document_cannot_look_like_own_number():
    from ingest.chunk import make_passages
    from ingest.types import DocumentMeta, Paragraph

    meta = DocumentMeta(doc_id="d", file_name="d.txt", title="T", short_title="Ombudsman assessment",
                        doc_type="assessment", content_hash="0" * 64)
    paragraphs = [Paragraph("Body.", "248", numbered=True, chapter="7", heading_path=("Chapter 7: X",)),
                  Paragraph("Lead-in:", "1", numbered=False, chapter="7", section_kind="standard",
                            heading_path=("Chapter 7: X", "Paris Principles"))]
    labels = [p.label for p in make_passages(meta, paragraphs)]
    assert labels == ["Ombudsman assessment, ch. 7, ¶248",
                      'Ombudsman assessment, ch. 7, "Paris Principles", unnumbered para. 1 (Standard)']
