"""The web app's small I/O helpers: staging uploads, reading logins, writing exports, looking up a source.

No gradio here, so the logic is testable without a browser; the UI module only wires these to widgets.
"""
from __future__ import annotations

import base64
import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from assistant import handout
from assistant.settings import Settings
from assistant.types import Answer
from assistant.web import pdfpage
from assistant.web.panel import PageImage
from assistant.web.views import parse_auth, safe_upload_name, upload_problem
from ingest.errors import ConfigError
from ingest.types import Passage
from vectorstore.index import Index
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


def remove_upload(path: str, uploads_dir: Path) -> bool:
    """Delete a deleted document's uploaded copy; files outside uploads_dir (ingested from disk) are kept."""
    try:
        target = Path(path).resolve()
        if target.parent == Path(uploads_dir).resolve() and target.is_file():
            target.unlink()
            return True
    except OSError:
        log.warning("could not remove the uploaded copy %s", path)
    return False


def stage_uploads(paths: Iterable[str], uploads_dir: Path, max_mb: int, allowed_types: str
                  ) -> tuple[list[Path], list[str]]:
    """Copy acceptable uploads into uploads_dir under sanitised names.

    Returns:
        (copied paths to ingest, one message per refused file).
    """
    staged, problems = [], []
    for raw in paths:
        source = Path(raw)
        name = safe_upload_name(source.name)
        problem = upload_problem(name, source.stat().st_size, max_mb, allowed_types)
        if problem:
            problems.append(problem)
            continue
        uploads_dir.mkdir(parents=True, exist_ok=True)
        target = uploads_dir / name
        shutil.copyfile(source, target)
        staged.append(target)
    return staged, problems


def write_handout(answers: Sequence[Answer], fmt: str) -> str | None:
    """The trainers' handout of answers as .md or .docx in a fresh temporary folder; None when there are none."""
    if not answers:
        return None
    built = handout.build(answers)
    path = Path(tempfile.mkdtemp(prefix="hrqa-export-")) / f"{handout.file_stem(built)}.{fmt}"
    if fmt == "docx":
        handout.to_docx(built, path)
    else:
        path.write_text(handout.to_markdown(built), encoding="utf-8")
    return str(path)


def original_copy(record: DocRecord | None) -> str | None:
    """A copy of a document's original file for download (None when it is gone).

    A copy in a temporary folder, not the file itself: the web server serves only files under its temporary and
    allowed folders, and the original may sit anywhere (a corpus folder, the uploads folder).
    """
    if record is None or not record.path or not Path(record.path).is_file():
        return None
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


def history_of(answers: Sequence[Answer]) -> list[tuple]:
    """Earlier turns for Assistant.ask_stream: ("user", question) and ("assistant", answer, cited passage ids),
    so that a "who else" follow-up can ask for something the answer before did not cite."""
    turns: list[tuple] = []
    for a in answers:
        turns.extend([("user", a.question), ("assistant", a.text, tuple(c.passage_id for c in a.citations))])
    return turns
