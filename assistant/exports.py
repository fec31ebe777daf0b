"""The web app's downloads (handouts of an answer or the conversation, a document's original): files that live
as long as what they show.

Each chat session holds at most its latest export of each kind: writing a new answer's handout deletes the
previous one, an emptied conversation or a closed page deletes the session's files, and anything older than
max_age is deleted whatever happened to its session (a browser that vanished). A document's original is one
copy shared by every session, replaced when the document changes and removed with it. The folder sits inside the
web server's own cache folder, so the server serves these files where they are instead of keeping a copy of each.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

_SHARED = "\0shared"  # the session of copies every session may be offered (no gradio session hash looks like it)


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
        """Write one Markdown export of a session (replacing its previous one of this kind); returns its path.

        Args:
            session: the chat session's id (any string; hashed into a folder name).
            kind: what the export is ("answer", "conversation.docx", ...): one file per kind and session.
            markdown: the file's content.
            stem: the file name without ".md", as the user will see it.
        """
        return self.write_file(session, kind, f"{stem}.md", lambda path: path.write_text(markdown, encoding="utf-8"))

    def write_file(self, session: str, kind: str, file_name: str, fill: Callable[[Path], object]) -> str:
        """Like write(), for any file: fill(path) writes it (a DOCX, a copy); returns the file's path."""
        folder = self._new_folder(session, fill, file_name)
        self._keep(session, kind, folder)
        self._expire()
        return str(folder / file_name)

    def shared(self, key: str, version: str, file_name: str, fill: Callable[[Path], object]) -> str:
        """The one copy of key's version (a document's original) for every session; made by fill(path) when key
        has no copy of this version yet (an older version's copy is deleted then)."""
        tag = hashlib.sha256(f"{key}\0{version}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
        with self._lock:
            folder = self._latest.get((_SHARED, key))
            if folder is not None and folder.name == tag and (folder / file_name).is_file():
                os.utime(folder)  # offered again: its age counts from now
                return str(folder / file_name)
        folder = self._new_folder(_SHARED, fill, file_name, tag)
        self._keep(_SHARED, key, folder)
        self._expire()
        return str(folder / file_name)

    def forget(self, key: str) -> None:
        """Delete the shared copy of key (its document was deleted)."""
        with self._lock:
            folder = self._latest.pop((_SHARED, key), None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def drop(self, session: str) -> None:
        """Delete every export of a session (its chat was cleared or its page closed)."""
        with self._lock:
            for key in [k for k in self._latest if k[0] == session]:
                del self._latest[key]
        shutil.rmtree(self._session_dir(session), ignore_errors=True)

    def files(self) -> list[Path]:
        """Every export file currently kept (for tests and the benchmark)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file()) if self.root.exists() else []

    def close(self) -> None:
        """Delete every export (the server is stopping)."""
        shutil.rmtree(self.root, ignore_errors=True)

    def _new_folder(self, session: str, fill: Callable[[Path], object], file_name: str, name: str = "") -> Path:
        """A fresh folder of the session holding file_name as fill(path) wrote it (nothing left on failure)."""
        folder = self._session_dir(session) / (name or uuid.uuid4().hex[:12])
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fill(folder / file_name)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return folder

    def _keep(self, session: str, kind: str, folder: Path) -> None:
        """Make folder the session's export of kind, deleting the one it replaces."""
        with self._lock:
            previous = self._latest.get((session, kind))
            self._latest[(session, kind)] = folder
        if previous is not None and previous != folder:
            shutil.rmtree(previous, ignore_errors=True)

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
