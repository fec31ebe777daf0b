"""Tests for ingest.pipeline: parse() wiring with fakes, then end to end on the sample corpus."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.errors import ConfigError, IngestError
from ingest.types import Page, Paragraph, RawDocument

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
FIXTURE_PDF = Path(__file__).parent / "fixtures" / "slovenia_wg_report_excerpt.pdf"
HASH = "0123456789abcdef" * 4


# --- parse() wiring, with clean and structure faked so only this module is under test ------------------


@pytest.fixture
def fakes(monkeypatch):
    """Upper-cases text in place of cleaning; one paragraph per non-blank line; records every call."""
    calls = {"clean": [], "split": []}

    def fake_clean(text, *, context=""):
        calls["clean"].append((text, context))
        return text.upper()

    def fake_split(pages, explicit_headings=False, default_kind="", title=""):
        calls["split"].append(tuple(pages))
        calls.setdefault("split_options", []).append((explicit_headings, default_kind, title))
        return [
            Paragraph(text=line, number=str(i), page=page.number)
            for page in pages
            for i, line in enumerate((ln for ln in page.text.split("\n") if ln.strip()), start=1)
        ]

    monkeypatch.setattr(pipeline, "clean_text", fake_clean)
    monkeypatch.setattr(pipeline, "split_paragraphs", fake_split)
    return calls


def _raw(*pages: Page, file_name: str = "notes.txt", fmt: str = "txt") -> RawDocument:
    return RawDocument(path=f"/in/{file_name}", file_name=file_name, source_format=fmt, pages=pages)


def test_parse_single_page_cleans_splits_and_labels(fakes):
    parsed = pipeline.parse(_raw(Page("Press Service\nsecond line")), HASH)
    assert fakes["clean"] == [("Press Service\nsecond line", "")]
    assert fakes["split"] == [(Page("PRESS SERVICE\nSECOND LINE"),)]
    assert [(p.id, p.text, p.label) for p in parsed.passages] == [
        ("notes-83348d28:0123456789:00000", "PRESS SERVICE", "Notes, ¶1"),
        ("notes-83348d28:0123456789:00001", "SECOND LINE", "Notes, ¶2"),
    ]
    assert (parsed.meta.doc_id, parsed.meta.content_hash, parsed.meta.doc_type) == ("notes-83348d28", HASH, "news")


def test_parse_pdf_pages_keep_numbers_and_get_whole_text_as_context(fakes):
    raw = _raw(Page("one", 1), Page("two", 2), file_name="r.pdf", fmt="pdf")
    parsed = pipeline.parse(raw, HASH)
    assert fakes["clean"] == [("one", "one\n\ntwo"), ("two", "one\n\ntwo")]
    assert [(p.text, p.page, p.label) for p in parsed.passages] == [
        ("ONE", 1, "R, ¶1, p. 1"), ("TWO", 2, "R, ¶1, p. 2"),
    ]
    assert parsed.meta.source_format == "pdf"


def test_parse_overrides_reach_metadata_and_labels(fakes):
    parsed = pipeline.parse(_raw(Page("text")), HASH, overrides={"short_title": "My notes", "doc_type": "report"})
    assert (parsed.meta.short_title, parsed.meta.doc_type) == ("My notes", "report")
    assert parsed.passages[0].label == "My notes, ¶1"


def test_parse_max_chars_splits_long_paragraph(fakes):
    parsed = pipeline.parse(_raw(Page("First part here. Second part here.")), HASH, max_chars=20)
    assert [(p.text, p.part, p.n_parts) for p in parsed.passages] == [
        ("FIRST PART HERE.", 1, 2), ("SECOND PART HERE.", 2, 2),
    ]


def test_parse_nothing_left_after_cleaning_raises_no_paragraphs(fakes, monkeypatch):
    monkeypatch.setattr(pipeline, "clean_text", lambda text, *, context="": "")
    with pytest.raises(IngestError) as info:
        pipeline.parse(_raw(Page("Call center 916")), HASH)
    assert (info.value.path, info.value.reason) == ("/in/notes.txt", "no text paragraphs found")


def test_parse_invalid_override_raises_config_error(fakes):
    with pytest.raises(ConfigError):
        pipeline.parse(_raw(Page("text")), HASH, overrides={"doc_type": "memo"})


# --- load(): real reader, cleaner and structure ------------------------------------------------------


def test_load_missing_file_raises_ingest_error(tmp_path):
    with pytest.raises(IngestError) as info:
        pipeline.load(tmp_path / "gone.txt")
    assert info.value.reason == "file not found; check the path"


def test_load_ids_use_file_hash_and_are_stable_across_loads():
    path = CORPUS / "ombudsman-assessment-ch7-stakeholder-engagement.txt"
    first, second = pipeline.load(path), pipeline.load(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.meta.content_hash == digest
    assert [p.id for p in first.passages] == [p.id for p in second.passages]
    assert first.passages[0].id == f"{first.meta.doc_id}:{digest[:10]}:00000"


def test_load_assessment_returns_chapter_numbered_labels():
    parsed = pipeline.load(CORPUS / "ombudsman-assessment-ch7-stakeholder-engagement.txt")
    labels = {p.paragraph: p.label for p in parsed.passages}
    assert parsed.meta.title == "Chapter 7: Stakeholder engagement and partnership"
    assert labels["246"] == "Ombudsman assessment, ch. 7, ¶246"
    assert labels["249"] == "Ombudsman assessment, ch. 7, ¶249 (Area for improvement)"
    assert labels["251"] == "Ombudsman assessment, ch. 7, ¶251 (Recommendation)"
    assert labels["(g)"] == "Ombudsman assessment, ch. 7, ¶(g) (Standard)"
    rec = next(p for p in parsed.passages if p.paragraph == "251")
    assert rec.text.startswith("Closer cooperation with local self-organized groups (mahallas)")
    assert rec.section_kind == "recommendation"


def test_load_newsletter_labels_quote_article_title():
    parsed = pipeline.load(CORPUS / "yuksalish-newsletter-25-may-2022.txt")
    labels = [p.label for p in parsed.passages]
    assert 'Yuksalish newsletter #25 — "Nearly 40,000 Protection Orders Issued in 2021", ¶2' in labels
    assert (parsed.meta.doc_type, parsed.meta.date) == ("newsletter", "2022-05-05")


@pytest.mark.parametrize(
    ("file_name", "short_title", "doc_type", "date"),
    [
        ("az-ombudsman-online-meeting-ngos-2020.txt", "Azerbaijan ombudsman online meeting NGOs 2020", "news",
         "2020-05-22"),
        ("baku-conference-ombudsmen-business-human-rights.txt", "Baku conference ombudsmen business human rights",
         "news", ""),
        ("uz-ru-ombudsman-roadmap-2025-2026.txt", "Uzbekistan–Russia ombudsman roadmap 2025–2026", "news",
         "2025-07-30"),
    ],
)
def test_load_news_pages_label_positional_paragraphs(file_name, short_title, doc_type, date):
    parsed = pipeline.load(CORPUS / file_name)
    assert (parsed.meta.short_title, parsed.meta.doc_type, parsed.meta.date) == (short_title, doc_type, date)
    assert parsed.passages[0].label == f"{short_title}, ¶1"
    assert not any("Javascript" in p.text or "test mode" in p.text for p in parsed.passages)


def test_load_un_excerpt_returns_symbol_label_pages_and_actor():
    parsed = pipeline.load(FIXTURE_PDF)
    assert (parsed.meta.short_title, parsed.meta.doc_type, parsed.meta.date) == (
        "UPR Working Group report A/HRC/59/15", "report", "2025-03-24")
    rec = next(p for p in parsed.passages if p.paragraph == "140.18")
    assert rec.label == "UPR Working Group report A/HRC/59/15, ¶140.18 (Recommendation), p. 3"
    assert rec.actor == "Algeria"
    assert rec.text.startswith("Adopt the necessary measures to ensure the independence")
    finding = next(p for p in parsed.passages if p.paragraph == "136")
    assert finding.label == "UPR Working Group report A/HRC/59/15, ¶136, p. 2"


def test_load_every_sample_file_gives_unique_ids_and_sequential_ordinals():
    for path in sorted(CORPUS.glob("*.txt")):
        passages = pipeline.load(path).passages
        assert [p.ordinal for p in passages] == list(range(len(passages)))
        assert len({p.id for p in passages}) == len(passages)
        assert all(0 < len(p.text) <= 1200 for p in passages)
