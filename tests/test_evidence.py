from assistant.evidence import best_sentences, content_stems, idf_weights, split_sentences, stem, support, years_missing


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


def test_focus_stems_take_words_after_wh_word_until_preposition():
    from assistant.evidence import focus_stems

    assert focus_stems("What is the annual budget of the Ombudsman's office?") == ["annual", "budget"]
    assert focus_stems("Which Russian official attended the roundtable?") == ["russia", "offici"]
    assert focus_stems("With which organisations has the Ombudsman signed memoranda?") == ["organi"]
    assert focus_stems("Who launched the platform?") == []


def test_question_entities_skip_first_word_and_merge_demonyms():
    from assistant.evidence import question_entities

    assert question_entities("How many complaints did the Ombudsman of Kazakhstan's office receive?") == {
        "ombuds": "ombudsman", "kazakh": "kazakhstan"}
    assert question_entities("When did the Azerbaijani Ombudsman meet NGOs?") == {"azerba": "azerbaijani",
                                                                                   "ombuds": "ombudsman",
                                                                                   "ngo": "ngos"}


def test_query_terms_for_doubles_focus_weight(make_index):
    from assistant.evidence import FOCUS_WEIGHT, idf_weights, query_terms_for
    from tests.helpers import add_doc

    index = make_index()
    add_doc(index, "d", [("1", "news", "The budget of the office"), ("2", "news", "The office opened")])
    terms = query_terms_for("What is the budget of the office?", index.keyword)
    plain = idf_weights(terms.stems, terms.doc_freq, 2)
    assert terms.focus == ("budget",)
    assert terms.weights["budget"] == FOCUS_WEIGHT * plain["budget"]
    assert terms.doc_freq == {"budget": 1, "office": 2}


def test_stem_drops_ing_after_plural():
    assert stem("speaking") == stem("speak") == "speak"
    assert stem("meetings") == stem("meeting") == "meet"


def test_stem_maps_irregular_past_forms_to_the_question_verb():
    from assistant.evidence import stem

    assert stem("spoke") == stem("speak") == stem("speaking")
    assert stem("found") == stem("find")
    assert stem("Held") == stem("hold")


def test_focus_of_a_do_question_is_not_its_subject():
    from assistant.evidence import focus_stems

    assert focus_stems("What did the Uzbek Ombudsman speak about at the conference?") == []
    assert focus_stems("What has the Commissioner done?") == []
    assert focus_stems("What is the annual budget of the office?") == ["annual", "budget"]


def test_predicate_of_a_do_question_is_its_main_verb():
    from assistant.evidence import predicate_stem

    assert predicate_stem("What did the Uzbek Ombudsman Feruza Eshmatova speak about at the conference?") == "speak"
    assert predicate_stem("What advisory body did the Commissioner for Human Rights establish?") == "establ"
    assert predicate_stem("What areas does the 2025-2026 roadmap between the ombudspersons cover?") == "cover"
    assert predicate_stem("In which mahallas did youth activists organise free courses?") == "organi"
    assert predicate_stem("Why does the assessment see a risk?") == ""  # a light verb carries no meaning
    assert predicate_stem("What does the assessment recommend about NGOs?") == ""  # a question word
    assert predicate_stem("Who launched the platform?") == ""  # no auxiliary: the verb is an ordinary term


def test_query_terms_weigh_the_predicate_like_the_focus(make_index):
    from assistant.evidence import FOCUS_WEIGHT, idf_weights, query_terms_for
    from tests.helpers import add_doc

    index = make_index()
    add_doc(index, "d", [("1", "news", "A council was established"), ("2", "news", "The council met")])
    terms = query_terms_for("What did the council establish?", index.keyword)
    plain = idf_weights(terms.stems, terms.doc_freq, 2)
    assert terms.predicate == "establ"
    assert terms.weights["establ"] == FOCUS_WEIGHT * plain["establ"]
    assert terms.weights["counci"] == plain["counci"]


def test_gives_count_wants_a_figure_for_the_counted_thing_not_a_date():
    from assistant.evidence import gives_count, stem

    assert gives_count("In the first half of 2025, over 9,800 appeals were received.", [stem("appeals")])
    assert gives_count("Two medical workers were absent.", ["worker"])
    assert not gives_count("From June 1, 2022, an electronic platform for volunteers will be launched.", ["volunt"])
    assert not gives_count("The council includes numerous NGOs.", ["ngo"])
    assert not gives_count("The roadmap for 2025–2026 was signed.", [])
    assert not gives_count("The Ombudsman received 9,800 appeals. Volunteers were thanked.", ["volunt"])


def test_best_sentences_bring_the_list_a_chosen_sentence_introduces():
    from assistant.evidence import best_sentences

    text = ("The Foundation voiced the idea of creating a regional hub, focused on:\n• improvement of legislation;\n"
            "• small grants for low-income families.")
    chosen = [s for s, _ in best_sentences(["founda", "hub"], text, {})]
    assert chosen == ["The Foundation voiced the idea of creating a regional hub, focused on:",
                      "• improvement of legislation;", "• small grants for low-income families."]


def test_synonyms_share_a_stem_and_the_keyword_query_asks_for_them():
    from assistant.evidence import stem, support, synonyms_of
    from assistant.retrieval import with_synonyms

    assert stem("appeals") == stem("complaint") and stem("CSOs") == stem("NGOs") and stem("communal") == stem("utility")
    assert stem("women") == stem("woman") and stem("children") == stem("child")
    assert synonyms_of("utilities") == ["communal"]
    assert support([stem("utility"), stem("complaints")], "Communal organisations review appeals.", {}).coverage == 1.0
    assert with_synonyms("utility companies") == "utility companies communal"


def test_gives_count_for_a_year_wants_the_figure_framed_by_that_year():
    from assistant.evidence import gives_count, stem

    text = ("In the first half of 2025, over 9,800 appeals were received. "
            "The Ombudsman made 491 visits, exceeding the 452 visits made in 2024.")
    assert gives_count(text, [stem("appeals")], ["2025"])
    assert not gives_count(text, [stem("appeals")], ["2024"])
    orders = "In 2021, 39,343 appeals were received. Of these, 378 orders were issued to minors."
    assert gives_count(orders, [stem("orders")], ["2021"])  # the year named last before the figure
    assert gives_count("Of these, 378 orders were issued.", [stem("orders")], ["2021"], frame="Orders Issued in 2021")


def test_gives_count_ignores_numbers_that_name_things():
    from assistant.evidence import gives_count, stem

    assert not gives_count("The Government supported Directive (EU) 2024/1069 to protect journalists.",
                           [stem("journalists")], ["2024"])
    assert not gives_count("Journalists visited colony settlement No. 43.", [stem("journalists")])
    assert not gives_count("Journalists rarely reported violence.52 CoE-Commissioner noted it.", [stem("journalists")])
    assert gives_count("Journalists: 9,800 appeals, COVID-19 aside.", [stem("journalists")])
    assert gives_count("In 2024, 12 journalists were detained.", [stem("journalists")], ["2024"])
