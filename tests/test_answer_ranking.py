"""Features, ranking, the answerability check and the composer (assistant.answer), on literal passages."""
import json

import pytest

from assistant.answer import checks, compose
from assistant.answer.features import NAMES, Pool, View, coverage, has_type, values
from assistant.answer.question import Corpus, analyze
from assistant.answer.ranking import Model, Weights, is_continuation, rank
from ingest.errors import ConfigError
from ingest.types import DocumentMeta, Passage
from tests.helpers import hand_weights
from vectorstore.store import DocRecord

DOC = DocRecord(DocumentMeta(doc_id="d", file_name="d.txt", title="Report", short_title="Report", doc_type="report",
                             date="2025-07-30"), "v1", 9)


def passage(n: int, text: str, kind: str = "body", article: int = 0, doc: str = "d") -> Passage:
    return Passage(id=f"{doc}:v1:{n:05d}", doc_id=doc, ordinal=n, text=text, paragraph=str(n), label=f"Report, ¶{n}",
                   numbered=True, section_kind=kind, article_index=article)


def view(p: Passage, **scores) -> View:
    return View(p, DOC, **scores)


def row(question: str, p: Passage, pool: Pool | None = None, **scores) -> dict:
    return values(analyze(question), [view(p, **scores)], pool or Pool())[0]


def test_coverage_weighs_rare_words_more():
    q = analyze("mahallas ombudsman", Corpus(lambda s: {"mahalla": 1, "ombudsman": 90}, 100))
    assert coverage(q, frozenset({"mahalla"})) > 0.7 > 0.3 > coverage(q, frozenset({"ombudsman"}))


def test_a_figure_counts_but_dates_identifiers_and_footnote_markers_do_not():
    assert has_type("number", "Over 9,800 appeals were received.")
    assert not has_type("number", "On 30 July 2025 the report A/HRC/59/15 was adopted.")
    assert not has_type("number", "the Ombudsman noted the problem.12")
    assert not has_type("number", "violence rose during the COVID-19 pandemic, with a low rate of prosecutions")
    assert not has_type("number", "suicide was a major cause of mortality among children aged 10-14")
    assert has_type("number", "children under 15 were 402")


def test_a_year_question_is_answered_by_a_year_not_by_a_day_and_month():
    # "what year was the Baku conference?" over a text that gives only "October 19-20" is not answered
    assert has_type("date", "organized in Baku on October 19-20") and not has_type("year", "organized on October 19-20")
    assert has_type("year", "The network was created in 2018.") and not has_type("year", "It had 2,018 passages.")
    text = "The conference in Baku took place on October 19-20."
    assert row("What year was the conference in Baku?", passage(1, text))["answer_type"] == 0.0
    assert row("When was the conference in Baku?", passage(1, text))["answer_type"] == 1.0


def test_year_feature_is_plus_one_minus_one_or_zero():
    p = passage(1, "In 2024, 452 visits were made.")
    assert row("How many visits in 2024?", p)["year"] == 1.0
    assert row("How many visits in 2019?", p)["year"] == -1.0
    assert row("How many visits?", p)["year"] == 0.0
    assert row("What happened in 2025?", passage(2, "Nothing dated."))["year"] == 1.0, "the document's date counts"


def test_count_wants_a_figure_next_to_the_counted_thing():
    q = "How many appeals were received?"
    assert row(q, passage(1, "Over 9,800 appeals were received."))["count"] == 1.0
    assert row(q, passage(2, "Appeals are welcome. 452 visits were made."))["count"] == 0.0


def test_any_word_for_people_names_what_is_counted_when_people_are_counted():
    assert row("How many staff did the Office have?", passage(1, "The Office had one employee."))["count"] == 1.0
    assert row("How many people were on the delegation?", passage(2, "It had 22 members."))["count"] == 1.0
    assert row("How many appeals did the Office get?", passage(3, "It had 22 members."))["count"] == 0.0


def test_own_coverage_leaves_out_the_words_a_followup_carries_from_the_turn_before():
    history = [("user", "When did Slovenia's fourth review take place?"), ("assistant", "In 2025 [1]", ())]
    q = analyze("How many delegations took the floor?", None, history)
    about_review = values(q, [view(passage(1, "Slovenia's fourth review was held in 2025."))], Pool())[0]
    about_floor = values(q, [view(passage(2, "During the dialogue, 90 delegations took the floor."))], Pool())[0]
    assert about_review["cov"] > 0 and about_review["cov_own"] == 0.0
    assert about_floor["cov_own"] == 1.0
    alone = analyze("How many delegations took the floor?")
    plain = values(alone, [view(passage(2, "90 delegations took the floor."))], Pool())[0]
    assert plain["cov_own"] == plain["cov"], "without a turn before, every word is the question's own"


def test_doc_ref_kind_phrase_and_previous_citation_features():
    p = passage(1, "Combat hate speech online (Canada);", kind="recommendation")
    assert row("recommendations on hate speech", p, Pool(doc_ids={"d"}))["doc_ref"] == 1.0
    assert row("recommendations on hate speech", p, Pool(doc_ids={"other"}))["doc_ref"] == -1.0
    assert row("Which recommendations concern hate speech?", p)["kind"] == 1.0
    assert row("hate speech", p)["phrase"] == 1.0 and row("speech hate", p)["phrase"] == 0.0
    history = [("user", "Who attended?"), ("assistant", "X [1]", (p.id,))]
    q = analyze("And who else attended?", None, history)
    assert values(q, [view(p)], Pool())[0]["prev_cited"] == 1.0


def test_relative_features_compare_with_the_best_candidate():
    q = analyze("hate speech online")
    rows = values(q, [view(passage(1, "hate speech online")), view(passage(2, "hate"))], Pool())
    assert rows[0]["cov_rel"] == 1.0 and 0 < rows[1]["cov_rel"] < 1
    assert set(rows[0]) == set(NAMES)


def test_rank_orders_by_the_weighted_features():
    q = analyze("How many appeals were received in 2025?")
    views = [view(passage(1, "The Ombudsman met NGOs.")), view(passage(2, "In 2025, 9,800 appeals were received."))]
    ranked = rank(q, views, Pool(), hand_weights())
    assert [s.passage.paragraph for s in ranked] == ["2", "1"]
    assert 0 < ranked[1].probability < ranked[0].probability < 1


def test_a_continuation_inherits_from_the_paragraph_before_in_the_same_article_only():
    q = analyze("What did Feruza Eshmatova speak about in Baku?")
    lead = passage(1, "Feruza Eshmatova spoke in Baku about business and human rights.", article=1)
    same = passage(2, "Also, she focused on the ongoing reforms.", article=1)
    other = passage(3, "Also, the weather was fine.", article=2)
    ranked = {s.passage.paragraph: s.probability for s in rank(q, [view(lead), view(same), view(other)], Pool(),
                                                              hand_weights(continuation=0.9))}
    assert ranked["2"] == pytest.approx(0.9 * ranked["1"])
    assert ranked["3"] < 0.5 * ranked["1"]
    assert is_continuation("The list follows.", "She said:")


def test_weights_reject_unknown_features_and_name_the_fix():
    data = hand_weights().to_dict()
    data["ranker"]["coef"]["magic"] = 1.0
    with pytest.raises(KeyError, match="magic"):
        Weights.from_dict(data)
    with pytest.raises(ConfigError, match="run bench/fit.py"):
        Weights.load("no-such-embedder")


@pytest.mark.parametrize("embedder", ["minilm", "e5"])
def test_shipped_weights_are_fitted_files_over_known_features(embedder):
    weights = Weights.load(embedder)
    assert set(weights.ranker.coef) <= set(NAMES) and set(weights.answerable.coef) <= set(checks.NAMES)
    assert weights.meta.get("script") == "bench/fit.py", "written by the fitting script, not by hand"
    assert 0 < weights.threshold < 1 and 0 < weights.listed <= 1
    assert json.loads(json.dumps(weights.to_dict())) == weights.to_dict()


def test_check_refuses_with_the_reasons_that_weighed_against_answering():
    q = analyze("How many appeals were received in 2019?", Corpus(lambda s: {"appeal": 3}, 100))
    ranked = rank(q, [view(passage(1, "Appeals are welcome in 2025."))], Pool(), hand_weights())
    verdict = checks.check(q, ranked, hand_weights())
    assert not verdict.answers(0.5)
    assert "no passage found is about 2019" in verdict.reasons
    assert "no passage found gives a figure for what the question counts" in verdict.reasons
    assert checks.check(q, [], hand_weights()).reasons == ("nothing was retrieved",)


class _Item:
    def __init__(self, p: Passage, score: float):
        self.passage, self.doc, self.score = p, DOC, score


def test_quote_is_the_sentence_that_answers_with_the_list_a_colon_opens():
    q = analyze("How many appeals were received?")
    item = _Item(passage(1, "The office works hard. Over 9,800 appeals were received. It thanks everyone."), 0.9)
    assert compose.quote_of(q, item) == "Over 9,800 appeals were received."
    listed = _Item(passage(2, "The teams provide services:\n• counselling;\n• testing."), 0.9)
    assert "• testing." in compose.quote_of(analyze("Which services do the teams provide?"), listed)


def test_direct_answer_cites_a_second_passage_only_when_it_is_likely_enough():
    q = analyze("How many appeals were received?")
    a, b = _Item(passage(1, "9,800 appeals were received."), 0.9), _Item(passage(2, "Appeals rose to 10,000."), 0.7)
    assert len(compose.compose(q, [a, b], hand_weights(second=0.6)).citations) == 2
    assert len(compose.compose(q, [a, b], hand_weights(second=0.8)).citations) == 1


def test_list_answer_cites_every_passage_likely_enough():
    q = analyze("Which problems were found in the colony?")
    items = [_Item(passage(n, f"There is no water in block {n}."), s) for n, s in ((1, 0.9), (2, 0.5), (3, 0.2))]
    draft = compose.compose(q, items, hand_weights(listed=0.4))
    assert draft.text.startswith("Passages that answer this:") and len(draft.citations) == 2


def test_partial_answer_says_which_parts_the_documents_do_not_cover():
    answered = compose.Draft("Lithuania recommended an ombudsman. [1]", [compose.citation_for(
        1, _Item(passage(1, "x"), 1.0), "x")])
    draft = compose.partial([("What did Lithuania recommend", answered)], ["when will the office open"])
    assert draft.text.endswith("The documents do not say: when will the office open?")
    assert [c.marker for c in draft.citations] == [1]


def test_model_probability_is_the_logistic_of_the_score():
    model = Model({"cov": 2.0}, -1.0)
    assert model.score({"cov": 0.5}) == 0.0 and Model.probability(0.0) == 0.5


def test_quote_that_opens_by_pointing_back_brings_the_sentence_it_points_to():
    q = analyze("What was noted with satisfaction about the ombudsman law?")
    item = _Item(passage(1, "Uzbekistan spoke next. It noted with satisfaction the new ombudsman law. The meeting "
                            "closed at noon."), 0.9)
    assert compose.quote_of(q, item) == "Uzbekistan spoke next. It noted with satisfaction the new ombudsman law."
