"""Theme and affected-group tags for recommendation texts, each tag carrying why it was given.

Two signals, both from the vocabulary shipped as package data (assistant/data/vocabulary.yaml):
- keywords: a vocabulary regex found in the text (or, for sentence items, in the article title) is a tag;
- similarity: the text's embedding is close to an entry's one-sentence description (cosine of normalised vectors).
A keyword tag of an entry with `implies` also gives the implied entries ("Roma" -> minorities), saying so.
Keywords and thresholds were fitted with all-MiniLM-L6-v2 on the development half of the UN's own labels of a UPR
cycle and on examples/eval/recommendation_tags.jsonl; bench/recommendations.py measures them on the held-out half.
Other embedders have other similarity scales and may need other values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Sequence

import numpy as np
import yaml

from ingest import yamldata
from ingest.errors import ConfigError

# MiniLM similarity to a one-sentence description is a weak signal (generic "human rights" wording scores 0.5 against
# many entries), so keywords carry the precision and similarity only fills in: the one best entry, and only for an
# item that no keyword tagged with that kind at all. Below 0.55 it added only false tags on the development half of
# the UN list and on the hand-labelled set (bench/recommendations.py, bench/tags.py).
THEME_SIMILARITY = 0.55
GROUP_SIMILARITY = 0.55  # groups: most UPR items have none, so a loose threshold only adds false ones
MAX_SIMILAR_TAGS = 1  # similarity-only tags per kind and item
SIMILAR_ONLY_WITHOUT_KEYWORDS = True
KEYWORD_SCORE = 1.0  # the score of a keyword tag, so keyword tags sort before similarity-only ones

_VOCABULARY = ("assistant.data", "vocabulary.yaml")


@dataclass(frozen=True)
class Tag:
    """A theme or group given to an item: why says which keyword matched or how similar the description was."""

    id: str
    label: str
    why: str
    score: float


@dataclass(frozen=True)
class Entry:
    """One theme or group of the vocabulary."""

    id: str
    label: str
    description: str
    keywords: tuple[re.Pattern, ...]
    implies: tuple[str, ...] = ()  # entries of the same kind a keyword tag of this one also gives


@dataclass(frozen=True)
class Vocabulary:
    """The themes and groups items are tagged with."""

    themes: tuple[Entry, ...]
    groups: tuple[Entry, ...]

    def resolve(self, kind: str, key: str) -> Entry:
        """The theme or group (kind "theme" or "group") whose id or label is key, case-insensitively; else the one
        entry whose label contains key ("mahallas").

        Raises:
            ConfigError: no entry has that id or label; the message lists the valid ids.
        """
        entries = self.themes if kind == "theme" else self.groups
        wanted = key.strip().lower()
        for entry in entries:
            if wanted in (entry.id.lower(), entry.label.lower()):
                return entry
        partial = [e for e in entries if wanted and wanted in e.label.lower()]
        if len(partial) == 1:
            return partial[0]
        raise ConfigError(f"unknown {kind} {key!r}; use one of: {', '.join(e.id for e in entries)}")

    def mentioned(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(theme ids, group ids) a text's words name, by the tagger's own keyword rule, so that a question and the
        items it asks about agree. Words that name a group name only the group: "Which recommendations concern
        Roma children?" -> ((), ("children", "roma")), not also the themes "Roma" and "child" are keywords of."""
        groups = {e.id: spans for e in self.groups for spans in [_spans(e, text)] if spans}
        taken = [span for spans in groups.values() for span in spans]
        themes = [e.id for e in self.themes
                  if any(not any(a < d and c < b for c, d in taken) for a, b in _spans(e, text))]
        return tuple(themes), tuple(groups)


def load_vocabulary(text: str | None = None) -> Vocabulary:
    """The packaged vocabulary, or one parsed from YAML text (tests).

    Raises:
        ConfigError: the YAML is malformed, an entry lacks a field, or a keyword is not a valid regex.
    """
    if text is None:
        text = resources.files(_VOCABULARY[0]).joinpath(_VOCABULARY[1]).read_text(encoding="utf-8")
    try:
        data = yamldata.safe_load(text) or {}
        return Vocabulary(tuple(_entry(e) for e in data.get("themes", ())),
                          tuple(_entry(e) for e in data.get("groups", ())))
    except (yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"vocabulary {_VOCABULARY[1]} is invalid ({exc}); fix the entry it names") from exc


def _entry(raw: dict[str, Any]) -> Entry:
    # (?<!\w) anchors a keyword at a word start, so "race" never matches inside "embrace".
    patterns = tuple(re.compile(rf"(?<!\w)(?:{k})", re.I) for k in raw.get("keywords", ()))
    return Entry(str(raw["id"]), str(raw["label"]), str(raw["description"]), patterns,
                 tuple(str(i) for i in raw.get("implies", ())))


class Tagger:
    """Tags texts with the vocabulary's themes and groups.

    Args:
        vocabulary: the entries to tag with.
        embedder: anything with embed_documents returning normalised vectors; None tags by keywords only.
        theme_threshold / group_threshold: least cosine similarity for a similarity tag.
        max_similar: similarity-only tags per kind and item (best first).
        only_without_keywords: give similarity-only tags only to items without a keyword tag of that kind.
    """

    def __init__(self, vocabulary: Vocabulary, embedder: Any = None, theme_threshold: float = THEME_SIMILARITY,
                 group_threshold: float = GROUP_SIMILARITY, max_similar: int = MAX_SIMILAR_TAGS,
                 only_without_keywords: bool = SIMILAR_ONLY_WITHOUT_KEYWORDS):
        self.vocabulary = vocabulary
        self.embedder = embedder
        self.thresholds = {"theme": theme_threshold, "group": group_threshold}
        self.max_similar = max_similar
        self.only_without_keywords = only_without_keywords
        self._descriptions: dict[str, np.ndarray] = {}

    def tag(self, texts: Sequence[str], titles: Sequence[str] | None = None,
            vectors: Sequence[Sequence[float]] | None = None) -> list[tuple[tuple[Tag, ...], tuple[Tag, ...]]]:
        """(themes, groups) for each text, keyword tags first, then by score.

        Args:
            texts: the item texts.
            titles: optional context per text (a newsletter article's title), searched for keywords only.
            vectors: the texts' embeddings when the caller already has them; computed when None.
        """
        titles = list(titles) if titles is not None else [""] * len(texts)
        sims = {kind: self._similarities(kind, texts, vectors) for kind in ("theme", "group")}
        out = []
        theme_sims, group_sims = sims["theme"], sims["group"]
        for i, (text, title) in enumerate(zip(texts, titles)):
            out.append((self._tags("theme", text, title, None if theme_sims is None else theme_sims[i]),
                        self._tags("group", text, title, None if group_sims is None else group_sims[i])))
        return out

    def _entries(self, kind: str) -> tuple[Entry, ...]:
        return self.vocabulary.themes if kind == "theme" else self.vocabulary.groups

    def _similarities(self, kind: str, texts: Sequence[str], vectors) -> np.ndarray | None:
        """texts x entries cosine similarities, or None without an embedder."""
        if self.embedder is None or not texts:
            return None
        if kind not in self._descriptions:
            descriptions = [e.description for e in self._entries(kind)]
            self._descriptions[kind] = np.asarray(self.embedder.embed_documents(descriptions), dtype=np.float32)
        if vectors is None:
            vectors = self.embedder.embed_documents(list(texts))
        return np.asarray(vectors, dtype=np.float32) @ self._descriptions[kind].T

    def _tags(self, kind: str, text: str, title: str, sims: np.ndarray | None) -> tuple[Tag, ...]:
        threshold = self.thresholds[kind]
        tags, similar = [], []
        for j, entry in enumerate(self._entries(kind)):
            sim = None if sims is None else float(sims[j])
            close = sim is not None and sim >= threshold
            why = _keyword_why(entry, text, title)
            if why:
                tags.append(Tag(entry.id, entry.label, why + (f"; similar to description ({sim:.2f})" if close else ""),
                                KEYWORD_SCORE))
            elif close and sim is not None:  # close implies a similarity; said again for the type checker
                similar.append(Tag(entry.id, entry.label, f"similar to description ({sim:.2f})", round(sim, 4)))
        tags += _implied(self._entries(kind), tags)
        similar.sort(key=lambda t: -t.score)
        if tags and self.only_without_keywords:
            similar = []
        return tuple(tags + similar[: self.max_similar])


def _implied(entries: tuple[Entry, ...], tags: list[Tag]) -> list[Tag]:
    """The entries the keyword tags imply ("Roma" -> minorities), each once, not already tagged."""
    by_id = {e.id: e for e in entries}
    have = {t.id for t in tags}
    out = []
    for tag in tags:
        for implied in by_id[tag.id].implies:
            if implied in by_id and implied not in have:
                have.add(implied)
                out.append(Tag(implied, by_id[implied].label, f"implied by {tag.label} ({tag.why})", KEYWORD_SCORE))
    return out


def _spans(entry: Entry, text: str) -> list[tuple[int, int]]:
    """Where the entry's keywords occur in text."""
    return [m.span() for pattern in entry.keywords for m in pattern.finditer(text)]


def _keyword_why(entry: Entry, text: str, title: str) -> str:
    """"keyword: 'mahallas'" for the first keyword found in text, then in title; "" when none is."""
    for where, haystack in (("", text), (" (in title)", title)):
        for pattern in entry.keywords:
            match = pattern.search(haystack) if haystack else None
            if match:
                return f"keyword: '{match.group(0)}'{where}"
    return ""
