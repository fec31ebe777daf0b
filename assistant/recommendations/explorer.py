"""RecommendationExplorer: every recommendation item of an index, tagged, with the State's response; filters and counts.

Items are computed once per set of live documents (a change of any document recomputes them) and are listed by
document, newest first, then by number ("140.9" before "140.10"), whatever the filter.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

import numpy as np

from assistant.recommendations.cache import ItemCache, code_digest
from assistant.recommendations.items import (
    RecommendationItem,
    canonical_state,
    is_views,
    merge_parts,
    number_key,
    own_text,
    recommendation_items,
)
from assistant.recommendations.responses import Views, blocks_from_passages, document_symbol, family_of, parse_views
from assistant.recommendations.statuses import STATUSES
from assistant.recommendations.tagging import Tagger, Vocabulary, load_vocabulary
from ingest.errors import ConfigError
from vectorstore.store import DocRecord

log = logging.getLogger(__name__)

FILTER_STATUSES = (*STATUSES, "none")
# What people call a position: the UPR's own words since the 2nd cycle are "supported" and "noted".
STATUS_WORDS = {"accepted": "supported", "accept": "supported", "support": "supported", "rejected": "noted",
                "not accepted": "noted", "not supported": "noted", "took note": "noted", "note": "noted",
                "partial": "partially", "partially supported": "partially", "partially accepted": "partially",
                "unknown": "none", "no response": "none"}
# Least cosine similarity (all-MiniLM-L6-v2) for a query match holding only some of the query's words, and for one
# holding none: looked at on a handful of queries over Slovenia's UPR reports ("hate speech online" finds "hate
# speech" at 0.49; "Istanbul Convention" finds the Convention's full name at 0.63, and the next item, at 0.44, is
# about something else).
QUERY_SIMILARITY = 0.45
QUERY_SIMILARITY_ALONE = 0.6
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOPWORDS = frozenset("""the and for with that this these those from into onto about their there which what who whom
    whose when where why how are was were been being have has had not all any its our your they them his her
    recommendation recommendations recommended recommend""".split())
_UN_NUMBER = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class CountSource:
    """A views paragraph a count can be cited to: a status list (count = the numbers it lists) or the document's
    own statement of its totals (stated=True: "The Government of Slovenia accepts 142 recommendations")."""

    status: str
    count: int
    passage_id: str
    label: str
    stated: bool = False


class RecommendationExplorer:
    """All recommendation items of an index.

    Args:
        index: a vectorstore.index.Index.
        vocabulary: themes and groups; the packaged one by default.
        tagger: defaults to keywords plus the index's embedder.
    """

    def __init__(self, index, vocabulary: Vocabulary | None = None, tagger: Tagger | None = None,
                 cache_dir: str | os.PathLike | None = None):
        self.index = index
        self.vocabulary = vocabulary or load_vocabulary()
        self._tagger = tagger
        # a given tagger's tags are its own: only the default one's are kept on disk between processes
        self._disk = ItemCache(cache_dir, code_digest(self.vocabulary)) if cache_dir and tagger is None else None
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._items: list[RecommendationItem] = []
        self._vectors: dict[str, np.ndarray] = {}
        self._views: dict[str, Views] = {}
        self._doc_items: dict[tuple[str, str], list[RecommendationItem]] = {}  # (doc id, version) -> tagged items
        self._doc_views: dict[tuple[str, str], Views] = {}
        self._text_vectors: dict[str, np.ndarray] = {}
        self._same = SameRecommendations({}, {}, {}, frozenset())

    def items(self) -> list[RecommendationItem]:
        """Every item: by document (newest first), then by number."""
        with self._lock:
            if self._key != tuple(sorted(self.index.live.items())):
                self._recompute()
            return list(self._items)

    @property
    def version(self) -> tuple | None:
        """The (document id, version) pairs the items were last built from: equal versions, equal items."""
        return self._key

    def documents(self) -> list[DocRecord]:
        """The documents that have at least one item, in the items' order."""
        order = list(dict.fromkeys(i.doc_id for i in self.items()))
        records = {r.meta.doc_id: r for r in self.index.documents()}
        return [records[d] for d in order if d in records]

    def filter(self, theme: str | Sequence[str] | None = None, group: str | Sequence[str] | None = None,
               doc: str | None = None, query: str | None = None, status: str | Sequence[str] | None = None,
               actor: str | Sequence[str] | None = None, doc_ids: Iterable[str] | None = None
               ) -> list[RecommendationItem]:
        """Items matching every given criterion, by document (newest first) then number.

        Args:
            theme / group: vocabulary ids or labels, case-insensitive; a list matches items with any of them.
            doc: a document id, file name or (part of) its title, case-insensitive.
            query: free text; an item matches when it holds every content word (or some and is close in meaning).
            status: "supported", "noted", "partially" or "none" (no response known); "accepted", "rejected" and
                the like are understood; a list matches any.
            actor: recommending State(s), case-insensitive ("United Kingdom", "UK" and "United Kingdom of Great
                Britain and Northern Ireland" are one State); a list matches any.
            doc_ids: document ids (e.g. from a resolver of "the fourth cycle"); None for all.

        Raises:
            ConfigError: unknown theme, group, status or document; the message lists the valid values.
        """
        themes = {self.vocabulary.resolve("theme", t).id for t in _many(theme)}
        groups = {self.vocabulary.resolve("group", g).id for g in _many(group)}
        statuses = {canonical_status(s) for s in _many(status)}
        states = {canonical_state(a) for a in _many(actor)}
        wanted_docs = set(doc_ids) if doc_ids is not None else None
        if doc:
            wanted_docs = self._doc_ids(doc) & wanted_docs if wanted_docs is not None else self._doc_ids(doc)
        items = self.items()
        if wanted_docs is not None:
            items = [i for i in items if i.doc_id in wanted_docs]
        if themes:
            items = [i for i in items if themes & {t.id for t in i.themes}]
        if groups:
            items = [i for i in items if groups & {t.id for t in i.groups}]
        if statuses:
            items = [i for i in items if (i.response_status or "none") in statuses]
        if states:
            items = [i for i in items if states & {canonical_state(s) for s in i.states}]
        return self._matching(items, query) if query and query.strip() else items

    def repeats(self) -> dict[str, str]:
        """{item id: the id of the same UN recommendation in the working group's report} for every item that
        repeats one: a row of OHCHR's thematic list of the same review (same cycle, country and number). Counting
        both would count each such recommendation twice."""
        self.items()
        return self._same.repeats()

    def same_recommendations(self) -> SameRecommendations:
        """Which items are one UN recommendation held by several documents (see SameRecommendations)."""
        self.items()
        return self._same

    def counts(self, doc_ids: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
        """{doc_id: {"supported": n, "noted": n, "partially": n, "none": n, "total": n}} per document with items."""
        wanted = set(doc_ids) if doc_ids is not None else None
        out: dict[str, dict[str, int]] = {}
        for item in self.items():
            if wanted is None or item.doc_id in wanted:
                row = out.setdefault(item.doc_id, {**{s: 0 for s in FILTER_STATUSES}, "total": 0})
                row[item.response_status or "none"] += 1
                row["total"] += 1
        return out

    def count_sources(self, doc_ids: Iterable[str] | None = None) -> dict[str, list[CountSource]]:
        """{doc_id: the views paragraphs stating its counts}: the document's own statement of its totals first,
        then each status list; [] for a document without a views document or with per-answer statuses."""
        self.items()
        wanted = set(doc_ids) if doc_ids is not None else None
        out = {}
        for doc_id, views in self._views.items():
            if wanted is not None and doc_id not in wanted:
                continue
            stated = [CountSource(s, n, views.stated_block.passage_id, views.stated_block.citation, True)
                      for s, n in views.stated.items()] if views.stated_block else []
            out[doc_id] = stated + [CountSource(sl.status, sl.count, sl.block.passage_id, sl.block.citation)
                                    for sl in views.lists]
        return out

    def _doc_ids(self, key: str) -> set[str]:
        key = key.strip().lower()
        records = self.index.documents()
        exact = {r.meta.doc_id for r in records if key in (r.meta.doc_id.lower(), r.meta.file_name.lower(),
                                                            getattr(r.meta, "symbol", "").lower())}
        found = exact or {r.meta.doc_id for r in records
                          if key in f"{r.meta.file_name} {r.meta.title} {r.meta.short_title}".lower()}
        if not found:
            names = ", ".join(r.meta.file_name for r in records)
            raise ConfigError(f"no indexed document matches {key!r}; use a file name or title: {names}")
        return found

    def _matching(self, items: list[RecommendationItem], query: str) -> list[RecommendationItem]:
        """Items holding every content word of the query, or some of them (or none) and close in meaning."""
        words = [w for w in (_stem(w) for w in _WORD.findall(query.lower())) if w not in _STOPWORDS]
        qvec = np.asarray(self.index.embedder.embed_query(query), dtype=np.float32)
        out = []
        for item in items:
            text = item.text.lower()
            found = sum(1 for w in words if re.search(rf"(?<!\w){re.escape(w)}", text))
            vector = self._vectors.get(item.id)
            sim = float(vector @ qvec) if vector is not None else 0.0
            if (words and found == len(words)) or (found and sim >= QUERY_SIMILARITY) \
                    or sim >= QUERY_SIMILARITY_ALONE:
                out.append(item)
        return out

    def _recompute(self) -> None:
        """Items of every document, their responses, tags and vectors. A document's items, tags and vectors are
        kept per version: after an ingest or a delete only new or changed documents are read, embedded and tagged
        (and a text already embedded, a replica's, is not embedded again)."""
        records = self.index.documents()
        views: dict[str, tuple[DocRecord, Views]] = {}
        cache: dict[tuple[str, str], list[RecommendationItem]] = {}
        fresh: list[RecommendationItem] = []
        built: list[DocRecord] = []  # documents read and tagged in this call (not from memory or disk)
        for rec in records:
            key = (rec.meta.doc_id, rec.version)
            if is_views(rec.meta):
                parsed = self._doc_views.get(key)
                if parsed is None:
                    parsed = parse_views(blocks_from_passages(self.index.store.passages_of(*key)))
                self._doc_views[key] = parsed
                views[rec.meta.doc_id] = (rec, parsed)
                continue
            if key in self._doc_items:
                cache[key] = self._doc_items[key]
                continue
            stored = self._disk.load(rec) if self._disk else None
            if stored is not None:
                cache[key] = stored[0]
                self._text_vectors.update(stored[1])
                continue
            doc_items = merge_parts([item for p in self.index.store.passages_of(*key)
                                     for item in recommendation_items(p, rec, response_doc=False)])
            cache[key] = doc_items
            fresh.extend(doc_items)
            built.append(rec)
        self._tag(fresh, cache)
        if self._disk is not None:
            for rec in built:
                doc_items = cache[(rec.meta.doc_id, rec.version)]
                texts = {own_text(i.text) for i in doc_items}
                self._disk.save(rec, doc_items, {t: v for t, v in self._text_vectors.items() if t in texts})
            if built:
                self._disk.prune([r for r in records if not is_views(r.meta)])
        live = {(r.meta.doc_id, r.version) for r in records}
        self._doc_views = {k: v for k, v in self._doc_views.items() if k in live}
        self._doc_items = cache
        items = [i for doc_items in cache.values() for i in doc_items]
        by_doc = {r.meta.doc_id: r for r in records}
        self._views = {}
        for doc_id in dict.fromkeys(i.doc_id for i in items):
            found = _views_for(by_doc[doc_id], views.values())
            if found is not None:
                self._views[doc_id] = found
        prefixes = {doc_id: _prefix(doc_items, doc_id) for (doc_id, _), doc_items in cache.items()}
        items = [_with_response(i, self._views.get(i.doc_id), prefixes.get(i.doc_id, "")) for i in items]
        self._vectors = {i.id: self._text_vectors[t] for i in items for t in [own_text(i.text)]
                         if t in self._text_vectors}
        self._items = _ordered(items)
        self._same = SameRecommendations.of(self._items, by_doc)
        self._key = tuple(sorted((r.meta.doc_id, r.version) for r in records))

    def _tag(self, fresh: list[RecommendationItem], cache: dict[tuple[str, str], list[RecommendationItem]]) -> None:
        """Embed the new items' own words once and tag the new items (in place in cache)."""
        if not fresh:
            return
        if self._tagger is None:  # kept: it embeds the vocabulary's descriptions once
            self._tagger = Tagger(self.vocabulary, self.index.embedder)
        # tagged on the recommendation's own words: the UN's labels on an OHCHR list row are not the tagger's
        # reading (a theme label "F41 Persons with disabilities ..." on a children's item would tag disabilities)
        own = [own_text(i.text) for i in fresh]
        own_new = [t for t in dict.fromkeys(own) if t not in self._text_vectors]
        for text, vector in zip(own_new, self.index.embedder.embed_documents(own_new) if own_new else []):
            self._text_vectors[text] = np.asarray(vector, dtype=np.float32)
        tags = self._tagger.tag(own, [i.article_title for i in fresh], [self._text_vectors[t].tolist() for t in own])
        tagged = {i.id: replace(i, themes=th, groups=gr) for i, (th, gr) in zip(fresh, tags)}
        for key, doc_items in cache.items():
            cache[key] = [tagged.get(i.id, i) for i in doc_items]


def recommendation_key(item: RecommendationItem, rec: DocRecord | None) -> tuple | None:
    """What identifies a UN recommendation across documents: (cycle, country, number); None for other items."""
    if rec is None or not rec.meta.cycle or not _UN_NUMBER.match(item.paragraph):
        return None
    return rec.meta.cycle, rec.meta.country, item.paragraph


def is_report(rec: DocRecord | None) -> bool:
    """The working group's report: where each UN recommendation of a review is first made and numbered."""
    return bool(rec and rec.meta.un_kind == "upr_working_group_report")


@dataclass(frozen=True)
class SameRecommendations:
    """The UN recommendations several documents hold: a working group report's item and a row of OHCHR's thematic
    list of the same review (same cycle, country and number)."""

    keys: Mapping[str, tuple]  # item id -> recommendation_key, for every UN-numbered item of a UPR document
    reports: Mapping[tuple, RecommendationItem]  # key -> the report's item
    others: Mapping[tuple, RecommendationItem]  # key -> another document's item (the last one)
    primary: frozenset[str]  # ids of the reports' items

    @classmethod
    def of(cls, items: Iterable[RecommendationItem], records: Mapping[str, DocRecord]) -> "SameRecommendations":
        keys: dict[str, tuple] = {}
        reports: dict[tuple, RecommendationItem] = {}
        others: dict[tuple, RecommendationItem] = {}
        primary = set()
        for item in items:
            rec = records.get(item.doc_id)
            key = recommendation_key(item, rec)
            if key is None:
                continue
            keys[item.id] = key
            if is_report(rec):
                primary.add(item.id)
                reports[key] = item
            else:
                others[key] = item
        return cls(keys, reports, others, frozenset(primary))

    def repeats(self) -> dict[str, str]:
        """{item id: its report item's id} for every item that repeats a report's recommendation."""
        return {item_id: self.reports[key].id for item_id, key in self.keys.items()
                if item_id not in self.primary and key in self.reports}


def _many(value) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [v for v in values if v and str(v).strip()]


def canonical_status(value: str) -> str:
    """The UPR status a word stands for ("rejected" -> "noted"); ConfigError for a word that is none."""
    key = " ".join(value.lower().split())
    key = STATUS_WORDS.get(key, key)
    if key not in FILTER_STATUSES:
        raise ConfigError(f"unknown response status {value!r}; use one of: {', '.join(FILTER_STATUSES)}")
    return key


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _ordered(items: list[RecommendationItem]) -> list[RecommendationItem]:
    """By document, newest first (undated last; ties by file name), then by number; sentences in reading order."""
    position = {i.id: n for n, i in enumerate(items)}
    out = sorted(items, key=lambda i: (i.file_name, number_key(i.paragraph), position[i.id]))
    return sorted(out, key=lambda i: i.doc_date, reverse=True)  # stable: the order above holds within a document


def _views_for(report: DocRecord, views: Iterable[tuple[DocRecord, Views]]) -> Views | None:
    """The views document answering a report: the same UN symbol family ("A/HRC/59/15" for
    "A/HRC/59/15/Add.1"), else the same country and UPR cycle."""
    meta = report.meta
    symbol = family_of(getattr(meta, "symbol", "") or document_symbol(meta.short_title, meta.title))
    candidates = list(views)
    for rec, parsed in candidates:
        other = getattr(rec.meta, "symbol", "") or document_symbol(rec.meta.short_title, rec.meta.title)
        if symbol and family_of(other) == symbol:
            return parsed
    cycle, country = getattr(meta, "cycle", 0), _country(meta)
    same = [parsed for rec, parsed in candidates
            if country and _country(rec.meta) == country and (not cycle or getattr(rec.meta, "cycle", 0) == cycle)]
    return same[0] if len(same) == 1 else None


def _country(meta) -> str:
    return getattr(meta, "country", "") or (meta.countries[0] if meta.countries else "")


def _prefix(items: list[RecommendationItem], doc_id: str) -> str:
    """The one prefix of a report's UN numbers ("115" for 115.1-115.163); "" when there are several or none."""
    prefixes = {i.paragraph.split(".")[0] for i in items if i.doc_id == doc_id and _UN_NUMBER.match(i.paragraph)}
    return prefixes.pop() if len(prefixes) == 1 else ""


def _with_response(item: RecommendationItem, views: Views | None, prefix: str) -> RecommendationItem:
    """The item with the response its document's views give to its UN number, if any."""
    if views is None or not _UN_NUMBER.match(item.paragraph):
        return item
    key = item.paragraph
    if views.bare:
        if not prefix or not item.paragraph.startswith(prefix + "."):
            return item
        key = item.paragraph[len(prefix) + 1:]
    response = views.responses.get(key)
    if response is None:
        return item
    status = response.status_block
    reason = response.reason_block if response.reason else None
    return replace(item, response_status=response.status, response_reason=response.reason,
                   response_passage_id=status.passage_id if status else "",
                   response_label=status.citation if status else "",
                   reason_passage_id=reason.passage_id if reason else "",
                   reason_label=reason.citation if reason else "")
