"""Free disk space, checked before writing: a full disk must stop a write cleanly, not half-way through a file.

Chroma writes its vector index files without a way to roll them back, so a write that hits a full disk can leave
them unreadable (vectorstore/repair.py rebuilds them). Checking before each document, with a reserve, keeps the
store's own writes from ever meeting a full disk unless something else fills it meanwhile.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ingest.errors import StoreError

MB = 1024 * 1024
# Bytes a passage costs on disk beyond its text, measured on the embedded store: the vector in Chroma's write-ahead
# log and in its index (float32 each), the metadata rows, and the keyword index's copy of the text.
_VECTOR_COPIES = 3
_PER_PASSAGE = 2048
_PER_TEXT_CHAR = 4


class DiskFull(StoreError):
    """Not enough free space to write safely; nothing was written."""


def free_bytes(path: str | Path) -> int:
    """Free bytes for an unprivileged writer on the filesystem holding path (its nearest existing parent)."""
    p = Path(path)
    while not p.exists() and p != p.parent:
        p = p.parent
    return shutil.disk_usage(p).free


def estimate_bytes(texts: list[str], dim: int) -> int:
    """What writing these passages will cost on disk, generously."""
    return len(texts) * (_PER_PASSAGE + _VECTOR_COPIES * 4 * dim) + _PER_TEXT_CHAR * sum(len(t) for t in texts)


def require_free(path: str | Path, need_bytes: int, reserve_mb: float, what: str) -> None:
    """Refuse to write need_bytes when that would leave less than reserve_mb free.

    Args:
        path: where the bytes go (the data directory).
        need_bytes: the estimated size of the write.
        reserve_mb: the space that must stay free afterwards (HRQA_MIN_FREE_MB).
        what: the write, for the message ("writing report.pdf").

    Raises:
        DiskFull: with the free space, the need and the setting.
    """
    free = free_bytes(path)
    if free - need_bytes < reserve_mb * MB:
        raise DiskFull(f"not enough free disk space for {what}: {free / MB:.1f} MB free in the data directory, "
                       f"{need_bytes / MB:.1f} MB needed and {reserve_mb:g} MB kept free (HRQA_MIN_FREE_MB); "
                       "free some space and run again")
