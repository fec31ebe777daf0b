"""Follow-up questions made standalone, from the turn before.

"And in 2024?" after "How many appeals did the Ombudsman receive in 2025?" becomes "How many appeals did the
Ombudsman receive in 2024?"; "And who else attended?" after "What did Feruza Eshmatova speak about in Baku?" is
searched as "Who else attended?" with the words of the one before ("Feruza Eshmatova speak Baku") as context, so
that retrieval finds the same event; the ranker weighs the context words less than the question's own. A "who else"
/ "what other" follow-up also carries the passages the answer before cited, which the ranker then gives a feature
for (assistant.answer.features): something new is wanted; any follow-up prefers the documents that answer cited.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vectorstore.terms import STOPWORDS, tokens

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_FOLLOWUP_START = re.compile(r"^\s*(and|what about|how about|and what about|also|but|so|then|ok|okay|и|а|но|ещё|еще|"
                             r"va|yana|və|bəs|həm)(?![\w'])[\s,]*", re.I)
# Words that point back at the turn before: English pronouns and deictics, and their Russian, Uzbek and
# Azerbaijani counterparts. Possessives ("its most recent review") mostly point inside the question itself.
_POINTER = re.compile(r"(?<![\w'])(them|they|those|these|it|this|that|him|he|she|there|then|else|other|same|such|"
                      r"the latter|the former|этот|эта|это|эти|этих|этого|таких|такие|он|она|они|там|тогда|bu|shu|"
                      r"ular|u|onlar|həmin|o)(?![\w'])", re.I)
_SHORT = 7  # words; a question this short after another one continues it


def last_turn(history: Sequence | None) -> tuple[str, str, tuple[str, ...]]:
    """(last user question, the answer to it, the passage ids that answer cited) from a history of
    (role, text) or (role, text, cited ids) turns, or {"role", "content", "citations"} dicts."""
    question, answer, cited = "", "", ()
    for turn in list(history or []):
        if isinstance(turn, dict):
            role, text, ids = turn.get("role"), turn.get("content"), tuple(turn.get("citations") or ())
        else:
            role, text, ids = turn[0], turn[1], tuple(turn[2]) if len(turn) > 2 else ()
        if role == "user" and isinstance(text, str) and text.strip():
            question, answer, cited = text.strip(), "", ()
        elif role == "assistant" and isinstance(text, str):
            answer, cited = text, ids
    return question, answer, cited


def is_followup(question: str) -> bool:
    """Whether a question asked after another continues it: it opens with a connective ("and", "so", "bəs"),
    points back ("it", "they", "that one", "таких"), or is short."""
    return (bool(_FOLLOWUP_START.match(question)) or bool(_POINTER.search(question))
            or len(question.split()) <= _SHORT)


@dataclass(frozen=True)
class Standalone:
    """A question made standalone: its own text, the words of the turn before it carries along (searched, but
    weighed less than its own: a question wrongly taken for a follow-up still finds its own answer), and the
    passages the answer before cited."""

    text: str
    context: str = ""
    cited: tuple[str, ...] = ()
    followup: bool = False

    @property
    def search(self) -> str:
        return f"{self.text} {self.context}".strip()


def standalone(question: str, history: Sequence | None) -> Standalone:
    """The question made standalone with the turn before (see the module docstring)."""
    previous, _, cited = last_turn(history)
    if not previous or not is_followup(question):
        return Standalone(question)
    rest = _FOLLOWUP_START.sub("", question).strip().rstrip("?").strip()
    new_year = _YEAR.search(question)
    if new_year and _YEAR.search(previous) and len(rest.split()) <= 3:  # "and in 2024?": the same, another year
        return Standalone(_YEAR.sub(new_year.group(0), previous, count=1), "", cited, True)
    about = [t for t in dict.fromkeys(_words(previous)) if t.lower() not in {w.lower() for w in rest.split()}]
    first = rest[:1].upper() + rest[1:]
    return Standalone(f"{first}?", " ".join(about), cited, True)


def _words(text: str) -> list[str]:
    """The content words of a question as written (names keep their capitals)."""
    raw = re.findall(r"[\w'’-]+", text)
    lowered = set(tokens(text))
    return [w for w in raw if w.lower() in lowered and w.lower() not in STOPWORDS and len(w) > 2
            and w.lower() not in {"what", "which", "who", "whom", "when", "where", "why", "how", "did", "does"}]
