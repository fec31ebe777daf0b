"""Hostile inputs, generated at run time, each refused in a fresh process that reports its time and peak memory.

build(name, dir) writes input NAME into DIR (in the caller's process); `python -m bench._hostile NAME TARGET DIR`
then ingests TARGET (the real Indexer, the tests' fake embedder, an embedded store in DIR) or asks it (a
question; TARGET is its length) in a fresh process, and prints one JSON line: the status and reason given, the
seconds from the start of the ingest to the refusal, and the process's peak RSS since exec (imports and the
empty store included; the ordinary file in INPUTS is the baseline). The limits are the defaults
(ingest.limits.InputLimits); the budget is 30 s and 1.5 GB per input.
"""
from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def _docx_bomb(folder: Path) -> Path:
    """A DOCX of ~180 KB whose document.xml inflates to 50 MB."""
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Hello")
    document.save(buf)
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), folder / "bomb.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                data = head + b"<w:body>" + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (50 * MB // 34) + tail
            package.writestr(info, data)
    return out


def _docx_many_parts(folder: Path) -> Path:
    """A DOCX-named ZIP of 100,000 empty parts (listing them is what costs)."""
    out = folder / "parts.docx"
    with zipfile.ZipFile(out, "w") as package:
        for n in range(100_000):
            package.writestr(f"p/{n}.xml", b"")
    return out


def _html(folder: Path, name: str, markup: str) -> Path:
    (folder / name).write_text(markup, encoding="utf-8")
    return folder / name


def _big_text(folder: Path) -> Path:
    path = folder / "huge-report.txt"
    line = "The monitors found 17 cells without ventilation and recommended repairs within six months.\n\n"
    with path.open("w", encoding="utf-8") as out:
        for _ in range(50 * MB // len(line) + 1):
            out.write(line)
    return path


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def _device_link(folder: Path) -> Path:
    (folder / "zero.txt").symlink_to("/dev/zero")
    return folder / "zero.txt"


def _ordinary(folder: Path) -> Path:
    (folder / "note.txt").write_text("The Numbat memo asks for legal aid in every colony.\n" * 20, encoding="utf-8")
    return folder / "note.txt"


INPUTS: dict[str, Callable[[Path], Path | str]] = {
    "baseline: an ordinary 1 KB text (indexed)": _ordinary,
    "docx: 180 KB inflating to 50 MB of XML": _docx_bomb,
    "docx: 100,000 parts": _docx_many_parts,
    "html: 100,000 nested <div>": lambda d: _html(d, "deep.html", "<div>" * 100_000 + "x" + "</div>" * 100_000),
    "html: 2,000,000 elements (16 MB)": lambda d: _html(d, "wide.html", "<p>" + "<b>x</b>" * 2_000_000),
    "html: 1,000,000 unclosed comments": lambda d: _html(d, "comments.html", "<!--" * 1_000_000),
    "txt: 50 MB": _big_text,
    "txt: a FIFO": _fifo,
    "txt: a symlink to /dev/zero": _device_link,
    "question: 1,000,000 characters": lambda d: "1000000",
}


def build(name: str, folder: Path) -> str:
    """Write input NAME into folder; returns the target to pass to the refusing process."""
    folder.mkdir(parents=True, exist_ok=True)
    return str(INPUTS[name](folder))


def run_one(name: str, target: str, folder: Path) -> dict:
    """Refuse one built input; returns status, reason, seconds and peak RSS (MB)."""
    from assistant.core import Assistant
    from bench._fake_ingest import open_index
    from ingest.errors import HrqaError
    from vectorstore.indexer import Indexer

    index = open_index(folder / "store")
    question = "x" * int(target) if name.startswith("question") else None
    started = time.monotonic()
    if question is not None:
        try:
            Assistant(index).ask(question)
            status, reason = "answered", ""
        except HrqaError as exc:
            status, reason = "refused", str(exc)
    else:
        (result,) = Indexer(index, folder / "store", progress=False).ingest([target]).files
        status, reason = result.status, result.reason
    seconds = time.monotonic() - started
    peak = _peak_rss_mb()
    return {"input": name, "status": status, "reason": reason, "seconds": round(seconds, 3),
            "peak_rss_mb": round(peak, 1)}


def _peak_rss_mb() -> float:
    """This process's peak RSS since exec (VmHWM). getrusage's ru_maxrss would also count the parent's pages
    the child shared between fork and exec, i.e. the size of whatever started it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    print(json.dumps(run_one(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
