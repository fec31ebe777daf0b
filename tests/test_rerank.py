from dataclasses import replace

from assistant.evidence import stem
from assistant.rerank import answer_type, is_continuation, rerank
from assistant.retrieval import Intent, Retrieved
from ingest.types import Passage


def _r(doc, ordinal, text, dense=0.5, keyword=1.0, kind="news", article=0):
    p = Passage(id=f"{doc}:v:{ordinal}", doc_id=doc, ordinal=ordinal, text=text, paragraph=str(ordinal + 1),
                label=f"{doc} ¶{ordinal + 1}", section_kind=kind, article_index=article)
    return Retrieved(p, 0.0, dense=dense, keyword=keyword)


def test_rerank_prefers_higher_coverage():
    items = [_r("a", 0, "The weather was fine."), _r("a", 1, "Over 9,800 appeals were received.")]
    ranked = rerank("How many appeals were received?", items, [stem("appeals"), "receiv"], {}, Intent(numeric=True))
    assert ranked[0].passage.ordinal == 1
    assert ranked[0].coverage == 1.0


def test_rerank_continuation_inherits_from_previous_paragraph():
    first = _r("a", 0, "Speaking at the event, Eshmatova congratulated the hosts.", dense=0.9, keyword=5)
    cont = _r("a", 1, "Also, the Ombudsman focused on monitoring visits.", dense=0.0, keyword=0.0)
    other = _r("b", 0, "An unrelated event took place.", dense=0.6, keyword=2)
    ranked = rerank("What did Eshmatova speak about?", [first, other, cont], ["eshmat", "speak"], {}, Intent())
    assert [r.passage.doc_id + str(r.passage.ordinal) for r in ranked] == ["a0", "a1", "b0"]


def test_rerank_continuation_does_not_cross_articles():
    first = _r("a", 0, "Eshmatova spoke.", dense=0.9, keyword=5, article=1)
    cont = replace(_r("a", 1, "Also, something else.", dense=0.0, keyword=0.0), passage=replace(
        _r("a", 1, "Also, something else.").passage, article_index=2))
    ranked = rerank("What did Eshmatova say?", [first, cont], ["eshmat"], {}, Intent())
    assert ranked[1].score < 0.97 * ranked[0].score


def test_rerank_recommendation_intent_boosts_recommendations():
    finding = _r("a", 0, "Mahallas are partners.", dense=0.6)
    rec = _r("a", 1, "Closer cooperation with mahallas is required.", dense=0.5, kind="recommendation")
    ranked = rerank("Which recommendations concern mahallas?", [finding, rec], ["mahall"], {},
                    Intent(recommendation=True))
    assert ranked[0].passage.section_kind == "recommendation"


def test_rerank_which_documents_gives_one_opening_passage_per_document():
    items = [_r("a", 3, "meeting with NGOs", dense=0.9), _r("a", 0, "An online meeting was held with NGOs.", dense=0.6),
             _r("a", 4, "meeting again", dense=0.8), _r("b", 2, "NGOs met the ombudsman", dense=0.7)]
    ranked = rerank("Which documents describe meetings with NGOs?", items, ["meetin", "ngo"], {}, Intent(listing=True))
    assert [(r.passage.doc_id, r.passage.ordinal) for r in ranked[:2]] == [("a", 0), ("b", 2)]


def test_answer_type_and_continuation_detection():
    assert answer_type("When did the meeting happen?") == "date"
    assert answer_type("Which Russian official attended?") == "person"
    assert answer_type("How many appeals?") == ""
    assert is_continuation("Also, the Ombudsman focused on reforms.")
    assert not is_continuation("Also-rans are not continuations")


def test_answer_type_place_and_regional_person_names():
    from assistant.rerank import _PERSON, _PLACE

    assert answer_type("Where was the conference held?") == "place"
    assert _PLACE.search("a conference organized in Baku on October 19-20")
    assert not _PLACE.search("In the first half of 2025, in the field of rights")
    assert _PERSON.search("the Commissioner, Tatyana Moskalkova, attended")
    assert not _PERSON.search("the Oliy Majlis for Human Rights")


def test_rerank_list_question_reads_a_dominant_newsletter_article_in_order():
    items = [_r("n", 5, "shortcomings found", dense=0.9, article=3), _r("n", 2, "the beds are too close", dense=0.5,
             article=3), _r("n", 4, "shortcomings in dining", dense=0.8, article=3),
             _r("n", 3, "shortcomings in medical care", dense=0.7, article=3), _r("x", 0, "other", dense=0.6)]
    ranked = rerank("What shortcomings were found?", items, ["shortc"], {}, Intent(listing=True))
    assert [(r.passage.doc_id, r.passage.ordinal) for r in ranked] == [("n", 2), ("n", 3), ("n", 4), ("n", 5),
                                                                       ("x", 0)]


def test_rerank_list_question_on_a_news_page_keeps_score_order():
    items = [_r("p", 5, "proposals were put forward", dense=0.9), _r("p", 0, "a meeting", dense=0.5),
             _r("p", 2, "participants", dense=0.6), _r("p", 3, "more", dense=0.55)]
    ranked = rerank("What proposals were put forward?", items, ["propos"], {}, Intent(listing=True))
    assert ranked[0].passage.ordinal == 5


def test_rerank_off_topic_passage_loses_to_one_naming_the_question_entity():
    about_other_country = _r("uz", 0, "The Advisory Council under the Ombudsman met.", dense=0.7)
    about_asked_country = _r("az", 0, "A Council of Independent Experts was established.", dense=0.6)
    about_other_country.entities_missing = 1.0  # set by the retriever: "Azerbaijan" is not in that document
    ranked = rerank("What advisory body did the Commissioner of Azerbaijan establish?",
                    [about_other_country, about_asked_country], ["adviso", "establ"], {}, Intent())
    assert ranked[0].passage.doc_id == "az"


def test_rerank_focus_word_in_the_paragraph_itself_wins_over_the_shared_heading():
    lead = _r("r", 0, "A roundtable was held in Tashkent.", dense=0.6, keyword=5)
    answer = _r("r", 2, "The event was also attended by the Russian Commissioner.", dense=0.6, keyword=4)
    ranked = rerank("Which Russian official attended the roundtable?", [lead, answer], ["russia", "roundt"], {},
                    Intent(), focus=["russia", "offici"])
    assert ranked[0].passage.ordinal == 2


def test_answer_type_problem_wants_what_is_wrong_not_the_category_word():
    from assistant.rerank import has_answer_type

    assert answer_type("What shortcomings did the representative find in the colony?") == "problem"
    assert answer_type("Which challenges does the assessment identify?") == "problem"
    assert answer_type("What proposals did NGO directors put forward?") == ""
    assert has_answer_type("problem", "the dining room does not meet sanitary requirements")
    assert has_answer_type("problem", "Buildings for visits are in disrepair")
    assert not has_answer_type("problem", "reported serious shortcomings in the colony settlement No. 43")
    assert not has_answer_type("", "does not meet")


def test_rerank_problem_list_puts_the_paragraphs_saying_what_is_wrong_first_in_reading_order():
    lead = _r("n", 0, "The representative reported serious shortcomings in colony No. 43.", dense=0.9, keyword=9,
              article=2)
    facts = _r("n", 1, "He found 656 convicts in the colony.", dense=0.8, keyword=6, article=2)
    beds = _r("n", 2, "The beds in the bedrooms are placed too close.", dense=0.5, article=2)
    dining = _r("n", 3, "The dining room does not meet sanitary requirements.", dense=0.5, article=2)
    ranked = rerank("What shortcomings did the representative find in the colony?", [lead, facts, dining, beds],
                    ["shortc", "repres", "find", "colony"], {}, Intent(listing=True))
    assert [r.passage.ordinal for r in ranked] == [2, 3, 0, 1]
    assert [r.typed for r in ranked] == [True, True, False, False]


def test_answer_type_reason_for_why_questions():
    from assistant.rerank import has_answer_type

    assert answer_type("Why did the Ombudsman meet NGOs online?") == "reason"
    assert answer_type("What was the Baku conference meant to achieve?") == "reason"
    assert has_answer_type("reason", "The main purpose of the conference is to bring together ombudspersons")
    assert has_answer_type("reason", "it was not possible to hold a live meeting due to the pandemic")
    assert not has_answer_type("reason", "The Ombudsman met NGOs online.")


def test_answer_type_title_wants_a_quoted_name():
    from assistant.rerank import has_answer_type

    assert answer_type("What was the title of the conference in Baku?") == "title"
    assert has_answer_type("title", 'the conference on the topic “The role of the Ombudsman in business”')
    assert not has_answer_type("title", "An international conference was held in Baku.")


def test_paragraph_after_a_colon_continues_it():
    assert is_continuation("Close cooperation with the UN is essential.", "Komil Allamjonov, Chairman of the Board:")
    assert not is_continuation("Close cooperation with the UN is essential.", "He spoke at the event.")
