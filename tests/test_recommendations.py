"""Recommendation items: extraction from passages, the explorer's cache, filters, exports and linked responses."""
from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from assistant.recommendations import CSV_COLUMNS, RecommendationExplorer, items_text, recommendation_items
from ingest.errors import ConfigError
from ingest.types import DocumentMeta, Passage
from tests.conftest import SAMPLE_CORPUS, SHARED
from tests.helpers import add_doc
from vectorstore.store import DocRecord

REAL = SHARED / "corpus-real"
COLONY = "The head of the colony was recommended to create additional jobs for hiring additional medical staff."


def record(doc_type="report", title="Doc", short_title="Doc"):
    return DocRecord(DocumentMeta(doc_id="d", file_name="d.txt", title=title, short_title=short_title,
                                  doc_type=doc_type), "v1", 1)


def passage(text, paragraph="7", kind="recommendation", actor="", part=0):
    return Passage(id=f"d:v1:{paragraph}", doc_id="d", ordinal=0, text=text, paragraph=paragraph,
                   label=f"Doc, ¶{paragraph}", section_kind=kind, actor=actor, part=part)


def add_meta_doc(index, meta: DocumentMeta, paragraphs):
    """Index (number, kind, text, actor) paragraphs under a given DocumentMeta."""
    passages = [Passage(id=f"{meta.doc_id}:v1:{i}", doc_id=meta.doc_id, ordinal=i, text=text, paragraph=number,
                        label=f"{meta.short_title}, ¶{number}", numbered=True, section_kind=kind, actor=actor)
                for i, (number, kind, text, actor) in enumerate(paragraphs)]
    index.store.add_passages(passages, index.embedder.embed_documents([p.text for p in passages]), "v1", meta)
    index.store.commit_document(DocRecord(meta, "v1", len(passages)))
    index.refresh(force=True)


def test_recommendation_items_whole_paragraph_id_has_no_version():
    items = recommendation_items(passage("Ratify the Convention (Algeria);", "140.18", actor="Algeria"), record())
    assert [(i.id, i.paragraph, i.actor, i.passage_id, i.text) for i in items] == [
        ("d:140.18", "140.18", "Algeria", "d:v1:140.18", "Ratify the Convention (Algeria);")]


def test_recommendation_items_news_sentence_quoted_alone():
    text = f"The beds are placed too close. {COLONY} Nearly 40,000 orders were issued."
    items = recommendation_items(passage(text, "6", kind="news"), record("newsletter"))
    assert [(i.id, i.text) for i in items] == [("d:6:s2", COLONY)]


def test_recommendation_items_report_finding_sentence_not_an_item():
    assert recommendation_items(passage(f"It is said. {COLONY}", kind="finding"), record("report")) == []


def test_recommendation_items_without_record_uses_news_kind():
    assert [i.id for i in recommendation_items(passage(COLONY, "6", kind="news"), None)] == ["d:6:s1"]


def test_recommendation_items_upr_chapeau_and_bullet_not_items():
    chapeau = "The following recommendations will be examined by Slovenia, which will provide responses in due time"
    assert recommendation_items(passage(chapeau, "140"), record()) == []
    assert recommendation_items(passage("•", "88"), record()) == []


def test_recommendation_items_views_document_blocks_are_responses():
    views = record(title="Views on conclusions and/or recommendations: Slovenia")
    assert recommendation_items(passage("The 1961 Convention was ratified.", "2"), views) == []


def test_explorer_sample_corpus_required_items(sample_index):
    items = {i.label: i for i in RecommendationExplorer(sample_index).items()}
    assert set(items) == {"Ombudsman assessment, ch. 7, ¶251 (Recommendation)",
                          "Ombudsman assessment, ch. 7, ¶252 (Recommendation)",
                          "Yuksalish newsletter #25 — \"Ombudsman’s Regional Representative Discovers Shortcomings in "
                          "the Colony Settlement in Buka District\", ¶6"}
    p251 = items["Ombudsman assessment, ch. 7, ¶251 (Recommendation)"]
    assert {"local_self_government", "civil_society", "women"} <= {t.id for t in p251.themes}
    assert {t.id: t.why for t in p251.themes}["local_self_government"].startswith("keyword: 'mahallas'")
    colony = next(i for i in items.values() if i.text == COLONY)
    assert colony.id.endswith(":6:s1")
    assert "detention" in {t.id for t in colony.themes}


def test_explorer_items_cached_until_documents_change(make_index, fake_embedder):
    index = make_index(fake_embedder)
    add_doc(index, "a", [("1", "recommendation", "Improve prison conditions.")])
    explorer = RecommendationExplorer(index)
    assert [i.id for i in explorer.items()] == ["a:1"]
    calls = len(fake_embedder.calls)
    explorer.items()
    assert len(fake_embedder.calls) == calls
    add_doc(index, "b", [("2", "recommendation", "Train judges.")])
    assert [i.id for i in explorer.items()] == ["a:1", "b:2"]


def test_explorer_filter_theme_group_doc_query(make_index):
    index = make_index()
    add_doc(index, "a", [("1", "recommendation", "Improve prison conditions for detainees."),
                         ("2", "recommendation", "Ratify the Optional Protocol."),
                         ("3", "finding", "Prisons are overcrowded.")])
    add_doc(index, "b", [("9", "recommendation", "Protect journalists from harassment.")])
    explorer = RecommendationExplorer(index)
    assert [i.id for i in explorer.filter(theme="Torture prevention, detention and conditions of detention")] == ["a:1"]
    assert [i.id for i in explorer.filter(group="DETAINEES")] == ["a:1"]
    assert [i.id for i in explorer.filter(doc="b.txt")] == ["b:9"]
    assert [i.id for i in explorer.filter(query="journalists")][0] == "b:9"
    assert [i.id for i in explorer.filter(status="none")] == ["a:1", "a:2", "b:9"]


def test_explorer_filter_unknown_values_raise_with_choices(make_index):
    index = make_index()
    add_doc(index, "a", [("1", "recommendation", "Improve prison conditions.")])
    explorer = RecommendationExplorer(index)
    with pytest.raises(ConfigError, match="unknown theme 'space'; use one of: nhri, "):
        explorer.filter(theme="space")
    with pytest.raises(ConfigError, match="unknown response status 'maybe'"):
        explorer.filter(status="maybe")
    with pytest.raises(ConfigError, match="no indexed document matches 'zzz'; use a file name or title: a.txt"):
        explorer.filter(doc="zzz")


def test_explorer_links_responses_by_number_and_family(make_index):
    index = make_index()
    report = DocumentMeta(doc_id="wg", file_name="wg.pdf", title="Report of the Working Group",
                          short_title="UPR Working Group report A/HRC/9/1", doc_type="report")
    views = DocumentMeta(doc_id="views", file_name="views.pdf", title="Views on conclusions and/or recommendations",
                         short_title="Views on UPR recommendations A/HRC/9/1/Add.1", doc_type="report")
    add_meta_doc(index, report, [("140.1", "recommendation", "Ratify the Convention (Chile);", "Chile"),
                                 ("140.2", "recommendation", "Reduce prison overcrowding (Peru);", "Peru")])
    add_meta_doc(index, views, [("3", "recommendation", "The Government accepts the following recommendations: "
                                 "140.2.", ""),
                                ("4", "recommendation", "The Government takes note of recommendations 140.1 and "
                                 "wishes to explain:", "")])
    items = RecommendationExplorer(index).items()
    assert [(i.id, i.actor, i.response_status) for i in items] == [("wg:140.1", "Chile", "noted"),
                                                                    ("wg:140.2", "Peru", "supported")]


def test_explorer_to_csv_and_json(sample_index):
    explorer = RecommendationExplorer(sample_index)
    items = explorer.filter(theme="local_self_government")
    rows = list(csv.reader(io.StringIO(explorer.to_csv(items))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][2] == "Ombudsman assessment, ch. 7, ¶251 (Recommendation)" and rows[1][3] == "251"
    assert "Local self-government and mahallas" in rows[1][5].split("; ")
    data = json.loads(explorer.to_json(items))
    assert data[0]["paragraph"] == "251"
    assert {"id": "local_self_government", "label": "Local self-government and mahallas"}.items() <= next(
        t for t in data[0]["themes"] if t["id"] == "local_self_government").items()


def test_items_text_table_lists_label_and_count(sample_index):
    text = items_text(RecommendationExplorer(sample_index).filter(theme="mahallas"))
    assert text.splitlines()[0].split() == ["label", "themes", "groups", "response", "text"]
    assert "¶251" in text.splitlines()[1]
    assert text.splitlines()[-1] == "1 recommendations"


@pytest.mark.slow
def test_cli_recommendations_csv_and_unknown_group(tmp_path, capsys):
    from assistant.cli import main

    index_args = ["--store", str(tmp_path / "store"), "--embedder", "minilm"]
    assert main(["ingest", str(SAMPLE_CORPUS / "ombudsman-assessment-ch7-stakeholder-engagement.txt"),
                 "--json", *index_args]) == 0
    out_csv = tmp_path / "r.csv"
    assert main(["recommendations", "--theme", "mahallas", "--csv", str(out_csv), *index_args]) == 0
    assert "¶251" in out_csv.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["recommendations", "--group", "martians", *index_args]) == 1
    assert "unknown group 'martians'; use one of: women, children" in capsys.readouterr().err


def test_recommendations_modules_import_without_gradio():
    import subprocess

    code = "import sys, assistant.recommendations, assistant.web.recommendations; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(SAMPLE_CORPUS.parents[1]))
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus-real")
def test_explorer_real_slovenia_254_items_with_actors_and_responses(tmp_path, make_index):
    from vectorstore.indexer import Indexer

    index = make_index()
    files = [REAL / "slovenia_upr4_working_group_report_A-HRC-59-15.pdf",
             REAL / "slovenia_upr4_views_on_recommendations_A-HRC-59-15-Add1.pdf"]
    assert Indexer(index, tmp_path / "store", progress=False).ingest(files).ok
    items = RecommendationExplorer(index).items()
    assert [i.paragraph for i in items] == [f"140.{n}" for n in range(1, 255)]
    assert all(i.actor for i in items)
    by_number = {i.paragraph: i for i in items}
    assert by_number["140.18"].actor == "Algeria"
    assert sum(i.response_status == "supported" for i in items) == 217
    assert sum(i.response_status == "noted" for i in items) == 37
    assert by_number["140.253"].response_reason.startswith("There is no specific procedure")
