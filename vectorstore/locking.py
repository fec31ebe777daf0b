"""The ingest lock: one ingestion per data directory at a time, refused (not interleaved) when busy."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ingest.errors import HrqaError


class IngestBusy(HrqaError):
    """Another ingestion holds the lock on this data directory.

    Attributes:
        holder: the pid written by the process holding the lock ("unknown" when unreadable).
    """

    def __init__(self, message: str, holder: str = "unknown"):
        super().__init__(message)
        self.holder = holder


class FileLock:
    """An exclusive, non-blocking flock on path; the holder's pid is written into the file (unless write_pid is
    False: a brief holder leaves the last ingest's pid for the busy message)."""

    def __init__(self, path: Path, write_pid: bool = True):
        self.path = path
        self.write_pid = write_pid
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
                             "wait for it to finish and run again", holder) from exc
        if self.write_pid:
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.write(str(os.getpid()))
            self._fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()
