"""Cold start of the CLI, whole process: `hrqa docs` and `hrqa ask` on the sample corpus, median of several runs.

    python bench/startup.py [--runs 7] [--strict]

Each run is a new Python process, timed from fork to exit (what a script calling hrqa waits for), with the OS page
cache warm as it is for anyone who runs a command twice. Targets (issue 14): docs <= 0.5 s, ask <= 2 s. For the
ratio, the same commands with HRQA_EMBED_BACKEND=torch (sentence-transformers, the backend before issue 14) run
in the same session (for ask; docs embeds nothing), and the import of a few heavy libraries on their own.

Wall time depends on what else the machine runs (three developers share these 2 cores), so the CPU time of the
child (user + system) is reported beside it: it is what the command itself costs. A missed target is printed as NO;
--strict also makes it the exit status (for a quiet machine).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import table, write  # noqa: E402
from bench._serve import ROOT, env, ingest_sample  # noqa: E402

QUESTION = "Which recommendations concern mahallas?"
TARGETS = {"docs": 0.5, "ask": 2.0}
IMPORTS = ("chromadb", "gradio", "torch", "sentence_transformers", "onnxruntime")


def timed(argv: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds from start to exit, CPU seconds of the child) of one process; raises when it fails."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env(**(extra_env or {})), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    after = os.times()
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def median_of(runs: int, argv: list[str], extra_env: dict[str, str] | None = None) -> dict[str, float]:
    timed(argv, extra_env)  # the first run warms the page cache (and, once per user, nothing else: no export)
    samples = [timed(argv, extra_env) for _ in range(runs)]
    walls = [w for w, _ in samples]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu_median": statistics.median(c for _, c in samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    hrqa = [sys.executable, "-m", "assistant.cli"]
    with tempfile.TemporaryDirectory(prefix="hrqa-startup-") as tmp:
        store = Path(tmp) / "store"
        ingest_sample(store)
        commands = {"docs": [*hrqa, "docs", "--store", str(store)],
                    "ask": [*hrqa, "ask", QUESTION, "--store", str(store)]}
        results = {name: median_of(args.runs, argv) for name, argv in commands.items()}
        # docs embeds nothing: the backend matters for ask only
        torch = {"ask": median_of(max(3, args.runs // 2), commands["ask"], {"HRQA_EMBED_BACKEND": "torch"})}
    imports = {m: median_of(3, [sys.executable, "-c", f"import {m}"])["median"] for m in IMPORTS}
    rows = [[f"hrqa {name}", r["median"], r["min"], r["max"], r["cpu_median"], TARGETS[name],
             "yes" if r["median"] <= TARGETS[name] else "NO", torch[name]["median"] if name in torch else None,
             torch[name]["median"] / r["median"] if name in torch else None] for name, r in results.items()]
    headers = ["command", "median s", "min s", "max s", "CPU s", "target s", "met", "torch backend s", "speed-up"]
    load = os.getloadavg()[0]
    markdown = (f"Whole-process cold start on the sample corpus, median of {args.runs} runs after one warm-up "
                f"(`hrqa ask \"{QUESTION}\"`). The torch column is HRQA_EMBED_BACKEND=torch in the same session.\n\n"
                + table(headers, rows) + f"\n\nLoad average at the end: {load:.1f} on {os.cpu_count()} cores. "
                "Import alone (median of 3): "
                + ", ".join(f"`{m}` {s:.2f} s" for m, s in imports.items()) + ".\n")
    print(markdown)
    write("startup", markdown, {"runs": args.runs, "results": results, "torch_backend": torch, "imports": imports,
                                "targets": TARGETS, "load_average": load})
    if args.strict and any(r["median"] > TARGETS[name] for name, r in results.items()):
        sys.exit("a start-up target was missed")


if __name__ == "__main__":
    main()
