"""Named features of a (question, candidate passage) pair: small pure functions the ranker weighs.

Each feature is a number a person can read ("cov 0.83": the passage holds 83% of the question's weighted terms).
Their weights are not chosen here: bench/fit.py fits them (logistic regression, documents held out) and writes
assistant/data/weights/<embedder>.json; `hrqa ask --json` shows every cited passage's values.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answer.question import Question
from ingest.chunk import sentences
from ingest.types import Passage
from vectorstore.store import DocRecord
from vectorstore.terms import content_stems, stem_set
from vectorstore.text import context_of

# What the kinds of answer look like in a sentence.
DATE = re.compile(r"\b(?:\d{1,2}\s+)?(?:january|february|march|april|may|june|july|august|september|october"
                  r"|november|december)(?:\s+\d{1,2})?(?:,?\s+\d{4})?\b|\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b"
                  r"|\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\b", re.I)
# A figure that counts: digits or number words, once dates, identifiers ("A/HRC/59/15", "No. 43", "COVID-19"),
# ages ("aged 10-14") and footnote markers glued to a word are taken out.
QUANTITY = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
                      r"|fifty|hundreds?|thousands?|millions?|dozens?|half|third|quarter|once|twice|majority)\b", re.I)
_IDENTIFIER = re.compile(r"\S*\d\S*/\S*|\S*/\S*\d\S*|\bNo\.\s*\d+|(?<=[^\W\d_])[-.,;:]?\d+\b"
                         r"|\baged?\s+(between\s+)?\d+(\s*(-|–|to|and)\s*\d+)?", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
SHARE = re.compile(r"\d\s*(%|per ?cent|percentage points?)|\b(half|a third|a quarter|two thirds|majority)\b", re.I)
_PERSON = re.compile(r"\b(Mr|Ms|Mrs|Dr|Prof|H\.E)\.? [A-Z]|\b[A-Z][a-z]+ [A-Z][a-zčćšžđ]+(ova|ov|eva|ev|yeva|yev|ina"
                     r"|in|sky|skaya|enko|uk|yan|li|zade|aev|ayev|ovich|ovna|ič|ić|ek|ar|er|man|son)\b"
                     r"|\b(Minister|Ombudsman|Commissioner|Rapporteur|President|Ambassador|Secretary|Director|Chair"
                     r"(person|man)?|Head)\b", re.U)
_PLACE = re.compile(r"\b(in|at) (?!the\b)[A-Z][a-z]+")
_REASON = re.compile(r"\b(because|due to|owing to|as a result|in order to|so that|since|caused by|the reason|aimed at"
                     r"|so as to|given that|in view of|purpose|aims? (to|at)|goal|objective|intended to|designed to"
                     r"|not (a )?priority|cannot|not possible|incompatible|contrary to|already|would require)\b", re.I)
_QUOTED = re.compile(r"[“\"«][^”\"»]{6,}[”\"»]")
_PROBLEM = re.compile(r"\bno\b(?!\.?\s*\d)|\b(not|never|nor|cannot|lacks?|lacking|lack of|absent|absence"
                      r"|insufficient(ly)?|inadequate(ly)?|poor(ly)?|disrepair|shortages?|fail(s|ed|ure)?"
                      r"|without|unable|overcrowd(ed|ing)|concern(ed|s)?|gaps?|low level|remain(s|ed)? (an )?issue"
                      r"|in need of|denied|deprived|unsatisfactory|violat(ed|es|ing|ion|ions))\b|n't\b", re.I)
_YESNO = re.compile(r"\b(accept(ed|s)?|support(ed|s)?|not(ed|es)?|reject(ed|s)?|cannot accept|took note|ratifi(ed|es)"
                    r"|adopted|in force|not yet|has not|have not|did not)\b", re.I)
TYPE_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "date": DATE, "year": YEAR, "number": QUANTITY, "share": SHARE, "person": _PERSON, "place": _PLACE,
    "reason": _REASON, "title": _QUOTED, "problem": _PROBLEM, "yesno": _YESNO,
}


@dataclass
class View:
    """What the features read of one candidate: its passage, document, scores from retrieval, and stems."""

    passage: Passage
    doc: DocRecord | None
    rrf: float = 0.0
    dense: float = 0.0
    bm25: float = 0.0
    dense_rank: int | None = None
    keyword_rank: int | None = None

    @cached_property
    def text_stems(self) -> frozenset[str]:
        return stem_set(self.passage.text)

    @cached_property
    def heading_stems(self) -> frozenset[str]:
        return stem_set(context_of(self.passage))

    @cached_property
    def stem_sequence(self) -> tuple[str, ...]:
        return tuple(content_stems(self.passage.text))

    @cached_property
    def sentences(self) -> list[tuple[str, frozenset[str]]]:
        return [(s, stem_set(s)) for s in split_sentences(self.passage.text)]


@dataclass
class Pool:
    """What the features read of the whole candidate pool and the corpus: best scores, named documents, names
    missing from a passage's article (a keyword-index look-up, done once per candidate)."""

    max_dense: float = 1.0
    max_bm25: float = 1.0
    leads: set[str] = field(default_factory=set)  # candidates that open a news article
    doc_ids: set[str] = field(default_factory=set)
    doc_share: Mapping[str, float] = field(default_factory=dict)  # doc id -> its share of the top candidates
    missing: Callable[[View], float] = lambda view: 0.0


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each bullet line counts as a sentence ("No. 43" does not end one)."""
    return [s for line in re.split(r"\n(?=\s*•)", text) for s in sentences(line)]


def coverage(q: Question, present: frozenset[str], own: bool = False) -> float:
    """IDF-weighted share of the question's content stems among present; own: of the stems the question itself
    asks with (a follow-up's words from the turn before left out)."""
    wanted = [s for s in q.stems if not (own and s in q.context)]
    total = sum(q.weight(s) for s in wanted)
    return sum(q.weight(s) for s in wanted if s in present) / total if total else 0.0


def has_type(kind: str, text: str) -> bool:
    """Whether text holds the kind of thing asked for (a date for "when", a figure for "how many", ...)."""
    if kind == "number":
        return bool(QUANTITY.search(_IDENTIFIER.sub(" ", DATE.sub(" ", text))))
    pattern = TYPE_PATTERNS.get(kind)
    return bool(pattern and pattern.search(text))


def sentence_score(q: Question, sentence: str, stems_: frozenset[str]) -> float:
    """How well one sentence answers: its coverage, plus a half for holding the kind of answer asked for."""
    return coverage(q, stems_) + (0.5 if q.answer_type and has_type(q.answer_type, sentence) else 0.0)


def best_sentence(q: Question, view: View) -> tuple[float, str]:
    """The passage's best sentence for the question and its score."""
    scored = [(sentence_score(q, s, st), s) for s, st in view.sentences] or [(0.0, view.passage.text)]
    return max(scored, key=lambda t: t[0])


# --- the features -------------------------------------------------------------------------------------------


def f_rrf(q: Question, v: View, pool: Pool) -> float:
    """Reciprocal-rank fusion of the dense and keyword ranks, scaled so that rank 1 on one side is 1."""
    return 61.0 * v.rrf


def f_dense(q: Question, v: View, pool: Pool) -> float:
    """Cosine similarity of question and passage embeddings."""
    return v.dense


def f_dense_rel(q: Question, v: View, pool: Pool) -> float:
    """Dense similarity relative to the best candidate's."""
    return v.dense / pool.max_dense if pool.max_dense > 0 else 0.0


def f_bm25_rel(q: Question, v: View, pool: Pool) -> float:
    """BM25 score relative to the best candidate's."""
    return v.bm25 / pool.max_bm25 if pool.max_bm25 > 0 else 0.0


def f_cov(q: Question, v: View, pool: Pool) -> float:
    """Coverage of the question by the passage with its headings and document title."""
    return coverage(q, v.text_stems | v.heading_stems)


def f_cov_own(q: Question, v: View, pool: Pool) -> float:
    """Coverage of the question's own words (a follow-up's carried words left out: "how many delegations took the
    floor?" after a question on the review must be answered about delegations, not about the review)."""
    return coverage(q, v.text_stems | v.heading_stems, own=True)


def f_cov_sentence(q: Question, v: View, pool: Pool) -> float:
    """Coverage by the best single sentence, plus a half when it holds the kind of answer asked for."""
    return best_sentence(q, v)[0]


def f_focus(q: Question, v: View, pool: Pool) -> float:
    """Share of the focus words and the predicate ("annual budget", "speak") in the paragraph itself."""
    wanted = (*q.focus, q.predicate) if q.predicate else q.focus
    return sum(1 for s in wanted if s in v.text_stems) / len(wanted) if wanted else 0.0


def f_entity_missing(q: Question, v: View, pool: Pool) -> float:
    """Share of the question's distinctive names its article (or document) never mentions."""
    return pool.missing(v)


def f_year(q: Question, v: View, pool: Pool) -> float:
    """+1 when the question names a year the passage, its headings or its document date name; -1 when it names
    years and none is there; 0 without years."""
    if not q.years:
        return 0.0
    date = v.doc.meta.date if v.doc is not None else ""
    where = f"{v.passage.text} {context_of(v.passage)} {date}"
    return 1.0 if any(y in where for y in q.years) else -1.0


def f_doc_ref(q: Question, v: View, pool: Pool) -> float:
    """+1 when the question names documents ("the fourth cycle") and this is one, -1 when it is not, else 0."""
    if not pool.doc_ids:
        return 0.0
    return 1.0 if v.passage.doc_id in pool.doc_ids else -1.0


def f_answer_type(q: Question, v: View, pool: Pool) -> float:
    """1 when the passage holds the kind of answer asked for (a date, a figure, a share, a person, ...)."""
    return 1.0 if q.answer_type and has_type(q.answer_type, v.passage.text) else 0.0


# Words that count people: "how many staff" is answered by "one employee", "how many people" by "22 members".
PEOPLE = frozenset({"person", "ppl", "staff", "employe", "member", "individu", "citizen", "resid"})


def f_count(q: Question, v: View, pool: Pool) -> float:
    """For "how many"/"what share": 1 when a sentence gives a figure and names what is counted (a focus word; any
    word for people when people are counted)."""
    if not q.numeric:
        return 0.0
    wanted = set(q.focus) or set(q.stems)
    if wanted & PEOPLE:
        wanted |= PEOPLE
    return 1.0 if any(has_type(q.answer_type, s) and wanted & st for s, st in v.sentences) else 0.0


def f_kind(q: Question, v: View, pool: Pool) -> float:
    """1 when the passage is the kind of paragraph asked for: a recommendation, or a State's response."""
    kind = v.passage.section_kind
    return 1.0 if (q.recommendation and not q.response and kind == "recommendation") or (
        q.response and kind == "response") else 0.0


def f_prev_cited(q: Question, v: View, pool: Pool) -> float:
    """1 when a "who else / what other" follow-up would get back a passage the answer before already cited."""
    return 1.0 if q.wants_other and v.passage.id in q.previous_citations else 0.0


def f_dense_first(q: Question, v: View, pool: Pool) -> float:
    """1 / the passage's rank on the dense side (0 when only the keyword side found it)."""
    return 1.0 / v.dense_rank if v.dense_rank else 0.0


def f_keyword_first(q: Question, v: View, pool: Pool) -> float:
    """1 / the passage's rank on the keyword side (0 when only the dense side found it)."""
    return 1.0 / v.keyword_rank if v.keyword_rank else 0.0


def f_doc_share(q: Question, v: View, pool: Pool) -> float:
    """Share of the best candidates that come from the passage's document (the document the question is about
    tends to fill the top of the list)."""
    return pool.doc_share.get(v.passage.doc_id, 0.0)


def f_phrase(q: Question, v: View, pool: Pool) -> float:
    """Share of the question's adjacent word pairs ("hate speech", "gender pay gap") that the paragraph has as
    adjacent words too."""
    pairs = set(zip(q.stems, q.stems[1:]))
    if not pairs:
        return 0.0
    have = set(zip(v.stem_sequence, v.stem_sequence[1:]))
    return len(pairs & have) / len(pairs)


def f_type_focus(q: Question, v: View, pool: Pool) -> float:
    """1 when one sentence both holds the kind of answer asked for and names a focus word or the predicate."""
    wanted = set(q.focus) | ({q.predicate} if q.predicate else set())
    if not q.answer_type or not wanted:
        return 0.0
    return 1.0 if any(wanted & st and has_type(q.answer_type, s) for s, st in v.sentences) else 0.0


def f_article_lead(q: Question, v: View, pool: Pool) -> float:
    """1 for the first paragraph of a news article (it names everything the article is about, so it matches
    many questions whose answer is further down)."""
    return 1.0 if v.passage.id in pool.leads else 0.0


def f_prev_doc(q: Question, v: View, pool: Pool) -> float:
    """For a follow-up: 1 when the passage is from a document the answer before cited."""
    return 1.0 if q.followup and v.passage.doc_id in q.previous_docs else 0.0


def f_length(q: Question, v: View, pool: Pool) -> float:
    """log of the passage length in hundreds of characters (very short passages say little)."""
    return math.log(max(len(v.passage.text), 20) / 100.0)


FEATURES: Mapping[str, Callable[[Question, View, Pool], float]] = {
    "rrf": f_rrf, "dense": f_dense, "dense_rel": f_dense_rel, "bm25_rel": f_bm25_rel, "cov": f_cov,
"cov_own": f_cov_own, "cov_sentence": f_cov_sentence, "focus": f_focus, "entity_missing": f_entity_missing,
    "year": f_year, "doc_ref": f_doc_ref, "answer_type": f_answer_type, "count": f_count, "kind": f_kind,
    "prev_cited": f_prev_cited, "length": f_length, "dense_first": f_dense_first, "keyword_first": f_keyword_first,
    "doc_share": f_doc_share, "phrase": f_phrase, "prev_doc": f_prev_doc, "type_focus": f_type_focus,
    "article_lead": f_article_lead,
}
# Features relative to the best candidate's value of a base feature (a long question is covered less by every
# passage; what matters is how this passage compares).
RELATIVE = {"cov_rel": "cov", "cov_sentence_rel": "cov_sentence", "focus_rel": "focus"}


def values(q: Question, views: Sequence[View], pool: Pool) -> list[dict[str, float]]:
    """Every feature of every candidate, the relative ones (RELATIVE) last."""
    rows = [{name: round(f(q, v, pool), 4) for name, f in FEATURES.items()} for v in views]
    for name, base in RELATIVE.items():
        best = max((row[base] for row in rows), default=0.0)
        for row in rows:
            row[name] = round(row[base] / best, 4) if best > 0 else 0.0
    return rows


NAMES = (*FEATURES, *RELATIVE)  # every feature name a weights file may use
