"""The document manifest read straight from an embedded Chroma store's SQLite file, without importing chromadb.

`hrqa docs` must answer in well under a second, and `import chromadb` alone costs about 0.6 s. This is not a
cache: it reads the manifest collection's own metadata rows, the same rows Chroma's `get()` returns, inside one
read transaction. It answers only when it can prove it sees everything Chroma would:
- the chromadb release installed is the one whose schema this was written against (1.5.x);
- the collection's metadata segment has applied every write in Chroma's write-ahead queue for it.
Otherwise (or on any SQLite error, an unknown layout, or a Chroma server) it returns None and the caller opens
Chroma as usual. Nothing is ever written.
"""
from __future__ import annotations

import logging
import sqlite3
from importlib import metadata as importlib_metadata
from pathlib import Path

from vectorstore.store import DocRecord, _doc_record

log = logging.getLogger(__name__)

SUPPORTED_CHROMA = "1.5."  # the schema below is Chroma 1.5's; other releases use the slow, always-right path

_COLLECTION = """
SELECT c.id FROM collections c JOIN databases d ON d.id = c.database_id
WHERE c.name = ? AND d.name = ? AND d.tenant_id = ?"""
_SEGMENT = "SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'"
_APPLIED = "SELECT seq_id FROM max_seq_id WHERE segment_id = ?"
_QUEUED = "SELECT max(seq_id) FROM embeddings_queue WHERE topic LIKE '%/' || ?"
_ROWS = """
SELECT e.embedding_id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value
FROM embeddings e JOIN embedding_metadata m ON m.id = e.id WHERE e.segment_id = ?"""


def read_manifest(data_path: Path, collection: str, tenant: str = "default_tenant",
                  database: str = "default_database") -> dict[str, DocRecord] | None:
    """doc_id -> DocRecord of the named manifest collection, or None when this fast path cannot vouch for it.

    Args:
        data_path: the data directory (HRQA_DATA_DIR); the store is data_path/chroma/chroma.sqlite3.
        collection: the manifest collection's name, e.g. "hrqa-documents-minilm".
        tenant, database: as given to chromadb.PersistentClient.
    """
    db = Path(data_path) / "chroma" / "chroma.sqlite3"
    if not db.is_file() or not _chroma_release().startswith(SUPPORTED_CHROMA):
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None, timeout=2.0)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the checks and the rows
        return _read(conn, collection, tenant, database)
    except sqlite3.Error as exc:
        log.info("manifest fast path unavailable (%s); opening Chroma", exc)
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, collection: str, tenant: str, database: str) -> dict[str, DocRecord] | None:
    row = conn.execute(_COLLECTION, (collection, database, tenant)).fetchone()
    if row is None:
        return {}  # no collection yet: Chroma would create an empty one
    collection_id = row[0]
    segment = conn.execute(_SEGMENT, (collection_id,)).fetchone()
    if segment is None:
        return None
    applied = conn.execute(_APPLIED, (segment[0],)).fetchone()
    queued = conn.execute(_QUEUED, (collection_id,)).fetchone()[0]
    if queued is not None and (applied is None or applied[0] is None or int(applied[0]) < int(queued)):
        return None  # a write is logged but not yet in the metadata rows
    metas: dict[str, dict] = {}
    for embedding_id, key, string_value, int_value, float_value, bool_value in conn.execute(_ROWS, (segment[0],)):
        if key.startswith("chroma:"):
            continue
        value = string_value if string_value is not None else int_value if int_value is not None else (
            float_value if float_value is not None else (bool(bool_value) if bool_value is not None else None))
        metas.setdefault(embedding_id, {})[key] = value
    return {doc_id: _doc_record(meta) for doc_id, meta in metas.items()}


def _chroma_release() -> str:
    try:
        return importlib_metadata.version("chromadb")
    except importlib_metadata.PackageNotFoundError:
        return ""
