"""Follow-up questions rewritten into standalone queries.

"and in 2024?" after "How many appeals did the Ombudsman receive in 2025?" becomes
"How many appeals did the Ombudsman receive in 2024?". Rules first (offline, predictable); when an LLM is
configured the core may ask it instead (see assistant.llm.rewrite_with_llm).
"""
from __future__ import annotations

import re
from typing import Sequence

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_FOLLOWUP_START = re.compile(r"^\s*(and|what about|how about|and what about|also|but|then|и|а)\b[\s,]*", re.I)
_PRONOUN = re.compile(r"\b(them|they|those|these|it|this|that|their|its|him|her)\b", re.I)
_SHORT = 6  # words; longer questions are usually self-contained


def last_user_question(history: Sequence) -> str:
    """The most recent user turn in a history of (role, text) pairs or {"role", "content"} dicts."""
    for turn in reversed(list(history or [])):
        role, text = (turn.get("role"), turn.get("content")) if isinstance(turn, dict) else turn
        if role == "user" and isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def is_followup(question: str) -> bool:
    words = question.split()
    return bool(_FOLLOWUP_START.match(question)) or (len(words) <= _SHORT and bool(_PRONOUN.search(question)))


def rewrite(question: str, history: Sequence | None) -> str:
    """A standalone version of question, using the previous user question when it is a follow-up.

    Args:
        question: the new user message.
        history: earlier turns, oldest first.

    Returns:
        the question unchanged when it stands alone or there is no history.
    """
    previous = last_user_question(history or [])
    if not previous or not is_followup(question):
        return question
    rest = _FOLLOWUP_START.sub("", question).strip().rstrip("?").strip()
    new_years = [m.group(0) for m in _YEAR.finditer(question)]
    if new_years and _YEAR.search(previous) and len(rest.split()) <= 3:
        return _YEAR.sub(new_years[0], previous, count=1)
    base = previous.rstrip("?").strip()
    if _PRONOUN.search(rest):
        return f"{base}: {rest}?"
    return f"{base} {rest}?"
