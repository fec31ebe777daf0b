"""Ingestion into the index: per-file, idempotent, crash-safe, serialised.

Order of writes for one document (the manifest record is the commit point):
1. upsert the new version's passages (ids carry the version, so the old version stays live meanwhile);
2. write the manifest record -> the new version is live;
3. delete passages of other versions; 4. sync the keyword index from the manifest.
A run killed anywhere leaves either the old or the new version live, never half a document; leftovers are
orphans that queries ignore and the next run removes.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from ingest.errors import HrqaError, IngestError
from ingest.ids import doc_id_for
from ingest.pipeline import PARSER_VERSION, parse
from ingest.readers import SUPPORTED_EXTENSIONS, read_file
from ingest.readers import content_hash as file_hash
from ingest.types import ParsedDocument
from vectorstore.embeddings import embed_in_batches
from vectorstore.index import Index
from vectorstore.store import DocRecord, version_of
from vectorstore.text import embedding_text

# Texts per embedding call when someone watches progress: a 26-page report (~400 passages) moves the bar about
# six times, and the length-sorting that larger windows buy (vectorstore.embeddings) is mostly kept.
PROGRESS_WINDOW = 64

# Bump when what is embedded or stored for a passage changes (not the parser: that is PARSER_VERSION).
INDEX_FORMAT = "3"

log = logging.getLogger(__name__)


class IngestBusy(HrqaError):
    """Another ingestion holds the lock on this data directory."""


@dataclass
class FileResult:
    """What happened to one file: status is added, updated, unchanged, failed, skipped or removed."""

    path: str
    status: str
    doc_id: str = ""
    passages: int = 0
    reason: str = ""
    seconds: float = 0.0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    orphans_removed: int = 0
    seconds: float = 0.0
    embedded: int = 0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def summary(self) -> dict:
        return {
            "documents": self.count("added") + self.count("updated") + self.count("unchanged"),
            "added": self.count("added"), "updated": self.count("updated"),
            "unchanged": self.count("unchanged"), "failed": self.count("failed"),
            "skipped": self.count("skipped"), "removed": self.count("removed"),
            "passages": sum(f.passages for f in self.files if f.status in {"added", "updated", "unchanged"}),
            "embedded": self.embedded, "orphans_removed": self.orphans_removed,
            "seconds": round(self.seconds, 3),
        }


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """Files under the given paths, sorted, hidden ones skipped; yields (path, named_explicitly)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child, False
        else:
            yield path, True


class Indexer:
    """Adds files to an Index.

    Args:
        index: the Index to write.
        lock_dir: where the ingest lock and the in-progress marker live (the data directory).
        batch_size: texts per embedding call.
        max_chars: long paragraphs are split into parts of at most this many characters.
        progress: when True, a tqdm bar per file on stderr (auto-disabled when not a terminal).
    """

    def __init__(self, index: Index, lock_dir: str | Path, batch_size: int = 32, max_chars: int = 1200,
                 progress: bool = True):
        self.index = index
        self.lock_dir = Path(lock_dir)
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.progress = progress

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

        Raises:
            IngestBusy: another ingestion is running on this data directory.
        """
        started = time.monotonic()
        report = IngestReport()
        with self._locked():
            marker = self.lock_dir / "ingest.inprogress"
            if marker.exists():
                report.orphans_removed = self.index.store.remove_orphans()
                log.warning("previous ingestion was interrupted; removed %d orphan passages",
                            report.orphans_removed)
            marker.write_text(str(os.getpid()))
            manifest = self.index.refresh(force=True)
            seen: set[str] = set()
            for path, explicit in iter_files(paths):
                result = self._one(path, explicit, manifest, (overrides or {}).get(path.name), force, on_progress)
                seen.add(result.doc_id)
                report.files.append(result)
                if on_file:
                    on_file(result)
            if prune:
                report.files.extend(self._prune(manifest, seen))
            self.index.refresh(force=True)
            marker.unlink(missing_ok=True)
        report.embedded = sum(f.passages for f in report.files if f.status in {"added", "updated"})
        report.seconds = time.monotonic() - started
        return report

    def _one(self, path: Path, explicit: bool, manifest: dict[str, DocRecord],
             overrides: Mapping[str, str] | None, force: bool = False,
             on_progress: Callable[[str, int, int], None] | None = None) -> FileResult:
        started = time.monotonic()
        doc_id = doc_id_for(path.name)
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            status = "failed" if explicit else "skipped"
            supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            reason = f"unsupported file type '{path.suffix or path.name}'; supported: {supported}"
            return FileResult(str(path), status, "", reason=reason)
        try:
            content_hash = _version_hash(file_hash(path), overrides, self.max_chars)
            old = manifest.get(doc_id)
            if old is not None and old.version == version_of(content_hash) and not force:
                return FileResult(str(path), "unchanged", doc_id, old.n_passages, seconds=time.monotonic() - started)
            parsed = parse(read_file(path), content_hash, overrides=overrides, max_chars=self.max_chars)
            self._write(parsed, path, content_hash, on_progress)
        except IngestError as exc:
            return FileResult(str(path), "failed", doc_id, reason=exc.reason)
        except Exception as exc:  # a parser bug must cost only this file, and be reported, not hidden
            log.exception("unexpected error ingesting %s", path)
            return FileResult(str(path), "failed", doc_id, reason=f"internal error: {type(exc).__name__}: {exc}")
        status = "updated" if old is not None else "added"
        return FileResult(str(path), status, doc_id, len(parsed.passages), seconds=time.monotonic() - started)

    def _write(self, parsed: ParsedDocument, path: Path, content_hash: str,
               on_progress: Callable[[str, int, int], None] | None = None) -> None:
        version = version_of(content_hash)
        texts = [embedding_text(p) for p in parsed.passages]
        vectors = self._embed(texts, path.name, on_progress)
        store = self.index.store
        store.add_passages(parsed.passages, vectors, version, parsed.meta)
        store.commit_document(DocRecord(parsed.meta, version, len(parsed.passages), str(path.resolve()),
                                        dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
        store.delete_stale_passages(parsed.meta.doc_id, version)
        self.index.keyword.replace_document(parsed.meta.doc_id, version, parsed.passages)

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

        with tqdm(total=len(texts), desc=name[:40], unit="psg", disable=None, leave=False) as bar:
            return embed_in_batches(self.index.embedder, texts, self.batch_size, on_window=bar.update)

    def _prune(self, manifest: dict[str, DocRecord], seen: set[str]) -> list[FileResult]:
        removed = []
        for doc_id, rec in manifest.items():
            if doc_id not in seen:
                self.index.delete_document(doc_id)
                removed.append(FileResult(rec.path or rec.meta.file_name, "removed", doc_id))
        return removed

    def _locked(self):
        return _FileLock(self.lock_dir / "ingest.lock")


def _version_hash(file_digest: str, overrides: Mapping[str, str] | None, max_chars: int) -> str:
    """A document version: the file's bytes, its overrides, the chunk size and the parser version.

    Hashing bytes (not extracted text) lets an unchanged file be skipped without opening it; including
    PARSER_VERSION makes a parser change re-index everything once.
    """
    h = hashlib.sha256(f"{file_digest}|{PARSER_VERSION}|{INDEX_FORMAT}|{max_chars}".encode())
    for key, value in sorted((overrides or {}).items()):
        h.update(f"|{key}={value}".encode())
    return h.hexdigest()


class _FileLock:
    """An exclusive, non-blocking flock: a second ingestion is refused, not interleaved."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._fh.seek(0)
            holder = self._fh.read().strip() or "unknown"
            self._fh.close()
            raise IngestBusy(f"another ingestion is running on {self.path.parent} (pid {holder}); "
                             "wait for it to finish and run again") from exc
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(str(os.getpid()))
        self._fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()
