"""The one place that builds a Chroma client: embedded by default, a Chroma server by configuration."""
from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import Any, Mapping

from ingest.errors import StoreError

log = logging.getLogger(__name__)


def make_chroma_client(
    path: str | Path | None = None,
    host: str = "",
    port: int = 8000,
    ssl: bool = False,
    headers: Mapping[str, str] | None = None,
    tenant: str = "default_tenant",
    database: str = "default_database",
) -> Any:
    """Open Chroma: a server when host is given, otherwise an embedded store at path.

    Raises:
        StoreError: the server does not answer, or the directory cannot be used.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if host:
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, headers=dict(headers or {}),
                                         tenant=tenant, database=database, settings=chroma_settings)
            client.heartbeat()
            return client
        if path is None:
            raise StoreError("no data directory given for the embedded Chroma store (HRQA_DATA_DIR)")
        Path(path).mkdir(parents=True, exist_ok=True)
        # Chroma creates its tables without a lock: two processes opening a new store at once can collide.
        with open(Path(path) / "chroma.open.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return chromadb.PersistentClient(path=str(Path(path) / "chroma"), settings=chroma_settings,
                                             tenant=tenant, database=database)
    except StoreError:
        raise
    except Exception as exc:
        where = f"Chroma server {host}:{port}" if host else f"data directory {path}"
        raise StoreError(f"cannot open {where}: {exc}") from exc
