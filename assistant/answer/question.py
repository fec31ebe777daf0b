"""One analysis of a question, made once and passed to retrieval, ranking, the checks and the composer.

`analyze()` is pure: the corpus enters only as a `Corpus` (how many passages hold each stem, how many there
are), so it can be tested with literal numbers. What it finds:
- the text searched: the question itself, or for a follow-up a standalone question built with the one before,
  and for a question in Russian, Uzbek or Azerbaijani its English search terms (assistant.translate);
- content stems with IDF weights (vectorstore.terms: the stemmer the keyword index uses), the focus (the words
  a wh-question asks about) and the predicate (the main verb of a do-question), weighed double;
- the kind of answer wanted (a number, a share, a date, a person, a place, a reason, a title, problems, a list,
  yes or no), the intent (recommendations, a State's response, documents, a comparison);
- names, countries and years; references to documents by description ("the fourth cycle", "its previous
  review", "A/HRC/59/15", "the 2014 review"), resolved against the manifest by assistant.answer.documents;
- the parts of a multi-part question ("..., and ...?").
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.translate import looks_foreign, to_english_query
from ingest.countries import countries_in, country_named
from vectorstore.terms import STOPWORDS, content_stems, stem, stems, tokens

# Words that say what kind of answer is wanted, not what it is about; they are no evidence.
QUESTION_WORDS = frozenset(stem(w) for w in """many much number kind kinds sort type types according say says said
    describe describes mention mentions document documents report reports recommend recommendation
    recommendations recommended concern concerns concerning regarding does did do get got share percentage
    proportion amount total title titled name called change changes list give tell please exactly which what
    who whom when where why how""".split())
FOCUS_WEIGHT = 2.0  # the words a wh-question asks about ("which Russian official") count double
MAX_FOCUS_WORDS = 2
CONTEXT_WEIGHT = 0.35  # a follow-up's words from the turn before count this much of their own weight

_FOCUS_START = re.compile(r"^\s*(?:(?:with|in|for|from|to|by|of|on)\s+)?(?:which|what|how many|how much)\s+(.*)", re.I)
_DO_AUX = frozenset("did does do has have had can could will would should must may might".split())
_AUX = frozenset("is are was were did does do has have had can could should will would may might must the a an "
                 "of".split())
_STOP_FOCUS = frozenset("with in on at for from to by about between during after before under into".split())
# Verbs that questions about human-rights work ask with "did/does/do" (base forms). A closed list instead of a
# tagger: after the auxiliary, the first of these is the question's predicate. Light verbs are left out.
VERBS = frozenset("""accept achieve address adopt allocate amend announce appeal appoint approve arrange arrest ask
    assess assist attend ban build call change choose claim collect complain conclude conduct consider contribute
    cooperate cover create decide declare decrease deliver demand deny deport describe detain develop discover
    discuss dismiss draft educate elect emphasise emphasize encourage ensure establish examine expand explain
    express fail find focus form fund grant guarantee help highlight hire hold host identify implement improve
    include increase inform initiate inspect introduce investigate invite join launch lead limit meet mention
    monitor note notice obtain offer organise organize participate pay plan prepare present prevent promise
    promote propose protect provide publish raise ratify reach receive recommend record reduce refuse register
    reject release remove report request require resolve respond restore restrict return review run say seek
    select send share sign speak state stop strengthen stress submit suggest support suspend target teach tell
    train transfer undertake urge violate visit welcome write""".split())

_ANSWER_TYPES = (  # (type, pattern on the English question); first match wins
    ("problem", re.compile(r"^\s*(which|what)\s+(\w+\s+)?(shortcomings?|problems?|deficienc(y|ies)|gaps?|violations?"
                           r"|challenges?|weakness(es)?|obstacles?|barriers?|failures?|flaws?|difficult(y|ies)|abuses?"
                           r"|concerns?)\b", re.I)),
    ("share", re.compile(r"\b(what|which) (share|percentage|proportion|fraction|portion|part)\b|\bhow full\b"
                         r"|\bper ?cent|%|\brate of\b|\boccupancy\b|\bwhat rate\b", re.I)),
    ("number", re.compile(r"\bhow (many|much)\b|\bnumber of\b|\bwhat (amount|sum|figure)\b|\bhow large\b", re.I)),
    ("year", re.compile(r"\b(what|which) year\b", re.I)),  # answered by a year, not by "October 19-20"
    ("date", re.compile(r"^\s*(when|since when|until when)\b|\b(what|which) (date|day|month)\b"
                        r"|\bhow long ago\b", re.I)),
    ("person", re.compile(r"^\s*(who|whom)\b|\bwhich (\w+ )?(official|person|minister|ombudsman|commissioner|head|"
                          r"rapporteur|expert|chair|president|director)s?\b|\bname of the (head|minister|person)\b",
                          re.I)),
    ("place", re.compile(r"^\s*where\b|\bin which (city|country|place|region)\b", re.I)),
    ("reason", re.compile(r"^\s*why\b|\bfor what reason\b|\bwhat (was|were|is|are) the reasons?\b"
                          r"|\breasons? (for|why)\b"
                          r"|\bmeant to\b|\baim(ed)? (to|at)\b|\bpurpose\b|\bjustif(y|ied|ication)\b", re.I)),
    ("title", re.compile(r"\b(title|titled|called|named|theme|motto|slogan)\b", re.I)),
    ("yesno", re.compile(r"^\s*(is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b", re.I)),
)
# Recommendations asked for by name, by short name ("recs"), or by what a State does when it recommends.
_RECOMMENDATION = re.compile(r"\brecommend|\brecs?\b|\bcalls? (on|for|to)\b|\b(called|urged|pushed|pressed) "
                             r"(on )?\w+ to\b|\b(who|which (countries|states|delegations)) (asked|urged|called)\b",
                             re.I)
_RESPONSE = re.compile(r"\b(accept(ed|s)?|support(ed|s)?|not(ed|e)|reject(ed|s)?|took note|take note|position|"
                       r"respon(se|ded|d)|reply|replied|agree(d)?)\b", re.I)
_LIST = re.compile(r"^\s*((with|in|for|from|to|by|of|on)\s+)?(which|what)\s+(are|were|(\w+\s+)?"
                   r"(?!(does|was|is|has|this|its|his)\b)\w+[^s\W]s)\b|\blist\b|\bname (the|all)\b|\ball the\b", re.I)
# A follow-up that narrows the list before it: "which of them did Germany make?", "and which ones were noted?"
_BACK_TO_LIST = re.compile(r"\b(of|among|from) (them|these|those)\b|\bwhich ones\b|\bany of them\b", re.I)
_DOCUMENTS = re.compile(r"\bwhich (documents?|reports?|sources?|texts?|articles?|pages?)\b", re.I)
_COMPARISON = re.compile(r"\bcompar|\bdiffer|\bchange[ds]?\b.*\bbetween\b|\bboth\b|\beach (cycle|review)\b|"
                         r"\b(all|three|two|every) (cycles|reviews)\b|\bacross\b|\bover time\b"
                         r"|\bsince the (first|previous)"
                         r"|\bincrease[ds]?\b|\bdecrease[ds]?\b|\bvs\.?\b|\bversus\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_ENTITY = re.compile(r"\b[A-Z][\w'’-]{2,}")
_NOT_ENTITIES = frozenset("which what who when where how why with does did were was have has from into the this "
                          "that and for".split())

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_CYCLE = re.compile(r"\b(first|1st|second|2nd|third|3rd|fourth|4th)\s+(?:upr\s+)?(cycle|review|upr|round)\b"
                    r"|\b(?:cycle|round)\s+(\d)\b", re.I)
_LATEST = re.compile(r"\b(most recent|latest|last|current|newest|recent)\s+(upr\s+)?(review|cycle|upr|report)\b", re.I)
_PREVIOUS = re.compile(r"\b(previous|earlier|prior|preceding)\s+(upr\s+)?(review|cycle|upr|round)\b", re.I)
_YEAR_REVIEW = re.compile(r"\b((?:19|20)\d\d)(?:'s)?\s+(?:upr\s+)?(review|upr|cycle)\b|\b(?:review|upr) (?:of|in) "
                          r"((?:19|20)\d\d)\b", re.I)
# "in the UNDP care system report", "according to the US State Department report": a document named by the words
# of its title (or file name) before a document noun
_TITLED = re.compile(r"(?=\bthe\s+((?:[\w'’.-]+\s+){1,5}?)"
                     r"(report|newsletter|assessment|compilation|summary|roadmap|article|document|study)s?\b)", re.I)
_NOT_TITLE = frozenset("""the a an its their this that these those latest last recent most current newest previous
    earlier prior first second third fourth 1st 2nd 3rd 4th upr""".split())
_SYMBOL = re.compile(r"\b(?:A|E)/(?:HRC|WG\.\d+)/[\w./]*\d(?:/Add\.\d+)?", re.I)
_PARTS = re.compile(r"\s*(?:,|;)?\s*\band (?=(?:what|which|who|whom|when|where|why|how|did|does|do|is|are|was|were|"
                    r"has|have)\b)", re.I)


@dataclass(frozen=True)
class DocRef:
    """A document named by description: by symbol, UPR cycle (absolute or relative), or year."""

    symbol: str = ""
    cycle: int = 0
    latest: bool = False
    previous: bool = False
    year: str = ""
    words: tuple[str, ...] = ()  # "the UNDP care system report" -> ("undp", "care", "system"): its title's words


@dataclass(frozen=True)
class Corpus:
    """What the question's weights need from the corpus: passages holding each stem, and how many there are."""

    doc_freq: Callable[[Sequence[str]], Mapping[str, int]]
    size: int


@dataclass(frozen=True)
class Question:
    """A question, analysed (see the module docstring). `search` is the text retrieval embeds and matches."""

    text: str
    search: str
    lang: str = "en"
    stems: tuple[str, ...] = ()
    context: frozenset[str] = frozenset()  # the stems a follow-up carries from the turn before (not its own)
    weights: Mapping[str, float] = field(default_factory=dict)
    doc_freq: Mapping[str, int] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)  # stem -> a question word it came from
    focus: tuple[str, ...] = ()
    predicate: str = ""
    answer_type: str = ""
    recommendation: bool = False
    response: bool = False
    listing: bool = False
    documents: bool = False
    comparison: bool = False
    entities: Mapping[str, str] = field(default_factory=dict)  # stem -> name as written
    countries: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    doc_refs: tuple[DocRef, ...] = ()
    parts: tuple[str, ...] = ()
    followup: bool = False
    previous_citations: frozenset[str] = frozenset()  # passages the answer before cited ("who else" excludes)
    wants_other: bool = False  # "who else", "what other": something the answer before did not say

    @property
    def previous_docs(self) -> frozenset[str]:
        """The documents of the passages the answer before cited (a passage id is "doc:version:ordinal")."""
        return frozenset(pid.rsplit(":", 2)[0] for pid in self.previous_citations)

    @property
    def numeric(self) -> bool:
        return self.answer_type in ("number", "share")

    def weight(self, stem_: str) -> float:
        return self.weights.get(stem_, 1.0)


def analyze(text: str, corpus: Corpus | None = None, history: Sequence | None = None) -> Question:
    """Analyse a question once (see the module docstring).

    Args:
        text: the question as the user wrote it.
        corpus: document frequencies for the IDF weights; None gives every stem weight 1.
        history: earlier turns, oldest first: (role, text) pairs, or (role, text, cited passage ids) for the
            assistant's turns (assistant.answer.followups).
    """
    from assistant.answer.bodies import described
    from assistant.answer.followups import standalone  # followups builds on this module's patterns

    lang = "en" if not looks_foreign(text) else _language(text)
    turn = standalone(text, history)
    english = (lambda t: to_english_query(t) if t and looks_foreign(t) else t) if lang != "en" else (lambda t: t)
    own, context = english(turn.text), english(turn.context)
    asked = f"{own} {context}".strip()
    named = " ".join(described(own))  # "the UN anti-torture committee": the Committee against Torture
    search = f"{asked} {named}".strip()  # the names are searched for, not words to cover or entities to find
    own_stems = [s for s in content_stems(own) if s not in QUESTION_WORDS]
    context_stems = [s for s in content_stems(context) if s not in QUESTION_WORDS and s not in own_stems]
    stems_ = tuple(dict.fromkeys([*own_stems, *context_stems]))
    words = {stem(t): t for t in reversed(tokens(asked))}
    doc_freq = dict(corpus.doc_freq(stems_)) if corpus is not None and stems_ else {}
    size = corpus.size if corpus is not None else 0
    weights = {s: math.log(1.0 + (size + 1) / (doc_freq.get(s, 0) + 1)) if corpus else 1.0 for s in stems_}
    for s in context_stems:
        weights[s] *= CONTEXT_WEIGHT
    focus = tuple(s for s in _focus(own) if s in weights)
    predicate = _predicate(own)
    predicate = predicate if predicate in weights and predicate not in focus else ""
    for s in (*focus, predicate) if predicate else focus:
        weights[s] *= FOCUS_WEIGHT
    entities = _entities(asked)
    previous_cited, followup = turn.cited, turn.followup
    return Question(
        text=text, search=search, lang=lang, stems=stems_, context=frozenset(context_stems), weights=weights,
        doc_freq=doc_freq, words=words,
        focus=focus, predicate=predicate, answer_type=_answer_type(own),
        recommendation=bool(_RECOMMENDATION.search(own) or (followup and _RECOMMENDATION.search(context)
                                                            and (_LIST.search(own) or _BACK_TO_LIST.search(own))))
        and _answer_type(own) not in ("number", "share"),
        response=bool(_RESPONSE.search(own)) and (bool(_RECOMMENDATION.search(search))
                                                  or _answer_type(own) == "yesno"),
        listing=bool(_LIST.search(own)), documents=bool(_DOCUMENTS.search(own)),
        comparison=bool(_COMPARISON.search(own)), entities=entities,
        countries=_countries(asked, entities),
        years=_years(own) or _years(context), doc_refs=doc_refs(own) or doc_refs(context),
        parts=parts_of(own), followup=followup, previous_citations=frozenset(previous_cited),
        wants_other=followup and bool(re.search(r"\b(else|other|another|besides|apart from|in addition)\b", text,
                                                re.I)),
    )


def _countries(text: str, entities: Mapping[str, str]) -> tuple[str, ...]:
    """Countries the question names, as written or typed in lower case ("did slovenia accept austria's ...")."""
    named = [c for c in (country_named(w) for w in entities.values()) if c]
    typed = countries_in(re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), text))
    return tuple(dict.fromkeys([*named, *typed]))


def _years(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(0) for m in _YEAR.finditer(text)))


def _language(text: str) -> str:
    if re.search(r"[а-яё]", text, re.I):
        return "ru"
    if re.search(r"[əƏıİ]|\b(nə|niyə|hansı|neçə)\b", text):
        return "az"
    return "uz"


def _answer_type(question: str) -> str:
    return next((kind for kind, pattern in _ANSWER_TYPES if pattern.search(question)), "")


def _focus(question: str) -> list[str]:
    """Stems of the words right after which/what/how many, up to a preposition ("annual budget")."""
    match = _FOCUS_START.match(question)
    if not match:
        return []
    out: list[str] = []
    words = re.findall(r"[\w'-]+", match.group(1).lower())
    if words and words[0] in _DO_AUX:
        return []
    for word in words:
        if word in _STOP_FOCUS or (out and word in _AUX) or len(out) >= MAX_FOCUS_WORDS:
            break
        if word not in _AUX and word not in STOPWORDS and stem(word) not in QUESTION_WORDS:
            out.append(stem(word))
    return out


def _predicate(question: str) -> str:
    """The first verb of VERBS after "did/does/do", stemmed, or ""."""
    words = [w.lower() for w in re.findall(r"[\w'’-]+", question)]
    start = next((i for i, w in enumerate(words) if w in {"did", "does", "do"}), None)
    if start is None:
        return ""
    verb = next((w for w in words[start + 1:] if w in VERBS), "")
    return stem(verb) if verb and stem(verb) not in QUESTION_WORDS else ""


def _entities(question: str) -> dict[str, str]:
    """Capitalised words after the first: the names a question mentions, stem (or, for "Anti-Cancer", the phrase
    of its stems, as the keyword index holds it) -> word."""
    words = question.split()
    out: dict[str, str] = {}
    for name in _ENTITY.findall(" ".join(words[1:])):
        name = re.sub(r"['’]s$", "", name)
        if name.lower() not in _NOT_ENTITIES and name.lower() not in STOPWORDS:
            key = " ".join(stems(name))
            if key:
                out.setdefault(key, name)
    return out


def doc_refs(question: str) -> tuple[DocRef, ...]:
    """The documents a question names by description (resolved by assistant.answer.documents)."""
    refs: list[DocRef] = []
    refs.extend(DocRef(symbol=m.group(0)) for m in _SYMBOL.finditer(question))
    for m in _CYCLE.finditer(question):
        refs.append(DocRef(cycle=_ORDINALS.get((m.group(1) or "").lower(), int(m.group(3) or 0))))
    if _LATEST.search(question):
        refs.append(DocRef(latest=True))
    if _PREVIOUS.search(question):
        refs.append(DocRef(previous=True))
    for m in _YEAR_REVIEW.finditer(question):
        refs.append(DocRef(year=m.group(1) or m.group(3)))
    for m in _TITLED.finditer(question):
        words = tuple(w for w in (x.strip("'’.").lower() for x in m.group(1).split())
                      if w and w not in _NOT_TITLE and not w.isdigit())
        if words:
            refs.append(DocRef(words=words))
    return tuple(dict.fromkeys(refs))


def parts_of(question: str) -> tuple[str, ...]:
    """A multi-part question's parts ("What did X recommend, and did Slovenia accept it?"), or () for one part."""
    pieces = [p.strip(" ,;?") for p in _PARTS.split(question) if p and p.strip(" ,;?")]
    return tuple(pieces) if len(pieces) > 1 and all(len(p.split()) >= 3 for p in pieces) else ()
