"""Quality and speed of hrqa vs. the LangChain-tutorial recipe, same corpus, same questions, one process.

Peer: RecursiveCharacterTextSplitter(1000, 200) + all-MiniLM-L6-v2 + Chroma, top-5 similarity search.
hrqa: structure-aware paragraphs + hybrid retrieval + extractive answers (offline default).
Corpus: examples/corpus; questions: examples/eval/seed_questions.jsonl (or HRQA_BENCH_QUESTIONS), and the three
development sets beside it (examples/eval/README.md says how they were written and used).
Run: .venv/bin/python bench/quality.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench._report import ROOT, peak_rss_mb, table, write  # noqa: E402

K = 5
CORPUS = ROOT / "examples" / "corpus"
QUESTIONS = Path(os.environ.get("HRQA_BENCH_QUESTIONS", ROOT / "examples" / "eval" / "seed_questions.jsonl"))
DEV_SETS = [ROOT / "examples" / "eval" / f"dev_{letter}_questions.jsonl" for letter in "abc"]


def run_peer(questions, embedder):
    """The tutorial recipe, with the same packaged model instance as hrqa."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name})
            for p in sorted(CORPUS.iterdir())]
    started = time.monotonic()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    store = Chroma.from_documents(chunks, embedder, client=chromadb.EphemeralClient(),
                                  collection_name=f"peer-{os.getpid()}")
    ingest_s = time.monotonic() - started
    results, latencies = {}, []
    for item in questions:
        t = time.monotonic()
        found = store.similarity_search(item["question"], k=K)
        latencies.append(time.monotonic() - t)
        results[item["id"]] = {"answer": "", "answerable": True, "citations": [], "seconds": latencies[-1],
                               "passages": [{"id": str(i), "doc": d.metadata["source"], "text": d.page_content}
                                            for i, d in enumerate(found)]}
    return results, len(chunks), ingest_s, latencies


def run_hrqa(questions, embedder):
    from assistant.core import Assistant
    from vectorstore.client import make_chroma_client
    from vectorstore.index import Index
    from vectorstore.indexer import Indexer

    path = Path(tempfile.mkdtemp(prefix="hrqa-bench-"))
    index = Index(make_chroma_client(path=path), path / "kw.sqlite", embedder)
    started = time.monotonic()
    report = Indexer(index, path, progress=False).ingest([CORPUS])
    ingest_s = time.monotonic() - started
    assistant = Assistant(index, k=K)
    results, latencies = {}, []
    for item in questions:
        t = time.monotonic()
        results[item["id"]] = assistant.ask(item["question"]).to_dict()
        latencies.append(time.monotonic() - t)
    return results, report.summary()["passages"], ingest_s, latencies


def main() -> None:
    from assistant.evaluate import load_questions, score_one, summarise
    from vectorstore.embeddings import make_embedder

    questions = load_questions(QUESTIONS)
    dev_sets = {p.name: load_questions(p) for p in DEV_SETS if p.exists() and "HRQA_BENCH_QUESTIONS" not in os.environ}
    everything = questions + [q for qs in dev_sets.values() for q in qs]
    embedder = make_embedder("minilm")
    rows, dev_rows, data = [], [], {}
    for name, runner in (("langchain-tutorial", run_peer), ("hrqa", run_hrqa)):
        all_results, units, ingest_s, all_lat = runner(everything, embedder)
        results, lat = {q["id"]: all_results[q["id"]] for q in questions}, all_lat[: len(questions)]
        scores = [score_one(item, results[item["id"]], K) for item in questions]
        english = summarise(scores, K, lambda s: s.kind != "multilingual")
        overall = summarise(scores, K)
        p95 = sorted(lat)[max(0, round(0.95 * (len(lat) - 1)))]
        data[name] = {"english": english, "all": overall, "units": units, "ingest_s": ingest_s,
                      "latency_p50_ms": 1000 * statistics.median(lat), "latency_p95_ms": 1000 * p95,
                      "answers_per_s": len(lat) / sum(lat), "units_per_s": units / ingest_s, "dev": {}}
        rows.append([name, units, english[f"recall@{K}"], english["mrr"], overall[f"recall@{K}"],
                     overall["unanswerable_refused"], 1000 * statistics.median(lat), 1000 * p95,
                     len(lat) / sum(lat), units / ingest_s])
        for set_name, items in dev_sets.items():
            dev = summarise([score_one(item, all_results[item["id"]], K) for item in items], K)
            data[name]["dev"][set_name] = dev
            dev_rows.append([set_name, name, len(items), dev[f"recall@{K}"], dev["mrr"],
                             dev["answered_right"], dev["unanswerable_refused"]])
    headers = ["system", "passages", f"recall@{K} (en)", "MRR (en)", f"recall@{K} (all)", "unanswerable refused",
               "p50 ms", "p95 ms", "answers/s", "passages/s ingest"]
    md = table(headers, rows)
    ratio = data["hrqa"]["english"]["mrr"] / max(data["langchain-tutorial"]["english"]["mrr"] or 1e-9, 1e-9)
    md += (f"\n\nSeed questions: {len(questions)} ({QUESTIONS.name}). hrqa MRR / tutorial MRR = {ratio:.2f}. "
           f"The tutorial recipe only retrieves (no answer, no refusal), so its latency is retrieval only; "
           f"hrqa's includes the extractive answer. Peak RSS {peak_rss_mb():.0f} MB.")
    if dev_rows:
        md += ("\n\nDevelopment sets written by helper agents from the corpus alone (examples/eval/README.md; all "
               "were used for diagnosis after their first run, so these figures are optimistic):\n\n")
        md += table(["set", "system", "questions", f"recall@{K}", "MRR", "answered right", "unanswerable refused"],
                    dev_rows)
    print(md)
    write("quality", md, data)


if __name__ == "__main__":
    main()
