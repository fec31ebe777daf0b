"""The trainers' handout: the question chain, each source once, titles of news items, the page once, file names."""
from __future__ import annotations

import datetime as dt

from docx import Document

from assistant import handout
from assistant.retrieval import Retrieved
from assistant.types import Answer, Citation
from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord

DAY = dt.date(2026, 5, 4)
REPORT = DocRecord(DocumentMeta("rep", "report.pdf", "Report of the Working Group: Slovenia", "UPR report", "report",
                                "2025-03-24"), "v1", 30)
NEWS = DocRecord(DocumentMeta("news", "az-ombudsman-online-meeting-ngos-2020.txt",
                              "Ombudsman held an online meeting with several NGO directors",
                              "Azerbaijan ombudsman online meeting NGOs 2020", "news", "2020-05-22"), "v1", 9)
P_REPORT = Passage("rep:v1:1", "rep", 1, "Ratify the Convention on migrant workers (Egypt);", "140.2",
                   "UPR report, ¶140.2 (Recommendation), p. 2", page=2)
P_NEWS = Passage("news:v1:2", "news", 2, "The meeting was held online because of the pandemic. NGOs took part.", "3",
                 "Azerbaijan ombudsman online meeting NGOs 2020, ¶3")


def _cite(marker, p, record, quote):
    return Citation(marker, p.id, p.label, record.meta.file_name, p.paragraph, p.page, "other", quote)


FIRST = Answer(question="What did Egypt recommend?", standalone="What did Egypt recommend?",
               text="Egypt recommended ratifying the Convention on migrant workers [1].",
               citations=[_cite(1, P_REPORT, REPORT, "Ratify the Convention on migrant workers (Egypt);")],
               passages=[Retrieved(P_REPORT, 1.0, doc=REPORT)])
SECOND = Answer(question="and why was the meeting online?", standalone="Why was the Ombudsman's meeting online?",
                text="It was online, the pandemic being the reason [1]; the convention came up again [2].",
                citations=[_cite(1, P_NEWS, NEWS, "The meeting was held online because of the pandemic."),
                           _cite(2, P_REPORT, REPORT, "Ratify the Convention")],
                passages=[Retrieved(P_NEWS, 1.0, doc=NEWS), Retrieved(P_REPORT, 0.5, doc=REPORT)])


def test_handout_numbers_sources_across_the_conversation_and_lists_each_once():
    built = handout.build([FIRST, SECOND], DAY)
    assert [(s.number, s.file_name) for s in built.sources] == [(1, "report.pdf"),
                                                                (2, "az-ombudsman-online-meeting-ngos-2020.txt")]
    assert built.turns[1].text == "It was online, the pandemic being the reason [2]; the convention came up again [1]."


def test_handout_markdown_has_date_question_chain_and_quotes_once():
    text = handout.to_markdown(handout.build([FIRST, SECOND], DAY))
    assert text.startswith("# What did Egypt recommend?\n\n*hrqa handout · 2026-05-04 · 2 question(s) · 2 source(s)*")
    assert "## 2. and why was the meeting online?" in text
    assert ("*Follow-up to: “What did Egypt recommend?” — searched as: “Why was the Ombudsman's meeting online?”*"
            in text)
    assert text.count("Ratify the Convention on migrant workers (Egypt);") == 1  # quoted by the answer: not again
    # a paraphrase (an LLM's answer): the source carries the passage's own words, once
    assert text.count("The meeting was held online because of the pandemic.") == 1
    assert "> The meeting was held online because of the pandemic. NGOs took part." in text


def test_handout_news_item_is_named_by_its_headline_and_the_page_said_once():
    built = handout.build([FIRST, SECOND], DAY)
    report, news = built.sources
    assert handout.where(report) == "“Report of the Working Group: Slovenia” · report · 2025-03-24 · report.pdf"
    assert handout.where(news).startswith("“Ombudsman held an online meeting with several NGO directors” · news")
    assert report.citation == "UPR report, ¶140.2 (Recommendation), p. 2"


def test_handout_file_stem_is_the_question_and_date():
    assert handout.file_stem(handout.build([FIRST], DAY)) == "hrqa-what-did-egypt-recommend-2026-05-04"
    assert handout.file_stem(handout.build([Answer(question="???", text="")], DAY)) == "hrqa-conversation-2026-05-04"


def test_handout_docx_carries_the_same_content(tmp_path):
    path = tmp_path / "h.docx"
    handout.to_docx(handout.build([FIRST, SECOND], DAY), path)
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert paragraphs[0] == "What did Egypt recommend?" and "2. and why was the meeting online?" in paragraphs
    assert "[1] UPR report, ¶140.2 (Recommendation), p. 2" in paragraphs
    assert "The meeting was held online because of the pandemic. NGOs took part." in paragraphs
    assert sum("Ratify the Convention on migrant workers (Egypt);" in p for p in paragraphs) == 1
