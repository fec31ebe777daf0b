"""Ingestion speed and memory: real documents, real model, each run in its own process.

Reads ../shared/corpus-real (its PDF and text documents; HRQA_SHARED overrides the path) and examples/corpus.
1. Raw encoder: all-MiniLM-L6-v2 (torch) encoding the very passage texts ingestion embeds, in one call (the
   model's own best throughput on this machine, in this run; the better of two passes, one in quick mode).
2. Ingest against the raw encoder, in PAIRS pairs run back to back: the raw encoder on the backend ingestion
   uses by default (ONNX Runtime, one encode call, one pass), then `Indexer.ingest` of those documents with the
   same model and backend (parse + embed + Chroma + keyword index; model load excluded and reported apart), each
   in its own process -> passages/s and their ratio per pair; the target (>= 0.9) is judged on the median pair.
   Why pairs: on this shared 2-core machine the same encode call took 60 s in one minute and 70 s in the next,
   more than the margin being measured; the two halves of a pair see nearly the same machine.
   Then peak RSS and the no-op re-ingest of the same files.
3. Peak RSS ingesting 1x vs 4x the corpus (the four-fold corpus is the same files under four names each):
   memory must not grow with the corpus. Real model; HRQA_BENCH_QUICK=1 uses a cheap hashing embedder.
4. 1,000 small distinct documents (examples/corpus replicated with a distinguishing first line), ingested
   once with the hashing embedder, then re-ingested unchanged: target <= 5 s. Nothing is embedded then.
5. The raw encoder again on ONNX Runtime (HRQA_EMBED_BACKEND=onnx and onnx-int8), for comparison.

Run: .venv/bin/python bench/ingest.py  (HRQA_BENCH_QUICK=1 for CI)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench._corpus import (  # noqa: E402
    QUICK,
    SAMPLE_CORPUS,
    HashEmbedder,
    real_files,
    replicate_links,
    replicate_text_files,
    run_child,
)
from bench._report import SHARED, peak_rss_mb, table, write  # noqa: E402
from vectorstore.embeddings import BATCH_SIZE  # noqa: E402

SCRIPT = Path(__file__).resolve()
VECTOR_CACHE = Path(tempfile.gettempdir()) / "hrqa-bench-onnx"  # the ONNX backends' one-off export
RATIO_TARGET = 0.9
PAIRS = 2 if QUICK else 3  # raw encoder + ingest pairs (see 2. above)
NOOP_TARGET_S = 5.0
NOOP_DOCS = 1000


def child_encode(backend: str, paths: list[str], passes: int) -> dict:
    """Parse (untimed), then time the raw encoder on the passage texts in one call (the best of `passes`)."""
    from ingest.pipeline import load
    from vectorstore.embeddings import make_embedder
    from vectorstore.text import embedding_text

    texts = [embedding_text(p) for path in paths for p in load(Path(path)).passages]
    started = time.monotonic()
    embedder = make_embedder("minilm", backend=backend, cache_dir=VECTOR_CACHE)
    embedder.embed_documents(texts[:8])  # first call pays one-off costs (thread pools, allocator)
    load_s = time.monotonic() - started
    seconds = float("inf")
    for _ in range(passes):  # the best of the passes: the model's own speed, less others' load
        started = time.monotonic()
        embedder.embed_documents(texts)
        seconds = min(seconds, time.monotonic() - started)
    return {"passages": len(texts), "seconds": seconds, "load_s": load_s, "rss_mb": peak_rss_mb()}


def child_ingest(data_dir: str, embedder_name: str, paths: list[str], noop_only: bool) -> dict:
    """Ingest paths into a fresh index (then re-ingest them unchanged), or only time the unchanged re-ingest."""
    from assistant import factory
    from assistant.settings import Settings

    settings = Settings.load(env={}, data_dir=data_dir, embedder="minilm")
    index = factory.open_index(settings, embedder=HashEmbedder() if embedder_name == "hash" else None)
    indexer = factory.make_indexer(settings, index, progress=False)
    out: dict = {"backend": settings.embed_backend}
    if not noop_only:
        started = time.monotonic()
        if embedder_name != "hash":
            index.embedder.embed_documents(["warm up"])  # model load is reported apart from ingestion
        out["load_s"] = time.monotonic() - started
        first = indexer.ingest(paths)
        assert first.ok, [f for f in first.files if f.status == "failed"]
        out.update(passages=first.summary()["passages"], embedded=first.embedded, ingest_s=first.seconds,
                   documents=first.summary()["documents"])
    again = indexer.ingest(paths)
    assert again.ok and again.embedded == 0 and again.count("unchanged") == len(again.files), again.summary()
    out.update(noop_s=again.seconds, noop_documents=len(again.files), rss_mb=peak_rss_mb())
    return out


def main() -> None:
    files = [str(p) for p in real_files()]
    work = Path(tempfile.mkdtemp(prefix="hrqa-bench-ingest-"))
    print(f"corpus: {len(files)} documents from {SHARED / 'corpus-real'}; work dir {work}", flush=True)

    passes = "1" if QUICK else "2"
    encode = run_child(SCRIPT, ["encode", "torch", passes, *files])
    print(f"raw encoder: {encode['passages']} passages in {encode['seconds']:.1f} s", flush=True)
    pairs = []
    for k in range(PAIRS):
        raw = run_child(SCRIPT, ["encode", "onnx", "1", *files])
        got = run_child(SCRIPT, ["ingest", str(work / f"real{k}"), "minilm", *files])
        pairs.append({"raw": raw, "ingest": got, "ratio": (got["embedded"] / got["ingest_s"])
                      / (raw["passages"] / raw["seconds"])})
        print(f"pair {k + 1}: raw {raw['seconds']:.1f} s, ingest {got['ingest_s']:.1f} s ({got['backend']}),"
              f" ratio {pairs[-1]['ratio']:.3f}", flush=True)
        shutil.rmtree(work / f"real{k}", ignore_errors=True)
    middle = sorted(pairs, key=lambda pair: pair["ratio"])[(len(pairs) - 1) // 2]  # the median (the lower of two)
    real = middle["ingest"]
    backends = {"onnx": middle["raw"], "onnx-int8": run_child(SCRIPT, ["encode", "onnx-int8", passes, *files])}

    scale_embedder = "hash" if QUICK else "minilm"
    one = real if scale_embedder == "minilm" else run_child(SCRIPT, ["ingest", str(work / "x1"), "hash", *files])
    fourfold = [str(p) for p in replicate_links(real_files(), work / "corpus-x4", 4)]
    four = run_child(SCRIPT, ["ingest", str(work / "x4"), scale_embedder, *fourfold])
    print(f"4x ingest: {four['passages']} passages, peak RSS {four['rss_mb']:.0f} MB", flush=True)

    small = replicate_text_files(sorted(SAMPLE_CORPUS.iterdir()), work / "corpus-1000", NOOP_DOCS // 5)
    run_child(SCRIPT, ["ingest", str(work / "n1000"), "hash", str(work / "corpus-1000")])
    noop = run_child(SCRIPT, ["noop", str(work / "n1000"), "hash", str(work / "corpus-1000")])
    report(encode, real, one, four, noop, scale_embedder, len(small), backends, pairs)
    shutil.rmtree(work, ignore_errors=True)


def report(encode: dict, real: dict, one: dict, four: dict, noop: dict, scale_embedder: str, n_small: int,
           backends: dict, pairs: list[dict]) -> None:
    raw_rate = encode["passages"] / encode["seconds"]
    rate = real["embedded"] / real["ingest_s"]
    # The peer is the raw encoder on the backend ingestion itself uses (the default: ONNX Runtime), run just before.
    ratio = rate / (backends["onnx"]["passages"] / backends["onnx"]["seconds"])
    rows = [
        ["raw encoder, torch (one encode call)", encode["passages"], raw_rate, 1.0, encode["rss_mb"], None],
        *[[f"raw encoder, {b}", got["passages"], got["passages"] / got["seconds"],
           got["passages"] / got["seconds"] / raw_rate, got["rss_mb"], None] for b, got in backends.items()],
        [f"hrqa ingest (real documents, {real['backend']})", real["passages"], rate, rate / raw_rate, real["rss_mb"],
         real["noop_s"]],
        [f"hrqa ingest 1x ({scale_embedder})", one["passages"], one["passages"] / one["ingest_s"], None,
         one["rss_mb"], one["noop_s"]],
        [f"hrqa ingest 4x ({scale_embedder})", four["passages"], four["passages"] / four["ingest_s"], None,
         four["rss_mb"], four["noop_s"]],
        [f"no-op re-ingest, {noop['noop_documents']} documents", None, None, None, noop["rss_mb"], noop["noop_s"]],
    ]
    md = table(["run", "passages", "passages/s", "ratio to raw", "peak RSS MB", "no-op re-ingest s"], rows)
    def verdict(ok):
        return "met" if ok else "MISSED"
    growth = four["rss_mb"] - one["rss_mb"]
    shown = ", ".join(f"{pair['ratio']:.2f}" for pair in pairs)
    md += (
        "\n\nCorpus: the PDF and text documents of ../shared/corpus-real, all-MiniLM-L6-v2 on CPU, model batches of"
        f" {BATCH_SIZE};"
        " model"
        f" load ({real['load_s']:.1f} s) excluded. The \"ratio to raw\" column is to the torch raw encoder."
        f" Ingestion runs on {real['backend']}: ingest / raw encoder on the same backend = {ratio:.2f}, the median"
        f" of {len(pairs)} pairs run back to back ({shown}; target >="
        f" {RATIO_TARGET}: {verdict(ratio >= RATIO_TARGET)}; ingest also reads and parses the PDFs one file ahead"
        " of the embedding and writes each file to Chroma and the keyword index while the next is embedded)."
        " The onnx row is that median pair's raw encoder; the table's ingest row is its ingest."
        f"\nONNX rows: the same model on ONNX Runtime (HRQA_EMBED_BACKEND=onnx, the default: the same vectors;"
        f" onnx-int8: int8 weights); the export, made once, is not timed."
        f"\nPeak RSS 1x -> 4x corpus: {one['rss_mb']:.0f} -> {four['rss_mb']:.0f} MB ({growth:+.0f} MB for"
        f" {four['passages'] - one['passages']} more passages; each file is processed and released in turn)."
        f"\nNo-op re-ingest of {noop['noop_documents']} documents ({n_small} files built from examples/corpus):"
        f" {noop['noop_s']:.2f} s (target <= {NOOP_TARGET_S:.0f} s: {verdict(noop['noop_s'] <= NOOP_TARGET_S)})."
        f"\nEach run is its own process, so every peak RSS is that run's. Load average at the end (1/5/15 min):"
        f" {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores: throughput on a shared"
        f" machine varies with it; a ratio, from two runs back to back, varies less."
    )
    print(md)
    write("ingest", md, {"raw_encoder": encode, "raw_encoder_backends": backends, "ingest": real,
                         "scale_1x": one, "scale_4x": four,
                         "noop_1000": noop, "ratio": ratio, "pairs": pairs, "scale_embedder": scale_embedder,
                         "quick": QUICK})


def parse_child(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["encode", "ingest", "noop"])
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args(argv)
    if args.mode == "encode":
        return child_encode(args.rest[0], args.rest[2:], int(args.rest[1]))
    data_dir, embedder, *paths = args.rest
    return child_ingest(data_dir, embedder, paths, noop_only=args.mode == "noop")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(parse_child(sys.argv[2:])))
    else:
        main()
