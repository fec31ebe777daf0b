"""Uploads: where the web app keeps uploaded files, and how much one request and one user may upload.

An upload arrives in the web server's cache folder; the files hrqa accepts are moved (not copied) into
<data_dir>/uploads/<user>/ and ingested from there, the others deleted, so no second copy lingers where the server
could still serve it. Three limits apply: each file (HRQA_MAX_UPLOAD_MB, also enforced by the server while
receiving), all files of one request (HRQA_MAX_UPLOAD_REQUEST_MB), and everything one user keeps uploaded
(HRQA_MAX_UPLOAD_USER_MB; without logins, everyone is one user). The request and user limits are checked twice:
by `UploadLimit` from the request's Content-Length before the body is read, and again here on the files.
No gradio here.
"""
from __future__ import annotations

import hashlib
import logging
import re
import shutil
from pathlib import Path
from typing import Any, Iterable

from assistant.web.views import safe_upload_name, upload_problem
from ingest.errors import StoreError
from vectorstore.space import MB, require_free

log = logging.getLogger(__name__)

_SLACK = MB  # multipart boundaries and headers around the files of one request


def user_dir(uploads_dir: Path, user: str) -> Path:
    """The folder of one user's uploads (the uploads folder itself without logins)."""
    if not user:
        return Path(uploads_dir)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", user)[:40].strip("_") or "user"
    return Path(uploads_dir) / f"{slug}-{hashlib.sha1(user.encode('utf-8')).hexdigest()[:8]}"


def stored_bytes(folder: Path) -> int:
    """Bytes of the uploaded files kept in folder (its own files, not its subfolders)."""
    try:
        return sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
    except OSError:
        return 0


def stage_uploads(paths: Iterable[str], uploads_dir: Path, max_mb: int, allowed_types: str, *, user: str = "",
                  max_request_mb: float | None = None, max_user_mb: float | None = None,
                  cache_dir: str | Path | None = None, min_free_mb: float = 0.0) -> tuple[list[Path], list[str]]:
    """Move (or copy) acceptable uploads into the user's uploads folder under sanitised names.

    Args:
        paths: the uploaded files.
        uploads_dir: <data_dir>/uploads.
        max_mb, allowed_types: per-file limits.
        user: the signed-in user ("" without logins).
        max_request_mb, max_user_mb: the request's and the user's totals (None: no limit).
        cache_dir: the web server's upload cache; files there are moved, and refused ones deleted.
        min_free_mb: free space the data directory must keep.

    Returns:
        (staged paths to ingest, one message per refused file or refused request).
    """
    sources = [Path(p) for p in paths]
    folder = user_dir(uploads_dir, user)
    accepted, problems = [], []
    for source in sources:
        name = safe_upload_name(source.name)
        size = source.stat().st_size if source.is_file() else -1
        problem = upload_problem(name, size, max_mb, allowed_types) if size >= 0 else f"{name}: upload was lost"
        if problem:
            problems.append(problem)
        else:
            accepted.append((source, folder / name, size))
    total = sum(size for _, _, size in accepted)
    refusal = _total_problem(accepted, total, folder, max_request_mb, max_user_mb, min_free_mb)
    staged = []
    if refusal:
        problems.append(refusal)
    else:
        for source, target, _ in accepted:
            folder.mkdir(parents=True, exist_ok=True)
            _move_or_copy(source, target, cache_dir)
            staged.append(target)
    _discard_cached(sources, cache_dir)
    return staged, problems


def _total_problem(accepted: list, total: int, folder: Path, max_request_mb: float | None,
                   max_user_mb: float | None, min_free_mb: float) -> str:
    """Why the accepted files together are refused ("" when they fit)."""
    if not accepted:
        return ""
    if max_request_mb is not None and total > max_request_mb * MB:
        return (f"{len(accepted)} files, {total / MB:.1f} MB together, are over the {max_request_mb:g} MB one upload "
                "may hold (HRQA_MAX_UPLOAD_REQUEST_MB); upload fewer at a time")
    replaced = sum(t.stat().st_size for _, t, _ in accepted if t.is_file())
    kept = stored_bytes(folder) - replaced
    if max_user_mb is not None and kept + total > max_user_mb * MB:
        return (f"the upload would bring your uploaded documents to {(kept + total) / MB:.1f} MB, over the "
                f"{max_user_mb:g} MB each user may keep (HRQA_MAX_UPLOAD_USER_MB); delete some documents first")
    try:
        require_free(folder, total, min_free_mb, "storing the upload")
    except StoreError as exc:
        return str(exc)
    return ""


def _move_or_copy(source: Path, target: Path, cache_dir: str | Path | None) -> None:
    if _inside(source, cache_dir):
        shutil.move(source, target)
    else:
        shutil.copyfile(source, target)


def _discard_cached(sources: list[Path], cache_dir: str | Path | None) -> None:
    """Delete what is left of the uploads in the server's cache (refused files; folders emptied by moves)."""
    for source in sources:
        if not _inside(source, cache_dir):
            continue
        source.unlink(missing_ok=True)
        try:
            source.parent.rmdir()  # gradio keeps each upload in a folder of its own
        except OSError:
            pass


def _inside(path: Path, folder: str | Path | None) -> bool:
    if not folder:
        return False
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


def remove_upload(path: str, uploads_dir: Path) -> bool:
    """Delete a deleted document's uploaded copy; files outside uploads_dir (ingested from disk) are kept."""
    try:
        target = Path(path).resolve()
        if target.is_relative_to(Path(uploads_dir).resolve()) and target.is_file():
            target.unlink()
            return True
    except OSError:
        log.warning("could not remove the uploaded copy %s", path)
    return False


class UploadLimit:
    """ASGI middleware: refuse an upload request over the request total or the user's quota, before its body.

    Args:
        app: the ASGI app.
        uploads_dir: <data_dir>/uploads (where each user's total is measured).
        max_request_mb, max_user_mb: the limits.
        user_of: scope -> the signed-in user name ("" without logins).
    """

    def __init__(self, app: Any, uploads_dir: Path, max_request_mb: float, max_user_mb: float, user_of: Any):
        self.app, self.uploads_dir, self.user_of = app, Path(uploads_dir), user_of
        self.max_request, self.max_user = max_request_mb, max_user_mb

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST" and \
                scope.get("path", "").rstrip("/").endswith("/upload"):
            refusal = self._refusal(scope)
            if refusal:
                status, text = refusal
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": text.encode("utf-8")})
                return
        await self.app(scope, receive, send)

    def _refusal(self, scope: dict) -> tuple[int, str] | None:
        headers = dict(scope.get("headers", []))
        try:
            length = int(headers[b"content-length"])
        except (KeyError, ValueError):
            return 411, "an upload must state its size (Content-Length)"
        if length > self.max_request * MB + _SLACK:
            return 413, (f"upload of {length / MB:.1f} MB is over the {self.max_request:g} MB one upload may hold "
                         "(HRQA_MAX_UPLOAD_REQUEST_MB)")
        kept = stored_bytes(user_dir(self.uploads_dir, self.user_of(scope) or ""))
        if kept + length > self.max_user * MB + _SLACK:
            return 413, (f"this upload would bring your uploaded documents over the {self.max_user:g} MB each user "
                         "may keep (HRQA_MAX_UPLOAD_USER_MB); delete some documents first")
        return None
