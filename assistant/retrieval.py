"""Hybrid retrieval: dense (Chroma) + keyword (BM25) candidates, fused by reciprocal rank.

Filters on document metadata (document, type, country, date) resolve to a set of document ids through the
manifest, so both sides filter identically; section kind filters on the passage itself. The ranking of the
candidates is assistant.answer's (fitted features); this module only finds them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answer.ranking import is_continuation
from ingest.errors import ConfigError
from ingest.ids import passage_id
from ingest.types import Passage
from vectorstore.index import Index
from vectorstore.store import DocRecord

RRF_K = 60  # the constant from Cormack et al. (2009); rank 1 scores 1/61
CANDIDATES = 40  # per side, before fusion
POOL = 40  # fused candidates the ranker (assistant.answer.ranking) scores
CONTINUE_FROM = 10  # the top candidates whose following paragraph is fetched when it continues them


_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


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
            if name in {"year", "date_from", "date_to"}:
                date = str(vals[0]).strip() if vals else ""
                if date and not _DATE.fullmatch(date):
                    raise ConfigError(f"filter {key.strip()}={date!r} is not a date; write a year (2025), a month "
                                      "(2025-03) or a day (2025-03-31)")
                for target in (("date_from", "date_to") if name == "year" else (name,)):
                    values[target] = date
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
        # the country a document is about (a UPR report on Slovenia names every recommending State too)
        about = {meta.country} if meta.country else set(meta.countries)
        if wanted and not wanted & {c.lower() for c in about}:
            return False
        if (self.date_from or self.date_to) and not meta.date:
            return False
        # compared at the coarser of the two precisions: a report dated "2023" lies in from=2023-01 to=2023-12
        if self.date_from and _coarse(meta.date, self.date_from) < _coarse(self.date_from, meta.date):
            return False
        return not (self.date_to and _coarse(meta.date, self.date_to) > _coarse(self.date_to, meta.date))


def _coarse(date: str, other: str) -> str:
    """date cut to the precision of the coarser of date and other ("2023-05-04" against "2023" -> "2023")."""
    return date[: min(len(date), len(other))]


def _split_pair(pair: str) -> tuple[str, str]:
    if "=" not in pair:
        raise ConfigError(f"filter {pair!r} is not key=value (e.g. kind=recommendation)")
    key, value = pair.split("=", 1)
    return key, value


@dataclass
class Retrieved:
    """A retrieved passage: its fused score from retrieval, then (after ranking) the probability that it holds the
    answer, with the per-side evidence and the feature values behind it."""

    passage: Passage
    score: float
    dense: float = 0.0
    keyword: float = 0.0
    dense_rank: int | None = None
    keyword_rank: int | None = None
    rrf: float = 0.0
    doc: DocRecord | None = field(default=None, repr=False)
    features: dict[str, float] = field(default_factory=dict)  # the ranker's view of it (assistant.answer)


class HybridRetriever:
    """Dense + BM25 candidates, fused by reciprocal rank.

    Args:
        index: the Index to search.
        candidates: passages taken from each side before fusion.
    """

    def __init__(self, index: Index, candidates: int = CANDIDATES):
        self.index = index
        self.candidates = candidates

    def candidates_for(self, search: str, filters: Filters | None = None, pool: int = POOL) -> list[Retrieved]:
        """The fused candidate pool for a search text, with document records, and the paragraphs right after
        the best ones when they continue them ("Also, she ...")."""
        filters = filters or Filters()
        manifest = self.index.refresh()
        allowed = filters.doc_ids(manifest)
        if allowed is not None and not allowed:
            return []
        vector = self.index.embedder.embed_query(search)
        dense = self.index.nearest_ids(vector, self.candidates, doc_ids=allowed,
                                       section_kinds=filters.section_kinds)
        keyword = self.index.keyword.search(search, self.candidates, doc_ids=allowed,
                                            section_kinds=filters.section_kinds or None)
        # one read of both sides' passages (each read of Chroma costs ~10 ms at 100k passages)
        passages = {p.id: p for p in self.index.store.get(list(dict.fromkeys(
            [pid for pid, _ in dense] + [pid for pid, _ in keyword])))}
        fused = self._fuse(dense, keyword, passages)[:pool]
        fused += self._continuations(fused[:CONTINUE_FROM], manifest, filters, {r.passage.id for r in fused})
        for item in fused:
            item.doc = manifest.get(item.passage.doc_id)
            item.rrf = item.score
        return fused

    def _fuse(self, dense: list[tuple[str, float]], keyword: list[tuple[str, float]],
              passages: Mapping[str, Passage]) -> list[Retrieved]:
        """Reciprocal-rank fusion of the two candidate lists (scores kept for the ranker). A passage id that is
        not in `passages` (the keyword index ahead of or behind Chroma for a moment) is skipped, never invented."""
        items: dict[str, Retrieved] = {}
        rank = 0
        for pid, sim in dense:
            if pid in passages:
                rank += 1
                items[pid] = Retrieved(passages[pid], 1.0 / (RRF_K + rank), dense=sim, dense_rank=rank)
        for rank, (pid, score) in enumerate(keyword, 1):
            item = items.get(pid)
            if item is None:
                if pid not in passages:
                    continue
                item = items[pid] = Retrieved(passages[pid], 0.0)
            item.score += 1.0 / (RRF_K + rank)
            item.keyword, item.keyword_rank = score, rank
        return sorted(items.values(), key=lambda r: r.score, reverse=True)

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


class LangChainRetriever(BaseRetriever):
    """The hybrid retriever behind LangChain's retriever interface, for use in any chain.

    Each Document's metadata carries the passage id, citation label, paragraph, page, section kind and score.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: Any  # assistant.core.Assistant: the candidates ranked as its answers rank them
    filters: Any = None
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        results = self.assistant.ranked(query, self.filters)[: self.k]
        return [Document(page_content=r.passage.text, id=r.passage.id, metadata={
            "id": r.passage.id, "doc_id": r.passage.doc_id, "label": r.passage.label,
            "paragraph": r.passage.paragraph, "page": r.passage.page, "section_kind": r.passage.section_kind,
            "file_name": r.doc.meta.file_name if r.doc else "", "score": r.score}) for r in results]
