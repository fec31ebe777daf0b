"""Run the real app for load and restart checks: ingest with the real CLI, start `hrqa serve` on 127.0.0.1."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "examples" / "corpus"
SEED_QUESTIONS = ROOT / "examples" / "eval" / "seed_questions.jsonl"


def env(**extra: str) -> dict[str, str]:
    """The environment of a child hrqa process: no inherited HRQA_* settings, nothing from the network."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("HRQA_")}
    out.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT), **extra)
    return out


def hrqa(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -m assistant.cli ARGS` and return the finished process (text output captured)."""
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env(), capture_output=True,
                          text=True, timeout=timeout)


def ingest_sample(store: Path) -> None:
    done = hrqa("ingest", str(SAMPLE_CORPUS), "--store", str(store))
    if done.returncode:
        raise RuntimeError(done.stdout + done.stderr)


def seed_questions() -> list[dict]:
    return [json.loads(line) for line in SEED_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(store: Path, log_path: Path, timeout: float = 120, **settings: str) -> Iterator[str]:
    """`hrqa serve --store STORE` on a free loopback port; yields its URL, stops it on exit."""
    port = free_port()
    extra = {f"HRQA_{k.upper()}": v for k, v in settings.items()}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--store", str(store), "--host",
                                 "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env(**extra), stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not listen within {timeout} s:\n{log_path.read_text()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
