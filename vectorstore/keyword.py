"""Keyword (BM25) index over passages: SQLite FTS5, a cache derived from the Chroma manifest.

It stores each passage's stems (vectorstore.terms), not its words, and is queried with stems: the stems the
answer layer weighs are exactly the ones this index counts.

Chroma is the source of truth. This index records which (doc_id, version) it holds and `sync()` brings it in
line with the manifest: documents added or changed by any process (this one, another app process, an ingest
against a shared Chroma server) are fetched from Chroma, removed ones dropped. So the keyword side can never
disagree with the dense side for longer than one sync.

The file heals itself: missing, empty or of an older schema, it starts empty; damaged (truncated, overwritten:
SQLite's "malformed" or "not a database"), it is deleted and started afresh at open or at the first statement
that meets the damage, with a warning. The operation that met it answers as if the index were empty (questions
fall back to dense retrieval), and `needs_sync` tells the owner to refill it from Chroma at once.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ingest.types import Passage
from vectorstore.terms import STOPWORDS, content_stems, stems, tokens
from vectorstore.terms import version as terms_version
from vectorstore.text import context_of

log = logging.getLogger(__name__)

# Bump when the tables change; the stems' version is part of it (vectorstore.terms): the file is a cache, an old
# one is simply rebuilt.
_SCHEMA_VERSION = 6 * 100_000 + terms_version()
# docs keeps the rowid span of each document's rows (inserted in one go): a "rowid BETWEEN" beside MATCH lets FTS5
# seek into a term's posting list, so asking whether one document uses a word common elsewhere reads only that
# document's postings (0.5 ms) instead of every row with the word (150 ms for a word in 100k rows).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, version TEXT NOT NULL,
                                 first_rowid INTEGER NOT NULL, last_rowid INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    text, context, id UNINDEXED, doc_id UNINDEXED, section_kind UNINDEXED, article UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);
"""
# BM25 column weights: a word in the paragraph counts fully, one in its heading or article title less,
# because the heading is shared by every paragraph under it.
_BM25 = "bm25(fts, 1.0, 0.35)"
_MAX_COUNTS = 100_000  # cached doc_freq answers before the cache starts afresh


def query_terms(text: str) -> list[str]:
    """Content words of a query, lower-cased, stopwords removed, order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        if tok not in STOPWORDS and (len(tok) > 1 or tok.isdigit()):
            seen.setdefault(tok, None)
    return list(seen)


def _stemmed(text: str) -> str:
    return " ".join(stems(text))


def _match(stem_or_phrase: str) -> str:
    """An FTS5 query for one stem, or for a phrase of stems ("anti cancer" for "Anti-Cancer")."""
    return '"' + stem_or_phrase.replace('"', "") + '"'


class KeywordIndex:
    """BM25 search over passage text with optional document and section-kind filters.

    Args:
        path: the SQLite file; ":memory:" for tests.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.needs_sync = False
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}  # doc_freq's answers while the file is unchanged (see _unchanged)
        self._seen_version = -1
        if self.path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            try:
                self._conn = self._connect()
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise
                self._conn = self._reset(exc)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            held = conn.execute("PRAGMA user_version").fetchone()[0]
            if held != _SCHEMA_VERSION:
                if held:
                    log.info("keyword index %s has schema %d, this hrqa uses %d: rebuilding it from Chroma",
                             self.path, held, _SCHEMA_VERSION)
                conn.executescript("DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS docs;")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            conn.execute("SELECT count(*) FROM docs").fetchone()  # reads past the header: a cut file fails here
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _reset(self, exc: BaseException) -> sqlite3.Connection:
        """Replace a damaged file by an empty index (the caller holds the lock); the owner refills it."""
        log.warning("keyword index %s is damaged (%s): rebuilding it from Chroma; until then questions use "
                    "dense retrieval only", self.path, exc)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(self.path + suffix).unlink(missing_ok=True)
        self.needs_sync = True
        self._counts.clear()
        return self._connect()

    def _unchanged(self, conn: sqlite3.Connection) -> dict[str, int]:
        """The cached counts, emptied when another connection (an ingest in another process) has committed since
        the last look; SQLite's data_version tells that in microseconds. This connection's own writes empty
        the cache where they are made."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version or len(self._counts) > _MAX_COUNTS:
            self._counts.clear()
            self._seen_version = version
        return self._counts

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """The connection under the lock; damage met inside resets the file and re-raises as _Damaged."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc) or self.path == ":memory:":
                    raise
                try:
                    self._conn.close()
                except sqlite3.Error:
                    pass
                self._conn = self._reset(exc)
                raise _Damaged() from exc

    def versions(self) -> dict[str, str]:
        """The (doc_id -> version) this index currently holds."""
        try:
            with self._guard() as conn:
                return dict(conn.execute("SELECT doc_id, version FROM docs").fetchall())
        except _Damaged:
            return {}

    def replace_document(self, doc_id: str, version: str, passages: Sequence[Passage]) -> None:
        """Swap a document's passages in one transaction (on damage: the file is reset, the caller re-syncs)."""
        rows = [(_stemmed(p.text), _stemmed(context_of(p)), p.id, p.doc_id, p.section_kind, p.article_index)
                for p in passages]
        try:
            with self._guard() as conn, conn:
                self._counts.clear()
                conn.execute("DELETE FROM fts WHERE doc_id = ?", (doc_id,))
                first = last = 0
                for row in rows:
                    last = conn.execute("INSERT INTO fts (text, context, id, doc_id, section_kind, article) "
                                        "VALUES (?, ?, ?, ?, ?, ?)", row).lastrowid or 0
                    first = first or last
                conn.execute("INSERT OR REPLACE INTO docs (doc_id, version, first_rowid, last_rowid) "
                             "VALUES (?, ?, ?, ?)", (doc_id, version, first, last))
        except _Damaged:
            pass

    def remove_document(self, doc_id: str) -> None:
        try:
            with self._guard() as conn, conn:
                self._counts.clear()
                conn.execute("DELETE FROM fts WHERE doc_id = ?", (doc_id,))
                conn.execute("DELETE FROM docs WHERE doc_id = ?", (doc_id,))
        except _Damaged:
            pass

    def sync(self, live: dict[str, str], fetch: Callable[[str, str], Sequence[Passage]]) -> int:
        """Make the index hold exactly the live (doc_id -> version) documents.

        Args:
            live: the manifest's versions.
            fetch: fetch(doc_id, version) -> passages of that document version (from Chroma).

        Returns:
            how many documents were added, replaced or removed.
        """
        self.needs_sync = False
        held = self.versions()
        changed = 0
        for doc_id in held.keys() - live.keys():
            self.remove_document(doc_id)
            changed += 1
        for doc_id, version in live.items():
            if held.get(doc_id) != version:
                self.replace_document(doc_id, version, fetch(doc_id, version))
                changed += 1
            if self.needs_sync:  # the file was found damaged and reset meanwhile: start again, once
                return changed + self.sync(live, fetch)
        return changed

    def search(self, query: str, n: int, doc_ids: Iterable[str] | None = None,
               section_kinds: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Passage ids with BM25 scores (higher is better), best first.

        Args:
            query: free text; content words are OR-ed.
            n: how many results at most.
            doc_ids / section_kinds: restrict to these when given.
        """
        terms = content_stems(query)
        if not terms:
            return []
        filters = [(column, list(values)) for column, values in (("doc_id", doc_ids), ("section_kind", section_kinds))
                   if values is not None]
        informative = self._informative(terms)
        if informative != terms:
            found = self._search(informative, n, filters, query)
            if len(found) >= n:
                return found
        return self._search(terms, n, filters, query)

    def _informative(self, terms: list[str]) -> list[str]:
        """The terms without those in half the passages or more. FTS5's BM25 gives such a term an IDF of 1e-6,
        so it changes no ranking, but matching it makes FTS5 score every passage that holds it: a question with
        "ombudsman" and "2024" in a 100k-passage index took 120-210 ms instead of 15-95. The search falls back to
        all terms when the others match fewer passages than asked for, so the result is the same either way."""
        if len(terms) < 2:
            return terms
        total = self.count()
        freq = self.doc_freq(terms)
        kept = [t for t in terms if 2 * freq.get(t, 0) < total]
        return kept or terms

    def _search(self, terms: list[str], n: int, filters: list[tuple[str, list]], query: str
                ) -> list[tuple[str, float]]:
        sql = f"SELECT id, -{_BM25} AS score FROM fts WHERE fts MATCH ?"
        params: list = [" OR ".join(_match(t) for t in terms)]
        for column, values in filters:
            sql += f" AND {column} IN ({','.join('?' * len(values))})" if values else " AND 0"
            params.extend(values)
        sql += f" ORDER BY {_BM25} LIMIT ?"
        params.append(n)
        try:
            with self._guard() as conn:
                return [(pid, float(score)) for pid, score in conn.execute(sql, params)]
        except _Damaged:
            return []
        except sqlite3.OperationalError as exc:
            log.warning("keyword search failed for %r: %s", query, exc)
            return []

    def doc_freq(self, stems_: Iterable[str]) -> dict[str, int]:
        """How many passages contain each stem (or stem phrase: "anti cancer"), for IDF weights. Counts are kept
        while the file is unchanged: a count of a common word takes milliseconds at 100k passages, and every
        question asks for its words twice (its IDF weights, then keyword search leaving out the common ones)."""
        wanted = list(stems_)
        out = {}
        try:
            with self._guard() as conn:
                counts = self._unchanged(conn)
                for stem_ in wanted:
                    if stem_ not in counts:
                        counts[stem_] = conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?",
                                                     (_match(stem_),)).fetchone()[0] if stem_.strip() else 0
                    out[stem_] = counts[stem_]
        except _Damaged:
            return {stem_: 0 for stem_ in wanted}
        return out

    def absent(self, doc_id: str, article_index: int, stems_: Iterable[str]) -> list[str]:
        """The stems (or stem phrases) this document's article, or the whole document when it has no articles,
        never uses."""
        missing = []
        try:
            with self._guard() as conn:
                span = conn.execute("SELECT first_rowid, last_rowid FROM docs WHERE doc_id = ?",
                                    (doc_id,)).fetchone() or (0, -1)  # a document not held uses no word
                for stem_ in stems_:
                    if not stem_.strip():
                        continue
                    row = conn.execute("SELECT 1 FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ? "
                                       "AND doc_id = ? AND article = ? LIMIT 1",
                                       (_match(stem_), *span, doc_id, article_index)).fetchone()
                    if row is None:
                        missing.append(stem_)
        except _Damaged:
            return []  # nothing is known to be absent while the index is refilled
        return missing

    def count(self) -> int:
        # FTS5 keeps one fts_docsize row per passage; counting that small table takes ~1 ms at 100k passages,
        # where count(*) on fts reads every row's text (~50 ms) and was paid by every question (IDF weights).
        try:
            with self._guard() as conn:
                return conn.execute("SELECT count(*) FROM fts_docsize").fetchone()[0]
        except _Damaged:
            return 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class _Damaged(Exception):
    """Raised inside KeywordIndex when a statement met a damaged file (which has been reset)."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """SQLite's errors for a file that is not (or no longer) a well-formed index; not "locked" or syntax errors."""
    text = str(exc).lower()
    return (not isinstance(exc, sqlite3.OperationalError) or "malformed" in text or "no such table" in text
            or "not a database" in text or "disk i/o" in text)
