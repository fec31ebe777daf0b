"""Cold start of the CLI, whole process: `hrqa docs` and `hrqa ask` on the sample corpus, median of several runs.

    python bench/startup.py [--runs 7]

Each run is a new Python process, timed from fork to exit (what a script calling hrqa waits for), with the OS page
cache warm as it is for anyone who runs a command twice. Targets (issue 14): docs <= 0.5 s, ask <= 2 s. For the
ratio, the same commands with HRQA_EMBED_BACKEND=torch (sentence-transformers, the backend before issue 14) run
in the same session (for ask; docs embeds nothing), and the import of a few heavy libraries on their own.
"""
from __future__ import annotations

import argparse
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


def timed(argv: list[str], extra_env: dict[str, str] | None = None) -> float:
    """Seconds from start to exit of one process; raises when it fails."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env(**(extra_env or {})), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def median_of(runs: int, argv: list[str], extra_env: dict[str, str] | None = None) -> dict[str, float]:
    timed(argv, extra_env)  # the first run warms the page cache (and, once per user, nothing else: no export)
    samples = [timed(argv, extra_env) for _ in range(runs)]
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
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
    rows = [[f"hrqa {name}", r["median"], r["min"], r["max"], TARGETS[name], "yes" if r["median"] <= TARGETS[name]
             else "NO", torch[name]["median"] if name in torch else None,
             torch[name]["median"] / r["median"] if name in torch else None] for name, r in results.items()]
    headers = ["command", "median s", "min s", "max s", "target s", "met", "torch backend s", "speed-up"]
    markdown = (f"Whole-process cold start on the sample corpus, median of {args.runs} runs after one warm-up "
                f"(`hrqa ask \"{QUESTION}\"`). The torch column is HRQA_EMBED_BACKEND=torch in the same session.\n\n"
                + table(headers, rows) + "\n\nImport alone (median of 3): "
                + ", ".join(f"`{m}` {s:.2f} s" for m, s in imports.items()) + ".\n")
    print(markdown)
    write("startup", markdown, {"runs": args.runs, "results": results, "torch_backend": torch, "imports": imports,
                                "targets": TARGETS})
    if any(r["median"] > TARGETS[name] for name, r in results.items()):
        sys.exit("a start-up target was missed")


if __name__ == "__main__":
    main()
