"""Every recommendation in the corpus as an item: tagged, linked to the State's response, filterable, exportable.

An item is one of:
- a whole paragraph the parser classed as a recommendation (an assessment's "Recommendation" paragraphs, a UPR
  report's "140.18 ... (Algeria)"); id f"{doc_id}:{paragraph}", parts of a split paragraph merged;
- one explicit recommendation sentence in a news or newsletter passage ("The head of the colony was recommended to
  ..."); id f"{doc_id}:{paragraph}:s{n}", n = the sentence's 1-based position in the paragraph.
Ids use the paragraph number, never the passage id's content-hash version, so an item keeps its id when its file is
edited elsewhere and re-ingested. Own numbers ("251", "140.18") are stable; positional ones (newsletter paragraphs)
shift when paragraphs are inserted above, which changes those ids.
"""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import asdict, dataclass, replace
from typing import Sequence

import numpy as np

from assistant.evidence import split_sentences
from assistant.recommendations.responses import document_symbol, family_of, is_views_document, parse_responses, responses_text
from assistant.recommendations.tagging import Tag, Tagger, Vocabulary, load_vocabulary
from ingest.errors import ConfigError
from ingest.types import Passage
from vectorstore.store import DocRecord

SENTENCE_DOC_TYPES = ("news", "newsletter")  # reports' "X recommended that ..." is reported speech, not an item
QUERY_SIMILARITY = 0.35  # least cosine similarity for a query match without any shared word
QUERY_KEYWORD_WEIGHT = 0.5  # added per share of query words found in the item
STATUSES = ("supported", "noted", "none")
CSV_COLUMNS = ("id", "document", "label", "paragraph", "actor", "themes", "groups", "response", "response_reason",
               "text")

# An explicit recommendation sentence. recommendation_items() below is the one definition of "a recommendation":
# the explorer lists its items and the chat's ranker and composer (assistant.rerank, assistant.extractive) use it.
RECOMMEND_SENTENCE = re.compile(r"\b(is|was|were|are) recommended\b|\brecommend(s|ed)? (that|to)\b", re.I)
# The chapeau and the disclaimer around a UPR recommendations list are classed "recommendation" by the parser.
_BOILERPLATE = re.compile(r"^\s*(the following recommendations|all conclusions and/or recommendations)", re.I)
_WORD = re.compile(r"\w{3,}")
_UN_NUMBER = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class RecommendationItem:
    """One recommendation, quoted exactly, with where it is and what it is about."""

    id: str
    doc_id: str
    file_name: str
    doc_title: str
    paragraph: str
    label: str
    passage_id: str
    text: str
    actor: str = ""
    themes: tuple[Tag, ...] = ()
    groups: tuple[Tag, ...] = ()
    response_status: str = ""
    response_reason: str = ""
    article_title: str = ""


def recommendation_items(passage: Passage, doc_record: DocRecord | None,
                         response_doc: bool | None = None) -> list[RecommendationItem]:
    """The recommendation items in one passage (untagged, without responses); [] when it holds none.

    Args:
        passage: any indexed passage.
        doc_record: its document's manifest record (None: the document type is unknown, so sentence items are
            taken only from passages whose section kind is "news").
        response_doc: whether the document is a State's views on recommendations, whose "140.47" blocks are
            responses, not recommendations; None decides from the document's title.
    """
    meta = doc_record.meta if doc_record else None
    if response_doc is None:
        response_doc = bool(meta) and is_views_document(meta.title, meta.short_title)
    if response_doc:
        return []
    base = dict(doc_id=passage.doc_id, file_name=meta.file_name if meta else "",
                doc_title=meta.short_title or meta.title if meta else "", paragraph=passage.paragraph,
                label=passage.label, passage_id=passage.id, actor=passage.actor, article_title=passage.article_title)
    if passage.section_kind == "recommendation":
        if _BOILERPLATE.match(passage.text) or not re.search(r"[^\W\d_]{3}", passage.text):
            return []
        return [RecommendationItem(id=f"{passage.doc_id}:{passage.paragraph}", text=passage.text, **base)]
    if not (meta.doc_type in SENTENCE_DOC_TYPES if meta else passage.section_kind == "news"):
        return []
    part = f":p{passage.part}" if passage.part > 1 else ""  # split paragraphs number sentences per part
    return [RecommendationItem(id=f"{passage.doc_id}:{passage.paragraph}{part}:s{n}", text=sentence.strip(), **base)
            for n, sentence in enumerate(split_sentences(passage.text), 1) if RECOMMEND_SENTENCE.search(sentence)]


class RecommendationExplorer:
    """All recommendation items of an index, recomputed only when the set of live documents changes.

    Args:
        index: a vectorstore.index.Index.
        vocabulary: themes and groups; the packaged one by default.
        tagger: defaults to keywords plus the index's embedder.
    """

    def __init__(self, index, vocabulary: Vocabulary | None = None, tagger: Tagger | None = None):
        self.index = index
        self.vocabulary = vocabulary or load_vocabulary()
        self._tagger = tagger
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._items: list[RecommendationItem] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)

    def items(self) -> list[RecommendationItem]:
        """Every item, in document (file name) and reading order."""
        with self._lock:
            if self._key != tuple(sorted(self.index.live.items())):
                self._recompute()
            return list(self._items)

    def documents(self) -> list[DocRecord]:
        """The documents that have at least one item."""
        ids = {i.doc_id for i in self.items()}
        return [r for r in self.index.documents() if r.meta.doc_id in ids]

    def filter(self, theme: str | None = None, group: str | None = None, doc: str | None = None,
               query: str | None = None, status: str | None = None) -> list[RecommendationItem]:
        """Items matching every given criterion; with a query, ranked by relevance, otherwise in reading order.

        Args:
            theme / group: an id or label of the vocabulary, case-insensitive.
            doc: a document id, file name or (part of) its title, case-insensitive.
            query: free text; an item matches when it shares a word with it or is similar in meaning.
            status: "supported", "noted", or "none" (no response known).

        Raises:
            ConfigError: unknown theme, group, status or document; the message lists the valid values.
        """
        themes = self.vocabulary.resolve("theme", theme).id if theme else None
        groups = self.vocabulary.resolve("group", group).id if group else None
        if status and status.lower() not in STATUSES:
            raise ConfigError(f"unknown response status {status!r}; use one of: {', '.join(STATUSES)}")
        items = self.items()
        if themes:
            items = [i for i in items if any(t.id == themes for t in i.themes)]
        if groups:
            items = [i for i in items if any(t.id == groups for t in i.groups)]
        if doc:
            doc_ids = self._doc_ids(doc)
            items = [i for i in items if i.doc_id in doc_ids]
        if status:
            wanted = "" if status.lower() == "none" else status.lower()
            items = [i for i in items if i.response_status == wanted]
        return self._ranked(items, query) if query and query.strip() else items

    def _doc_ids(self, key: str) -> set[str]:
        key = key.strip().lower()
        records = self.index.documents()
        exact = {r.meta.doc_id for r in records if key in (r.meta.doc_id.lower(), r.meta.file_name.lower())}
        found = exact or {r.meta.doc_id for r in records
                          if key in f"{r.meta.file_name} {r.meta.title} {r.meta.short_title}".lower()}
        if not found:
            names = ", ".join(r.meta.file_name for r in records)
            raise ConfigError(f"no indexed document matches {key!r}; use a file name or title: {names}")
        return found

    def _ranked(self, items: list[RecommendationItem], query: str) -> list[RecommendationItem]:
        """Items sharing a query word or similar to it, best first."""
        words = {w.lower() for w in _WORD.findall(query)}
        qvec = np.asarray(self.index.embedder.embed_query(query), dtype=np.float32)
        position = {i.id: n for n, i in enumerate(self._items)}
        scored = []
        for item in items:
            text = item.text.lower()
            share = sum(1 for w in words if w in text) / len(words) if words else 0.0
            sim = float(self._vectors[position[item.id]] @ qvec) if len(self._vectors) else 0.0
            if share > 0 or sim >= QUERY_SIMILARITY:
                scored.append((sim + QUERY_KEYWORD_WEIGHT * share, item))
        return [item for _, item in sorted(scored, key=lambda s: -s[0])]

    def _recompute(self) -> None:
        records = self.index.documents()
        items: list[RecommendationItem] = []
        responses: dict[str, dict] = {}
        for rec in records:
            passages = self.index.store.passages_of(rec.meta.doc_id, rec.version)
            head = " ".join(p.text for p in passages[:3])
            if is_views_document(rec.meta.title, rec.meta.short_title, head):
                symbol = document_symbol(rec.meta.short_title, rec.meta.title, head)
                parsed = parse_responses(responses_text(passages))
                responses[f"country:{_country(rec)}"] = responses[family_of(symbol) or "?"] = parsed
                continue
            for p in passages:
                items.extend(recommendation_items(p, rec, response_doc=False))
        items = _merge_parts(items)
        by_doc = {r.meta.doc_id: r for r in records}
        items = [_with_response(i, by_doc[i.doc_id], responses) for i in items]
        vectors = self.index.embedder.embed_documents([i.text for i in items]) if items else []
        tagger = self._tagger or Tagger(self.vocabulary, self.index.embedder)
        tags = tagger.tag([i.text for i in items], [i.article_title for i in items], vectors)
        self._items = [replace(i, themes=th, groups=gr) for i, (th, gr) in zip(items, tags)]
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._key = tuple(sorted((r.meta.doc_id, r.version) for r in records))

    @staticmethod
    def to_csv(items: Sequence[RecommendationItem]) -> str:
        """CSV with CSV_COLUMNS; tags as "; "-joined labels."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for i in items:
            writer.writerow([i.id, i.file_name, i.label, i.paragraph, i.actor, "; ".join(t.label for t in i.themes),
                             "; ".join(t.label for t in i.groups), i.response_status, i.response_reason, i.text])
        return out.getvalue()

    @staticmethod
    def to_json(items: Sequence[RecommendationItem]) -> str:
        """A JSON array of items; each tag with id, label, why and score."""
        return json.dumps([asdict(i) for i in items], indent=2, ensure_ascii=False)


def items_text(items: Sequence[RecommendationItem], text_width: int = 70) -> str:
    """A compact terminal table: label, themes, groups, response, text clipped to text_width."""
    if not items:
        return "no recommendations match"
    rows = [(i.label, ", ".join(t.id for t in i.themes) or "-", ", ".join(t.id for t in i.groups) or "-",
             i.response_status or "-", _clip(i.text, text_width)) for i in items]
    headers = ("label", "themes", "groups", "response", "text")
    widths = [min(max(len(str(r[c])) for r in [headers, *rows]), 60) for c in range(4)]
    line = lambda r: "  ".join([*(_clip(str(v), w).ljust(w) for v, w in zip(r[:4], widths)), r[4]])
    return "\n".join([line(headers), *map(line, rows), f"{len(items)} recommendations"])


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _merge_parts(items: list[RecommendationItem]) -> list[RecommendationItem]:
    """One item per paragraph: consecutive parts of a split paragraph share an id and are joined."""
    out: list[RecommendationItem] = []
    for item in items:
        if out and out[-1].id == item.id:
            out[-1] = replace(out[-1], text=f"{out[-1].text} {item.text}")
        else:
            out.append(item)
    return out


def _country(rec: DocRecord) -> str:
    return rec.meta.countries[0] if rec.meta.countries else ""


def _with_response(item: RecommendationItem, rec: DocRecord, responses: dict[str, dict]) -> RecommendationItem:
    """The item with the response its document family's views give to its UN number, if any."""
    if not responses or not _UN_NUMBER.match(item.paragraph):
        return item
    # Same family by UN symbol (".../Add.1" extends "..."); without a symbol, the same main country.
    family = document_symbol(rec.meta.short_title, rec.meta.title)
    found = responses.get(family) if family else responses.get(f"country:{_country(rec)}")
    response = (found or {}).get(item.paragraph)
    if response is None:
        return item
    return replace(item, response_status=response.status, response_reason=response.reason)
