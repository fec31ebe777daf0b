"""Opening a file to ingest: regular files only, at most the size limit read, one read per ingest.

With ingest/readers.py (which parses what this reads), the only module in ingest/ that does I/O.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ingest.errors import IngestError
from ingest.limits import MB, InputLimits

# Extension -> RawDocument.source_format.
_FORMATS = {".txt": "txt", ".md": "md", ".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx"}
SUPPORTED_EXTENSIONS = tuple(_FORMATS)
# Size limits for one document. Parsing costs ~2 s per million characters and every ~150 characters become a
# passage to embed and store, so a 50 MB text would run for most of an hour; 5 M characters (about 2,500
# dense pages, several times a long UN report) is ingested in minutes. A file too large to plausibly stay
# under the text limit is refused before it is read.
MAX_TEXT_CHARS = InputLimits.max_text_chars
MAX_FILE_BYTES = InputLimits.max_file_mb * MB
_TEXT_BYTES_PER_CHAR = 4  # UTF-8's widest character: a text file above max chars x 4 bytes cannot fit


def source_format(p: Path, where: str | None = None) -> str:
    """The RawDocument.source_format of a path, from its extension.

    Raises:
        IngestError: the extension is not supported.
    """
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise IngestError(where or str(p), f"unsupported file type '{p.suffix or p.name}'; supported: {supported}")
    return fmt


def read_bytes(path: str | Path, limits: InputLimits | None = None) -> bytes:
    """A supported file's bytes, read once, refusing what is not a regular file or is over its size limit.

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a device or a socket
    (or a symbolic link to one) is refused instead of blocking or reading forever, and a file swapped after
    the check cannot slip through. At most the limit plus one byte is ever read, so a file growing meanwhile
    is refused too.

    Raises:
        IngestError: missing, a directory, not a regular file, unreadable, or too large.
    """
    limits = limits or InputLimits()
    p = Path(path)
    where = str(path)
    limit = _byte_limit(source_format(p, where), limits)
    _require_file(p, where)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except PermissionError as exc:
        raise IngestError(where, "permission denied; check the file's read permissions") from exc
    except OSError as exc:
        raise IngestError(where, f"cannot read file: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(where, f"not a regular file ({_file_kind(info.st_mode)}); only regular files are read")
        _refuse_size(info.st_size, limit, where, p, limits)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise IngestError(where, f"cannot read file: {exc.strerror or exc}") from exc
    _refuse_size(len(data), limit, where, p, limits)
    return data


def _require_file(p: Path, where: str) -> None:
    """Fail early, with a plain reason, for paths that are not readable files."""
    if p.is_dir():
        raise IngestError(where, "is a directory, not a file")
    if not p.exists():
        raise IngestError(where, "file not found; check the path")


def _byte_limit(fmt: str, limits: InputLimits) -> int:
    """The most bytes one file of this format may have."""
    if fmt in ("pdf", "docx"):
        return limits.max_file_mb * MB
    text_limit = min(limits.max_file_mb * MB, limits.max_text_chars * _TEXT_BYTES_PER_CHAR)
    return min(text_limit, limits.max_html_mb * MB) if fmt == "html" else text_limit


def _refuse_size(size: int, limit: int, where: str, p: Path, limits: InputLimits) -> None:
    """Refuse a file over its format's byte limit, naming the limit and its setting."""
    if size <= limit:
        return
    fmt = _FORMATS[p.suffix.lower()]
    if fmt in ("pdf", "docx"):
        detail = " (HRQA_MAX_FILE_MB)"
    elif fmt == "html" and limit == limits.max_html_mb * MB:
        detail = " (HRQA_MAX_HTML_MB)"
    else:
        detail = f" (at most {limits.max_text_chars:,} characters of text)"
    raise IngestError(where, f"too large: {size / MB:.1f} MB, over the limit of {limit / MB:.0f} MB for one "
                             f"{fmt} file{detail}; split it")


def _file_kind(mode: int) -> str:
    """A FIFO, a character device, ...: what a non-regular file is, for the refusal."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a plain file"
