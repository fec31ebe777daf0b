from ingest.types import Passage
from vectorstore.keyword import KeywordIndex, query_terms


def _p(pid, doc, text, kind="other"):
    return Passage(id=pid, doc_id=doc, ordinal=0, text=text, paragraph="1", label=pid, section_kind=kind)


def test_query_terms_stopwords_and_duplicates_removed():
    assert query_terms("Which of the recommendations concern the mahallas? mahallas") == [
        "recommendations", "concern", "mahallas"]


def test_search_ranks_matching_passage_first():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "Cooperation with mahallas is required"),
                                      _p("b", "d1", "The Trade Union is a partner")])
    assert [pid for pid, _ in idx.search("mahallas cooperation", 5)] == ["a"]


def test_search_porter_stemming_matches_plural():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "One recommendation was made")])
    assert [pid for pid, _ in idx.search("recommendations", 5)] == ["a"]


def test_search_filters_by_doc_and_section_kind():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "NGO cooperation", "recommendation")])
    idx.replace_document("d2", "v1", [_p("b", "d2", "NGO cooperation", "finding")])
    assert [pid for pid, _ in idx.search("NGO", 5, doc_ids=["d2"])] == ["b"]
    assert [pid for pid, _ in idx.search("NGO", 5, section_kinds=["recommendation"])] == ["a"]
    assert idx.search("NGO", 5, doc_ids=[]) == []


def test_search_punctuation_only_query_returns_nothing():
    idx = KeywordIndex(":memory:")
    assert idx.search('?? "" )(', 5) == []


def test_sync_adds_replaces_and_removes_to_match_manifest():
    idx = KeywordIndex(":memory:")
    idx.replace_document("gone", "v1", [_p("g", "gone", "old text")])
    idx.replace_document("d1", "v1", [_p("a", "d1", "old version")])
    fetched = []

    def fetch(doc_id, version):
        fetched.append((doc_id, version))
        return [_p(f"{doc_id}-{version}", doc_id, f"new text {version}")]

    changed = idx.sync({"d1": "v2", "d2": "v1"}, fetch)
    assert changed == 3
    assert sorted(fetched) == [("d1", "v2"), ("d2", "v1")]
    assert idx.versions() == {"d1": "v2", "d2": "v1"}
    assert idx.search("old", 5) == []
    assert idx.sync({"d1": "v2", "d2": "v1"}, fetch) == 0


def test_doc_freq_counts_prefix_matches():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "mahallas help"), _p("b", "d1", "a mahalla"),
                                      _p("c", "d1", "nothing")])
    assert idx.doc_freq(["mahall", "budget", ""]) == {"mahall": 2, "budget": 0, "": 0}
