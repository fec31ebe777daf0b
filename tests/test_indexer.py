import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CORPUS, FakeEmbedder
from vectorstore.indexer import Indexer, IngestBusy
from vectorstore.locking import FileLock


def _ids(index):
    return sorted(p.id for rec in index.documents() for p in index.store.passages_of(rec.meta.doc_id, rec.version))


@pytest.fixture
def corpus(tmp_path):
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


def test_ingest_sample_corpus_reports_every_file(make_index, tmp_path, corpus):
    index = make_index()
    report = Indexer(index, tmp_path / "store", progress=False).ingest([corpus])
    assert report.summary()["documents"] == 5 and report.count("added") == 5 and report.ok
    assert report.summary()["passages"] == index.store.count() == index.keyword.count()


def test_reingest_unchanged_is_a_noop_with_same_ids_and_no_embedding(tmp_path, corpus, make_index):
    embedder = FakeEmbedder()
    index = make_index(embedder)
    Indexer(index, tmp_path / "store", progress=False).ingest([corpus])
    first_ids, embedded = _ids(index), embedder.embedded
    report = Indexer(index, tmp_path / "store", progress=False).ingest([corpus])
    assert report.count("unchanged") == 5 and report.embedded == 0
    assert embedder.embedded == embedded, "no text was embedded the second time"
    assert _ids(index) == first_ids


def test_changed_file_replaces_its_passages_only(tmp_path, corpus, make_index):
    index = make_index()
    indexer = Indexer(index, tmp_path / "store", progress=False)
    indexer.ingest([corpus])
    before = {rec.meta.file_name: rec.version for rec in index.documents()}
    target = corpus / "uz-ru-ombudsman-roadmap-2025-2026.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n\nA new closing paragraph about zebrafish.\n",
                      encoding="utf-8")
    report = indexer.ingest([corpus])
    assert report.count("updated") == 1 and report.count("unchanged") == 4
    after = {rec.meta.file_name: rec.version for rec in index.documents()}
    assert [name for name in after if after[name] != before[name]] == [target.name]
    assert index.store.count() == sum(rec.n_passages for rec in index.documents()), "no stale passages left"
    assert index.keyword.search("zebrafish", 5)


def test_prune_removes_documents_whose_files_are_gone(tmp_path, corpus, make_index):
    index = make_index()
    indexer = Indexer(index, tmp_path / "store", progress=False)
    indexer.ingest([corpus])
    (corpus / "baku-conference-ombudsmen-business-human-rights.txt").unlink()
    report = indexer.ingest([corpus], prune=True)
    assert report.count("removed") == 1
    assert len(index.documents()) == 4
    assert index.store.count() == index.keyword.count() == sum(r.n_passages for r in index.documents())


def test_bad_files_are_named_with_reasons_and_good_files_still_ingested(tmp_path, make_index):
    docs = tmp_path / "mixed"
    docs.mkdir()
    (docs / "good.txt").write_text("The Ombudsman visited the colony.\n\nIt found 17 cells without ventilation.\n")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "notes.xyz").write_text("unknown type")
    index = make_index()
    report = Indexer(index, tmp_path / "store", progress=False).ingest([docs, docs / "notes.xyz"])
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["good.txt"].status == "added"
    assert {n for n, f in by_name.items() if f.status == "failed"} == {"empty.txt", "broken.pdf", "binary.txt",
                                                                       "notes.xyz"}
    assert all(by_name[n].reason for n in ("empty.txt", "broken.pdf", "binary.txt", "notes.xyz"))
    assert "unsupported file type" in by_name["notes.xyz"].reason
    assert not report.ok
    assert [r.meta.file_name for r in index.documents()] == ["good.txt"]


def test_unsupported_file_inside_a_folder_is_skipped_not_failed(tmp_path, make_index):
    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "a.txt").write_text("Some text about mahallas.")
    (docs / "image.png").write_bytes(b"\x89PNG")
    report = Indexer(make_index(), tmp_path / "store", progress=False).ingest([docs])
    assert sorted((f.status, f.path.rsplit("/", 1)[-1]) for f in report.files) == [("added", "a.txt"),
                                                                                   ("skipped", "image.png")]
    assert report.ok


def test_second_ingestion_while_one_runs_is_refused_with_a_clear_message(tmp_path, make_index, corpus):
    store = tmp_path / "store"
    with FileLock(store / "ingest.lock"):
        with pytest.raises(IngestBusy, match="another ingestion is running"):
            Indexer(make_index(), store, progress=False).ingest([corpus])


def test_interrupted_run_marker_triggers_orphan_cleanup(tmp_path, make_index, corpus):
    from ingest.types import DocumentMeta, Passage

    index = make_index()
    store = tmp_path / "store"
    meta = DocumentMeta(doc_id="ghost", file_name="ghost.txt", title="G", short_title="G", doc_type="news")
    ghost = [Passage(id="ghost:v:00000", doc_id="ghost", ordinal=0, text="half written", paragraph="1", label="G")]
    index.store.add_passages(ghost, index.embedder.embed_documents(["half written"]), "v", meta)
    (store / "ingest.inprogress").write_text("12345")
    report = Indexer(index, store, progress=False).ingest([corpus])
    assert report.orphans_removed == 1
    assert index.store.get(["ghost:v:00000"]) == []
    assert not (store / "ingest.inprogress").exists()


def test_indexer_on_progress_reports_each_window_and_force_reindexes(make_index, tmp_path, fake_embedder):
    from vectorstore.indexer import PROGRESS_WINDOW, Indexer

    doc = tmp_path / "many.txt"
    doc.write_text("Many\n\n" + "\n\n".join(f"{i}. Paragraph number {i} about prisons." for i in range(1, 151)),
                   encoding="utf-8")
    index = make_index(embedder=fake_embedder)
    seen: list[tuple[str, int, int]] = []
    report = Indexer(index, tmp_path / "store", progress=False).ingest([doc], on_progress=lambda *a: seen.append(a))
    total = report.files[0].passages
    assert total > 2 * PROGRESS_WINDOW
    assert seen[0] == ("many.txt", 0, total) and seen[-1] == ("many.txt", total, total)
    assert [d for _, d, _ in seen] == sorted({0, *range(PROGRESS_WINDOW, total, PROGRESS_WINDOW), total})
    again = Indexer(index, tmp_path / "store", progress=False)
    assert again.ingest([doc]).files[0].status == "unchanged"
    assert again.ingest([doc], force=True).files[0].status == "updated"


class _WatchingEmbedder(FakeEmbedder):
    """At its first call, waits (at most 5 s) until `want` files have been parsed, then records which ones."""

    def __init__(self, parsing: list[str], want: int):
        super().__init__()
        self.parsing, self.want = parsing, want
        self.seen: list[list[str]] = []

    def embed_documents(self, texts):
        if not self.seen:
            deadline = time.monotonic() + 5.0  # the parses run on another thread; give them a moment
            while len(self.parsing) < self.want and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # and a moment more, to see a parse that should not start
            self.seen.append(list(self.parsing))
        return super().embed_documents(texts)


def _parses(monkeypatch) -> list[str]:
    parsing: list[str] = []
    real_parse = Indexer._parse

    def watched(self, path, *args):
        parsing.append(path.name)
        return real_parse(self, path, *args)

    monkeypatch.setattr(Indexer, "_parse", watched)
    return parsing


def test_ingest_reads_and_parses_the_files_ahead_while_the_first_one_is_embedded(tmp_path, corpus, make_index,
                                                                                 monkeypatch):
    parsing = _parses(monkeypatch)
    embedder = _WatchingEmbedder(parsing, 3)
    files = sorted(corpus.iterdir())[:3]
    report = Indexer(make_index(embedder), tmp_path / "store", batch_size=10_000, progress=False).ingest(files)
    assert report.ok and report.count("added") == 3
    # all three (a few KB, far under READ_AHEAD_BYTES) were parsed while the first file was embedded
    assert embedder.seen == [[Path(f.path).name for f in report.files]]


def test_ingest_reads_only_the_next_file_ahead_when_the_read_ahead_budget_is_spent(tmp_path, corpus, make_index,
                                                                                  monkeypatch):
    import vectorstore.indexer as indexer

    monkeypatch.setattr(indexer, "READ_AHEAD_BYTES", 0)
    parsing = _parses(monkeypatch)
    embedder = _WatchingEmbedder(parsing, 2)
    report = Indexer(make_index(embedder), tmp_path / "store", batch_size=10_000, progress=False).ingest(
        sorted(corpus.iterdir())[:3])
    assert report.ok and embedder.seen == [[Path(f.path).name for f in report.files][:2]]


def test_ingest_takes_small_files_first_and_the_smallest_last(tmp_path, make_index):
    docs = tmp_path / "d"
    docs.mkdir()
    for name, paragraphs in (("a.txt", 5), ("b.txt", 1), ("c.txt", 3), ("d.txt", 2)):
        (docs / name).write_text("\n\n".join(f"Paragraph {k} of {name} on legal aid for mahallas." for k in
                                             range(paragraphs)))
    (docs / "image.png").write_bytes(b"\x89PNG")  # not read: no size to weigh
    report = Indexer(make_index(), tmp_path / "store", progress=False).ingest([docs])
    # the first file's parse and the last file's writes overlap nothing: the smallest files go there
    assert [Path(f.path).name for f in report.files] == ["image.png", "d.txt", "c.txt", "a.txt", "b.txt"]


def test_reingest_unchanged_parses_nothing(tmp_path, corpus, make_index, monkeypatch):
    indexer = Indexer(make_index(), tmp_path / "store", progress=False)
    indexer.ingest([corpus])
    parsed: list[str] = []
    real_parse = Indexer._parse
    monkeypatch.setattr(Indexer, "_parse", lambda self, path, *a: parsed.append(path.name) or real_parse(self, path,
                                                                                                        *a))
    report = indexer.ingest([corpus])
    assert report.count("unchanged") == 5 and parsed == []
    assert indexer.ingest([corpus], force=True).count("updated") == 5 and len(parsed) == 5


def test_ingest_stopped_by_a_failed_write_leaves_no_read_ahead_running(tmp_path, corpus, make_index, monkeypatch):
    import threading

    index = make_index()
    monkeypatch.setattr(index.store, "commit_document", lambda record: (_ for _ in ()).throw(OSError("disk gone")))
    report = Indexer(index, tmp_path / "store", progress=False).ingest([corpus])
    assert report.stopped and not report.count("added")
    assert not [t for t in threading.enumerate() if t.name.startswith("hrqa-read-ahead")]


def test_ingest_writes_one_file_while_the_next_one_is_embedded(tmp_path, corpus, make_index, monkeypatch):
    import threading

    index = make_index()
    embedding_second = threading.Event()
    overlapped: list[bool] = []
    real_add, real_embed = index.store.add_passages, index.embedder.embed_documents
    calls = [0]

    def embed(texts):
        calls[0] += 1
        if calls[0] == 2:  # the second file's embedding has started
            embedding_second.set()
        return real_embed(texts)

    def add(passages, *args):
        if not overlapped:  # the first file's write waits (at most 5 s) to see the second file embedded meanwhile
            overlapped.append(embedding_second.wait(timeout=5.0))
        return real_add(passages, *args)

    monkeypatch.setattr(index.embedder, "embed_documents", embed)
    monkeypatch.setattr(index.store, "add_passages", add)
    files = sorted(corpus.iterdir())[:3]
    report = Indexer(index, tmp_path / "store", batch_size=10_000, progress=False).ingest(files)
    assert report.ok and [f.status for f in report.files] == ["added"] * 3
    assert overlapped == [True]
    assert report.summary()["passages"] == index.store.count() == index.keyword.count()


def test_a_failed_write_stops_the_run_at_its_own_file_though_the_next_was_embedded(tmp_path, corpus, make_index,
                                                                                   monkeypatch):
    import threading

    index = make_index()
    real_commit = index.store.commit_document
    files = sorted(corpus.iterdir())
    commits: list[str] = []

    def commit(record):
        commits.append(record.meta.file_name)
        if len(commits) == 2:  # the second file's commit, made while the third file is embedded
            raise OSError("disk gone")
        return real_commit(record)

    monkeypatch.setattr(index.store, "commit_document", commit)
    report = Indexer(index, tmp_path / "store", progress=False).ingest(files)
    names = [Path(f.path).name for f in report.files]
    assert [f.status for f in report.files] == ["added", "failed", *["not done"] * (len(files) - 2)]
    assert names[:2] == commits and sorted(names) == [f.name for f in files]
    assert "disk gone" in report.files[1].reason and report.stopped.startswith(f"ingest stopped at {names[1]}")
    assert [rec.meta.file_name for rec in index.documents()] == [names[0]]
    assert not [t for t in threading.enumerate() if t.name.startswith("hrqa-write")]
