"""`ask` latency and memory at 1k, 10k and 100k passages, embedded Chroma and a Chroma server.

Reads ../shared/corpus-real (HRQA_SHARED overrides the path) and the seed questions of ../shared/eval.
Building a 100k-passage corpus with the real model would take hours on a CPU, so: the six real documents are
parsed, their distinct passages (about 1,600) embedded once with the real all-MiniLM-L6-v2, and larger corpora
are those documents replicated as distinct documents (own doc id, file name, passage ids) that REUSE the base
vectors. Replicas therefore tie in dense search (each base passage has many identical copies); the keyword
index, manifest, filters and Chroma's HNSW index all hold the full count. Queries are real: the question is
embedded with the real model and answered by `Assistant.ask` (offline extractive), as `hrqa ask` would.

Each size is built by a child process (store.add_passages with the precomputed vectors, then the manifest
commit, then the keyword index, the ingest order), and measured by another child that opens the index like an
app process (factory.open_index), so its RSS is one app process's. In server mode the script starts `chroma run`
from the venv on a free loopback port and stops it afterwards; the querying process has its own, empty keyword
cache and fills it from the server on its first refresh (reported as "cache sync s").
Targets (2 cores): ask p95 <= 250 ms and RSS <= 2 GB at 100k passages.

Run: .venv/bin/python bench/query_scale.py  (HRQA_BENCH_QUICK=1: 1k and 10k only, fewer questions;
HRQA_BENCH_PROFILE=1: cProfile the asks at the largest size into /tmp/query-MODE-SIZE.prof)
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench._corpus import QUICK, real_files, run_child  # noqa: E402
from bench._report import SHARED, peak_rss_mb, table, write  # noqa: E402

SCRIPT = Path(__file__).resolve()
SIZES = [1_000, 10_000] if QUICK else [1_000, 10_000, 100_000]
N_QUESTIONS = 12 if QUICK else 35
QUESTIONS = SHARED / "eval" / "seed_questions.jsonl"
P95_TARGET_MS = 250.0
RSS_TARGET_MB = 2048.0
VECTOR_CACHE = Path(tempfile.gettempdir()) / "hrqa-bench-base-vectors"
PROFILE = os.environ.get("HRQA_BENCH_PROFILE", "") not in {"", "0"}  # cProfile the largest size's asks
PROFILE_DIR = Path(tempfile.gettempdir())


def _settings(cfg: dict):
    from assistant.settings import Settings

    return Settings.load(env={}, data_dir=cfg["data_dir"], chroma_host=cfg.get("host", ""),
                         chroma_port=cfg.get("port", 8000), collection_prefix="bench")


def _base_documents() -> list:
    from ingest.pipeline import load

    return [load(p) for p in real_files()]


def child_embed(cfg: dict) -> dict:
    """Embed the base passages once with the real model; cached as .npy by the passages' texts."""
    import hashlib

    import numpy as np

    from vectorstore.embeddings import make_embedder
    from vectorstore.text import embedding_text

    docs = _base_documents()
    texts = [embedding_text(p) for d in docs for p in d.passages]
    # keyed by the very texts embedded: the same files parsed by a newer parser give other passages
    key = hashlib.sha1("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    path = VECTOR_CACHE / f"{key}.npy"
    if not path.exists():
        vectors = np.asarray(make_embedder("minilm").embed_documents(texts), dtype=np.float32)
        VECTOR_CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return {"vectors": str(path)}


def child_build(cfg: dict) -> dict:
    """Grow the index to cfg["target"] passages with replicas of the base documents."""
    import numpy as np

    from assistant import factory
    from ingest.ids import passage_id
    from vectorstore.store import DocRecord, version_of

    started = time.monotonic()
    index = factory.open_index(_settings(cfg), embedder=_NoEmbedder())
    vectors = np.load(cfg["vectors"])
    docs, offsets, total = _base_documents(), [], 0
    for d in docs:
        offsets.append(total)
        total += len(d.passages)
    have = index.store.count()
    copy = 1 + max((int(doc_id.rsplit("-r", 1)[1]) for doc_id in index.store.manifest()), default=-1)
    while have < cfg["target"]:
        for d, offset in zip(docs, offsets):
            take = min(len(d.passages), cfg["target"] - have)
            if take <= 0:
                break
            doc_id = f"{d.meta.doc_id}-r{copy:04d}"
            meta = replace(d.meta, doc_id=doc_id, file_name=f"r{copy:04d}-{d.meta.file_name}")
            version = version_of(d.meta.content_hash)
            passages = [replace(p, id=passage_id(doc_id, version, p.ordinal), doc_id=doc_id)
                        for p in d.passages[:take]]
            index.store.add_passages(passages, vectors[offset : offset + take].tolist(), version, meta)
            index.store.commit_document(DocRecord(meta, version, take))
            index.keyword.replace_document(doc_id, version, passages)
            have += take
        copy += 1
    return {"passages": index.store.count(), "keyword": index.keyword.count(), "build_s": time.monotonic() - started}


class _NoEmbedder:
    """The builder never embeds: replicas reuse the base vectors."""

    name = "minilm"
    dim = 384

    def embed_documents(self, texts):
        raise AssertionError("the scale builder must not embed")

    embed_query = embed_documents


def child_query(cfg: dict) -> dict:
    """Open the index like an app process and time Assistant.ask on the seed questions."""
    from assistant import factory
    from assistant.evaluate import load_questions

    questions = [q["question"] for q in load_questions(QUESTIONS)][: cfg["n_questions"]]
    settings = _settings(cfg)
    index = factory.open_index(settings)
    started = time.monotonic()
    index.refresh(force=True)  # a fresh keyword cache fills from Chroma here (server mode)
    sync_s = time.monotonic() - started
    assistant = factory.make_assistant(settings, index=index)
    for q in questions[:2]:
        assistant.ask(q)  # model load and first-query costs are not what is measured
    profiler = _profiler(cfg)
    latencies = []
    for q in questions:
        t = time.monotonic()
        assistant.ask(q)
        latencies.append(1000 * (time.monotonic() - t))
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(cfg["profile"])
    slowest = sorted(zip(latencies, questions), reverse=True)[:3]
    return {"p50_ms": statistics.median(latencies), "p95_ms": _p95(latencies), "max_ms": max(latencies),
            "questions": len(latencies), "slowest": [{"ms": round(ms, 1), "question": q} for ms, q in slowest],
            "rss_mb": _rss_now_mb(), "peak_rss_mb": peak_rss_mb(),
            "sync_s": sync_s, "passages": index.store.count()}


def _profiler(cfg: dict):
    if not cfg.get("profile"):
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * (len(ordered) - 1)))]


def _rss_now_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run` from the venv on a free loopback port, with its data in a temporary folder."""

    def __init__(self, path: Path):
        self.path, self.port = path, _free_port()
        self.proc: subprocess.Popen = None  # type: ignore[assignment]  # started by __enter__

    def __enter__(self) -> "ChromaServer":
        chroma = Path(sys.executable).parent / "chroma"
        self.path.mkdir(parents=True, exist_ok=True)
        self.log = open(self.path.parent / "chroma.log", "w")
        self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, start_new_session=True)
        deadline = time.monotonic() + 60
        while not self._answering():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"chroma run did not start; see {self.log.name}")
            time.sleep(0.2)
        return self

    def _answering(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def rss_mb(self) -> float:
        return _rss_now_mb(self.proc.pid)

    def __exit__(self, *exc) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def run_mode(mode: str, work: Path, vectors: str, rows: list, data: dict) -> None:
    server = ChromaServer(work / "chroma-server") if mode == "server" else None
    with server or _Nothing():
        base = {"vectors": vectors, "n_questions": N_QUESTIONS}
        if server is not None:
            base.update(host="127.0.0.1", port=server.port)
        for size in SIZES:
            built = run_child(SCRIPT, ["build", json.dumps({**base, "data_dir": str(work / "builder"),
                                                            "target": size})])
            # Server mode: a reader with its own (empty) keyword cache, as a second app process has.
            reader_dir = work / ("builder" if server is None else f"reader-{size}")
            profile = str(PROFILE_DIR / f"query-{mode}-{size}.prof") if PROFILE and size == SIZES[-1] else ""
            got = run_child(SCRIPT, ["query", json.dumps({**base, "data_dir": str(reader_dir), "profile": profile})])
            got.update(build_s=built["build_s"], server_rss_mb=server.rss_mb() if server else None)
            data[f"{mode}-{size}"] = got
            rows.append([mode, got["passages"], got["p50_ms"], got["p95_ms"], got["rss_mb"], got["peak_rss_mb"],
                         got["server_rss_mb"], got["sync_s"], built["build_s"]])
            print(f"{mode} {size}: p50 {got['p50_ms']:.0f} ms, p95 {got['p95_ms']:.0f} ms, "
                  f"RSS {got['rss_mb']:.0f} MB (profile {profile or '-'})", flush=True)


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hrqa-bench-scale-"))
    print(f"base corpus: {SHARED / 'corpus-real'}; sizes {SIZES}; work dir {work}", flush=True)
    vectors = run_child(SCRIPT, ["embed", "{}"])["vectors"]
    rows: list[list] = []
    data: dict[str, dict] = {}
    for mode in ("embedded", "server"):
        run_mode(mode, work / mode, vectors, rows, data)
    headers = ["mode", "passages", "ask p50 ms", "ask p95 ms", "app RSS MB", "app peak RSS MB", "server RSS MB",
               "cache sync s", "build s"]
    md = table(headers, rows)
    largest = SIZES[-1]
    notes = []
    for mode in ("embedded", "server"):
        got = data[f"{mode}-{largest}"]
        notes.append(f"{mode} at {largest:,}: p95 {got['p95_ms']:.0f} ms ({_versus(got['p95_ms'], P95_TARGET_MS)}), "
                     f"RSS {got['rss_mb']:.0f} MB ({_versus(got['rss_mb'], RSS_TARGET_MB)})")
    md += (f"\n\nLoad average during the run (1/5/15 min): {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
           f"on {os.cpu_count()} cores; latencies on a shared machine vary with it.\n"
           f"{N_QUESTIONS} seed questions per size (2 warm-up asks excluded), offline extractive answers, "
           f"real query embeddings; replicas of the six real documents share the base passages' vectors (see the "
           f"script's docstring). Targets: p95 <= {P95_TARGET_MS:.0f} ms, RSS <= {RSS_TARGET_MB:.0f} MB.\n"
           + "\n".join(f"- {n}" for n in notes))
    print(md)
    write("query_scale", md, {"sizes": SIZES, "quick": QUICK, **data})
    shutil.rmtree(work, ignore_errors=True)


def _versus(value: float, target: float) -> str:
    return "met" if value <= target else f"MISSED by {value - target:.0f} ({value / target:.1f}x)"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        mode, cfg = sys.argv[2], json.loads(sys.argv[3])
        print(json.dumps({"embed": child_embed, "build": child_build, "query": child_query}[mode](cfg)))
    else:
        main()
