"""Questions in Russian, Uzbek or Azerbaijani rendered as English search terms with a shipped glossary.

The default embedding model reads English only, and most of the corpus is English. A question like
"Какие рекомендации касаются махаллей?" becomes the query "recommendations concern mahallas"; the user still
sees their own question, and the answer quotes the documents as written. With the multilingual embedder
(HRQA_EMBEDDER=e5) the glossary still helps the keyword side.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

_CYRILLIC = re.compile(r"[а-яёўқғҳА-ЯЁЎҚҒҲ]")
_ENGLISH_FUNCTION_WORDS = frozenset("the of and what which who how did does do is are was were in on for with".split())
_TOKEN = re.compile(r"[\w'ʻ‘’-]+", re.UNICODE)


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[str, str], ...]:
    """(word beginning, English term) pairs, longest beginnings first so the most specific wins."""
    data = yaml.safe_load(resources.files("assistant").joinpath("data/glossary.yaml").read_text(encoding="utf-8"))
    pairs = [(str(prefix).lower(), english) for english, prefixes in data.items() for prefix in prefixes]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def looks_foreign(question: str) -> bool:
    """Cyrillic script, or a Latin-script question without English function words (Uzbek, Azerbaijani)."""
    if _CYRILLIC.search(question):
        return True
    words = {w.lower() for w in _TOKEN.findall(question)}
    return bool(words) and not words & _ENGLISH_FUNCTION_WORDS and bool(_english_terms(question))


def _english_terms(question: str) -> list[str]:
    terms: list[str] = []
    for token in _TOKEN.findall(question.lower().replace("ʻ", "'").replace("’", "'")):
        if token.isdigit():
            terms.append(token)
            continue
        for prefix, english in glossary():
            if token.startswith(prefix):
                terms.extend(t for t in english.split() if t not in terms)
                break
    return list(dict.fromkeys(terms))


def to_english_query(question: str) -> str:
    """The English search terms for a foreign-language question, or the question itself when it is English
    or nothing in it is in the glossary."""
    if not looks_foreign(question):
        return question
    terms = _english_terms(question)
    return " ".join(terms) if terms else question
