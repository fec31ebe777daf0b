"""The question analysis: one object per question, built once (assistant.answer.question)."""
import pytest

from assistant.answer.documents import resolve, unmatched_cycles
from assistant.answer.followups import is_followup, last_turn, standalone
from assistant.answer.question import CONTEXT_WEIGHT, FOCUS_WEIGHT, Corpus, DocRef, analyze, doc_refs, parts_of
from ingest.types import DocumentMeta
from vectorstore.store import DocRecord


def corpus(freq: dict[str, int], size: int = 100) -> Corpus:
    return Corpus(lambda stems: {s: freq.get(s, 0) for s in stems}, size)


def test_rare_words_weigh_more_and_question_words_are_no_evidence():
    q = analyze("How many appeals did the Ombudsman receive?", corpus({"appeal": 2, "ombudsman": 60}))
    assert "mani" not in q.stems and "how" not in q.stems
    assert q.weight("appeal") > q.weight("ombudsman")


def test_focus_is_the_words_after_the_wh_word_up_to_a_preposition():
    q = analyze("Which annual budget of the office was cut?")
    assert q.focus == ("annual", "budget")
    assert q.weight("budget") == FOCUS_WEIGHT


def test_focus_of_a_do_question_is_not_its_subject_but_its_predicate_counts():
    q = analyze("What did Feruza Eshmatova speak about in Baku?")
    assert q.focus == ()
    assert q.predicate == "speak" and q.weight("speak") == FOCUS_WEIGHT


@pytest.mark.parametrize("question, kind", [
    ("How many appeals were received?", "number"),
    ("What share of prisons is overcrowded?", "share"),
    ("When did Slovenia ratify the convention?", "date"),
    ("In which year was the conference held?", "year"),
    ("what year did the expert visit slovenia?", "year"),
    ("On what date did the Council adopt the outcome?", "date"),
    ("Who heads the department?", "person"),
    ("Where was the conference held?", "place"),
    ("Why did the meeting take place online?", "reason"),
    ("What was the title of the conference?", "title"),
    ("Which shortcomings were found in the colony?", "problem"),
    ("Did Slovenia accept the recommendation?", "yesno"),
    ("What did the delegation say about Roma?", ""),
])
def test_answer_type(question, kind):
    assert analyze(question).answer_type == kind


def test_intents_recommendation_response_listing_documents_comparison():
    assert analyze("Which recommendations concern mahallas?").recommendation
    assert not analyze("How many recommendations did Slovenia receive?").recommendation, "a count, not a list"
    assert analyze("Did Slovenia accept the recommendations on Roma?").response
    assert analyze("Which documents mention mahallas?").documents
    assert analyze("How did the figures change between the two reviews?").comparison


def test_countries_years_and_document_references():
    q = analyze("What did Turkey recommend to Slovenia in the fourth cycle about mosques in 2025?")
    assert set(q.countries) >= {"Türkiye", "Slovenia"}, "canonical names"
    assert q.years == ("2025",)
    assert DocRef(cycle=4) in q.doc_refs


@pytest.mark.parametrize("text, ref", [
    ("in Slovenia's most recent review", DocRef(latest=True)),
    ("in the previous cycle", DocRef(previous=True)),
    ("in A/HRC/59/15", DocRef(symbol="A/HRC/59/15")),
    ("during the 2014 review", DocRef(year="2014")),
    ("in the second UPR", DocRef(cycle=2)),
])
def test_doc_refs_by_description(text, ref):
    assert ref in doc_refs(text)


def test_parts_of_a_multi_part_question():
    assert parts_of("What did Lithuania recommend, and did Slovenia support it?") == (
        "What did Lithuania recommend", "did Slovenia support it")
    assert parts_of("Who attended and spoke?") == ()


def test_foreign_question_is_searched_in_english_and_keeps_its_language():
    q = analyze("Какие рекомендации касаются махаллей?")
    assert q.lang == "ru" and "mahalla" in q.stems and q.recommendation


def _record(doc_id, cycle=0, symbol="", date="", country="Slovenia"):
    return DocRecord(DocumentMeta(doc_id=doc_id, file_name=f"{doc_id}.pdf", title=doc_id, short_title=doc_id,
                                  doc_type="report", symbol=symbol, date=date, cycle=cycle, country=country), "v1", 1)


def test_document_references_resolve_through_metadata():
    manifest = {r.meta.doc_id: r for r in [
        _record("wg1", 1, "A/HRC/14/15", "2010-06-04"), _record("wg2", 2, "A/HRC/28/15", "2014-12-22"),
        _record("views2", 2, "A/HRC/28/15/Add.1", "2015-03-02"), _record("wg4", 4, "A/HRC/59/15", "2025-03-31"),
        _record("news", 0, "", "2025-07-30", "Uzbekistan")]}
    assert resolve((DocRef(cycle=2),), manifest) == {"wg2", "views2"}
    assert resolve((DocRef(latest=True),), manifest) == {"wg4"}
    assert resolve((DocRef(previous=True),), manifest) == {"wg2", "views2"}
    assert resolve((DocRef(symbol="A/HRC/28/15"),), manifest) == {"wg2", "views2"}, "the addendum belongs to it"
    assert resolve((DocRef(year="2014"),), manifest) == {"wg2", "views2"}
    assert resolve((), manifest) == set()
    assert unmatched_cycles((DocRef(cycle=3),), manifest) == ([3], [1, 2, 4])  # "the third review": none indexed
    assert unmatched_cycles((DocRef(year="2019"),), manifest) == ([3], [1, 2, 4])
    assert unmatched_cycles((DocRef(year="2025"), DocRef(latest=True), DocRef(cycle=2)), manifest)[0] == []


def test_followup_is_made_standalone_with_the_turn_before():
    history = [("user", "What did Feruza Eshmatova speak about in Baku?"), ("assistant", "She spoke [1].", ("a:v:1",))]
    turn = standalone("And who else attended?", history)
    assert turn.followup and turn.text == "Who else attended?"
    assert "Eshmatova" in turn.context and turn.cited == ("a:v:1",)
    q = analyze("And who else attended?", None, history)
    assert q.wants_other and q.previous_docs == {"a"}
    assert q.weight("eshmatova") == pytest.approx(CONTEXT_WEIGHT), "context words weigh less than the question's"


def test_year_followup_repeats_the_question_for_the_other_year():
    turn = standalone("and in 2024?", [("user", "How many appeals were received in 2025?")])
    assert turn.text == "How many appeals were received in 2024?" and not turn.context


@pytest.mark.parametrize("question, followup", [
    ("and for small kids?", True),
    ("so why wouldn't they commit to a deadline for finishing the rest of the cases?", True),
    ("Bəs görüşə Ombudsman Aparatından kimlər qoşulmuşdu?", True),
    ("а сколько таких случаев реально было за последние годы?", True),
    ("Which recommendations on Roma housing did Slovenia receive in its most recent review?", False),
])
def test_is_followup(question, followup):
    assert is_followup(question) == followup


def test_a_question_without_history_is_never_a_followup():
    assert not standalone("and for small kids?", None).followup


def test_last_turn_reads_pairs_triples_and_dicts():
    assert last_turn([("user", "Q1"), ("assistant", "A1", ("p",))]) == ("Q1", "A1", ("p",))
    assert last_turn([{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A", "citations": ["x"]}]) \
        == ("Q", "A", ("x",))


def test_a_body_described_instead_of_named_is_searched_by_its_names_too():
    from assistant.answer.bodies import described, parse

    bodies = parse("- names: [Committee against Torture, CAT]\n  when: [[tortur, committee]]\n")
    assert described("What did the UN anti-torture committee say?", bodies) == ("Committee against Torture", "CAT")
    assert described("What did the Committee against Torture say?", bodies) == ()  # named already
    assert described("What did the committee on prisons say?", bodies) == ()
    q = analyze("what did the UN anti-torture committee say about prisons?")
    assert "Committee against Torture" in q.search and "cat" not in q.stems  # searched, not to be covered


def test_documents_named_by_the_words_of_their_title_or_file_name():
    def titled(doc_id, file_name, title, short_title, cycle=0):
        return DocRecord(DocumentMeta(doc_id=doc_id, file_name=file_name, title=title, short_title=short_title,
                                      doc_type="report", cycle=cycle, country="Slovenia"), "v1", 1)

    manifest = {r.meta.doc_id: r for r in [
        titled("undp", "undp_2023_care_system_uzbekistan_report.txt", "Report on Improving the Care System",
               "UNDP 2023 care system Uzbekistan report"),
        titled("state", "us_state_dept_2023_human_rights_report_uzbekistan.txt", "Uzbekistan 2023 Human Rights "
               "Report", "US state dept 2023 human rights report Uzbekistan"),
        titled("wg2", "wg2.pdf", "Report of the Working Group on the Universal Periodic Review: Slovenia",
               "UPR Working Group report A/HRC/28/15", cycle=2),
        titled("wg4", "wg4.pdf", "Report of the Working Group on the Universal Periodic Review: Slovenia",
               "UPR Working Group report A/HRC/59/15", cycle=4)]}
    assert resolve(doc_refs("Which recommendations does the UNDP care system report make?"), manifest) == {"undp"}
    assert resolve(doc_refs("According to the US State Department report, how many?"), manifest) == {"state"}
    assert resolve(doc_refs("What is in the working group report of the second review?"), manifest) == {"wg2"}
    assert resolve(doc_refs("What does the health ministry report say?"), manifest) == set()  # no such title
