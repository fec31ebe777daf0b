import pytest

from assistant.core import Assistant
from assistant.retrieval import Filters, HybridRetriever, LangChainRetriever
from ingest.errors import ConfigError
from tests.helpers import add_doc, hand_weights


@pytest.fixture
def index(make_index):
    index = make_index()
    add_doc(index, "assessment", [
        ("246", "finding", "Mahallas, the Trade Union and the Women's Committee are the biggest partners."),
        ("251", "recommendation", "Closer cooperation with local self-organized groups (mahallas) is required."),
        ("252", "recommendation", "NGOs are ready to help with human rights education campaigns."),
    ], doc_type="assessment", countries=("Uzbekistan",))
    add_doc(index, "roadmap", [
        ("1", "news", "In the first half of 2025, over 9,800 appeals were received."),
        ("2", "news", "The roadmap covers joint monitoring and legal awareness among migrants."),
    ], doc_type="news", countries=("Uzbekistan", "Russia"), date="2025-07-30")
    return index


def test_candidates_section_kind_filter_applies_to_both_sides(index):
    results = HybridRetriever(index).candidates_for("mahallas partners", Filters(section_kinds=("recommendation",)))
    assert results and {r.passage.section_kind for r in results} == {"recommendation"}


def test_candidates_doc_type_and_date_filters(index):
    r = HybridRetriever(index)
    assert {x.passage.doc_id for x in r.candidates_for("appeals mahallas", Filters(doc_types=("news",)))} == {"roadmap"}
    assert {x.passage.doc_id for x in r.candidates_for("appeals mahallas", Filters(date_from="2025"))} == {"roadmap"}
    assert r.candidates_for("appeals", Filters(date_to="2024")) == []


def test_candidates_country_filter_matches_any_mentioned_country(index):
    results = HybridRetriever(index).candidates_for("appeals mahallas", Filters(countries=("russia",)))
    assert {x.passage.doc_id for x in results} == {"roadmap"}


def test_candidates_carry_document_record_both_scores_and_ranks(index):
    top = HybridRetriever(index).candidates_for("How many appeals were received in 2025?")[0]
    assert top.passage.paragraph == "1" and top.doc.meta.file_name == "roadmap.txt"
    assert top.dense > 0 and top.keyword > 0 and top.dense_rank and top.keyword_rank
    assert top.rrf == top.score > 0


def test_candidates_include_the_paragraph_that_continues_a_top_one(make_index):
    index = make_index()
    add_doc(index, "news", [("1", "news", "Feruza Eshmatova spoke at the Baku conference on business."),
                            ("2", "news", "Also, she focused on the ongoing reforms."),
                            ("3", "news", "The weather was fine.")], doc_type="news")
    ids = [r.passage.paragraph for r in HybridRetriever(index, candidates=1).candidates_for("Eshmatova Baku", pool=1)]
    assert ids == ["1", "2"]


def test_filters_from_pairs_parses_cli_syntax():
    f = Filters.from_pairs(["kind=recommendation", "type=news,report", "year=2025", "doc=a.txt", "doc=b.txt"])
    assert f == Filters(docs=("a.txt", "b.txt"), doc_types=("news", "report"), section_kinds=("recommendation",),
                        date_from="2025", date_to="2025")


def test_filters_from_pairs_rejects_unknown_key_and_missing_equals():
    with pytest.raises(ConfigError, match="unknown filter"):
        Filters.from_pairs(["colour=red"])
    with pytest.raises(ConfigError, match="key=value"):
        Filters.from_pairs(["recommendation"])
    with pytest.raises(ConfigError, match="'20x5' is not a date"):
        Filters.from_pairs(["year=20x5"])  # before: accepted, and then nothing was ever found
    assert Filters.from_pairs(["from=2024-03", "to=2025-01-31"]) == Filters(date_from="2024-03", date_to="2025-01-31")


def test_country_filter_keeps_documents_about_the_country_not_those_that_name_it():
    from ingest.types import DocumentMeta
    from vectorstore.store import DocRecord

    def rec(doc_id, country, countries):
        return DocRecord(DocumentMeta(doc_id=doc_id, file_name=f"{doc_id}.pdf", title=doc_id, short_title=doc_id,
                                      doc_type="report", country=country,
                                      countries=countries), "v1", 1)

    manifest = {"upr": rec("upr", "Slovenia", ("Slovenia", "Uzbekistan", "Chile")),  # Uzbekistan recommended
                "state": rec("state", "Uzbekistan", ("Uzbekistan",)), "news": rec("news", "", ("Uzbekistan",))}
    assert Filters(countries=("Uzbekistan",)).doc_ids(manifest) == {"state", "news"}


def test_date_filters_compare_at_the_coarser_precision():
    from ingest.types import DocumentMeta
    from vectorstore.store import DocRecord

    def rec(doc_id, date):
        return DocRecord(DocumentMeta(doc_id=doc_id, file_name=f"{doc_id}.txt", title=doc_id, short_title=doc_id,
                                      doc_type="report", date=date), "v1", 1)

    manifest = {"year": rec("year", "2023"), "day": rec("day", "2023-05-04"), "old": rec("old", "2022-12-31"),
                "later": rec("later", "2024-01-02")}
    # a report dated only "2023" is in a range given in months (it was left out, and nothing was found)
    assert Filters(date_from="2023-01", date_to="2023-12").doc_ids(manifest) == {"year", "day"}
    assert Filters(date_from="2023", date_to="2023").doc_ids(manifest) == {"year", "day"}
    assert Filters(date_from="2023-06").doc_ids(manifest) == {"year", "later"}


def test_langchain_retriever_returns_documents_ranked_as_the_answers_rank_them(index):
    docs = LangChainRetriever(assistant=Assistant(index, weights=hand_weights()), k=2).invoke(
        "Which recommendations concern mahallas?")
    assert docs[0].metadata["label"] == "Assessment, ¶251"
    assert docs[0].metadata["file_name"] == "assessment.txt"
    assert len(docs) == 2
