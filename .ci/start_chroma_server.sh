#!/usr/bin/env bash
# Start a Chroma server for the tests marked `server`, in the background, on
# 127.0.0.1:$PORT, with the `chroma` CLI of the project venv (so client and server
# are the same chromadb release). Run `make install` first.
#
#   eval "$(bash .ci/start_chroma_server.sh)"  # sets HRQA_TEST_CHROMA_URL, _PID
#   bash .ci/start_chroma_server.sh stop
#
# Stdout carries only `export` lines, so it can be eval'ed; progress goes to stderr.
# The data lives in $HRQA_CHROMA_PATH, by default a new temporary folder, so every
# start is an empty server. A server already answering on the port is reused.
set -euo pipefail

PORT=${PORT:-8011}
HOST=127.0.0.1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHROMA=${HRQA_CHROMA_BIN:-$ROOT/.venv/bin/chroma}
RUN_DIR=${TMPDIR:-/tmp}/hrqa-chroma-$PORT
PIDFILE=$RUN_DIR.pid
TEMP_DATA_FILE=$RUN_DIR.tempdata
LOG=${HRQA_CHROMA_LOG:-$RUN_DIR.log}
TIMEOUT=${HRQA_CHROMA_TIMEOUT:-60}
URL=http://$HOST:$PORT

say() { echo "start_chroma_server: $*" >&2; }

print_exports() {
    echo "export HRQA_TEST_CHROMA_URL=$URL"
    echo "export HRQA_TEST_CHROMA_PID=$(cat "$PIDFILE" 2>/dev/null || true)"
}

source "$(dirname "${BASH_SOURCE[0]}")/_wait_ready.sh"
answering() { curl -sf --max-time 2 "$URL/api/v2/heartbeat" >/dev/null 2>&1; }

if [[ ${1:-} == stop ]]; then
    if [[ -f $PIDFILE ]]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
        rm -f "$PIDFILE"
        say "stopped the server on port $PORT"
    fi
    if [[ -f $TEMP_DATA_FILE ]]; then
        rm -rf "$(cat "$TEMP_DATA_FILE")" "$TEMP_DATA_FILE"
    fi
    exit 0
fi

if answering; then
    say "a server already answers on $URL; reusing it"
    print_exports
    exit 0
fi

[[ -x $CHROMA ]] || { say "no $CHROMA: run 'make install' first"; exit 1; }
if [[ -n ${HRQA_CHROMA_PATH:-} ]]; then
    DATA=$HRQA_CHROMA_PATH
else
    DATA=$(mktemp -d "${TMPDIR:-/tmp}/hrqa-chroma-data.XXXXXX")
    echo "$DATA" > "$TEMP_DATA_FILE"  # removed again by `stop`
fi

say "starting chroma on $URL, data in $DATA (log $LOG)"
started=$SECONDS
# Telemetry off: this machine has no route out, and the tests must not wait on one.
ANONYMIZED_TELEMETRY=False setsid nohup "$CHROMA" run --path "$DATA" --host "$HOST" --port "$PORT" \
    > "$LOG" 2>&1 < /dev/null &
echo $! > "$PIDFILE"

wait_ready chroma "$URL/api/v2/heartbeat" 0.2
say "ready in $((SECONDS - started)) s: $URL"
print_exports
