"""Reliability, limits: every place input enters refuses what is over its limit, by name, quickly.

Before: a FIFO named .txt blocked ingestion forever; a symlink to an endless device was read until the process
was killed; a 149 KB DOCX inflating to 50 MB of XML ran past 150 s at 880 MB; 100k nested <div> never finished;
a 1 MB question through the API cost 16 s (the 2,000-character limit was only in the browser); an upload request
of 8 x 20 MB was kept whole; every answer left two export files behind. Times and memory of each refusal are
measured by bench/crash_safety.py (hostile inputs), not here.
"""
from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from assistant.web.uploads import stage_uploads
from ingest.limits import InputLimits, QuestionTooLong
from tests.helpers import hand_weights
from vectorstore.indexer import Indexer

MB = 1024 * 1024


def _ingest(index, store, paths, limits=None, timeout=60):
    """Ingest in a thread, so an ingest that blocks fails the test instead of hanging it."""
    out = {}
    worker = threading.Thread(target=lambda: out.update(report=Indexer(index, store, progress=False,
                                                                       limits=limits).ingest(paths)), daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), "the ingest blocked"
    return {Path(f.path).name: (f.status, f.reason) for f in out["report"].files}


def test_reliability_limits_fifo_and_device_are_refused_not_read(make_index, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    os.mkfifo(docs / "pipe.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "ok.txt").write_text("The Numbat memo asks for legal aid.\n", encoding="utf-8")
    got = _ingest(make_index(), tmp_path / "store", [docs])
    assert got["ok.txt"] == ("added", "")
    assert got["pipe.txt"] == ("failed", "not a regular file (a FIFO); only regular files are read")
    assert got["zero.txt"] == ("failed", "symbolic link to /dev/zero, outside the folder being ingested; not "
                                         "followed (ingest the target itself, or set HRQA_FOLLOW_SYMLINKS=true)")


def test_reliability_limits_fifo_and_device_named_explicitly_are_refused(make_index, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    got = _ingest(make_index(), tmp_path / "store", [tmp_path / "pipe.txt", tmp_path / "zero.txt"])
    assert got == {"pipe.txt": ("failed", "not a regular file (a FIFO); only regular files are read"),
                   "zero.txt": ("failed", "not a regular file (a character device); only regular files are read")}


def test_reliability_limits_symlink_leaving_the_folder_is_refused_unless_asked(make_index, tmp_path):
    outside = tmp_path / "private" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("The Kestrel dossier names an informant.\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "inside.txt").write_text("The Dugong note asks for interpreters.\n", encoding="utf-8")
    (docs / "link-inside.txt").symlink_to(docs / "inside.txt")
    (docs / "link-out.txt").symlink_to(outside)
    got = _ingest(make_index(), tmp_path / "store", [docs])
    assert got["link-out.txt"] == ("failed", f"symbolic link to {outside.resolve()}, outside the folder being "
                                             "ingested; not followed (ingest the target itself, or set "
                                             "HRQA_FOLLOW_SYMLINKS=true)")
    assert got["inside.txt"] == ("added", "") and got["link-inside.txt"] == ("unchanged", "")  # the same file
    followed = _ingest(make_index(path=tmp_path / "s2"), tmp_path / "s2", [docs],
                       InputLimits(follow_symlinks=True))
    assert followed["link-out.txt"] == ("added", "")


def _bomb_docx(xml_mb: int) -> bytes:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Hello")
    document.save(buf)
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                data = head + b"<w:body>" + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (xml_mb * MB // 34) + tail
            package.writestr(info, data)
    return out.getvalue()


def test_reliability_limits_docx_bomb_and_deep_html_are_refused_by_name(make_index, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bomb.docx").write_bytes(_bomb_docx(50))
    (docs / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000,
                                    encoding="utf-8")
    (docs / "wide.html").write_text("<p>" + "<b>x</b>" * 400_000, encoding="utf-8")
    got = _ingest(make_index(), tmp_path / "store", [docs])
    assert (docs / "bomb.docx").stat().st_size < 300_000
    assert got["bomb.docx"] == ("failed", "DOCX holds 50.8 MB of XML, over the limit of 40 MB (HRQA_MAX_DOCX_XML_MB)")
    assert got["deep.html"] == ("failed", "HTML nests elements over 400 levels deep (HRQA_MAX_HTML_DEPTH)")
    assert got["wide.html"] == ("failed", "HTML has over 300,000 elements (HRQA_MAX_HTML_ELEMENTS)")


def test_reliability_limits_question_length_is_checked_by_the_core_for_every_client(sample_index):
    with pytest.raises(QuestionTooLong, match="the question is 1,048,576 characters long; the limit is 2,000"):
        Assistant(sample_index).ask("x" * MB)
    assert Assistant(sample_index, weights=hand_weights(), max_question_chars=10).ask("mahallas?").question == \
        "mahallas?"


def test_reliability_limits_upload_request_and_user_totals(tmp_path):
    incoming = tmp_path / "cache" / "upload-1"
    incoming.mkdir(parents=True)
    paths = []
    for n in range(8):
        (incoming / f"r{n}.txt").write_bytes(b"x" * MB)
        paths.append(str(incoming / f"r{n}.txt"))
    uploads = tmp_path / "data" / "uploads"
    staged, problems = stage_uploads(paths, uploads, 2, ".txt", max_request_mb=5, cache_dir=tmp_path / "cache")
    assert staged == [] and problems == ["8 files, 8.0 MB together, are over the 5 MB one upload may hold "
                                         "(HRQA_MAX_UPLOAD_REQUEST_MB); upload fewer at a time"]
    assert not incoming.exists()  # the refused request's files are gone from the server's cache too
    kept = []
    for n in range(3):
        (tmp_path / f"u{n}.txt").write_bytes(b"y" * MB)
        got, problems = stage_uploads([str(tmp_path / f"u{n}.txt")], uploads, 2, ".txt", user="ann",
                                      max_user_mb=2.5)
        kept.append((len(got), problems))
    assert kept[:2] == [(1, []), (1, [])]
    assert kept[2] == (0, ["the upload would bring your uploaded documents to 3.0 MB, over the 2.5 MB each user "
                           "may keep (HRQA_MAX_UPLOAD_USER_MB); delete some documents first"])
    other, problems = stage_uploads([str(tmp_path / "u2.txt")], uploads, 2, ".txt", user="bob", max_user_mb=2.5)
    assert len(other) == 1 and problems == []  # another user's quota is their own


def test_reliability_limits_upload_moved_out_of_the_cache_and_unindexed_copies_deleted(sample_index, tmp_path):
    from assistant.web.handlers import Handlers

    cache = tmp_path / "gradio"
    (cache / "a").mkdir(parents=True)
    (cache / "b").mkdir()
    good, twin = cache / "a" / "zebra.txt", cache / "b" / "copy.txt"
    good.write_text("The Zebra commission recommends monitoring.\n", encoding="utf-8")
    twin.write_text((SAMPLE_ROOT / "az-ombudsman-online-meeting-ngos-2020.txt").read_text(encoding="utf-8"),
                    encoding="utf-8")
    data = tmp_path / "data"
    handlers = Handlers(Assistant(sample_index), Indexer(sample_index, data, progress=False),
                        Settings(data_dir=str(data)), cache_dir=str(cache))
    shown = handlers.ingest([str(good), str(twin)], lambda *a, **k: None, user="ann")
    assert "added    zebra.txt: 1 passages" in shown
    assert "skipped  copy.txt: same content as az-ombudsman-online-meeting-ngos-2020.txt " in shown
    assert str(SAMPLE_ROOT) not in shown  # no server paths for web users
    assert not list(cache.rglob("*.txt"))  # nothing left where the server could serve it
    assert [p.name for p in (data / "uploads").rglob("*") if p.is_file()] == ["zebra.txt"]
    _, original, _ = handlers.choose_document("zebra.txt")  # the copy offered for download
    assert [p.name for p in handlers.exports.files()] == ["zebra.txt"] == [Path(original["value"]).name]
    handlers.delete("zebra.txt")
    assert not [p for p in (data / "uploads").rglob("*") if p.is_file()]
    assert handlers.exports.files() == []  # its download copy went with it


def test_reliability_limits_exports_live_as_long_as_their_answer(sample_index, tmp_path):
    from assistant.exports import Exports
    from assistant.web.handlers import Handlers

    exports = Exports(tmp_path / "exports")
    handlers = Handlers(Assistant(sample_index, weights=hand_weights()),
                        Indexer(sample_index, tmp_path, progress=False), Settings(data_dir=str(tmp_path)), exports)
    for session in ("one", "two"):
        answers: list = []
        for _ in range(10):
            *_, (_, answers, _, _, _) = list(handlers.respond(
                "Which recommendations concern mahallas?", [], answers, None, [], [], [], [], "", ""))
            handouts = handlers.handouts(answers, session=session)  # what the app runs after each answer
    # each session: its latest answer's and conversation's handouts (.md and .docx), not 4 more per answer
    assert len(exports.files()) == 8
    assert all(Path(path).exists() for path in handouts)
    handlers.handouts([], session="two")  # its conversation was emptied (a new or deleted conversation)
    assert len(exports.files()) == 4 and not any(Path(path).exists() for path in handouts)
    handlers.end_session("one")  # its page was closed
    assert exports.files() == []


def test_reliability_limits_login_throttle_locks_a_name_and_an_address_then_lets_them_in_again():
    from assistant.web.auth import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(max_failures=3, lockout=10, clock=lambda: now[0])
    keys = ["user:alice", "addr:10.0.0.1"]
    for _ in range(3):
        assert throttle.wait(keys) == 0
        throttle.failed(keys)
    assert throttle.wait(keys) == 10 and throttle.wait(["user:bob", "addr:10.0.0.1"]) == 10
    now[0] = 10.5
    assert throttle.wait(keys) == 0
    throttle.failed(keys)  # a fourth failure: the lockout doubles
    assert throttle.wait(["user:alice", "addr:10.0.0.2"]) == 20
    throttle.succeeded("user:alice")
    assert throttle.wait(["user:alice", "addr:10.0.0.2"]) == 0


SAMPLE_ROOT = Path(__file__).resolve().parent.parent / "examples" / "corpus"
