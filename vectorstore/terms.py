"""Words as the keyword index and the answer layer both see them: one tokenizer, one stemmer.

The keyword index stores each passage's stems (not its words), so a stem the answer layer computes for a
question is exactly what the index counts and matches; there is no second stemmer to disagree with it.
Stemming is Snowball's English stemmer (snowballstemmer, on PyPI: Porter2, better than the original Porter on
"organisations", "statelessness"), after the normalisations it does not do: British spellings to American
(-isation, -ised), irregular forms (women, children, spoke, found), a few derivations of this domain that Porter2
keeps apart (ratification / ratify, detention / detained), and a small thesaurus: words that mean the same here
(appeal / complaint, CSO / NGO) get one stem, so the keyword search and the coverage of a question match them.
"""
from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from functools import lru_cache
from importlib import resources

import snowballstemmer

from ingest import yamldata

# A Snowball stemmer object keeps the word it is working on: shared by the server's threads, two questions at
# once corrupt each other (IndexError). One stemmer per thread.
_LOCAL = threading.local()
_TOKEN = re.compile(r"\w+", re.UNICODE)

# Function words carry no evidence; dropping them keeps BM25 from rewarding "the" and "of".
STOPWORDS = frozenset(
    """a an and are as at be been by can could did do does for from had has have how i in is it its of on or
    our that the their them there these they this to was were what when where which who whom whose why will
    with would about into than then also any all it's s you your we us he she his her
    couldn didn doesn don isn wasn weren aren hasn haven hadn shouldn wouldn won cannot can't
    и в во на с со по о об для что как какие какой которые это к из у же ли не""".split()
)

IRREGULAR = {
    "spoke": "speak", "spoken": "speak", "found": "find", "held": "hold", "met": "meet", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "made": "make", "said": "say", "sent": "send",
    "told": "tell", "brought": "bring", "began": "begin", "begun": "begin", "chose": "choose",
    "chosen": "choose", "wrote": "write", "written": "write", "saw": "see", "seen": "see", "led": "lead",
    "paid": "pay", "sought": "seek", "thought": "think", "taught": "teach", "won": "win", "went": "go",
    "gone": "go", "came": "come", "became": "become", "knew": "know", "known": "know", "drew": "draw",
    "drawn": "draw", "heard": "hear", "felt": "feel", "kept": "keep", "lost": "lose", "built": "build",
    "understood": "understand", "undertook": "undertake", "undertaken": "undertake", "rose": "rise",
    "risen": "rise", "fell": "fall", "fallen": "fall", "women": "woman", "men": "man", "children": "child",
    "people": "person", "persons": "person",
}
# Derivations Porter2 stems apart that mean the same thing in human-rights texts (stem -> stem).
_DERIVED = {"ratif": "ratifi", "detent": "detain", "accession": "acced"}
# -ise words that are not British spellings of -ize ones.
_ISE_WORDS = frozenset("""advertise advise apprise chastise comprise compromise concise demise despise devise disguise
    enterprise excise exercise expertise franchise improvise incise merchandise otherwise noise poise praise precise
    premise promise raise revise rise supervise surmise surprise televise wise""".split())
_BRITISH = re.compile(r"(?<=[a-z]{3})is(ation|ations|e|ed|es|ing)$")


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Words this domain uses for the same thing (vectorstore/data/synonyms.yaml); they share one stem."""
    text = resources.files("vectorstore").joinpath("data/synonyms.yaml").read_text(encoding="utf-8")
    return tuple(tuple(str(w).lower() for w in group) for group in yamldata.safe_load(text))


@lru_cache(maxsize=1)
def _synonym_stems() -> dict[str, str]:
    """Stem of every group word -> stem of its group's first word."""
    return {_plain_stem(word): _plain_stem(group[0]) for group in synonym_groups() for word in group}


def version() -> int:
    """Changes when the stems change (synonyms, irregular forms): a keyword index built before is rebuilt."""
    data = repr((synonym_groups(), sorted(IRREGULAR.items()), sorted(_DERIVED.items()), "porter2-v1"))
    return zlib.crc32(data.encode()) % 100_000


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, diacritics removed (as SQLite's unicode61 tokenizer with remove_diacritics)."""
    return _TOKEN.findall(_fold(text))


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose
        return text.lower()
    return unicodedata.normalize("NFKD", text.lower()).translate(_combining_marks())


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """Every combining mark, for str.translate: 40x faster than testing each character (30 ms of a question at
    100k passages went to that); built once (0.012 s). Planes 2 and up hold ideographs and tags, no combining mark
    (the last is U+1E94A in Unicode 14), so the scan stops at U+20000; the whole range took 0.13 s, same table."""
    return {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """The stem of one lower-case token (see the module docstring); words of a synonym group share one."""
    stemmed = _plain_stem(token)
    return _synonym_stems().get(stemmed, stemmed)


# Acronyms whose plural Porter2 leaves alone ("ngos"): the plural is the acronym.
_ACRONYMS = frozenset("ngo cso nhri sdg mou ingo dpo cbo pwd mdt".split())


def _stemmer() -> snowballstemmer.EnglishStemmer:
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def _plain_stem(token: str) -> str:
    if token.endswith("s") and token[:-1] in _ACRONYMS:
        return token[:-1]
    word = IRREGULAR.get(token, token)
    if word.endswith(("ise", "ised", "ises", "ising", "isation", "isations")) and word not in _ISE_WORDS \
            and not any(word.startswith(w) for w in _ISE_WORDS):
        word = _BRITISH.sub(lambda m: "iz" + m.group(1), word)
    stemmed = _stemmer().stemWord(word)
    return _DERIVED.get(stemmed, stemmed)


def stems(text: str) -> list[str]:
    """The stems of a text's tokens, in order (stopwords kept: the index needs positions for phrases)."""
    return [stem(t) for t in tokens(text)]


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words: stopwords and one-letter tokens (but digits) dropped, duplicates
    dropped, order kept."""
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit()):
            seen.setdefault(stem(token), None)
    return list(seen)


def stem_set(text: str) -> frozenset[str]:
    return frozenset(stems(text))
