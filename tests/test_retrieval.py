import pytest

from assistant.retrieval import Filters, HybridRetriever, LangChainRetriever, detect_intent
from ingest.errors import ConfigError
from tests.helpers import add_doc


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


def test_retrieve_recommendation_intent_puts_recommendation_first(index):
    results = HybridRetriever(index).retrieve("Which recommendations concern mahallas?")
    assert results[0].passage.paragraph == "251"


def test_retrieve_section_kind_filter_applies_to_both_sides(index):
    results = HybridRetriever(index).retrieve("mahallas partners", Filters(section_kinds=("recommendation",)))
    assert {r.passage.section_kind for r in results} == {"recommendation"}


def test_retrieve_doc_type_and_date_filters(index):
    r = HybridRetriever(index)
    assert {x.passage.doc_id for x in r.retrieve("appeals mahallas", Filters(doc_types=("news",)))} == {"roadmap"}
    assert {x.passage.doc_id for x in r.retrieve("appeals mahallas", Filters(date_from="2025"))} == {"roadmap"}
    assert r.retrieve("appeals", Filters(date_to="2024")) == []


def test_retrieve_country_filter_matches_any_mentioned_country(index):
    results = HybridRetriever(index).retrieve("appeals mahallas", Filters(countries=("russia",)))
    assert {x.passage.doc_id for x in results} == {"roadmap"}


def test_retrieve_results_carry_document_record_and_both_scores(index):
    top = HybridRetriever(index).retrieve("How many appeals were received in 2025?")[0]
    assert top.passage.paragraph == "1" and top.doc.meta.file_name == "roadmap.txt"
    assert top.dense > 0 and top.keyword > 0 and top.dense_rank and top.keyword_rank


def test_filters_from_pairs_parses_cli_syntax():
    f = Filters.from_pairs(["kind=recommendation", "type=news,report", "year=2025", "doc=a.txt", "doc=b.txt"])
    assert f == Filters(docs=("a.txt", "b.txt"), doc_types=("news", "report"), section_kinds=("recommendation",),
                        date_from="2025", date_to="2025")


def test_filters_from_pairs_rejects_unknown_key_and_missing_equals():
    with pytest.raises(ConfigError, match="unknown filter"):
        Filters.from_pairs(["colour=red"])
    with pytest.raises(ConfigError, match="key=value"):
        Filters.from_pairs(["recommendation"])


def test_detect_intent_kinds():
    assert detect_intent("Which recommendations concern mahallas?").recommendation
    assert detect_intent("How many appeals were received?").numeric
    assert detect_intent("Какие рекомендации касаются махаллей?").recommendation
    assert not detect_intent("Who attended?").numeric


def test_langchain_retriever_returns_documents_with_citation_metadata(index):
    from assistant.retrieval import HybridRetriever

    docs = LangChainRetriever(hybrid=HybridRetriever(index), k=2).invoke("Which recommendations concern mahallas?")
    assert docs[0].metadata["label"] == "Assessment, ¶251"
    assert docs[0].metadata["file_name"] == "assessment.txt"
    assert len(docs) == 2


def test_retrieve_marks_candidates_whose_document_never_names_a_distinctive_question_entity(make_index):
    index = make_index()
    add_doc(index, "az", [("1", "news", "The Commissioner met NGO directors in Baku."),
                          ("2", "news", "A council of experts was established in Azerbaijan.")], doc_type="news")
    add_doc(index, "uz", [("1", "news", "The Advisory Council of the Commissioner met in Tashkent.")], doc_type="news")
    for i in range(30):  # make "Commissioner" common, so only Azerbaijan is distinctive
        add_doc(index, f"filler{i}", [("1", "news", f"The Commissioner spoke about topic {i}.")], doc_type="news")
    results = HybridRetriever(index, k=40).retrieve("Which council did the Commissioner of Azerbaijan establish?")
    missing = {r.passage.doc_id: r.entities_missing for r in results if r.passage.doc_id in {"az", "uz"}}
    assert missing == {"az": 0.0, "uz": 1.0}


def test_retrieve_treats_a_country_as_distinctive_even_when_most_passages_name_it(make_index):
    index = make_index()
    add_doc(index, "az", [("1", "news", "A council of experts was established by the Commissioner.")],
            doc_type="news", countries=("Azerbaijan",))
    for i in range(30):  # "Uzbekistan" in nearly every passage: frequent, but still a country
        add_doc(index, f"uz{i}", [("1", "news", f"Uzbekistan reported on topic {i}.")], doc_type="news",
                countries=("Uzbekistan",))
    results = HybridRetriever(index, k=40).retrieve("Which council did Uzbekistan establish?")
    missing = {r.passage.doc_id: r.entities_missing for r in results}
    assert missing["az"] == 1.0 and missing["uz0"] == 0.0


def test_how_many_recommendations_asks_for_a_number():
    intent = detect_intent("How many recommendations did Slovenia receive?")
    assert intent.numeric and not intent.recommendation
    assert detect_intent("Which recommendations concern mahallas?").recommendation
