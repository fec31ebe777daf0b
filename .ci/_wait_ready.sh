# Sourced by the start_*_server.sh scripts: wait until the caller's `answering` function succeeds.
# wait_ready NAME WHAT INTERVAL: NAME for messages, WHAT the probe's address; uses PIDFILE, LOG, TIMEOUT and
# `started` from the caller. Exits 1, with the log's tail, when the server dies or the timeout passes.
wait_ready() {
    local name=$1 what=$2 interval=$3
    until answering; do
        if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            say "$name exited; last lines of $LOG:"
            tail -n 30 "$LOG" >&2
            exit 1
        fi
        if (( SECONDS - started > TIMEOUT )); then
            say "no answer from $what after $TIMEOUT s; last lines of $LOG:"
            tail -n 30 "$LOG" >&2
            kill "$(cat "$PIDFILE")" 2>/dev/null || true
            exit 1
        fi
        sleep "$interval"
    done
}
