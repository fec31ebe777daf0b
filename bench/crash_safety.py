"""Crash safety: kill -9 during ingest, backups during ingest, damaged restores, hostile inputs.

1. Each trial ingests a generated corpus (the sample corpus copied under new names plus numbered reports, ~2 s
   with the tests' fake embedder) in a subprocess, SIGKILLs it after a random delay, re-runs the ingestion to the
   end, and compares the store with a clean ingest of the same corpus: passage ids and texts (Chroma), manifest,
   keyword-index rows, and no orphans (store.count() == sum of manifest n_passages). A second check starts two
   ingestions at once: one must be refused with a clear message (or run after the other), never interleave.
2. Backups taken back to back while another process re-ingests on a Chroma server (bench/_backups.py): every
   document record must come with exactly its passages; the backup hrqa made before runs alongside as the peer.
3. Damaged backups (cut, bit-flipped, random, edited) restored into a store with data: each refused, the target
   unchanged byte for byte (records, vectors, keyword rows).
4. Hostile inputs generated at run time (bench/_hostile.py), each refused in a fresh process: seconds and peak
   memory against the budget of 30 s and 1.5 GB.

Run: python bench/crash_safety.py [--trials 20] [--seed 1] [--backups 50] [--damaged 40]   (about 6 minutes)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._fake_ingest import differences, make_corpus, snapshot  # noqa: E402

RUN_TIMEOUT = 120  # seconds for one ingestion subprocess; a clean one takes a few
BUDGET_SECONDS, BUDGET_MB = 30, 1536  # what refusing one hostile input may cost


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRQA_")}
    env.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", ANONYMIZED_TELEMETRY="False",
               PYTHONPATH=str(ROOT))
    return env


def _start(store: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bench._fake_ingest", str(store), str(corpus)], cwd=ROOT,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def run_ingest(store: Path, corpus: Path) -> tuple[int, dict, str, float]:
    """One ingestion to the end: (exit code, summary, stderr, seconds after the imports)."""
    proc = _start(store, corpus)
    assert proc.stdout is not None and proc.stderr is not None  # both are pipes
    assert proc.stdout.readline().strip() == "ingesting", proc.stderr.read()
    started = time.monotonic()
    out, err = proc.communicate(timeout=RUN_TIMEOUT)
    seconds = time.monotonic() - started
    summary = json.loads(out.strip().splitlines()[-1]) if proc.returncode == 0 else {}
    return proc.returncode, summary, err, seconds


def clean_reference(workdir: Path, corpus: Path) -> tuple[dict, float]:
    """Snapshot of a clean ingest of corpus, and how long the ingestion itself took."""
    store = workdir / "clean"
    code, _, err, seconds = run_ingest(store, corpus)
    assert code == 0, err
    return snapshot(store), seconds


def crash_trial(store: Path, corpus: Path, delay: float, reference: dict) -> dict:
    """Kill an ingestion after `delay` seconds, resume it, and compare the store with the reference."""
    proc = _start(store, corpus)
    assert proc.stdout is not None and proc.stderr is not None  # both are pipes
    assert proc.stdout.readline().strip() == "ingesting", proc.stderr.read()
    time.sleep(delay)
    finished_first = proc.poll() is not None
    if not finished_first:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    code, summary, err, _ = run_ingest(store, corpus)
    problems = [f"resume exited {code}: {err.strip()[-300:]}"] if code else differences(snapshot(store), reference)
    return {"delay": round(delay, 3), "killed": not finished_first, "resume_exit": code,
            "committed_before_kill": summary.get("unchanged"), "redone": summary.get("added", 0)
            + summary.get("updated", 0), "orphans_removed": summary.get("orphans_removed"),
            "ok": not problems, "problems": problems}


def create_store(store: Path) -> None:
    """Create an empty embedded store in a separate process (as a first `hrqa ingest` or `serve` would)."""
    code = "import sys; from vectorstore.client import make_chroma_client; make_chroma_client(path=sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(store)], cwd=ROOT, env=_env(), check=True, timeout=RUN_TIMEOUT)


def concurrent_trial(store: Path, corpus: Path, reference: dict, fresh: bool = False) -> dict:
    """Two ingestions started together: each finishes or is refused by name; the store ends up clean.

    Args:
        fresh: start both on a directory with no store yet (Chroma creates its database while they race).
    """
    if not fresh:
        create_store(store)
    procs = [_start(store, corpus) for _ in range(2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
        results.append((proc.returncode, err.strip()))
    refused = [err for code, err in results if code == 1 and "another ingestion is running on" in err]
    unexpected = [f"exit {code}: {err[-300:]}" for code, err in results
                  if code != 0 and not (code == 1 and "another ingestion is running on" in err)]
    if any(code != 0 for code, _ in results):  # the refused one re-runs, as its message says to
        code, _, err, _ = run_ingest(store, corpus)
        if code:
            unexpected.append(f"re-run exit {code}: {err[-300:]}")
    problems = unexpected + differences(snapshot(store), reference)
    return {"fresh": fresh, "exits": [code for code, _ in results], "refused": len(refused),
            "message": refused[0] if refused else "", "ok": not problems, "problems": problems}


def hostile_inputs(workdir: Path) -> list[dict]:
    """Each hostile input built here, then refused in a fresh process that reports its cost."""
    from bench._hostile import INPUTS, build

    results = []
    for n, name in enumerate(INPUTS):
        folder = workdir / f"hostile-{n:02d}"
        target = build(name, folder)
        done = subprocess.run([sys.executable, "-m", "bench._hostile", name, target, str(folder)], cwd=ROOT,
                              env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT)
        result: dict[str, Any] = json.loads(done.stdout) if done.returncode == 0 else {
            "input": name, "status": "crashed", "reason": done.stderr[-300:]}
        result["within_budget"] = (result.get("seconds", 1e9) <= BUDGET_SECONDS
                                   and result.get("peak_rss_mb", 1e9) <= BUDGET_MB)
        results.append(result)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def run(trials: int, seed: int, workdir: Path, concurrent: int = 3, backups: int = 50, damaged: int = 40) -> dict:
    """All trials; returns figures and per-trial records."""
    from bench._backups import backup_race, damaged_restores

    rng = random.Random(seed)
    corpus = make_corpus(workdir / "corpus")
    reference, seconds = clean_reference(workdir, corpus)
    records = []
    for n in range(trials):
        store = workdir / f"trial-{n:03d}"
        records.append(crash_trial(store, corpus, rng.uniform(0.0, seconds * 1.05), reference))
        shutil.rmtree(store, ignore_errors=True)
    races = []
    for n in range(2 * concurrent):
        store = workdir / f"race-{n:03d}"
        races.append(concurrent_trial(store, corpus, reference, fresh=n % 2 == 1))
        shutil.rmtree(store, ignore_errors=True)
    return {"trials": trials, "seed": seed, "documents": len(reference["manifest"]),
            "passages": reference["count"], "clean_ingest_seconds": round(seconds, 2),
            "killed": sum(r["killed"] for r in records), "survived": sum(r["ok"] for r in records),
            "records": records, "races": races, "backup_race": backup_race(workdir / "backups", backups),
            "damaged_restores": damaged_restores(workdir / "restores", damaged),
            "hostile": hostile_inputs(workdir / "hostile")}


def _markdown(result: dict) -> str:
    from bench._report import table

    recs = result["records"]
    killed = [r for r in recs if r["killed"]]
    rows = [["trials", result["trials"]], ["killed mid-run (others finished first)", result["killed"]],
            ["store identical to a clean ingest after resume", f"{result['survived']} / {result['trials']}"],
            ["corpus", f"{result['documents']} documents, {result['passages']} passages"],
            ["clean ingest (fake embedder)", f"{result['clean_ingest_seconds']} s"],
            ["documents committed before the kill (median, min-max)",
             f"{statistics.median([r['committed_before_kill'] or 0 for r in killed]) if killed else '-'}"
             f" ({min((r['committed_before_kill'] or 0 for r in killed), default='-')}-"
             f"{max((r['committed_before_kill'] or 0 for r in killed), default='-')})"],
            ["orphan passages removed on resume (total)", sum(r["orphans_removed"] or 0 for r in recs)],
            *[[f"two ingestions at once on {'a new' if fresh else 'an existing'} store: refused by the "
               "lock / store clean, of runs",
               f"{sum(r['refused'] for r in races)} / {sum(r['ok'] for r in races)} of {len(races)}"]
              for fresh in (False, True) for races in [[r for r in result["races"] if r["fresh"] == fresh]]]]
    race, restores = result["backup_race"], result["damaged_restores"]
    rows += [["backups taken while another process re-ingests (Chroma server): inconsistent",
              f"{race['inconsistent']} of {race['backups']} (the backup before this fix, same run: "
              f"{race['naive_inconsistent']} of {race['backups'] - race['naive_failed']}; writer rounds "
              f"{race['writer_rounds']})"],
             ["damaged backups restored into a store with data: refused / target unchanged byte for byte",
              f"{restores['refused']} / {restores['target_unchanged']} of {restores['variants']}"]]
    hostile = table(["hostile input", "result", "seconds to refuse", "peak RSS MB", "within 30 s / 1.5 GB"],
                    [[h["input"], f"{h['status']}: {h['reason'][:70]}" if h["reason"] else h["status"],
                      h.get("seconds"), h.get("peak_rss_mb"), "yes" if h["within_budget"] else "NO"]
                     for h in result["hostile"]])
    failures = [f"- trial {i}: {'; '.join(r['problems'])}" for i, r in enumerate(recs) if not r["ok"]]
    failures += [f"- race ({'new' if r['fresh'] else 'existing'} store): {'; '.join(r['problems'])}"
                 for r in result["races"] if not r["ok"]]
    text = table(["check", "result"], rows) + "\n\n" + hostile
    if failures:
        text += "\n\nFailures:\n" + "\n".join(failures)
    return ("`python bench/crash_safety.py` — kill -9 an ingestion at a random moment and resume; backups during "
            "a re-ingest; damaged restores; hostile inputs refused in fresh processes.\n\n" + text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backups", type=int, default=50, help="backups taken during re-ingests (and as many peer)")
    parser.add_argument("--damaged", type=int, default=40, help="damaged backup files restored")
    args = parser.parse_args()
    from bench._report import write

    with tempfile.TemporaryDirectory(prefix="hrqa-crash-") as tmp:
        result = run(args.trials, args.seed, Path(tmp), backups=args.backups, damaged=args.damaged)
    markdown = _markdown(result)
    print(markdown)
    write("crash_safety", markdown, result)
    # Races on a new store also hit Chroma's unlocked first-time migration (a known issue, reported in the
    # table); the lock itself is judged on existing stores.
    ok = result["survived"] == result["trials"] and all(r["ok"] for r in result["races"] if not r["fresh"])
    restores = result["damaged_restores"]
    ok = ok and result["backup_race"]["inconsistent"] == 0 and restores["refused"] == restores["variants"] \
        == restores["target_unchanged"]
    ok = ok and all(h["within_budget"] and h["status"] in ("failed", "refused")
                    for h in result["hostile"] if not h["input"].startswith("baseline"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
