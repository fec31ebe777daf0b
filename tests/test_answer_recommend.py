"""Recommendation questions answered from the recommendations index (assistant.answer.recommend), pure parts."""
from dataclasses import replace

from assistant.answer import recommend
from assistant.answer.question import analyze
from assistant.recommendations.items import RecommendationItem
from assistant.recommendations.tagging import Tag, load_vocabulary

VOCABULARY = load_vocabulary("""
themes:
  - {id: housing, label: Housing, description: housing, keywords: ["housing", "settlements?"]}
groups:
  - {id: roma, label: Roma, description: Roma people, keywords: ["Roma"]}
  - {id: children, label: Children, description: children, keywords: ["child(ren)?", "kids"]}
""")


def Item(paragraph: str, text: str, actor: str = "", doc_id: str = "wg4", **fields) -> RecommendationItem:
    """A recommendation item as the explorer makes it (assistant.recommendations.items)."""
    return RecommendationItem(id=f"{doc_id}:{paragraph}", doc_id=doc_id, file_name=f"{doc_id}.pdf",
                              doc_title=doc_id, paragraph=paragraph, label=f"{doc_id}, ¶{paragraph}",
                              passage_id=f"{doc_id}:v1:{paragraph}",
                              text=text, actor=actor, states=tuple(s.strip() for s in actor.split(",") if s.strip()),
                              **fields)


def tag(i: str) -> Tag:
    return Tag(i, i.title(), "keyword", 1.0)


ITEMS = [
    Item("140.10", "Improve housing of Roma (Algeria);", "Algeria", groups=(tag("roma"),), themes=(tag("housing"),),
         response_status="supported"),
    Item("140.9", "Combat discrimination against Roma children (Türkiye);", "Türkiye",
         groups=(tag("roma"), tag("children")), response_status="noted", response_reason="Already in force."),
    Item("140.55", "Decriminalize defamation (Ireland);", "Ireland", response_status="noted"),
    Item("115.3", "Improve Roma settlements (Austria);", "Austria", doc_id="wg2", groups=(tag("roma"),),
         response_status="supported"),
]


WORDS = recommend.ItemWords.of(ITEMS)


def criteria_for(question: str, doc_ids=()):
    q = analyze(question)
    return recommend.criteria(q, recommend.mentioned(VOCABULARY, q.search), doc_ids, ["Slovenia"]), q


def test_groups_named_by_the_question_select_by_tag_not_by_words():
    c, q = criteria_for("Which recommendations concern Roma?")
    assert c.groups == ("roma",) and c.topic == ()
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.10", "140.9", "115.3"]


def test_documents_named_by_description_restrict_the_items():
    c, q = criteria_for("Which recommendations concern Roma in the latest review?", doc_ids={"wg4"})
    assert {i.doc_id for i in recommend.matching(ITEMS, c, WORDS)} == {"wg4"}


def test_recommending_state_is_a_country_other_than_the_one_under_review():
    c, q = criteria_for("What did Turkey recommend to Slovenia about Roma?")
    assert c.actors == ("Türkiye",)
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.9"]


def test_which_did_slovenia_note_filters_by_response_but_did_slovenia_accept_shows_it():
    c, q = criteria_for("Which recommendations on Roma did Slovenia only note?")
    assert c.status == "noted"
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.9"]
    c, _ = criteria_for("Did Slovenia accept the recommendations on defamation?")
    assert c.status == "" and c.show_response and c.topic == ("defam",)


def test_topic_words_must_be_covered_by_the_item():
    c, q = criteria_for("Which recommendations concern defamation?")
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.55"]


def test_topic_words_no_item_uses_are_about_the_question_not_the_topic():
    c, q = criteria_for("Which recommendations concern defamation, and what justification was recorded?")
    assert "justif" in c.topic
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.55"]


def test_topic_words_decide_over_tags_when_there_are_any():
    c, q = criteria_for("Which recommendations concern discrimination of Roma?")
    assert c.groups == ("roma",) and c.topic == ("discrimin",)
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.9"]


def test_a_question_naming_nothing_is_left_to_the_passage_path():
    c, _ = criteria_for("Which recommendations were made?")
    assert not c.names_something


def test_list_counts_every_match_groups_by_document_newest_first_and_shows_n_of_m():
    c, q = criteria_for("Which recommendations concern Roma?")
    items = recommend.matching(ITEMS, c, WORDS)
    listing = recommend.compose_list(c, items, {"wg4": "A/HRC/59/15", "wg2": "A/HRC/28/15"}, ["wg4", "wg2"], shown=2)
    lines = listing.draft.text.splitlines()
    assert lines[0] == "3 recommendations match; 2 of 3 shown."
    assert lines[1] == "A/HRC/59/15: 2 recommendations (1 supported, 1 noted)"
    assert lines[2].startswith("- 140.9: Combat") and lines[2].endswith("— noted: Already in force. [1]"), \
        "the State is not repeated when the text names it"
    assert lines[3].startswith("- 140.10: Improve") and lines[3].endswith("— supported [2]")
    assert lines[4] == "A/HRC/28/15: 1 recommendation (1 supported)"
    assert "1 more" in lines[-1]
    assert (listing.total, listing.shown, dict(listing.by_document)) == (3, 2, {"wg4": 2, "wg2": 1})
    assert [c.marker for c in listing.draft.citations] == [1, 2]


def test_a_recommendation_named_by_number_is_that_item():
    c, q = criteria_for("what did slovenia answer to rec 140.55?")
    assert c.numbers == ("140.55",)
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.55"]


def test_a_question_about_the_response_cites_the_views_paragraph_that_states_it_once():
    from assistant.types import Citation

    c, _ = criteria_for("Did Slovenia accept the recommendations on Roma housing?")
    assert c.show_response
    views = Citation(marker=0, passage_id="views:v1:3", label="Views, ¶3", file_name="views.pdf", paragraph="3",
                     page=None, section_kind="response", quote="Slovenia supports 140.10 and 140.11.")
    items = [Item("140.10", "Improve housing of Roma (Algeria);", "Algeria", response_status="supported",
                  response_passage_id="views:v1:3"),
             Item("140.11", "Build Roma housing (Chile);", "Chile", response_status="supported",
                  response_passage_id="views:v1:3")]
    listing = recommend.compose_list(c, items, {"wg4": "A/HRC/59/15"}, ["wg4"], responses={"views:v1:3": views})
    markers = [(x.marker, x.passage_id) for x in listing.draft.citations]
    assert markers == [(1, "wg4:v1:140.10"), (2, "views:v1:3"), (3, "wg4:v1:140.11")]
    assert "— supported [2] [1]" in listing.draft.text and "— supported [2] [3]" in listing.draft.text
    plain = recommend.compose_list(replace(c, show_response=False), items, {}, ["wg4"], responses={"views:v1:3": views})
    assert [x.passage_id for x in plain.draft.citations] == ["wg4:v1:140.10", "wg4:v1:140.11"]


def _source(status, count, pid, stated=False):
    from assistant.recommendations import CountSource

    return CountSource(status, count, pid, f"Views, {pid}", stated)


def test_a_count_over_whole_documents_cites_the_paragraph_that_states_it_or_says_it_was_counted():
    c, _ = criteria_for("How many recommendations did Slovenia support in the fourth cycle?")
    assert c.count and c.status == "supported" and c.whole_documents
    counts = {"wg4": {"supported": 217, "noted": 37, "partially": 0, "none": 0, "total": 254},
              "wg1": {"supported": 90, "noted": 4, "partially": 3, "none": 0, "total": 97},
              "list2": {"supported": 142, "noted": 21, "partially": 0, "none": 0, "total": 163},
              "news": {"supported": 0, "noted": 0, "partially": 0, "none": 5, "total": 5}}
    sources = {"wg4": [_source("supported", 217, "v4:2", True), _source("supported", 178, "v4:3")],
               "list2": [_source("supported", 142, "v4:2", True)]}  # the same views paragraph: not counted twice
    draft = recommend.compose_count(c, counts, sources, {"wg4": "A/HRC/59/15", "wg1": "A/HRC/14/15"},
                                    ["wg4", "list2", "wg1", "news"])
    assert draft.text.splitlines() == ["A/HRC/59/15: 217 of 254 recommendations supported [1]",
                                       "A/HRC/14/15: 90 of 97 recommendations supported (counted by hrqa from the "
                                       "State's answers)"]
    assert [x.passage_id for x in draft.citations] == ["v4:2"]
    lists = {"wg4": [_source("supported", 178, "v4:3"), _source("supported", 39, "v4:4")]}
    summed = recommend.compose_count(c, {"wg4": counts["wg4"]}, lists, {}, ["wg4"])
    assert summed.text == "wg4: 217 of 254 recommendations supported [1] [2]"  # status lists that add up
    assert recommend.compose_count(c, {"wg1": counts["wg1"]}, {}, {}, ["wg1"]) is None  # nothing to cite


def test_words_that_frame_the_question_name_no_theme():
    vocabulary = load_vocabulary("""
themes:
  - {id: international, label: UPR and treaty bodies, description: d, keywords: ["UPR\\\\b", "treaty bod(y|ies)"]}
groups: []
""")
    assert recommend.mentioned(vocabulary, "Which recommendations of the fourth UPR review?")[0] == ()
    assert recommend.mentioned(vocabulary, "Which recommendations on treaty bodies?")[0] == ("international",)
    assert recommend.names_recommendations("How many recommendations did Slovenia support?")


ASKING = load_vocabulary("""
themes:
  - {id: international, label: Ratification of treaties, description: d, keywords: ["ratif", "Istanbul Convention"]}
  - {id: disappearance, label: Enforced disappearance, description: d, keywords: ["enforced disappearance"]}
  - {id: racism, label: Racial discrimination, description: d, keywords: ["Roma"]}
groups:
  - {id: disappeared, label: Victims of enforced disappearance, description: d, keywords: ["enforced disappearance"]}
  - {id: roma, label: Roma, description: d, keywords: ["Roma"]}
""")


def test_asking_by_a_proper_name_keeps_its_words_as_topic_and_a_shared_phrase_is_an_alternate():
    themes, groups, words, alternates, _ = recommend.mentioned(ASKING, "Which recommendations on ratifying the "
                                                                       "Istanbul Convention?")
    assert themes == ("international",) and words == ("ratifying",)  # "Istanbul Convention" stays topic
    assert recommend.mentioned(ASKING, "recs on enforced disappearance")[1:4] == (
        ("disappeared",), ("enforced disappearance",), ("disappearance",))
    assert recommend.mentioned(ASKING, "recs on Roma")[3] == ()  # one word: no alternate theme
    assert recommend.mentioned(ASKING, "recs on Romani people")[2] == ("Romani",)  # the whole word is no topic


def test_ordinals_and_session_names_are_documents_not_topics():
    # "2nd" named the cycle and "hrc28" the session: as topic words they turned a count into a list of 142 items
    for question in ("how many of its 2nd cycle upr recommendations did slovenia support?",
                     "what share of its 2nd cycle upr recommendations did slovenia support at hrc28?"):
        c, _ = criteria_for(question)
        assert c.topic == () and c.count and c.whole_documents and c.status == "supported"


def test_a_recommender_that_is_no_state_and_refusing_to_accept():
    c, _ = criteria_for("What did the Human Rights Ombudsman recommend about families?")
    assert c.other_recommender
    c, _ = criteria_for("What did Turkey recommend to Slovenia about Roma?")
    assert not c.other_recommender
    c, _ = criteria_for("Which recommendation on Roma did Slovenia refuse to accept?")
    assert c.status == "noted"


def test_a_list_carries_the_recommendations_tab_filter_for_the_same_question():
    c, _ = criteria_for("What did Turkey recommend to Slovenia about Roma?")
    listing = recommend.compose_list(c, recommend.matching(ITEMS, c, WORDS), {}, ["wg4", "wg2"])
    assert listing.filter == {"doc_ids": ["wg4"], "theme": None, "group": "roma", "actor": "Türkiye",
                              "status": None, "query": None, "ids": ["wg4:140.9"]}


def test_the_tab_filter_of_a_joint_list_names_exactly_its_items():
    # The dropdowns hold one group: "Roma children" would open every Roma item; the ids keep the tab to the list.
    for question, listed in (("Which recommendations concern Roma children?", ["wg4:140.9"]),
                             ("Which recommendations concern Roma and children?",
                              ["wg4:140.9", "wg4:140.10", "wg2:115.3"])):
        c, _ = criteria_for(question)
        listing = recommend.compose_list(c, recommend.matching(ITEMS, c, WORDS), {}, ["wg4", "wg2"], shown=1)
        assert listing.filter["group"] == "roma"
        assert listing.filter["ids"] == listed and len(listed) == listing.total


def test_a_recommendation_in_the_report_and_in_ohchrs_list_is_listed_once_from_the_report():
    from assistant.answer.pipeline import _one_per_recommendation
    from assistant.recommendations.explorer import SameRecommendations
    from ingest.types import DocumentMeta
    from vectorstore.store import DocRecord

    def record(doc_id, kind):
        meta = DocumentMeta(doc_id=doc_id, file_name=f"{doc_id}.pdf", title=doc_id, short_title=doc_id,
                            doc_type="report", cycle=2, country="Slovenia", un_kind=kind)
        return DocRecord(meta, "v1", 1)

    manifest = {"list": record("list", "upr_thematic_list"), "wg2": record("wg2", "upr_working_group_report")}
    report = Item("115.3", "Improve Roma settlements (Austria);", doc_id="wg2")
    items = [Item("115.3", "Improve Roma settlements (Austria); / Source of position: ... / - Roma",
                  doc_id="list"),
             report, Item("115.4", "Ratify (Spain);", doc_id="list"),
             Item("251", "Cooperate with mahallas.", doc_id="x")]
    everything = [*items, Item("115.9", "Train the police (Chile);", doc_id="wg2")]
    same = SameRecommendations.of(everything, manifest)
    listed, twins = _one_per_recommendation(items, same)
    assert [(i.doc_id, i.paragraph) for i in listed] == [("wg2", "115.3"), ("list", "115.4"), ("x", "251")]
    assert twins == {report.id: items[0]}  # the list's row is cited beside the report's paragraph
    only_the_list = [items[0], items[2]]  # the UN's label matched, the report's words did not
    assert [(i.doc_id, i.paragraph) for i in _one_per_recommendation(only_the_list, same)[0]] == [
        ("wg2", "115.3"), ("list", "115.4")]
    c, _ = criteria_for("Which recommendations concern Roma?")
    text = recommend.compose_list(c, listed[:1], {}, ["wg2"], twins=twins).draft.text
    assert text.endswith("- 115.3: Improve Roma settlements (Austria); [1] [2]")
    assert recommend.own_text(items[0].text) == "Improve Roma settlements (Austria);"


def test_a_quoted_reason_is_cited_to_the_paragraph_that_gives_it_not_to_the_status_list():
    from assistant.types import Citation

    def views(pid, quote):
        return Citation(marker=0, passage_id=pid, label=f"Views, {pid}", file_name="views.pdf", paragraph=pid,
                        page=None, section_kind="response", quote=quote)

    status_list = views("views:v1:4", "Slovenia supports 140.9 and 140.10.")
    reason = views("views:v1:140.9", "Already in force since 2020.")
    item = Item("140.9", "Combat discrimination against Roma children (Türkiye);", "Türkiye", groups=(tag("roma"),),
                response_status="noted", response_reason="Already in force since 2020.",
                response_passage_id="views:v1:4", reason_passage_id="views:v1:140.9")
    responses = {"views:v1:4": status_list, "views:v1:140.9": reason}
    c, _ = criteria_for("Which recommendations concern Roma?")
    assert not c.show_response
    listed = recommend.compose_list(c, [item], {}, ["wg4"], responses=responses)  # a noted item's reason is shown
    assert "— noted: Already in force since 2020. [2] [1]" in listed.draft.text
    assert [x.passage_id for x in listed.draft.citations] == ["wg4:v1:140.9", "views:v1:140.9"]
    asked, _ = criteria_for("Did Slovenia accept the recommendations on Roma?")
    listed = recommend.compose_list(asked, [item], {}, ["wg4"], responses=responses)
    assert "— noted [2]: Already in force since 2020. [3] [1]" in listed.draft.text
    assert {x.passage_id for x in listed.draft.citations} == {"wg4:v1:140.9", "views:v1:4", "views:v1:140.9"}


SHARED_WORDS = load_vocabulary("""
themes:
  - {id: expression, label: Freedom of opinion and expression, description: d, keywords: ["defamation", "journalis"]}
groups:
  - {id: women, label: Women, description: d, keywords: ["wom[ae]n", "traffick"]}
  - {id: victims, label: Victims of trafficking, description: d, keywords: ["traffick"]}
""")


def test_a_word_names_the_entries_whose_label_holds_it_and_a_mere_keyword_asks_about_the_word():
    themes, groups, words, *_ = recommend.mentioned(SHARED_WORDS, "Which recommendations concern trafficking?")
    assert groups == ("victims",) and words == ("trafficking",)  # not every women's recommendation
    themes, groups, words, *_ = recommend.mentioned(SHARED_WORDS, "Which recommendations on defamation?")
    assert themes == () and words == ()  # "defamation" is one keyword of the theme: it stays a topic word
    items = [Item("140.69", "Decriminalize defamation (Ireland);", "Ireland", themes=(tag("expression"),)),
             Item("140.70", "Protect journalists from threats (Chile);", "Chile", themes=(tag("expression"),))]
    q = analyze("Which recommendations on defamation were made?")
    c = recommend.criteria(q, recommend.mentioned(SHARED_WORDS, q.search), (), ["Slovenia"])
    assert "defam" in c.topic
    assert [i.paragraph for i in recommend.matching(items, c, recommend.ItemWords.of(items))] == ["140.69"]


def test_no_list_when_most_of_the_asked_topic_is_in_no_recommendation():
    items = [*ITEMS, Item("140.237", "Modify the rules of the Registry of Deaths, Births and Marriages (Chile);",
                          "Chile")]
    words = recommend.ItemWords.of(items)
    c, _ = criteria_for("Which country recommended that Slovenia abolish the death penalty?")
    assert recommend.matching(items, c, words) == []  # "deaths" alone is not the death penalty
    c, _ = criteria_for("Which recommendations concern defamation, and what justification was recorded?")
    assert [i.paragraph for i in recommend.matching(items, c, words)] == ["140.55"]  # later clauses ask the answer


def test_a_followup_narrows_the_list_before_it():
    history = [("user", "Which recommendations concern Roma?"), ("assistant", "3 recommendations match. [1]", ())]
    for question, paragraphs in (("Which of them did Algeria make?", ["140.10"]),
                                 ("And which of them were noted?", ["140.9"])):
        q = analyze(question, None, history)
        assert q.recommendation, question
        c = recommend.criteria(q, recommend.mentioned(VOCABULARY, q.search), (), ["Slovenia"])
        assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == paragraphs, question


def test_who_recommends_when_it_is_no_state():
    for question in ("What has the Committee against Torture recommended on overcrowding?",
                     "CAT's recommendations on asylum centres", "recommendations by the Ombudsman on prisons"):
        assert criteria_for(question)[0].other_recommender, question
    for question in ("Which recommendations concern the Ombudsman?",  # the States' recommendations about it
                     "Which national human rights institution recommendations did Slovenia accept?",
                     "which countries recommended Slovenia set up an independent institution?"):
        assert not criteria_for(question)[0].other_recommender, question


def test_a_question_in_another_language_names_who_recommends_without_the_verb():
    # the translation is a bag of English words ("what recommendations Ombudsman gender marker documents")
    assert criteria_for("Что рекомендовал омбудсмен насчёт смены гендерного маркера в документах?")[0].other_recommender
    assert not criteria_for("Какие рекомендации касались омбудсмена?")[0].other_recommender  # the topic
    assert not criteria_for("Как Словения отнеслась к рекомендации Польши создать отдельного омбудсмена по правам "
                            "детей?")[0].other_recommender  # Poland recommended


POVERTY = load_vocabulary("""
themes: []
groups:
  - {id: poverty, label: Persons living in poverty, description: d, keywords: ["poverty", "economic crisis"]}
""")


def test_the_other_words_of_a_named_entrys_label_name_it_too():
    items = [Item("115.137", "Reduce the numbers of persons at risk of poverty (Malaysia);", "Malaysia",
                  groups=(tag("poverty"),)),
             Item("115.136", "Face the effects of the economic crisis (Cuba);", "Cuba", groups=(tag("poverty"),)),
             Item("115.72", "Improve the living conditions of Roma (Chile);", "Chile")]
    q = analyze("Which recommendations concern persons living in poverty?")
    c = recommend.criteria(q, recommend.mentioned(POVERTY, q.search), (), ["Slovenia"])
    assert c.groups == ("poverty",) and c.topic == ()  # "living" is the group's name, not what the items hold
    assert [i.paragraph for i in recommend.matching(items, c, recommend.ItemWords.of(items))] == ["115.137",
                                                                                                "115.136"]


def test_groups_named_side_by_side_are_joint_and_groups_named_apart_are_either():
    c, _ = criteria_for("Which recommendations concern Roma children?")
    assert set(c.joint) == {"roma", "children"}
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.9"]  # not every Roma or child item
    c, _ = criteria_for("Which recommendations concern Roma and children?")
    assert c.joint == ()
    assert [i.paragraph for i in recommend.matching(ITEMS, c, WORDS)] == ["140.10", "140.9", "115.3"]
