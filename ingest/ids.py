"""Deterministic ids, so re-ingesting a file updates its records instead of duplicating them."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePath

# Chroma and URLs take these ids as they are; 48 keeps a passage id readable in logs.
_MAX_SLUG = 48


def doc_id_for(file_name: str, path: str | None = None) -> str:
    """Derive a document id from its file name and, when known, where the file is.

    Args:
        file_name: the base name of the source file ("yuksalish-newsletter-25-may-2022.txt").
        path: the file's resolved absolute path. Given, it is what the id's hash is of, so two different files
            with the same name in two folders get two ids; the file name stays the document's display name.

    Returns:
        A slug of the stem (lowercase ASCII, [a-z0-9-], at most 48 chars; "doc" when nothing is left)
        plus "-" and the first 8 hex digits of sha1(path or file_name), so names that slug alike stay distinct.
    """
    ascii_stem = unicodedata.normalize("NFKD", PurePath(file_name).stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:_MAX_SLUG].rstrip("-") or "doc"
    key = path if path else file_name
    # 'surrogatepass': a name or path may hold lone surrogates (undecodable bytes, hypothesis' text), never a crash
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def passage_id(doc_id: str, content_hash: str, ordinal: int) -> str:
    """Build a passage id that changes when the file's content changes.

    Args:
        doc_id: the owning document's id.
        content_hash: sha256 hex of the file bytes; its first 10 digits version the id.
        ordinal: 0-based position of the passage in the document.

    Returns:
        f"{doc_id}:{content_hash[:10]}:{ordinal:05d}".

    Raises:
        ValueError: ordinal is negative.
    """
    if ordinal < 0:
        raise ValueError(f"passage ordinal must be >= 0, got {ordinal}")
    return f"{doc_id}:{content_hash[:10]}:{ordinal:05d}"
