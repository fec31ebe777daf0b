"""Load: concurrent chat clients against the real running app.

Ingests the sample corpus with the real CLI and model, starts `hrqa serve` on a free 127.0.0.1 port, then
runs N gradio_client sessions at once, each asking Q seed questions in turn through the app's `/respond`
endpoint (the Ask button's handler). Every answer must arrive, carry no "Could not answer" error, and be a
finished answer message; latency p50/p95 and throughput are recorded. All traffic stays on 127.0.0.1.

Run: python bench/load.py [--clients 20] [--questions 5] [--timeout 300]   (about 1-2 minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._serve import ingest_sample, seed_questions, serve  # noqa: E402

CHAT_API = "/respond"


def ask(client, question: str) -> str:
    """One question through the app; returns the final assistant message (HTML)."""
    # question, chat, kept conversations (None: a new browser), the six filters
    chat, *_ = client.predict(question, [], None, [], [], [], [], "", "", api_name=CHAT_API)
    content = chat[-1]["content"] if chat else ""
    if isinstance(content, list):  # gradio 6 messages carry a list of {"type": "text", "text": ...} parts
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content


def _client_run(url: str, questions: list[str], out: list, errors: list, deadline: float) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, download_files=False)
    except Exception as exc:  # noqa: BLE001 - recorded, the run reports it
        errors.append(f"connect: {type(exc).__name__}: {exc}")
        return
    for question in questions:
        if time.monotonic() > deadline:
            errors.append(f"not asked before the deadline: {question}")
            continue
        started = time.monotonic()
        try:
            message = ask(client, question)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{question}: {type(exc).__name__}: {exc}")
            continue
        seconds = time.monotonic() - started
        if "Could not answer" in message or "hrqa-done" not in message:
            errors.append(f"{question}: bad answer message {message[:200]!r}")
        out.append(seconds)


def run_load(url: str, clients: int, per_client: int, timeout: float) -> dict:
    """Run the clients at once; returns counts and latency figures."""
    questions = [q["question"] for q in seed_questions()]
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + timeout
    threads = [threading.Thread(target=_client_run, daemon=True, args=(
        url, [questions[(c * per_client + i) % len(questions)] for i in range(per_client)], latencies, errors,
        deadline)) for c in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 5)
    wall = time.monotonic() - started
    hung = sum(t.is_alive() for t in threads)
    ordered = sorted(latencies)
    def pct(p):
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else None
    return {"clients": clients, "questions_per_client": per_client, "asked": clients * per_client,
            "answered": len(latencies) - sum(1 for e in errors if "bad answer" in e), "errors": errors[:20],
            "n_errors": len(errors), "hung_clients": hung, "wall_seconds": round(wall, 2),
            "p50": round(statistics.median(ordered), 3) if ordered else None,
            "p95": round(pct(0.95), 3) if ordered else None, "max": round(ordered[-1], 3) if ordered else None,
            "throughput_qps": round(len(latencies) / wall, 2) if wall else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    from bench._report import table, write

    with tempfile.TemporaryDirectory(prefix="hrqa-load-") as tmp:
        store = Path(tmp) / "store"
        ingest_sample(store)
        with serve(store, Path(tmp) / "serve.log") as url:
            result = run_load(url, args.clients, args.questions, args.timeout)
    rows = [["clients at once", result["clients"]], ["questions asked", result["asked"]],
            ["answered (finished answer message)", result["answered"]], ["errors", result["n_errors"]],
            ["latency p50 / p95 / max (s)", f"{result['p50']} / {result['p95']} / {result['max']}"],
            ["throughput (answers/s)", result["throughput_qps"]], ["wall time (s)", result["wall_seconds"]]]
    markdown = ("`python bench/load.py` — concurrent gradio_client sessions asking seed questions through the "
                f"running app's `{CHAT_API}` endpoint (real MiniLM model, default queue concurrency).\n\n"
                + table(["measure", "value"], rows))
    if result["errors"]:
        markdown += "\n\nErrors:\n" + "\n".join(f"- {e}" for e in result["errors"])
    print(markdown)
    write("load", markdown, result)
    return 0 if result["answered"] == result["asked"] and not result["n_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
