#!/usr/bin/env bash
# `make run` from a fresh clone to a working chat, timed: clone, make run (venv, install, ONNX export, ingest of the
# sample corpus, serve), then one question through the app's own API until a cited answer comes back.
#
#   bash bench/fresh_run.sh [PORT]        # prints the seconds to "serving" and to the first answer
#
# Uses a new clone, data directory and model cache under a temporary folder; pip's download cache is whatever this
# machine has (on a machine that never installed hrqa, the downloads add to the install time).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${1:-7920}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hrqa-fresh-run.XXXXXX")
git clone -q "$ROOT" "$WORK/hrqa"
cd "$WORK/hrqa"
export HRQA_MODEL_CACHE=$WORK/models HRQA_DATA_DIR=$WORK/data
started=$SECONDS
setsid make run SERVE_ARGS="--port $PORT" > "$WORK/make-run.log" 2>&1 &
MAKE_PID=$!
trap 'kill -- -$MAKE_PID 2>/dev/null || true' EXIT
until grep -q "hrqa: chat at" "$WORK/make-run.log"; do
    kill -0 $MAKE_PID 2>/dev/null || { tail -n 30 "$WORK/make-run.log"; exit 1; }
    sleep 0.5
done
serving=$SECONDS
.venv/bin/python - "$PORT" <<'PY'
import sys
from gradio_client import Client

client = Client(f"http://127.0.0.1:{sys.argv[1]}/", verbose=False, download_files=False)
chat, *_ = client.predict("Which recommendations concern mahallas?", [], None, [], [], [], [], "", "",
                          api_name="/respond")
content = chat[-1]["content"]
if isinstance(content, list):
    content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
assert "hrqa-done" in content and "¶251" in content, content[:300]
PY
answered=$SECONDS
grep "hrqa: chat at" "$WORK/make-run.log"
echo "fresh clone -> serving: $((serving - started)) s; -> first cited answer: $((answered - started)) s"
