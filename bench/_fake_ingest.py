"""Fast, deterministic ingestion for fault tests: the real Indexer with the tests' bag-of-words embedder.

Run as a process that can be killed: `python -m bench._fake_ingest [--min-free-mb MB] STORE PATH...`
(exit 0 on success, 1 with "hrqa: error: ..." on stderr when the store is busy, a file failed or the run stopped).
Also builds the corpora those tests use and snapshots a store so two stores can be compared.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

SAMPLE_CORPUS = ROOT / "examples" / "corpus"


def open_index(store: str | Path):
    """The store's index with the fake embedder (no model load, no network)."""
    from tests.conftest import FakeEmbedder
    from vectorstore.client import make_chroma_client
    from vectorstore.index import Index

    store = Path(store)
    return Index(make_chroma_client(path=store), store / "keyword.sqlite", FakeEmbedder(), sync_seconds=0.0)


def ingest(store: str | Path, paths: Sequence[str | Path], batch_size: int = 8, min_free_mb: float = 0.0):
    """Ingest paths into store; returns the IngestReport. Raises IngestBusy when another run holds the lock."""
    from vectorstore.indexer import Indexer

    return Indexer(open_index(store), store, batch_size=batch_size, progress=False,
                   min_free_mb=min_free_mb).ingest(paths)


def make_corpus(dest: Path, copies: int = 2, generated: int = 10, paragraphs: int = 40) -> Path:
    """The sample corpus copied `copies` times under distinct names, plus generated numbered reports.

    Deterministic (no randomness), so a clean ingest of the same folder is always the same.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for src in sorted(SAMPLE_CORPUS.iterdir()):
            shutil.copyfile(src, dest / f"copy{n:02d}-{src.name}")
    for n in range(generated):
        lines = [f"Monitoring report {n} on detention facility {n * 7 % 13}", ""]
        for p in range(1, paragraphs + 1):
            lines.append(f"{p}. During visit {n}-{p} the monitors of region {p % 9} found {n + p} complaints about "
                         f"conditions, legal aid and access to health care; recommendation {p} asks the "
                         f"authorities to act within {p % 12 + 1} months.")
            lines.append("")
        (dest / f"generated-{n:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return dest


def snapshot(store: str | Path) -> dict:
    """What must be identical between two stores: passage ids and texts, manifest, keyword rows, orphans."""
    index = open_index(store)
    manifest = index.store.manifest()
    passages = {r["id"]: (r["document"], r["metadata"].get("doc_id"), r["metadata"].get("version"))
                for r in index.store.iter_records("passages")}
    with index.keyword._lock:  # the FTS rows themselves, not only their count
        fts = sorted(index.keyword._conn.execute("SELECT id, doc_id FROM fts").fetchall())
        kw_docs = dict(index.keyword._conn.execute("SELECT doc_id, version FROM docs").fetchall())
    live = {doc_id: rec.version for doc_id, rec in manifest.items()}
    orphans = sorted(pid for pid, (_, doc_id, version) in passages.items() if live.get(doc_id) != version)
    return {
        "manifest": {doc_id: {"version": rec.version, "n_passages": rec.n_passages, "path": rec.path,
                              "meta": repr(rec.meta)} for doc_id, rec in sorted(manifest.items())},
        "passages": passages,
        "count": index.store.count(),
        "manifest_passages": sum(rec.n_passages for rec in manifest.values()),
        "fts": fts,
        "keyword_docs": kw_docs,
        "orphans": orphans,
    }


def differences(got: dict, want: dict) -> list[str]:
    """Human-readable differences between two snapshots (empty when the stores are equivalent)."""
    out = []
    if got["orphans"]:
        out.append(f"{len(got['orphans'])} orphan passages, e.g. {got['orphans'][:3]}")
    if got["count"] != got["manifest_passages"]:
        out.append(f"store holds {got['count']} passages, manifest says {got['manifest_passages']}")
    for key in ("manifest", "passages", "fts", "keyword_docs"):
        if got[key] != want[key]:
            g, w = got[key], want[key]
            if isinstance(g, dict):
                missing, extra = sorted(set(w) - set(g))[:3], sorted(set(g) - set(w))[:3]
                changed = sorted(k for k in set(g) & set(w) if g[k] != w[k])[:3]
                out.append(f"{key}: missing {missing}, extra {extra}, changed {changed}")
            else:
                out.append(f"{key}: {len(g)} rows vs {len(w)} clean, first difference "
                           f"{next((a, b) for a, b in zip(g + [None], w + [None]) if a != b)}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from ingest.errors import HrqaError

    args = list(sys.argv[1:] if argv is None else argv)
    min_free = 0.0
    if args[:1] == ["--min-free-mb"]:
        min_free, args = float(args[1]), args[2:]
    if len(args) < 2:
        print("usage: python -m bench._fake_ingest [--min-free-mb MB] STORE PATH...", file=sys.stderr)
        return 2
    print("ingesting", flush=True)  # the fault tests time their kill from here, after the imports
    try:
        report = ingest(args[0], args[1:], min_free_mb=min_free)
    except HrqaError as exc:
        print(f"hrqa: error: {exc}", file=sys.stderr)
        return 1
    if report.stopped:
        print(f"hrqa: error: {report.stopped}", file=sys.stderr)
    print(json.dumps(report.summary()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
