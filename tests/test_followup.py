from assistant.followup import is_followup, last_user_question, rewrite

HISTORY = [("user", "How many appeals did the Ombudsman receive in 2025?"), ("assistant", "Over 9,800 [1]")]


def test_rewrite_year_followup_replaces_year():
    assert rewrite("and in 2024?", HISTORY) == "How many appeals did the Ombudsman receive in 2024?"


def test_rewrite_pronoun_followup_appends_to_previous_question():
    history = [{"role": "user", "content": "Which recommendations concern mahallas?"}]
    assert rewrite("which of them concern women?", history) == \
        "Which recommendations concern mahallas: which of them concern women?"


def test_rewrite_standalone_question_unchanged():
    q = "What did the Uzbek Ombudsman Feruza Eshmatova speak about at the Baku conference?"
    assert rewrite(q, HISTORY) == q


def test_rewrite_without_history_unchanged():
    assert rewrite("and in 2024?", []) == "and in 2024?"


def test_last_user_question_skips_assistant_turns():
    assert last_user_question(HISTORY) == "How many appeals did the Ombudsman receive in 2025?"


def test_is_followup_detects_leading_and():
    assert is_followup("And what about the Trade Union?")
    assert not is_followup("Who are the biggest civil society partners of the Ombudsman's office in Uzbekistan?")
