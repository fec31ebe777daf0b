"""Backup and restore of an index as one gzipped JSONL file, the same for the embedded store and a server.

The file holds every passage (text, metadata, vector) and every manifest record; the keyword index is not
saved because it is rebuilt from the manifest on the next sync. Restore writes passages first and manifest
records last, the same commit order as ingestion, so an interrupted restore exposes no half document.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from ingest.errors import StoreError
from vectorstore.index import Index

FORMAT = "hrqa-backup-1"
_BATCH = 500


def backup(index: Index, dest: str | Path) -> dict[str, int]:
    """Write the whole index to dest (.jsonl.gz). Returns counts of documents and passages written."""
    counts = {"documents": 0, "passages": 0}
    with gzip.open(dest, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "embedder": index.store.embedder_name}) + "\n")
        for which in ("passages", "documents"):
            for record in index.store.iter_records(which):
                out.write(json.dumps({"kind": which, **record}, ensure_ascii=False) + "\n")
                counts[which] += 1
    return counts


def restore(index: Index, src: str | Path) -> dict[str, int]:
    """Load a backup into index (upserting: records with the same ids are replaced).

    Raises:
        StoreError: not a readable backup, or made with another embedder.
    """
    counts = {"documents": 0, "passages": 0}
    documents, batch = [], []
    try:
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            _check_header(json.loads(fh.readline() or "{}"), src, index.store.embedder_name)
            for line in fh:
                record = json.loads(line)
                if record.pop("kind") == "documents":
                    documents.append(record)
                    continue
                batch.append(record)
                if len(batch) >= _BATCH:
                    index.store.put_records("passages", batch)
                    counts["passages"] += len(batch)
                    batch = []
    except (OSError, EOFError, json.JSONDecodeError, KeyError) as exc:
        raise StoreError(f"{src}: cannot read backup ({exc})") from exc
    index.store.put_records("passages", batch)
    counts["passages"] += len(batch)
    index.store.put_records("documents", documents)  # last: the commit point, as in ingestion
    counts["documents"] = len(documents)
    index.refresh(force=True)
    return counts


def _check_header(header: dict, src, embedder_name: str) -> None:
    if header.get("format") != FORMAT:
        raise StoreError(f"{src}: not an hrqa backup (format {header.get('format')!r})")
    if header.get("embedder") != embedder_name:
        raise StoreError(f"{src}: made with embedder {header.get('embedder')!r}, this index uses "
                         f"{embedder_name!r}; set HRQA_EMBEDDER to match")
