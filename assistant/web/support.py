"""The web app's small I/O helpers: uploads, logins, exports, a source's context, messages fit for web users.

No gradio here, so the logic is testable without a browser; the UI module only wires these to widgets.
Web users see what went wrong and what to do, never a server path, a process id or a traceback: those go to
the server's log (public_message, public_results).
"""
from __future__ import annotations

import atexit
import base64
import logging
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from assistant import handout
from assistant.exports import Exports
from assistant.settings import Settings
from assistant.types import Answer
from assistant.web import pdfpage
from assistant.web.panel import PageImage
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


def write_handout(answers: Sequence[Answer], fmt: str, exports: Exports | None = None, session: str = "",
                  kind: str = "") -> str | None:
    """The trainers' handout of answers as .md or .docx; None when there are none.

    Args:
        exports: where the app keeps a session's downloads (its previous handout of this kind is replaced);
            None: a fresh temporary folder.
        session, kind: the chat session and which of its handouts this is ("answer", "conversation").
    """
    if not answers:
        return None
    built = handout.build(answers)
    name = f"{handout.file_stem(built)}.{fmt}"

    def fill(path: Path) -> None:
        if fmt == "docx":
            handout.to_docx(built, path)
        else:
            path.write_text(handout.to_markdown(built), encoding="utf-8")

    if exports is not None:
        return exports.write_file(session, f"{kind}.{fmt}", name, fill)
    path = Path(tempfile.mkdtemp(prefix="hrqa-export-")) / name
    fill(path)
    return str(path)


def original_copy(record: DocRecord | None, exports: Exports | None = None) -> str | None:
    """A copy of a document's original file for download (None when it is gone).

    A copy, not the file itself: the web server serves only files under its temporary and allowed folders, and
    the original may sit anywhere (a corpus folder, the uploads folder). With exports, one copy per document
    version, shared by every session and removed with the document (Exports.forget); else a temporary folder.
    """
    if record is None or not record.path or not Path(record.path).is_file():
        return None
    if exports is not None:
        return exports.shared(record.meta.doc_id, record.version, record.meta.file_name,
                              lambda path: shutil.copyfile(record.path, path))
    target = Path(tempfile.mkdtemp(prefix="hrqa-original-")) / record.meta.file_name
    shutil.copyfile(record.path, target)
    return str(target)


def page_images(record: DocRecord | None, passage: Passage, cache_dir: Path) -> list[PageImage]:
    """The PDF page(s) of a passage, rendered (cached) with its boxes, as data: URLs; [] for other sources."""
    if record is None or record.meta.source_format != "pdf" or not passage.page or not Path(record.path).is_file():
        return []
    views = pdfpage.page_views(record.path, passage.page, passage.text, cache_dir,
                               pdfpage.page_key(record.meta.doc_id, record.version))
    return [PageImage(v.number, "data:image/png;base64," + base64.b64encode(v.png.read_bytes()).decode("ascii"),
                      tuple((b.left, b.top, b.width, b.height) for b in v.boxes)) for v in views]


def browser_secret(data_path: Path) -> str:
    """The key that encrypts conversations kept in browsers: one per data directory, kept across restarts (a new
    key per start would make every browser's kept conversations unreadable)."""
    path = data_path / "browser-state.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        data_path.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another app process on this data directory wrote it first
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key


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


def ingest_staged(indexer: Indexer, staged: Sequence[Path], on_file: Callable[[FileResult], Any] | None = None,
                  on_progress: Callable[[str, int, int], Any] | None = None) -> IngestReport:
    """Ingest staged uploads, then delete the staged copies that were not indexed (failed, duplicate, not done).

    Raises:
        HrqaError: as Indexer.ingest (IngestBusy, IngestStopped); the staged copies are deleted then too.
    """
    try:
        report = indexer.ingest(staged, on_file=on_file, on_progress=on_progress)
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
    """The app's downloads (handouts, originals), in a folder of this process inside the web server's cache (which
    then serves them where they are, without a copy per download); removed when the process exits."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    exports = Exports(tempfile.mkdtemp(prefix=f"hrqa-exports-{os.getpid()}-", dir=cache_dir),
                      settings.cache_max_age_minutes * 60)
    atexit.register(exports.close)
    return exports


def history_of(answers: Sequence[Answer]) -> list[tuple]:
    """Earlier turns for Assistant.ask_stream: ("user", question) and ("assistant", answer, cited passage ids),
    so that a "who else" follow-up can ask for something the answer before did not cite."""
    turns: list[tuple] = []
    for a in answers:
        turns.extend([("user", a.question), ("assistant", a.text, tuple(c.passage_id for c in a.citations))])
    return turns


def list_button(answers: Sequence[Answer]) -> dict:
    """The "open in Recommendations" button under the last answer: shown for a list from the recommendations
    index, saying how much of it the chat wrote out."""
    listing = answers[-1].listing if answers else None
    if not listing or not listing.get("filter"):
        return {"visible": False}
    shown, total = listing.get("shown", 0), listing.get("total", 0)
    label = (f"{shown} of {total} shown — open all in Recommendations" if shown < total
             else "Open this list in Recommendations")
    return {"visible": True, "value": label}


def list_request(answers: Sequence[Answer]) -> dict | None:
    """The Recommendations tab's filter for the last answer's list (assistant.web.recommendations.filter_request)."""
    from assistant.web.recommendations import filter_request

    listing = answers[-1].listing if answers else None
    wanted = dict(listing.get("filter") or {}) if listing else {}
    return filter_request(**wanted) if wanted else None
