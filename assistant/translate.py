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

from ingest import yamldata

_CYRILLIC = re.compile(r"[а-яёўқғҳА-ЯЁЎҚҒҲ]")
# Letters of Azerbaijani and Uzbek Latin that English never uses (no IGNORECASE: "ı" would fold to "i").
_TURKIC_LETTERS = re.compile(r"[əƏğĞşŞçÇıöÖüÜʻ‘]|\b[oOgG]'")
_ENGLISH_FUNCTION_WORDS = frozenset("the of and what which who how did does do is are was were in on for with".split())
_TOKEN = re.compile(r"[\w'ʻ‘’-]+", re.UNICODE)


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[tuple[str, str], ...]]:
    """(word beginning, English term) pairs by their first two letters, longest beginnings first so that the most
    specific wins. A beginning may span words ("рабочая групп"): it matches the text from a word onward."""
    data = yamldata.safe_load(resources.files("assistant").joinpath("data/glossary.yaml").read_text(encoding="utf-8"))
    by_start: dict[str, list[tuple[str, str]]] = {}
    for english, prefixes in data.items():
        for prefix in prefixes:
            prefix = _normal(str(prefix))
            by_start.setdefault(prefix[:2], []).append((prefix, str(english)))
    return {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in by_start.items()}


def _normal(text: str) -> str:
    """Lower case with one apostrophe form (Uzbek writes o', oʻ, o’, o‘ and o`) and ё as е."""
    return re.sub(r"[ʻʼ’‘`]", "'", text.lower()).replace("ё", "е")


def looks_foreign(question: str) -> bool:
    """Cyrillic script; Uzbek or Azerbaijani letters; or Latin-script words the glossary translates (an English
    word such as "mahallas" that is its own translation does not count) with no English function words."""
    if _CYRILLIC.search(question) or _TURKIC_LETTERS.search(question):
        return True
    words = [w.lower() for w in _TOKEN.findall(question)]
    if not words or set(words) & _ENGLISH_FUNCTION_WORDS:
        return False
    translated = [w for w in words if (term := _translate(w)) and w not in term.lower().split()]
    return len(translated) >= 2


def _translate(token: str) -> str:
    """The English term for one word (or the text from a word onward), or ""."""
    token = _normal(token)
    return next((english for prefix, english in glossary().get(token[:2], ()) if token.startswith(prefix)), "")


_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h", "ə": "a", "ı": "i", "ş": "sh", "ç": "ch", "ğ": "gh",
    "ö": "o", "ü": "u", "'": "", "ʻ": "", "‘": "", "’": "",
})


def transliterate(word: str) -> str:
    """A name in Cyrillic or Azerbaijani/Uzbek Latin as English texts spell it: Səbinə -> Sabina,
    Эшматова -> Eshmatova."""
    latin = word.lower().translate(_LATIN)
    return latin[:1].upper() + latin[1:]


def _english_terms(question: str) -> list[str]:
    terms: list[str] = []
    text = _normal(question)
    for pos, match in enumerate(_TOKEN.finditer(question)):
        original, token = match.group(0), text[match.start():match.end()]
        digits = re.match(r"\d+", token)
        if digits:  # "18", "2024-cü", "2024-йил": the number
            terms.append(digits.group(0))
            continue
        english = _translate(text[match.start():])
        if not english and pos > 0 and original[:1].isupper():  # a name: keep it, spelled as the texts do
            # Russian declines names ("Букинского района" = of Buka District): a search term, not a name to insist on
            english = transliterate(original).lower() if _CYRILLIC.search(original) else transliterate(original)
        terms.extend(t for t in english.split() if t not in terms)
    return list(dict.fromkeys(terms))


def to_english_query(question: str) -> str:
    """The English search terms for a foreign-language question, or the question itself when it is English
    or nothing in it is in the glossary."""
    if not looks_foreign(question):
        return question
    terms = _english_terms(question)
    return " ".join(terms) if terms else question
