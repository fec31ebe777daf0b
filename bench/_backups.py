"""Backups under fire, for bench/crash_safety.py: backups taken while another process re-ingests on a Chroma
server, and restores of damaged backup files into a store with data.

The race: a writer process (`python -m bench._backups writer ...`) keeps changing three files of a corpus and
re-ingesting it into a `chroma run` server; meanwhile backups are taken back to back, alternating hrqa's
(manifest first, exactly each record's version) with the naive one hrqa used before (every passage, then every
record) as the peer measured in the same run. A backup is consistent when every document record in it comes with
exactly its passages. Damaged restores: a backup is damaged in many ways (cut at random bytes and at a line, bits
flipped, random bytes, a text edited) and restored into a store with data of its own; each must be refused
with an error and leave the target's records, vectors and keyword rows exactly as they were.
"""
from __future__ import annotations

import gzip
import json
import random
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._fake_ingest import make_corpus  # noqa: E402


def _port() -> int:
    for port in range(8200, 8300):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)):
                return port
    raise RuntimeError("no free port in 8200-8299")


def start_chroma(path: Path) -> tuple[int, subprocess.Popen]:
    """Start `chroma run` on a free port in 8200-8299 and wait (up to 60 s) until it listens: (port, process)."""
    port = _port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(path), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        with socket.socket() as s:
            if not s.connect_ex(("127.0.0.1", port)):
                break
        time.sleep(0.25)
    return port, proc


@contextmanager
def chroma_server(path: Path) -> Iterator[int]:
    """A `chroma run` server on a free port in 8200-8299; yields the port."""
    port, proc = start_chroma(path)
    try:
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def server_index(port: int, prefix: str, keyword: Path):
    from tests.conftest import FakeEmbedder
    from vectorstore.client import make_chroma_client
    from vectorstore.index import Index

    return Index(make_chroma_client(host="127.0.0.1", port=port), keyword, FakeEmbedder(), prefix=prefix,
                 sync_seconds=0.0, location=f"Chroma server 127.0.0.1:{port}")


def naive_backup(index, dest: Path) -> None:
    """The backup hrqa made before: every passage, then every manifest record (the peer of the race)."""
    with gzip.open(dest, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": "hrqa-backup-1", "embedder": index.store.embedder_name}) + "\n")
        for which in ("passages", "documents"):
            for record in index.store.iter_records(which):
                out.write(json.dumps({"kind": which, **record}) + "\n")


def records_without_passages(path: Path) -> int:
    """How many document records in a backup file lack some of their passages (0 for a consistent backup)."""
    counts: dict[tuple, int] = {}
    docs = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            record = json.loads(line)
            meta = record.get("metadata", {})
            if record.get("kind") == "passages":
                counts[(meta["doc_id"], meta["version"])] = counts.get((meta["doc_id"], meta["version"]), 0) + 1
            elif record.get("kind") == "documents":
                docs[record["id"]] = (meta["version"], meta["n_passages"])
    return sum(counts.get((doc_id, version), 0) != n for doc_id, (version, n) in docs.items())


def backup_race(workdir: Path, backups: int = 50) -> dict:
    """Take `backups` hrqa backups and as many naive ones while a writer re-ingests; count the inconsistent."""
    from ingest.errors import StoreError
    from vectorstore.backup import backup

    corpus = make_corpus(workdir / "race-corpus", copies=1, generated=10, paragraphs=30)
    with chroma_server(workdir / "chroma-server") as port:
        prefix = f"race{random.randrange(10**6)}"
        writer = subprocess.Popen([sys.executable, "-m", "bench._backups", "writer", str(port), prefix, str(corpus),
                                   str(workdir / "writer.kw.sqlite"), str(workdir / "stop")], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None  # a pipe
        assert writer.stdout.readline().strip() == "ingested", "the writer did not start"
        index = server_index(port, prefix, workdir / "reader.kw.sqlite")
        bad = {"hrqa": 0, "naive": 0, "naive_failed": 0}
        started = time.monotonic()
        for n in range(backups):
            for kind in ("hrqa", "naive"):
                dest = workdir / f"{kind}-{n}.jsonl.gz"
                if kind == "hrqa":
                    backup(index, dest)  # a failure here fails the benchmark
                else:
                    try:
                        naive_backup(index, dest)
                    except StoreError:  # its reads are not retried: a read racing a delete fails it
                        bad["naive_failed"] += 1
                        continue
                bad[kind] += records_without_passages(dest) > 0
                dest.unlink()
        seconds = time.monotonic() - started
        (workdir / "stop").write_text("stop")
        rounds = int(writer.communicate(timeout=120)[0].strip().splitlines()[-1])
    return {"backups": backups, "inconsistent": bad["hrqa"], "naive_inconsistent": bad["naive"],
            "naive_failed": bad["naive_failed"], "writer_rounds": rounds, "seconds": round(seconds, 1)}


def writer(port: int, prefix: str, corpus: Path, keyword: Path, stop: Path) -> int:
    """Re-ingest corpus in rounds, changing three files each round, until stop exists; prints the rounds."""
    from vectorstore.indexer import Indexer

    index = server_index(port, prefix, keyword)
    lock_dir = keyword.parent / f"{prefix}-writer"
    Indexer(index, lock_dir, progress=False).ingest([corpus])
    print("ingested", flush=True)
    files = sorted(corpus.iterdir())
    rounds = 0
    while not stop.exists():
        for path in files[rounds % len(files) :][:3]:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"\n\nRound {rounds}: the monitors returned to {path.stem} and found new complaints.\n")
        Indexer(index, lock_dir, progress=False).ingest([corpus])
        rounds += 1
    print(rounds, flush=True)
    return 0


def damaged_restores(workdir: Path, variants: int = 30, seed: int = 3) -> dict:
    """Restore `variants` damaged copies of a backup into a store with data; count refusals and unchanged targets."""
    from bench._fake_ingest import open_index
    from ingest.errors import StoreError
    from tests.conftest import SAMPLE_CORPUS
    from vectorstore.backup import backup
    from vectorstore.indexer import Indexer
    from vectorstore.restore import restore

    source = open_index(workdir / "restore-src")
    Indexer(source, workdir / "restore-src", progress=False).ingest([SAMPLE_CORPUS])
    backup(source, workdir / "good.jsonl.gz")
    target = open_index(workdir / "restore-dst")
    Indexer(target, workdir / "restore-dst", progress=False).ingest(
        [make_corpus(workdir / "restore-own", copies=0, generated=5, paragraphs=20)])
    before = _state(target)
    refused = unchanged = 0
    started = time.monotonic()
    for path in _variants(workdir / "good.jsonl.gz", workdir / "damaged", variants, seed):
        try:
            restore(target, path)
        except StoreError:
            refused += 1
        unchanged += _state(target) == before
    return {"variants": variants, "refused": refused, "target_unchanged": unchanged,
            "seconds": round(time.monotonic() - started, 1)}


def _state(index) -> tuple:
    records = tuple(sorted(json.dumps(r, sort_keys=True) for which in ("passages", "documents")
                           for r in index.store.iter_records(which)))
    with index.keyword._lock:
        rows = tuple(sorted(index.keyword._conn.execute("SELECT id, doc_id, text FROM fts").fetchall()))
    return records, rows


def _variants(src: Path, folder: Path, count: int, seed: int) -> Iterator[Path]:
    """count damaged copies of src: cut at a random byte or line, 1-3 bits flipped, random bytes, a text edited."""
    folder.mkdir(parents=True, exist_ok=True)
    rng, raw = random.Random(seed), src.read_bytes()
    with gzip.open(src, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    for n in range(count):
        kind = n % 5
        if kind == 0:
            data = raw[: rng.randrange(1, len(raw))]
        elif kind == 1:
            flipped = bytearray(raw)
            for _ in range(rng.randint(1, 3)):
                flipped[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
            data = bytes(flipped)
        elif kind == 2:
            data = gzip.compress(b"".join(lines[: rng.randrange(1, len(lines))]))
        elif kind == 3:
            data = rng.randbytes(rng.randrange(10, len(raw)))
        else:
            at = rng.randrange(1, len(lines) - 1)
            record = json.loads(lines[at])
            record["document"] = (record.get("document") or "") + " (edited)"
            data = gzip.compress(b"".join([*lines[:at], json.dumps(record).encode() + b"\n", *lines[at + 1:]]))
        path = folder / f"damaged-{n:03d}.jsonl.gz"
        path.write_bytes(data)
        yield path


if __name__ == "__main__" and sys.argv[1:2] == ["writer"]:
    port, prefix, corpus, keyword, stop = sys.argv[2:7]
    sys.exit(writer(int(port), prefix, Path(corpus), Path(keyword), Path(stop)))
