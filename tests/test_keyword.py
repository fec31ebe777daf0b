from ingest.types import Passage
from vectorstore.keyword import KeywordIndex, query_terms
from vectorstore.terms import stem, stems


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


def test_doc_freq_counts_passages_holding_each_stem():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "mahallas help"), _p("b", "d1", "a mahalla"),
                                      _p("c", "d1", "nothing")])
    assert idx.doc_freq([stem("mahallas"), "budget", ""]) == {"mahalla": 2, "budget": 0, "": 0}


def test_the_index_stores_the_stems_the_answer_layer_computes():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "rights of minority groups, organised")])
    assert idx.doc_freq([stem("minorities"), stem("organized")]) == {stem("minorities"): 1, stem("organized"): 1}
    assert [pid for pid, _ in idx.search("Which minorities were organized?", 5)] == ["a"]


def test_absent_is_scoped_to_document_and_article():
    from dataclasses import replace

    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [replace(_p("a", "d1", "Kazakhstan hosted a forum"), article_index=1),
                                      replace(_p("b", "d1", "The Ombudsman met NGOs"), article_index=2)])
    kazakh, ombudsman = stem("kazakhstan"), stem("ombudsman")
    assert idx.absent("d1", 2, [kazakh, ombudsman]) == [kazakh]
    assert idx.absent("d1", 1, [kazakh]) == []
    assert idx.absent("other", 1, [kazakh]) == [kazakh]


def test_absent_follows_each_document_through_replacements():
    # absent() reads only the rowid span docs records for the document: a replaced document's new rows (after its
    # neighbour's) must be the ones read, and the neighbour's words never count for it
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "Kazakhstan hosted a forum")])
    idx.replace_document("d2", "v1", [_p("b", "d2", "Baku hosted a forum"), _p("c", "d2", "Baku again")])
    idx.replace_document("d1", "v2", [_p("a", "d1", "Tashkent hosted a forum"), _p("d", "d1", "Nothing else")])
    kazakh, tashkent, baku = stem("kazakhstan"), stem("tashkent"), stem("baku")
    assert idx.absent("d1", 0, [kazakh, tashkent, baku]) == [kazakh, baku]
    assert idx.absent("d2", 0, [tashkent, baku]) == [tashkent]
    idx.remove_document("d2")
    assert idx.absent("d2", 0, [baku]) == [baku]


def test_hyphenated_name_is_found_as_a_phrase_of_its_stems():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "The Anti-Cancer Society runs mobile teams")])
    anti_cancer, non_governmental = " ".join(stems("Anti-Cancer")), " ".join(stems("non-governmental"))
    assert idx.absent("d1", 0, [anti_cancer, stem("society")]) == []
    assert idx.absent("d1", 0, [non_governmental]) == [non_governmental]


def test_query_terms_drop_contractions():
    from vectorstore.keyword import query_terms

    assert query_terms("Why couldn't the Ombudsman meet NGOs?") == ["ombudsman", "meet", "ngos"]


def test_tokens_fold_diacritics_and_case_like_unicode61_ascii_or_not():
    from vectorstore.terms import tokens

    assert tokens("Ombudsman ÉLAN Café naïve Şəki") == ["ombudsman", "elan", "cafe", "naive", "səki"]
    assert tokens("Ombudsman ELAN Cafe") == ["ombudsman", "elan", "cafe"]


def test_search_leaves_out_a_term_in_half_the_passages_and_falls_back_when_too_few_match():
    idx = KeywordIndex(":memory:")
    texts = ["The Ombudsman visited prisons", "The Ombudsman met NGOs", "The Ombudsman wrote a report",
             "Parliament debated prisons", "A report on schools"]
    idx.replace_document("d1", "v1", [_p(f"p{i}", "d1", t) for i, t in enumerate(texts)])
    ombudsman, prison = stem("ombudsman"), stem("prisons")
    assert idx._informative([ombudsman, prison]) == [prison]  # "ombudsman" is in 3 of 5 passages
    # enough passages hold "prisons": those two, in the order all terms give (BM25 weighs "ombudsman" at ~0)
    assert [pid for pid, _ in idx.search("Ombudsman prisons", 2)] == ["p3", "p0"]
    assert [pid for pid, _ in idx._search([ombudsman, prison], 2, [], "")] == ["p3", "p0"]
    # more asked for than hold "prisons": all terms, so the Ombudsman-only passages fill the list as before
    assert [pid for pid, _ in idx.search("Ombudsman prisons", 5)][:2] == ["p3", "p0"]
    assert len(idx.search("Ombudsman prisons", 5)) == 4


def test_doc_freq_counts_follow_this_index_own_writes():
    idx = KeywordIndex(":memory:")
    idx.replace_document("d1", "v1", [_p("a", "d1", "Roma children")])
    assert idx.doc_freq([stem("roma")]) == {stem("roma"): 1}
    idx.replace_document("d2", "v1", [_p("b", "d2", "Roma settlements")])
    assert idx.doc_freq([stem("roma")]) == {stem("roma"): 2}
    idx.remove_document("d1")
    assert idx.doc_freq([stem("roma")]) == {stem("roma"): 1}


def test_doc_freq_counts_follow_writes_made_by_another_process(tmp_path):
    # the app keeps counts between questions; an ingest run elsewhere on the same file must not leave them stale
    # (a stale 0 would tell the user "the documents never mention" a word a new document holds)
    path = tmp_path / "keyword.sqlite3"
    reader, writer = KeywordIndex(path), KeywordIndex(path)
    assert reader.doc_freq([stem("mahalla")]) == {stem("mahalla"): 0}
    writer.replace_document("d1", "v1", [_p("a", "d1", "The mahalla committees")])
    assert reader.doc_freq([stem("mahalla")]) == {stem("mahalla"): 1}


def test_stemming_from_many_threads_at_once_is_what_one_thread_gets():
    # The server answers questions in threads; a Snowball stemmer object shared by them raised IndexError.
    import sys
    import threading

    from vectorstore import terms

    words = [w + s for w in ("organis", "nation", "detent", "govern", "establish")
             for s in ("ation", "ations", "ing", "ed", "ment", "ly")] * 40
    expected = [terms._plain_stem(w) for w in words]
    failures: list[str] = []

    def run() -> None:
        try:
            if [terms._plain_stem(w) for w in words] != expected:
                failures.append("different stems")
        except Exception as error:  # noqa: BLE001 - the failure under test
            failures.append(repr(error))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=run) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
