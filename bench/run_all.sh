#!/usr/bin/env bash
# The benchmarks CI runs after the tests (called by .ci/run). Each prints a table and writes its section of
# BENCHMARKS.md and bench/results/NAME.json. They read ../shared (real documents) where noted; on a machine without
# it they are skipped with a message instead of failing. HRQA_BENCH_QUICK=1 (set here) keeps the scale runs to
# 1k/10k passages; run `make bench` without it for the full 100k figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false HRQA_BENCH_QUICK=${HRQA_BENCH_QUICK:-1}

run() {
    local started=$SECONDS
    echo "== bench/$1 ${*:2}"
    "$PY" "bench/$1" "${@:2}"
    echo "== bench/$1: $((SECONDS - started)) s"
}

run startup.py                 # whole-process cold start of hrqa docs / hrqa ask (targets 0.5 s / 2 s; repo only)
run quality.py                 # hrqa vs the LangChain tutorial recipe on the seed questions (repo only)
run tags.py                    # recommendation tagging precision/recall on the labelled set (repo only)
run crash_safety.py --trials 20  # kill -9 + resume; 50 backups during re-ingests; 40 damaged restores; hostile inputs
run load.py --clients 20 --questions 5  # 20 concurrent chat clients against `hrqa serve` on 127.0.0.1
if [[ -d ${HRQA_SHARED:-../shared}/corpus-real ]]; then
    run ingest.py              # passages/s vs the raw encoder, peak RSS, no-op re-ingest of 1,000 documents
    run query_scale.py         # ask latency and RSS at 1k/10k (100k without quick mode), embedded and server
    run recommendations.py     # responses of three UPR cycles; tags vs the UN's labels (held-out half)
else
    echo "== ../shared/corpus-real not found: ingest and query-scale benchmarks skipped"
fi
