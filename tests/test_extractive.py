from assistant.extractive import compose
from assistant.retrieval import Intent, Retrieved
from ingest.types import Passage


def _item(ordinal: int, text: str, score: float, typed: bool) -> Retrieved:
    p = Passage(id=f"n:v:{ordinal}", doc_id="n", ordinal=ordinal, text=text, paragraph=str(ordinal + 1),
                label=f"Newsletter ¶{ordinal + 1}", section_kind="news", article_index=1)
    return Retrieved(p, score, typed=typed)


def test_problem_list_answer_lists_what_is_wrong_not_the_restating_lead():
    ranked = [_item(2, "The beds are placed too close.", 1.30, True),
              _item(3, "The dining room does not meet sanitary requirements.", 1.33, True),
              _item(0, "The representative reported serious shortcomings.", 1.60, False),
              _item(1, "He found 656 convicts.", 1.43, False)]
    draft = compose("What shortcomings did the representative find?", Intent(listing=True), ranked,
                    ["shortc", "repres", "find"], {})
    assert [c.label for c in draft.citations] == ["Newsletter ¶3", "Newsletter ¶4"]
    assert "too close. [1]" in draft.text and "sanitary requirements. [2]" in draft.text
    assert "reported serious shortcomings" not in draft.text


def test_list_answer_without_an_answer_type_keeps_the_strong_passages_by_score():
    ranked = [_item(0, "Proposals on the Council.", 1.0, False), _item(1, "Proposals on legislation.", 0.95, False),
              _item(2, "Weather.", 0.2, False)]
    draft = compose("What proposals were put forward?", Intent(listing=True), ranked, ["propos"], {})
    assert [c.label for c in draft.citations] == ["Newsletter ¶1", "Newsletter ¶2"]
