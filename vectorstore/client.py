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
        if host or path is None:
            raise StoreError(f"cannot open Chroma server {host}:{port}: {exc}") from exc
        _forget_broken_system(str(Path(path) / "chroma"))
        raise StoreError(f"cannot open data directory {path}: {exc}{_local_hint(path, exc)}") from exc


def _forget_broken_system(persist_dir: str) -> None:
    """Chroma caches a store's engine per process before starting it; one whose start failed (on a full disk)
    stays cached half-built, and every later open of that store in this process fails. Drop it."""
    try:
        from chromadb.api import ServerAPI
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.get(persist_dir)
        if system is not None and not hasattr(system.instance(ServerAPI), "bindings"):  # type: ignore[type-abstract]
            SharedSystemClient._identifier_to_system.pop(persist_dir, None)
    except Exception:  # noqa: BLE001 - private to chromadb 1.5; at worst the next open fails as before
        log.debug("could not drop a half-started Chroma system", exc_info=True)


def _local_hint(path: str | Path, exc: Exception) -> str:
    """What to do when an embedded store does not open: a full disk, or a damaged database."""
    from vectorstore.space import MB, free_bytes

    free = free_bytes(path)
    if "full" in str(exc).lower() or free < MB:
        return (f"; the disk holding the data directory is full ({free / MB:.1f} MB free): free some space and "
                "start again (nothing was changed)")
    return "; if the store is damaged, move the directory aside and restore your latest backup into a new one"
