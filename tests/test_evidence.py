from assistant.evidence import (best_sentences, content_stems, idf_weights, split_sentences, stem, support,
                                years_missing)


def test_stem_matches_inflections():
    assert stem("Recommendations") == stem("recommended") == "recomm"
    assert stem("organisations") == "organi"
    assert stem("NGOs") == stem("NGO") == "ngo"


def test_content_stems_drop_question_words():
    assert content_stems("Which recommendations concern mahallas?") == ["mahall"]


def test_split_sentences_keeps_numbers_and_abbreviation_free_text():
    text = "Over 3.8 billion soums were recovered. Furthermore, 491 visits were made. Done"
    assert split_sentences(text) == ["Over 3.8 billion soums were recovered.", "Furthermore, 491 visits were made.",
                                     "Done"]


def test_support_weights_rare_terms_higher():
    stems = ["budget", "ombuds"]
    weights = idf_weights(stems, {"budget": 0, "ombuds": 50}, 100)
    s = support(stems, "The Ombudsman office", weights)
    assert s.missing == ("budget",)
    assert s.coverage < 0.5


def test_years_missing_lists_years_not_in_text():
    assert years_missing("How many complaints in 2023?", "In 2025, 9,800 appeals") == ["2023"]
    assert years_missing("How many in 2025?", "In 2025, 9,800 appeals") == []


def test_best_sentences_prefers_covering_sentence_and_numbers():
    text = "The roundtable was held. In the first half of 2025, over 9,800 appeals were received."
    chosen = best_sentences(["appeal", "receiv"], text, {}, want_numbers=True, limit=1)
    assert chosen[0][0] == "In the first half of 2025, over 9,800 appeals were received."
