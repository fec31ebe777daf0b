"""Restore a backup into an index: all of it, or nothing.

1. The whole file is validated first (vectorstore.backup.validate); a damaged file changes nothing.
2. Passages the target lacks are written (a passage id carries its document's version, so an id the target
   already holds is the same passage and is left alone), then the manifest records (the commit point, as in
   ingestion); the records replaced are kept in memory first.
3. Only after the commit are the restored documents' other versions deleted, so no orphan is left behind.
If a write before the commit fails (a full disk, a lost server), the passages written are deleted and the
manifest records put back: the target holds exactly the records it held before, byte for byte. Nothing the
target held is ever overwritten or deleted before the commit, so nothing has to be rewritten to undo it.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ingest.errors import StoreError
from vectorstore.backup import Contents, iter_file, validate
from vectorstore.index import Index

_BATCH = 500

log = logging.getLogger(__name__)


def restore(index: Index, src: str | Path) -> dict[str, int]:
    """Load a backup into index; documents with the same ids are replaced by the backup's versions.

    Returns:
        counts of documents and passages restored.

    Raises:
        StoreError: the file is not a whole, valid backup for this index (nothing written), or a write failed
            (everything written was undone; the message says so).
    """
    store = index.store
    contents = validate(src, store.embedder_name)
    held = store.dimension()
    if held and contents.dim and held != contents.dim:
        raise StoreError(f"{src}: its vectors have {contents.dim} numbers, this index's {held}; nothing restored")
    present = {r["id"] for r in store.iter_records("passages", ids=contents.passage_ids)}
    replaced = list(store.iter_records("documents", ids=list(contents.documents)))
    try:
        _write(index, src, present)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the target must be put back
        _undo(index, contents, present, replaced, src, exc)
        raise StoreError(f"{src}: restore failed while writing ({exc}); every change was undone, the store is "
                         "as it was before") from exc
    _drop_other_versions(index, contents)
    index.refresh(force=True)
    return contents.counts


def _write(index: Index, src, present: set[str]) -> None:
    store = index.store
    documents, batch = [], []
    for record in iter_file(src):
        kind = record.pop("kind")
        if kind == "documents":
            documents.append(record)
        elif record["id"] not in present:
            batch.append(record)
            if len(batch) >= _BATCH:
                store.put_records("passages", batch)
                batch = []
    store.put_records("passages", batch)
    store.put_records("documents", documents)  # the commit point, as in ingestion


def _undo(index: Index, contents: Contents, present: set[str], replaced: list[dict], src, cause: Exception) -> None:
    """Delete the passages and records the restore added; put back the manifest records it replaced."""
    store = index.store
    before = {r["id"] for r in replaced}
    try:
        store.delete_records("documents", [d for d in contents.documents if d not in before])
        store.put_records("documents", replaced)
        store.delete_records("passages", [p for p in contents.passage_ids if p not in present])
    except Exception as exc:  # noqa: BLE001
        raise StoreError(f"{src}: restore failed while writing ({cause}), and undoing it failed too ({exc}); the "
                         "passages it added are not live (no query shows them) unless their documents' records "
                         "were written: restore again, or restore the store's own latest backup") from exc
    log.warning("restore of %s failed (%s); its writes were undone", src, cause)


def _drop_other_versions(index: Index, contents: Contents) -> None:
    """Delete the restored documents' passages of other versions (orphans since the commit; harmless if left)."""
    try:
        for doc_id, (version, _) in contents.documents.items():
            index.store.delete_stale_passages(doc_id, version)
    except StoreError as exc:
        log.warning("restored, but older passages of the restored documents could not all be deleted (%s); no "
                    "query shows them, and the next ingest after an interrupted one removes them", exc)
