"""Ingestion into the index: per-file, idempotent, crash-safe, serialised, stopped cleanly when writes fail.

Order of writes for one document (the manifest record is the commit point):
1. upsert the new version's passages (ids carry the version, so the old version stays live meanwhile);
2. write the manifest record -> the new version is live;
3. delete passages of other versions; 4. sync the keyword index from the manifest.
A run killed anywhere leaves either the old or the new version live, never half a document; leftovers are
orphans that queries ignore and the next run removes. A write that fails (a full disk, a lost Chroma server)
stops the run at that file: the files before it stay committed, the report names the files left to do.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ingest.errors import IngestError, StoreError
from ingest.ids import passage_id
from ingest.limits import InputLimits
from ingest.pipeline import PARSER_VERSION, parse
from ingest.readers import SUPPORTED_EXTENSIONS, read_bytes, read_file
from ingest.types import ParsedDocument
from vectorstore.embeddings import BATCH_SIZE, embed_in_batches
from vectorstore.index import Index
from vectorstore.locking import FileLock, IngestBusy
from vectorstore.report import FileResult, IngestReport
from vectorstore.sources import Identities, Source, iter_sources
from vectorstore.space import DiskFull, estimate_bytes, require_free
from vectorstore.store import DocRecord, version_of
from vectorstore.text import embedding_text

__all__ = ["FileResult", "IngestBusy", "IngestReport", "IngestStopped", "Indexer"]

# Texts per embedding call when someone watches progress: a 26-page report (~400 passages) moves the bar about
# six times, and the length-sorting that larger windows buy (vectorstore.embeddings) is mostly kept.
PROGRESS_WINDOW = 64

# Bump when what is embedded or stored for a passage changes (not the parser: that is PARSER_VERSION).
INDEX_FORMAT = "3"
# Files read and parsed ahead of the one being embedded, by their bytes on disk: the whole real corpus (3.7 MB)
# is parsed in the first seconds of its ingest, beside the encoder, instead of at each file's turn.
READ_AHEAD_BYTES = 32 * 1024 * 1024
_NAMES_SHOWN = 5  # files left to do named in the one-line stop message; the report lists them all

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Read:
    """A file read ahead: its bytes, its version hash and its parse (None when its version was indexed already)."""

    data: bytes
    content_hash: str
    parsed: ParsedDocument | None


class IngestStopped(StoreError):
    """A write failed or would not fit on disk: the ingest stops at this file; files done so far are kept."""


class Indexer:
    """Adds files to an Index.

    Args:
        index: the Index to write.
        lock_dir: where the ingest lock and the in-progress marker live (the data directory).
        batch_size: texts per embedding call.
        max_chars: long paragraphs are split into parts of at most this many characters.
        progress: when True, a tqdm bar per file on stderr (auto-disabled when not a terminal).
        limits: input limits for each file (ingest.limits.InputLimits).
        min_free_mb: free space the data directory must keep after each document is written.
    """

    def __init__(self, index: Index, lock_dir: str | Path, batch_size: int = BATCH_SIZE, max_chars: int = 1200,
                 progress: bool = True, limits: InputLimits | None = None, min_free_mb: float = 0.0):
        self.index = index
        self.lock_dir = Path(lock_dir)
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.progress = progress
        self.limits = limits or InputLimits()
        self.min_free_mb = min_free_mb

    def ingest(self, paths: Iterable[str | Path], prune: bool = False,
               overrides: Mapping[str, Mapping[str, str]] | None = None,
               on_file: Callable[[FileResult], None] | None = None,
               on_progress: Callable[[str, int, int], None] | None = None, force: bool = False) -> IngestReport:
        """Ingest files and folders; never lets one bad file cost another.

        Args:
            paths: files or folders (searched recursively).
            prune: remove indexed documents whose file is no longer among the given paths.
            overrides: file name -> metadata overrides (title, doc_type, date, countries).
            on_file: called after each file (progress in the UI).
            on_progress: called with (file name, passages embedded, passages in the file) once a file is parsed
                and after each embedding window of PROGRESS_WINDOW texts (the UI's progress bar).
            force: re-read and re-embed files even when unchanged (re-index after a parser change).

        Returns:
            The report; report.stopped says why the run stopped early (the files left are "not done").

        Raises:
            IngestBusy: another ingestion is running on this data directory.
            IngestStopped: the store could not be read or written before the first file.
        """
        started = time.monotonic()
        report = IngestReport()
        sources, sizes = _in_order(list(iter_sources(paths, self.limits.follow_symlinks)))
        with FileLock(self.lock_dir / "ingest.lock"):
            manifest = self._begin(report, sources)
            ids, seen = Identities(manifest), set()
            known = frozenset(rec.version for rec in manifest.values())

            def done(result: FileResult) -> None:
                seen.add(result.doc_id)
                report.files.append(result)
                if on_file:
                    on_file(result)

            def read(source: Source) -> _Read | None:
                return self._read(source, (overrides or {}).get(source.path.name), known, force)

            # Files are read and parsed ahead in one thread while the file before them is embedded (the encoder
            # leaves the GIL), and each file's writes run while the next one is embedded.
            ahead = _ReadAhead(sources, sizes, read, READ_AHEAD_BYTES)
            behind = _WriteBehind(done)
            try:
                try:
                    for n, source in enumerate(sources):
                        result = self._one(n, source, ids, manifest, (overrides or {}).get(source.path.name),
                                           ahead.take(n), behind, force, on_progress)
                        if result is not None:  # nothing to write: it is final once the writes before it are
                            behind.settle()
                            done(result)
                    behind.settle()
                except IngestStopped as exc:  # a failed write stops the run at the file it was for
                    _stop(report, sources[exc.at if isinstance(exc, _WriteFailed) else n:], exc)
            finally:
                behind.close()
                ahead.close()
            if prune and not report.stopped:
                report.files.extend(self._prune(manifest, seen))
            self._end(report)
        report.embedded = sum(f.passages for f in report.files if f.status in {"added", "updated"})
        report.seconds = time.monotonic() - started
        return report

    def _begin(self, report: IngestReport, sources: list[Source]) -> dict[str, DocRecord]:
        """Clean up after an interrupted run, mark this one as running, read the manifest."""
        marker = self.lock_dir / "ingest.inprogress"
        try:
            if marker.exists():
                report.orphans_removed = self.index.store.remove_orphans()
                log.warning("previous ingestion was interrupted; removed %d orphan passages", report.orphans_removed)
            marker.write_text(str(os.getpid()))
            return dict(self.index.refresh(force=True))
        except (OSError, StoreError) as exc:
            raise IngestStopped(f"cannot start the ingest ({exc}); nothing was ingested, {len(sources)} file(s) "
                                "to do") from exc

    def _end(self, report: IngestReport) -> None:
        try:
            self.index.refresh(force=True)
        except StoreError as exc:  # the documents are committed; the keyword cache catches up on the next sync
            log.warning("could not re-read the manifest after ingesting: %s", exc)
        if not report.stopped:  # a stopped run may have left orphans: the marker makes the next run remove them
            (self.lock_dir / "ingest.inprogress").unlink(missing_ok=True)

    def _read(self, source: Source, overrides: Mapping[str, str] | None, known: frozenset[str],
              force: bool) -> _Read | None:
        """Read, hash and (unless its version is indexed already) parse one file: the part of a file's ingest that
        needs neither the manifest nor the store, run ahead (_ReadAhead). None for a file that is not read at all."""
        path = source.path
        if not _is_read(source):
            return None
        data = read_bytes(path, self.limits)  # read once: what is hashed is what is parsed
        content_hash = _version_hash(hashlib.sha256(data).hexdigest(), overrides, self.max_chars)
        parsed = None
        if force or version_of(content_hash) not in known:
            parsed = self._parse(path, data, content_hash, overrides)
        return _Read(data, content_hash, parsed)

    def _parse(self, path: Path, data: bytes, content_hash: str,
               overrides: Mapping[str, str] | None) -> ParsedDocument:
        return parse(read_file(path, data=data, limits=self.limits), content_hash, overrides=overrides,
                     max_chars=self.max_chars)

    def _one(self, n: int, source: Source, ids: Identities, manifest: dict[str, DocRecord],
             overrides: Mapping[str, str] | None, read: Future[_Read | None], behind: _WriteBehind,
             force: bool = False, on_progress: Callable[[str, int, int], None] | None = None) -> FileResult | None:
        """A file's result, or None when its writes were handed to `behind` (which reports it once committed)."""
        started = time.monotonic()
        path = source.path
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            status = "failed" if source.explicit else "skipped"
            reason = (f"unsupported file type '{path.suffix or path.name}'; supported: "
                      f"{', '.join(sorted(SUPPORTED_EXTENSIONS))}")
            return FileResult(str(path), status, "", reason=reason)
        if source.refusal:
            return FileResult(str(path), "failed", "", reason=source.refusal)
        doc_id = ids.doc_id(path)
        try:
            got = read.result()
            assert got is not None  # only unsupported and refused sources are not read, and they returned above
            content_hash = got.content_hash
            old = manifest.get(doc_id)
            if old is not None and old.version == version_of(content_hash) and not force:
                return FileResult(str(path), "unchanged", doc_id, old.n_passages, seconds=time.monotonic() - started)
            twin = ids.same_content(content_hash, doc_id)
            if twin is not None and (old is not None or not _renamed(twin, path)):
                behind.settle()  # the twin may be the document whose writes are still running
                return self._twin(path, old, twin, ids, manifest, started)
            parsed = _with_doc_id(got.parsed or self._parse(path, got.data, content_hash, overrides), doc_id)
            vectors = self._embed([embedding_text(p) for p in parsed.passages], path.name, on_progress)
        except IngestError as exc:
            return FileResult(str(path), "failed", doc_id, reason=exc.reason)
        except IngestStopped:  # a failed write (of a moved file's record): the whole run stops
            raise
        except Exception as exc:  # a parser bug must cost only this file, and be reported, not hidden
            log.exception("unexpected error ingesting %s", path)
            return FileResult(str(path), "failed", doc_id, reason=f"internal error: {type(exc).__name__}: {exc}")
        record = DocRecord(parsed.meta, version_of(parsed.meta.content_hash), len(parsed.passages), str(path.resolve()),
                           dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        # The next file's checks see this one as indexed now; its writes run while the next file is embedded, and a
        # failed write stops the run at this file (the files after it are "not done").
        manifest[doc_id] = record
        ids.record(record)
        reason, gone = "", twin  # the same content under another name whose file is gone: a rename
        if gone is not None:
            _forget(gone, ids, manifest)
            reason = f"renamed from {gone.meta.file_name}"
        status = "updated" if old is not None else "added"

        def write() -> FileResult:
            self._write(parsed, path, vectors, record)
            if gone is not None:
                self._commit(lambda: self.index.delete_document(gone.meta.doc_id), gone.meta.file_name)
            return FileResult(str(path), status, doc_id, len(parsed.passages), reason, time.monotonic() - started)

        behind.submit(n, write)
        return None

    def _twin(self, path: Path, old: DocRecord | None, twin: DocRecord, ids: Identities,
              manifest: dict[str, DocRecord], started: float) -> FileResult:
        """A file whose content is already indexed under another document: a duplicate, or a moved file."""
        if old is None and not Path(twin.path).exists():  # moved (same name, old place gone): follow it
            moved = replace(twin, path=str(path.resolve()))
            self._commit(lambda: self.index.store.commit_document(moved), path.name)
            ids.forget(twin)
            ids.record(moved)
            manifest[twin.meta.doc_id] = moved
            return FileResult(str(path), "unchanged", twin.meta.doc_id, twin.n_passages, f"moved from {twin.path}",
                              time.monotonic() - started)
        reason = f"same content as {twin.meta.file_name} ({twin.path or 'indexed'}); not indexed twice"
        if old is not None:  # this file's own earlier text is gone from disk, so it goes from the index too
            self._remove(old, ids, manifest)
            reason += "; its earlier version was removed from the index"
        return FileResult(str(path), "skipped", twin.meta.doc_id, reason=reason, seconds=time.monotonic() - started)

    def _remove(self, rec: DocRecord, ids: Identities, manifest: dict[str, DocRecord]) -> None:
        self._commit(lambda: self.index.delete_document(rec.meta.doc_id), rec.meta.file_name)
        _forget(rec, ids, manifest)

    def _write(self, parsed: ParsedDocument, path: Path, vectors: list[list[float]], record: DocRecord) -> None:
        """Passages, then the manifest record (the commit), then old versions out; then the keyword cache."""
        meta, version = parsed.meta, record.version
        texts = [p.text for p in parsed.passages]
        need = estimate_bytes(texts, len(vectors[0]) if vectors else 0)
        self._commit(lambda: require_free(self.lock_dir, need, self.min_free_mb, f"writing {path.name}"), path.name)
        store = self.index.store

        def write() -> None:
            store.add_passages(parsed.passages, vectors, version, meta)
            store.commit_document(record)
            store.delete_stale_passages(meta.doc_id, version)

        self._commit(write, path.name)
        try:
            self.index.keyword.replace_document(meta.doc_id, version, parsed.passages)
        except sqlite3.Error as exc:  # a cache: the next sync fills it from Chroma
            log.warning("keyword index not updated for %s (%s); the next sync will add it", path.name, exc)

    def _commit(self, write: Callable[[], object], name: str) -> None:
        """Run a store write; any failure stops the ingest (a lost server or a full disk fails every later file)."""
        try:
            write()
        except DiskFull as exc:  # refused before writing; the message names the file already
            raise IngestStopped(str(exc)) from exc
        except StoreError as exc:
            raise IngestStopped(f"{exc} (while writing {name})") from exc
        except Exception as exc:  # chromadb and httpx raise many types; the message names the store and cause
            raise IngestStopped(f"{self.index.location}: {type(exc).__name__}: {exc} (while writing {name})") from exc

    def _embed(self, texts: list[str], name: str,
               report: Callable[[str, int, int], None] | None = None) -> list[list[float]]:
        if report is not None:
            done = [0]
            report(name, 0, len(texts))

            def step(n: int) -> None:
                done[0] += n
                report(name, done[0], len(texts))

            return embed_in_batches(self.index.embedder, texts, self.batch_size, on_window=step,
                                    window=PROGRESS_WINDOW)
        if not self.progress:
            return embed_in_batches(self.index.embedder, texts, self.batch_size)
        from tqdm import tqdm

        label = "".join(c if c.isprintable() else "?" for c in name[:40])  # a name must not drive the terminal
        with tqdm(total=len(texts), desc=label, unit="psg", disable=None, leave=False) as bar:
            return embed_in_batches(self.index.embedder, texts, self.batch_size, on_window=bar.update)

    def _prune(self, manifest: dict[str, DocRecord], seen: set[str]) -> list[FileResult]:
        removed = []
        for doc_id, rec in list(manifest.items()):
            if doc_id not in seen:
                self.index.delete_document(doc_id)
                removed.append(FileResult(rec.path or rec.meta.file_name, "removed", doc_id))
        return removed


def _is_read(source: Source) -> bool:
    """Whether an ingest reads this file at all (not an unsupported type, not refused)."""
    return source.path.suffix.lower() in SUPPORTED_EXTENSIONS and not source.refusal


def _size(source: Source) -> int:
    """Bytes on disk of a file that will be read (0 for one that will not be, or cannot be measured)."""
    if not _is_read(source):
        return 0
    try:
        return source.path.stat().st_size
    except OSError:
        return 0  # the read reports why


def _in_order(sources: list[Source]) -> tuple[list[Source], list[int]]:
    """The order files are ingested in, with their sizes: smallest first, except that the smallest file to read
    comes last.

    Only two parts of an ingest overlap nothing: the first file's parse (nothing is embedded yet) and the last
    file's writes (nothing is left to embed). Small files first keep the first one short, and each file is parsed
    while the smaller ones before it are embedded; the smallest file last keeps the final writes short. On the
    real corpus, name order had the 1,356 KB session report first: 4.5 s of its parse before the encoder started.
    Equal sizes keep their (name) order, so of two identical files the first by name is the one indexed.
    """
    ordered = sorted(((_size(source), source) for source in sources), key=lambda sized: sized[0])  # stable
    readable = [k for k, (size, _) in enumerate(ordered) if size > 0]
    if len(readable) > 2:
        ordered.append(ordered.pop(readable[0]))
    return [source for _, source in ordered], [size for size, _ in ordered]


class _ReadAhead:
    """Files read and parsed in one thread ahead of the file being embedded: the next one, and more while the
    files read ahead total under `budget` bytes on disk (memory stays bounded by the budget plus one file)."""

    def __init__(self, sources: list[Source], sizes: list[int], read: Callable[[Source], _Read | None],
                 budget: int):
        self._sources, self._sizes, self._read, self._budget = sources, sizes, read, budget
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hrqa-read-ahead")
        self._futures: dict[int, Future[_Read | None]] = {}
        self._next = 0  # the first source not handed to the pool yet

    def take(self, n: int) -> Future[_Read | None]:
        """Source n's read (sources are taken in order), after handing the pool the files to read next."""
        while self._next <= n + 1 and self._next < len(self._sources):
            self._submit()
        ahead = sum(self._sizes[n + 1 : self._next])
        while self._next < len(self._sources) and ahead + self._sizes[self._next] <= self._budget:
            ahead += self._sizes[self._next]
            self._submit()
        return self._futures.pop(n)

    def _submit(self) -> None:
        self._futures[self._next] = self._pool.submit(self._read, self._sources[self._next])
        self._next += 1

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _WriteFailed(IngestStopped):
    """A write handed to _WriteBehind failed: the run stops at the file it was for (index `at` in the sources)."""

    def __init__(self, at: int, exc: IngestStopped):
        super().__init__(str(exc))
        self.at = at


class _WriteBehind:
    """One file's store writes run in a thread while the next file is embedded, in order, one file at a time.

    Measured on the real corpus: 6.4 s of writes beside embedding alone slowed it by 1.3 s, but in a whole ingest
    (the read-ahead parse competes for the same 2 cores) old/new ingest time was 1.01, 0.98, 0.92. settle() waits
    for the writes handed over last and reports their file through `done` (in the caller's thread); a failed write
    raises _WriteFailed for that file.
    """

    def __init__(self, done: Callable[[FileResult], None]):
        self._done = done
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hrqa-write")
        self._pending: tuple[int, Future[FileResult]] | None = None

    def submit(self, at: int, write: Callable[[], FileResult]) -> None:
        self.settle()
        self._pending = (at, self._pool.submit(write))

    def settle(self) -> None:
        if self._pending is None:
            return
        at, future = self._pending
        self._pending = None
        try:
            result = future.result()
        except IngestStopped as exc:
            raise _WriteFailed(at, exc) from exc
        self._done(result)

    def close(self) -> None:
        """Wait for the writes in flight (a run that ends on an error still leaves whole documents)."""
        self._pool.shutdown(wait=True)


def _forget(rec: DocRecord, ids: Identities, manifest: dict[str, DocRecord]) -> None:
    """Drop a document from this run's identities and manifest (its rows go from the store apart)."""
    ids.forget(rec)
    manifest.pop(rec.meta.doc_id, None)


def _stop(report: IngestReport, rest: list[Source], exc: IngestStopped) -> None:
    """Record a stopped run: the file that failed, the files not done, one line saying what to do."""
    report.files.append(FileResult(str(rest[0].path), "failed", reason=str(exc)))
    report.files.extend(FileResult(str(s.path), "not done", reason="not ingested: the ingest stopped")
                        for s in rest[1:])
    names = [s.path.name for s in rest]
    more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
    report.stopped = (f"ingest stopped at {rest[0].path.name}: {exc}. {len(rest)} file(s) left to do: "
                      f"{', '.join(names[:_NAMES_SHOWN])}{more}; the files done before it are kept, "
                      "run the same ingest again to finish")


def _renamed(twin: DocRecord, path: Path) -> bool:
    """Whether the indexed twin's file is gone and this one has another name: the file was renamed."""
    return twin.meta.file_name != path.name and bool(twin.path) and not Path(twin.path).exists()


def _with_doc_id(parsed: ParsedDocument, doc_id: str) -> ParsedDocument:
    """The parsed document under its path-aware id (the parser derives one from the file name alone)."""
    if parsed.meta.doc_id == doc_id:
        return parsed
    meta = replace(parsed.meta, doc_id=doc_id)
    return ParsedDocument(meta, tuple(replace(p, doc_id=doc_id, id=passage_id(doc_id, meta.content_hash, p.ordinal))
                                      for p in parsed.passages))


def _version_hash(file_digest: str, overrides: Mapping[str, str] | None, max_chars: int) -> str:
    """A document version: the file's bytes, its overrides, the chunk size and the parser version.

    Hashing bytes (not extracted text) lets an unchanged file be skipped without parsing it; including
    PARSER_VERSION makes a parser change re-index everything once.
    """
    h = hashlib.sha256(f"{file_digest}|{PARSER_VERSION}|{INDEX_FORMAT}|{max_chars}".encode())
    for key, value in sorted((overrides or {}).items()):
        h.update(f"|{key}={value}".encode())
    return h.hexdigest()
