"""Hybrid retrieval: dense (Chroma) + keyword (BM25), fused by reciprocal rank, shaped by question intent.

Filters on document metadata (document, type, country, date) resolve to a set of document ids through the
manifest, so both sides filter identically; section kind filters on the passage itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.evidence import QueryTerms, query_terms_for, question_entities, synonyms_of
from assistant.rerank import is_continuation, rerank
from ingest.countries import country_named
from ingest.errors import ConfigError
from ingest.ids import passage_id
from ingest.types import Passage
from vectorstore.index import Index
from vectorstore.store import DocRecord

RRF_K = 60  # the constant from Cormack et al. (2009); rank 1 scores 1/61
CANDIDATES = 40  # per side, before fusion
RERANK_POOL = 30  # fused candidates that the second stage (assistant.rerank) scores
CONTINUE_FROM = 8  # the top candidates whose following paragraph is fetched when it continues them
ENTITY_CHECKED = 15  # candidates checked for the question's names (one small SQLite look-up per name)
RARE_NAME_SHARE = 0.1  # a name in more than this share of passages is not distinctive, unless it is a country

_RECOMMEND = re.compile(r"recommend|рекоменд|tavsiya|tövsiy", re.I)
_NUMERIC = re.compile(r"\bhow (many|much)\b|\bnumber of\b|\bshare\b|\bper ?cent|\bpercentage\b"
                      r"|\bсколько\b|\bqancha\b", re.I)
# "Which documents ...", "What shortcomings ...", "What are ...": a wh-word, maybe an adjective, then a plural.
_LIST = re.compile(r"^\s*((with|in|for|from|to|by|of|on)\s+)?(which|what)\s+"
                   r"(are|were|(\w+\s+)?(?!(does|was|is|has|this|its|his)\b)\w+[^s\W]s)\b"
                   r"|\blist\b|\bкакие\b", re.I)


@dataclass(frozen=True)
class Intent:
    """What kind of answer a question wants."""

    recommendation: bool = False
    numeric: bool = False
    listing: bool = False


def detect_intent(question: str) -> Intent:
    """"How many recommendations ..." asks for a number, not for the recommendations themselves."""
    numeric = bool(_NUMERIC.search(question))
    return Intent(bool(_RECOMMEND.search(question)) and not numeric, numeric, bool(_LIST.search(question)))


@dataclass(frozen=True)
class Filters:
    """Restrictions on what may be retrieved; empty tuples mean no restriction.

    Attributes:
        docs: document ids or file names.
        doc_types: e.g. ("assessment", "report").
        section_kinds: e.g. ("recommendation",).
        countries: a document matches when it mentions any of them.
        date_from / date_to: ISO prefixes compared as strings ("2025", "2025-07-30"); undated documents are
            excluded when a date filter is set.
    """

    docs: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    section_kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""

    KEYS = {"doc": "docs", "document": "docs", "type": "doc_types", "doc_type": "doc_types",
            "kind": "section_kinds", "section_kind": "section_kinds", "section": "section_kinds",
            "country": "countries", "date_from": "date_from", "from": "date_from", "date_to": "date_to",
            "to": "date_to", "year": "year"}

    @classmethod
    def from_pairs(cls, pairs: Iterable[str] | Mapping[str, Any] | None) -> "Filters":
        """Build from "key=value" strings (CLI) or a mapping (UI); repeated keys accumulate.

        Raises:
            ConfigError: unknown key or a pair without "=".
        """
        if not pairs:
            return cls()
        items = pairs.items() if isinstance(pairs, Mapping) else [_split_pair(p) for p in pairs]
        values: dict[str, Any] = {}
        for key, value in items:
            name = cls.KEYS.get(key.strip().lower())
            if name is None:
                raise ConfigError(f"unknown filter {key!r}; use one of {sorted(cls.KEYS)}")
            vals = [v for v in (value if isinstance(value, (list, tuple)) else str(value).split(",")) if str(v).strip()]
            if name == "year":
                values["date_from"] = values["date_to"] = str(vals[0]).strip() if vals else ""
            elif name in {"date_from", "date_to"}:
                values[name] = str(vals[0]).strip() if vals else ""
            else:
                values[name] = tuple(values.get(name, ())) + tuple(str(v).strip() for v in vals)
        return cls(**values)

    def is_empty(self) -> bool:
        return self == Filters()

    def doc_ids(self, manifest: Mapping[str, DocRecord]) -> set[str] | None:
        """The documents these filters allow, or None when they allow every document."""
        if not (self.docs or self.doc_types or self.countries or self.date_from or self.date_to):
            return None
        return {doc_id for doc_id, rec in manifest.items() if self._allows(rec)}

    def _allows(self, rec: DocRecord) -> bool:
        meta = rec.meta
        if self.docs and not ({meta.doc_id, meta.file_name} & set(self.docs)):
            return False
        if self.doc_types and meta.doc_type not in self.doc_types:
            return False
        wanted = {c.lower() for c in self.countries}
        if wanted and not wanted & {c.lower() for c in meta.countries}:
            return False
        if (self.date_from or self.date_to) and not meta.date:
            return False
        if self.date_from and meta.date[: len(self.date_from)] < self.date_from:
            return False
        return not (self.date_to and meta.date[: len(self.date_to)] > self.date_to)


def _split_pair(pair: str) -> tuple[str, str]:
    if "=" not in pair:
        raise ConfigError(f"filter {pair!r} is not key=value (e.g. kind=recommendation)")
    key, value = pair.split("=", 1)
    return key, value


@dataclass
class Retrieved:
    """A retrieved passage with its fused score and the per-side evidence behind it."""

    passage: Passage
    score: float
    dense: float = 0.0
    keyword: float = 0.0
    dense_rank: int | None = None
    keyword_rank: int | None = None
    coverage: float = 0.0
    entities_missing: float = 0.0  # share of the question's distinctive names its article never mentions
    typed: bool = False  # holds the kind of thing the question asks for (assistant.rerank.answer_type)
    doc: DocRecord | None = field(default=None, repr=False)


class HybridRetriever:
    """Dense + BM25 retrieval with reciprocal-rank fusion and intent-aware boosts.

    Args:
        index: the Index to search.
        k: passages returned by default.
        candidates: passages taken from each side before fusion.
    """

    def __init__(self, index: Index, k: int = 5, candidates: int = CANDIDATES):
        self.index = index
        self.k = k
        self.candidates = candidates

    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None,
                 intent: Intent | None = None, terms: QueryTerms | None = None) -> list[Retrieved]:
        """The best k passages for a query, best first.

        Args:
            query: the (standalone) question.
            filters: restrictions on documents and section kinds.
            k: how many passages (default: the retriever's k).
            intent / terms: precomputed by the caller when it needs them too; computed here otherwise.
        """
        filters = filters or Filters()
        intent = intent or detect_intent(query)
        manifest = self.index.refresh()
        allowed = filters.doc_ids(manifest)
        if allowed is not None and not allowed:
            return []
        dense = self._dense(query, filters, allowed)
        keyword = self.index.keyword.search(with_synonyms(query), self.candidates, doc_ids=allowed,
                                            section_kinds=filters.section_kinds or None)
        pool = self._fuse(dense, keyword)[:RERANK_POOL]
        pool += self._continuations(pool[:CONTINUE_FROM], manifest, filters, {r.passage.id for r in pool})
        for item in pool:
            item.doc = manifest.get(item.passage.doc_id)
        terms = terms or query_terms_for(query, self.index.keyword)
        self._mark_off_topic(query, pool[:ENTITY_CHECKED], terms)
        focus = (*terms.focus, terms.predicate) if terms.predicate else terms.focus
        return rerank(query, pool, terms.stems, terms.weights, intent, focus)[: k or self.k]

    def _dense(self, query: str, filters: Filters, allowed: set[str] | None) -> list[tuple[Passage, float]]:
        clauses = []
        if allowed is not None:
            clauses.append({"doc_id": {"$in": sorted(allowed)}})
        if filters.section_kinds:
            clauses.append({"section_kind": {"$in": list(filters.section_kinds)}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        vector = self.index.embedder.embed_query(query)
        hits = self.index.store.query(vector, self.candidates, where=where, live=self.index.live)
        return [(h.passage, h.score) for h in hits]

    def _fuse(self, dense: list[tuple[Passage, float]], keyword: list[tuple[str, float]]) -> list[Retrieved]:
        """Reciprocal-rank fusion of the two candidate lists (scores kept for the second stage)."""
        items: dict[str, Retrieved] = {}
        for rank, (passage, sim) in enumerate(dense, 1):
            items[passage.id] = Retrieved(passage, 1.0 / (RRF_K + rank), dense=sim, dense_rank=rank)
        missing = [pid for pid, _ in keyword if pid not in items]
        fetched = {p.id: p for p in self.index.store.get(missing)}
        for rank, (pid, score) in enumerate(keyword, 1):
            item = items.get(pid)
            if item is None:
                if pid not in fetched:
                    continue  # keyword index ahead of or behind Chroma for a moment; skip, never invent
                item = items[pid] = Retrieved(fetched[pid], 0.0)
            item.score += 1.0 / (RRF_K + rank)
            item.keyword, item.keyword_rank = score, rank
        return sorted(items.values(), key=lambda r: r.score, reverse=True)

    def _mark_off_topic(self, query: str, items: list[Retrieved], terms: QueryTerms) -> None:
        """Set entities_missing: the share of the question's distinctive names ("Azerbaijan", not "Human
        Rights", which most passages carry) that a candidate's article or document never mentions. A country
        is always distinctive, however many passages of a mostly-Uzbek corpus name it."""
        total = max(1, self.index.keyword.count())
        rare = {k for k, word in question_entities(query).items()
                if terms.doc_freq.get(k, 0) <= RARE_NAME_SHARE * total or country_named(word)}
        if not rare:
            return
        for item in items:
            missing = set(missing_entities(self.index, query, item)) & rare
            item.entities_missing = len(missing) / len(rare)

    def _continuations(self, top: list[Retrieved], manifest: Mapping[str, DocRecord], filters: Filters,
                       have: set[str]) -> list[Retrieved]:
        """Paragraphs right after top candidates that continue them ("Also, she ...") but were not retrieved."""
        previous: dict[str, str] = {}
        for item in top:
            rec = manifest.get(item.passage.doc_id)
            if rec is not None:
                pid = passage_id(item.passage.doc_id, rec.version, item.passage.ordinal + 1)
                if pid not in have:
                    previous[pid] = item.passage.text
        found = [p for p in self.index.store.get(list(previous)) if is_continuation(p.text, previous[p.id])
                 and (not filters.section_kinds or p.section_kind in filters.section_kinds)]
        return [Retrieved(p, 0.0) for p in found]


def with_synonyms(query: str) -> str:
    """The query with the other words of each word's synonym group appended, for the keyword side."""
    extra = [s for word in re.findall(r"\w+", query) for s in synonyms_of(word)]
    return " ".join([query, *dict.fromkeys(extra)])


def missing_entities(index: Index, question: str, item: Retrieved) -> list[str]:
    """The question's names (stems) that the passage's article, or its whole document when it has no articles,
    never mentions; a name in the document's title or country list counts as mentioned."""
    entities = question_entities(question)
    if item.doc is not None:
        known = " ".join([item.doc.meta.title, *item.doc.meta.countries]).lower()
        entities = {k: w for k, w in entities.items() if k not in known}
    return index.keyword.absent(item.passage.doc_id, item.passage.article_index, entities) if entities else []


class LangChainRetriever(BaseRetriever):
    """The hybrid retriever behind LangChain's retriever interface, for use in any chain.

    Each Document's metadata carries the passage id, citation label, paragraph, page, section kind and score.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    hybrid: Any
    filters: Any = None
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        results = self.hybrid.retrieve(query, self.filters, self.k)
        return [Document(page_content=r.passage.text, id=r.passage.id, metadata={
            "id": r.passage.id, "doc_id": r.passage.doc_id, "label": r.passage.label,
            "paragraph": r.passage.paragraph, "page": r.passage.page, "section_kind": r.passage.section_kind,
            "file_name": r.doc.meta.file_name if r.doc else "", "score": r.score}) for r in results]
