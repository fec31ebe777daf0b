"""Which files an ingest reads and which document each one is: folders, symbolic links, ids, duplicates.

A document's id is assigned once, from its file name and resolved path (ingest.ids.doc_id_for), and found
again by that path: so two files named alike in two folders are two documents, re-ingesting a file updates its
own document, and stores made before ids were path-aware keep their ids. The same bytes under a second name are
not indexed twice (they would fill the top results with copies): the ingest reports the second file as a
duplicate of the first, unless the first is gone from disk, in which case the file was moved or renamed and the
document follows it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ingest.ids import doc_id_for
from vectorstore.store import DocRecord


@dataclass(frozen=True)
class Source:
    """A file to ingest: named on the command line (explicit) or found in a folder; refusal says why not."""

    path: Path
    explicit: bool
    refusal: str = ""


def iter_sources(paths: Iterable[str | Path], follow_symlinks: bool = False) -> Iterator[Source]:
    """Files under the given paths, sorted, hidden ones skipped.

    Everything that is not a directory is yielded, FIFOs and devices included, so the reader refuses them by
    name instead of a folder walk hiding them. A symbolic link found in a folder that points outside it is
    refused unless follow_symlinks; a link named explicitly is followed (the user asked for it).
    """
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield Source(path, True)
            continue
        root = path.resolve()
        for child in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in child.relative_to(path).parts) or child.is_dir():
                continue
            yield Source(child, False, "" if follow_symlinks else _link_refusal(child, root))


def _link_refusal(child: Path, root: Path) -> str:
    """Why a symbolic link in a folder is not read ("" when it is not a link or stays inside the folder)."""
    if not child.is_symlink():
        return ""
    target = Path(os.path.realpath(child))
    if target == root or root in target.parents:
        return ""
    return (f"symbolic link to {target}, outside the folder being ingested; not followed (ingest the target "
            "itself, or set HRQA_FOLLOW_SYMLINKS=true)")


class Identities:
    """Document ids by resolved path and committed documents by content, kept up to date during one ingest.

    Args:
        manifest: doc_id -> DocRecord, as read at the start of the ingest.
    """

    def __init__(self, manifest: Mapping[str, DocRecord]):
        self._by_path: dict[str, str] = {}
        self._by_content: dict[str, DocRecord] = {}
        for rec in sorted(manifest.values(), key=lambda r: r.ingested_at):
            self.record(rec)

    def doc_id(self, path: Path) -> str:
        """The id of the document read from path: the one it already has, or a new path-aware one."""
        resolved = str(path.resolve())
        return self._by_path.get(resolved) or doc_id_for(path.name, resolved)

    def same_content(self, content_hash: str, doc_id: str) -> DocRecord | None:
        """Another committed document with exactly this content (bytes, overrides and parser), if any."""
        rec = self._by_content.get(content_hash)
        return rec if rec is not None and rec.meta.doc_id != doc_id else None

    def record(self, rec: DocRecord) -> None:
        """Note a committed document (after a write); the first of equal contents stays the reference."""
        if rec.path:
            self._by_path[rec.path] = rec.meta.doc_id
        if rec.meta.content_hash:
            self._by_content.setdefault(rec.meta.content_hash, rec)

    def forget(self, rec: DocRecord) -> None:
        """Drop a document that was removed or took a new path."""
        if self._by_content.get(rec.meta.content_hash) is rec:
            del self._by_content[rec.meta.content_hash]
        if self._by_path.get(rec.path) == rec.meta.doc_id:
            del self._by_path[rec.path]
