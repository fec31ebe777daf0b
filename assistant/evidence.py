"""How strongly a passage supports a question: term matching, sentence selection, refusal signals.

Everything here is pure and cheap; thresholds are calibrated on the seed questions (see bench/quality.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

import yaml

from ingest.chunk import sentences
from vectorstore.keyword import query_terms

_YEAR = re.compile(r"\b(19|20)\d\d\b")
# Words that say what kind of answer is wanted, not what it is about; they must not count as evidence.
QUESTION_WORDS = frozenset(
    """many much number kind kinds sort type types according say says said describe describes
    mention mentions document documents assessment report recommend recommendation recommendations
    recommended concern concerns concerning regarding does did do get got share percentage proportion
    amount total title titled name called change changes""".split()
)
_ENTITY = re.compile(r"\b[A-Z][\w-]{3,}")
_NOT_ENTITIES = frozenset("which what who when where how why with does did were was have has from into".split())


# Past forms of the irregular verbs that reports use for what people did ("spoke about", "found that"), so a
# question's "speak"/"find" matches them; regular forms already share their first six letters.
_IRREGULAR = {
    "spoke": "speak", "spoken": "speak", "found": "find", "held": "hold", "met": "meet", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "made": "make", "said": "say", "sent": "send",
    "told": "tell", "brought": "bring", "began": "begin", "begun": "begin", "chose": "choose",
    "chosen": "choose", "wrote": "write", "written": "write", "saw": "see", "seen": "see", "set": "set",
    "led": "lead", "paid": "pay", "sought": "seek", "thought": "think", "taught": "teach", "won": "win",
    "went": "go", "gone": "go", "came": "come", "became": "become", "knew": "know", "known": "know",
    "drew": "draw", "drawn": "draw", "put": "put", "heard": "hear", "felt": "feel", "kept": "keep",
    "left": "leave", "lost": "lose", "built": "build", "understood": "understand", "undertook": "undertake",
    "undertaken": "undertake", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "women": "woman", "men": "man", "children": "child", "people": "person",
}


def stem(token: str) -> str:
    """A deliberately crude stem: lower-case, irregular past forms to their verb, plural 's' dropped, first 6
    letters.

    Good enough to match recommendation/recommended, organisations/organizations, speak/speaking/spoke,
    махаллей/махалли, and cheap enough to run over every candidate sentence.
    """
    stemmed = _stem(token)
    return _synonym_stems().get(stemmed, stemmed)


def _stem(token: str) -> str:
    token = token.lower()
    token = _IRREGULAR.get(token, token)
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    if len(token) >= 7 and token.endswith("ing"):  # speaking -> speak, meetings -> meet
        token = token[:-3]
    return token[:6]


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped groups of words that mean the same thing here (assistant/data/synonyms.yaml)."""
    text = resources.files("assistant").joinpath("data/synonyms.yaml").read_text(encoding="utf-8")
    return tuple(tuple(str(w).lower() for w in group) for group in yaml.safe_load(text))


@lru_cache(maxsize=1)
def _synonym_stems() -> dict[str, str]:
    """Stem of every group word -> stem of its group's first word."""
    return {_stem(word): _stem(group[0]) for group in synonym_groups() for word in group}


def synonyms_of(word: str) -> list[str]:
    """The other words of a word's synonym group ("appeals" -> complaint, petition, grievance), or []."""
    key = stem(word)
    for group in synonym_groups():
        if stem(group[0]) == key:
            return [w for w in group if _stem(w) != _stem(word)]
    return []


def content_stems(text: str) -> list[str]:
    """Stems of a question's content words, question words removed."""
    return [stem(t) for t in query_terms(text) if t not in QUESTION_WORDS]


# "What did/has the Ombudsman ...": the wh-word is the object; the subject after the auxiliary is not the focus.
_DO_AUX = frozenset("did does do has have had can could will would should must may might".split())
_AUX = frozenset("is are was were did does do has have had can could should will would may might must the a an "
                 "of".split())
_STOP_FOCUS = frozenset("with in on at for from to by about between during after before under into".split())
_FOCUS_START = re.compile(r"^\s*(?:(?:with|in|for|from|to|by|of|on)\s+)?(?:which|what|how many|how much)\s+(.*)", re.I)
FOCUS_WEIGHT = 2.0  # the words a wh-question asks about ("which Russian official") count double
MAX_FOCUS_WORDS = 2


def focus_stems(question: str) -> list[str]:
    """Stems of the question's focus: the words right after which/what/how many, up to a preposition.

    "What is the annual budget of ..." -> annual, budget; "Which Russian official attended ..." -> russian,
    offici. Question words ("recommendations", "kinds") are not focus.
    """
    match = _FOCUS_START.match(question)
    if not match:
        return []
    words: list[str] = []
    tokens = re.findall(r"[\w'-]+", match.group(1).lower())
    if tokens and tokens[0] in _DO_AUX:
        return []
    for token in tokens:
        if token in _STOP_FOCUS or (words and token in _AUX) or len(words) >= MAX_FOCUS_WORDS:
            break
        if token not in _AUX and token not in QUESTION_WORDS:
            words.append(token)
    return [stem(w) for w in words]


# Verbs that questions about human-rights work ask with "did/does/do" (base forms; British and American spellings).
# A closed list instead of a tagger: after the auxiliary, the first of these is the question's predicate. Light
# verbs ("see a risk", "make", "take part", "put forward") are left out: their object carries the meaning.
VERBS = frozenset("""
    accept achieve address adopt allocate amend announce appeal appoint approve arrange arrest ask assess assist
    attend ban build call change choose claim collect complain conclude conduct consider contribute cooperate
    cover create decide declare decrease deliver demand deny deport describe detain develop discover discuss
    dismiss draft educate elect emphasise emphasize encourage ensure establish examine expand explain express
    fail find focus form fund grant guarantee help highlight hire hold host identify implement improve include
    increase inform initiate inspect introduce investigate invite join launch lead limit meet mention monitor
    note notice obtain offer organise organize participate pay plan prepare present prevent promise promote
    propose protect provide publish raise ratify reach receive recommend record reduce refuse register reject
    release remove report request require resolve respond restore restrict return review run say seek select
    send share sign speak state stop strengthen stress submit suggest support suspend target teach tell train
    transfer undertake urge violate visit write""".split())


def predicate_stem(question: str) -> str:
    """The main verb of a do-question ("What did X speak about", "What body did X establish?"), stemmed, or "".

    The first word of VERBS after "did/does/do"; question words ("say", "recommend") are not a predicate: they
    say what kind of answer is wanted, not what it is about.
    """
    tokens = [t.lower() for t in re.findall(r"[\w'’-]+", question)]
    start = next((i for i, t in enumerate(tokens) if t in {"did", "does", "do"}), None)
    if start is None:
        return ""
    verb = next((t for t in tokens[start + 1:] if t in VERBS), "")
    return "" if not verb or verb in QUESTION_WORDS else stem(verb)


@dataclass(frozen=True)
class QueryTerms:
    """A question's content stems, their weights (IDF, focus doubled), the focus, and corpus frequencies."""

    stems: tuple[str, ...]
    weights: Mapping[str, float]
    focus: tuple[str, ...]
    doc_freq: Mapping[str, int]
    words: Mapping[str, str]  # stem -> a question word it came from
    predicate: str = ""  # the main verb of a do-question ("establish"), weighted like the focus; "" when none


def query_terms_for(question: str, keyword_index) -> QueryTerms:
    """Compute a question's weighted terms against a keyword index (anything with doc_freq() and count())."""
    words = {stem(w): w for w in reversed(query_terms(question)) if w not in QUESTION_WORDS}
    stems = tuple(dict.fromkeys(content_stems(question)))
    doc_freq = keyword_index.doc_freq({s: words.get(s, s) for s in stems})
    weights = idf_weights(stems, doc_freq, keyword_index.count())
    focus = tuple(s for s in focus_stems(question) if s in weights)
    predicate = predicate_stem(question)
    predicate = predicate if predicate in weights and predicate not in focus else ""
    for s in (*focus, predicate) if predicate else focus:
        weights[s] *= FOCUS_WEIGHT
    return QueryTerms(stems, weights, focus, doc_freq, words, predicate)


def text_stems(text: str) -> set[str]:
    return {stem(t) for t in re.findall(r"\w+", text.lower())}


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each bullet line counts as a sentence ("No. 43" does not end one)."""
    return [s for line in re.split(r"\n(?=\s*•)", text) for s in sentences(line)]


@dataclass(frozen=True)
class Support:
    """How well one text covers the question: weighted coverage in [0, 1] and the stems it lacks."""

    coverage: float
    missing: tuple[str, ...]


def support(question_stems: Sequence[str], text: str, weights: Mapping[str, float]) -> Support:
    """IDF-weighted share of the question's content stems found in text."""
    if not question_stems:
        return Support(0.0, ())
    present = text_stems(text)
    total = sum(weights.get(s, 1.0) for s in question_stems)
    found = sum(weights.get(s, 1.0) for s in question_stems if s in present)
    missing = tuple(s for s in question_stems if s not in present)
    return Support(found / total if total else 0.0, missing)


def idf_weights(question_stems: Sequence[str], doc_freq: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """Smoothed IDF per stem; a stem absent from the corpus gets the highest weight."""
    return {s: math.log(1.0 + (n_docs + 1) / (doc_freq.get(s, 0) + 1)) for s in question_stems}


def question_entities(question: str) -> dict[str, str]:
    """The names a question mentions (capitalised words after its first word): stem -> word.

    The stem's six letters cover inflection and demonyms: "Azerbaijani" and "Azerbaijan" share "azerba".
    """
    words = question.split()
    out: dict[str, str] = {}
    for name in _ENTITY.findall(" ".join(words[1:])):
        name = re.sub(r"['’]s$", "", name).lower()
        if name not in _NOT_ENTITIES:
            out.setdefault(stem(name), name)
    return out


# A multiword name: capitalised words, possibly joined by of/for/on/and/under/the ("Council of Independent Experts").
NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:of |for |on |and |under |the )*[A-Z][\w’'-]+)+")


# "How many ..." is not answered by "numerous", nor by a date: a passage must give a figure.
_QUANTITY = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
                       r"|hundreds?|thousands?|millions?|dozens?|half|third|quarter|once|twice)\b", re.I)
# A date or a year in running text ("On July 30, 2025", "30.07.2025", "2025–2026").
DATE = re.compile(r"\b(?:\d{1,2}\s+)?(?:january|february|march|april|may|june|july|august|september|october"
                        r"|november|december)(?:\s+\d{1,2})?(?:,?\s+\d{4})?\b|\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b"
                        r"|\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\b", re.I)
# Numbers that name rather than count: "Directive (EU) 2024/1069", "A/HRC/59/15", "colony settlement No. 43",
# and footnote markers glued to a word ("with violence.52 CoE-Commissioner").
_IDENTIFIER = re.compile(r"\S*\d\S*/\S*|\S*/\S*\d\S*|\bNo\.\s*\d+|(?<=[^\W\d])[.,;:]?\d+\b", re.I)


def gives_count(text: str, focus: Sequence[str] = (), years: Sequence[str] = (), frame: str = "") -> bool:
    """Whether text gives a figure (not a date or a year) in a sentence naming what is counted (a focus stem,
    when the question has one): "over 9,800 appeals were received" for "How many appeals ...", but not
    "From June 1, 2022, a platform will be launched" for "How many volunteers registered ...".

    years: the question's years; the figure must then be for one of them: the year its sentence names, or else
    the last year named before it (in the passage, or in frame: its heading and date). "In the first half of
    2025, over 9,800 appeals were received ... 452 visits in 2024" gives no count of appeals in 2024.
    """
    current = set(years_in(frame))
    for sentence in split_sentences(text):
        named = set(years_in(sentence))
        current = named or current
        figure = _QUANTITY.search(_IDENTIFIER.sub(" ", DATE.sub(" ", sentence)))
        if figure and (not focus or set(focus) & text_stems(sentence)) and (not years or set(years) & current):
            return True
    return False


def years_in(text: str) -> list[str]:
    """The years a text names ("2025"), in order."""
    return [m.group(0) for m in _YEAR.finditer(text)]


def years_missing(question: str, text: str) -> list[str]:
    """Years the question names that the text does not mention (a 2023 question is not answered by 2025 data)."""
    text_years = set(years_in(text))
    return [year for year in years_in(question) if year not in text_years]


def best_sentences(question_stems: Sequence[str], text: str, weights: Mapping[str, float],
                   want_numbers: bool = False, limit: int = 2) -> list[tuple[str, float]]:
    """The passage's sentences that cover the question best, in reading order, with their coverage."""
    scored = []
    for pos, sentence in enumerate(split_sentences(text)):
        cov = support(question_stems, sentence, weights).coverage
        if want_numbers and re.search(r"\d", sentence):
            cov += 0.15
        scored.append((cov, pos, sentence))
    top = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
    best = top[0][0] if top else 0.0
    keep = [t for t in top if t[0] > 0 and t[0] >= 0.5 * best]
    chosen = {pos for _, pos, _ in keep}
    for _, pos, sentence in list(keep):  # a sentence ending in a colon brings the list it introduces
        if sentence.rstrip().endswith(":"):
            chosen.update(range(pos + 1, len(scored)))
    return [(s, c) for c, pos, s in sorted(scored, key=lambda t: t[1]) if pos in chosen]
