"""The chat's downloads (an answer, the conversation as Markdown): files that live as long as their answer.

Each chat session holds at most its latest export of each kind: writing a new answer's export deletes the
previous one, clearing the chat or closing the page deletes the session's files, and anything older than
max_age is deleted whatever happened to its session (a browser that vanished). The folder sits inside the web
server's own cache folder, so the server serves these files where they are instead of keeping a copy of each.
"""
from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


class Exports:
    """Export files per chat session under root.

    Args:
        root: a folder of this process alone (removed by close()).
        max_age_seconds: files older than this are deleted at the next write.
    """

    def __init__(self, root: str | Path, max_age_seconds: float = 3600.0):
        self.root = Path(root)
        self.max_age = max_age_seconds
        self._latest: dict[tuple[str, str], Path] = {}
        self._lock = threading.Lock()

    def write(self, session: str, kind: str, markdown: str, stem: str) -> str:
        """Write one export of a session (replacing its previous one of this kind); returns the file's path.

        Args:
            session: the chat session's id (any string; hashed into a folder name).
            kind: "answer" or "conversation".
            markdown: the file's content.
            stem: the file name without ".md", as the user will see it.
        """
        folder = self._session_dir(session) / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.md"
        path.write_text(markdown, encoding="utf-8")
        with self._lock:
            previous = self._latest.get((session, kind))
            self._latest[(session, kind)] = folder
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
        self._expire()
        return str(path)

    def drop(self, session: str) -> None:
        """Delete every export of a session (its chat was cleared or its page closed)."""
        with self._lock:
            for key in [k for k in self._latest if k[0] == session]:
                del self._latest[key]
        shutil.rmtree(self._session_dir(session), ignore_errors=True)

    def files(self) -> list[Path]:
        """Every export file currently kept (for tests and the benchmark)."""
        return sorted(self.root.rglob("*.md")) if self.root.exists() else []

    def close(self) -> None:
        """Delete every export (the server is stopping)."""
        shutil.rmtree(self.root, ignore_errors=True)

    def _session_dir(self, session: str) -> Path:
        return self.root / hashlib.sha256(session.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def _expire(self) -> None:
        cutoff = time.time() - self.max_age
        for folder in self.root.glob("*/*"):
            try:
                if folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue
        for session_dir in self.root.glob("*"):
            try:
                session_dir.rmdir()  # only succeeds when empty
            except OSError:
                pass
