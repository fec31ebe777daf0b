"""The web app's small I/O helpers: uploads, logins, exports, a source's context, messages fit for web users.

No gradio here, so the logic is testable without a browser; the UI module only wires these to widgets.
Web users see what went wrong and what to do, never a server path, a process id or a traceback: those go to
the server's log (public_message, public_results).
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from assistant.exports import Exports
from assistant.settings import Settings
from assistant.types import Answer
from assistant.web.uploads import UploadLimit, remove_upload, stage_uploads  # noqa: F401  (the app's helpers)
from assistant.web.views import parse_auth
from ingest.errors import ConfigError, HrqaError, StoreError
from ingest.limits import QuestionTooLong
from ingest.types import Passage
from vectorstore.index import Index
from vectorstore.indexer import Indexer, IngestReport
from vectorstore.locking import IngestBusy
from vectorstore.report import INDEXED, FileResult
from vectorstore.store import DocRecord

log = logging.getLogger(__name__)


def load_logins(settings: Settings) -> list[tuple[str, str]] | None:
    """Logins from settings.auth and settings.auth_file; None when neither is set (no login page).

    Raises:
        ConfigError: the auth file cannot be read or an entry is malformed.
    """
    text = settings.auth
    if settings.auth_file:
        try:
            text += "\n" + Path(settings.auth_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read HRQA_AUTH_FILE {settings.auth_file}: {exc.strerror}") from exc
    logins = parse_auth(text)
    return logins or None


def write_export(markdown: str, stem: str) -> str:
    """Write an export to a fresh temporary folder (the web server may serve files from there)."""
    folder = Path(tempfile.mkdtemp(prefix="hrqa-export-"))
    path = folder / f"{stem}.md"
    path.write_text(markdown, encoding="utf-8")
    return str(path)


@dataclass(frozen=True)
class SourceView:
    """What the source panel shows: the passage, its neighbours in reading order, its document, the quote."""

    passage: Passage
    context: list[Passage]
    record: DocRecord | None
    quote: str


def source_view(index: Index, passage_id: str, answers: Sequence[Answer], around: int = 1) -> SourceView | None:
    """The passage with its neighbours and the quote the conversation cited from it (None when unknown)."""
    passage = index.passage(passage_id)
    if passage is None:
        return None
    quote = next((c.quote for a in reversed(answers) for c in a.citations if c.passage_id == passage_id), "")
    return SourceView(passage, index.neighbours(passage, around, around), index.store.document(passage.doc_id),
                      quote)


# An absolute path (two or more components) inside a message; web users get its last component only.
_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/()'\";,]+/)+([^\s/()'\";,]*)")
_PID = re.compile(r"\s*\(pid [^)]*\)")


def public_message(exc: BaseException) -> str:
    """What a web user is told about an error: the cause and what to do, no paths, pids or internals."""
    if isinstance(exc, IngestBusy):
        return "Another ingestion is running on this server; try again when it has finished."
    if isinstance(exc, QuestionTooLong):
        return str(exc)
    if isinstance(exc, StoreError):
        return ("The document store cannot be used right now: " + scrub(str(exc)) +
                " (the administrator finds the details in the server's log).")
    if isinstance(exc, HrqaError):
        return scrub(str(exc))
    return "Something went wrong on the server; the administrator finds the details in the server's log."


def scrub(text: str) -> str:
    """text with absolute paths cut to their last component and process ids removed."""
    return _PID.sub("", _PATH.sub(lambda m: m.group(1) or "…", text))


def public_results(results: Sequence[FileResult]) -> list[FileResult]:
    """Per-file results with reasons fit for web users (paths cut to file names)."""
    return [replace(r, reason=scrub(r.reason)) for r in results]


def ingest_staged(indexer: Indexer, staged: Sequence[Path], on_file: Callable[[FileResult], Any] | None = None
                  ) -> IngestReport:
    """Ingest staged uploads, then delete the staged copies that were not indexed (failed, duplicate, not done).

    Raises:
        HrqaError: as Indexer.ingest (IngestBusy, IngestStopped); the staged copies are deleted then too.
    """
    try:
        report = indexer.ingest(staged, on_file=on_file)
    except HrqaError:
        for path in staged:
            Path(path).unlink(missing_ok=True)
        raise
    indexed = {Path(r.path) for r in report.files if r.status in INDEXED}
    for path in staged:
        if Path(path) not in indexed:
            Path(path).unlink(missing_ok=True)
    return report


def middleware(settings: Settings, logins: bool) -> list:
    """The web server's middleware: upload totals; with logins, no API description on the login page, throttled
    sign-ins (assistant.web.auth)."""
    from starlette.middleware import Middleware

    from assistant.web import auth

    out = [Middleware(UploadLimit, uploads_dir=settings.data_path / "uploads",
                      max_request_mb=settings.max_upload_request_mb, max_user_mb=settings.max_upload_user_mb,
                      user_of=auth.session_user)]
    if logins:
        out += [auth.middleware(), auth.throttle_middleware(settings.login_max_failures,
                                                            settings.login_lockout_seconds)]
    return out


def exports_in(cache_dir: str, settings: Settings) -> Exports:
    """The app's answer downloads, in a folder of this process inside the web server's cache (which then serves
    them where they are, without a copy per answer); removed when the process exits."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    exports = Exports(tempfile.mkdtemp(prefix=f"hrqa-exports-{os.getpid()}-", dir=cache_dir),
                      settings.cache_max_age_minutes * 60)
    atexit.register(exports.close)
    return exports


def user_of(request: Any) -> str:
    """The signed-in user of a gradio request ("" without logins)."""
    return str(getattr(request, "username", None) or "")


def history_of(answers: Sequence[Answer]) -> list[tuple[str, str]]:
    """Earlier turns as (role, text) pairs for Assistant.ask_stream."""
    turns: list[tuple[str, str]] = []
    for a in answers:
        turns.extend([("user", a.question), ("assistant", a.text)])
    return turns
