"""Shared by the scale benchmarks: corpora made from ../shared, a cheap embedder, and child-process runs.

The real documents come from SHARED/corpus-real (../shared beside the repository, or HRQA_SHARED). Large
corpora are the real documents replicated as distinct documents (a distinguishing first line, a distinct file
name), so parsing, ids, manifest and keyword index behave as with that many different files.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from bench._report import ROOT, SHARED

REAL_CORPUS = SHARED / "corpus-real"
SAMPLE_CORPUS = ROOT / "examples" / "corpus"
QUICK = os.environ.get("HRQA_BENCH_QUICK", "") not in {"", "0", "false", "no"}


def real_files() -> list[Path]:
    """The real documents (PDF and text) of ../shared/corpus-real, SOURCES.md and the DOCX left out."""
    if not REAL_CORPUS.is_dir():
        sys.exit(f"no {REAL_CORPUS}: these benchmarks read ../shared (set HRQA_SHARED to its path)")
    return sorted(p for p in REAL_CORPUS.iterdir() if p.suffix.lower() in {".pdf", ".txt"})


def replicate_text_files(sources: Sequence[Path], dest: Path, copies: int) -> list[Path]:
    """copies x the text sources as distinct documents: file name and first line carry the copy number."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    texts = [(src, src.read_text(encoding="utf-8")) for src in sources]
    for n in range(copies):
        for src, text in texts:
            path = dest / f"{src.stem}-copy{n:05d}{src.suffix}"
            path.write_text(f"Copy {n} of {src.name}\n\n{text}", encoding="utf-8")
            out.append(path)
    return out


def replicate_links(sources: Sequence[Path], dest: Path, copies: int) -> list[Path]:
    """copies x the sources under distinct names (symlinks: same bytes, different documents)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(copies):
        for src in sources:
            path = dest / f"{src.stem}-copy{n:03d}{src.suffix}"
            path.symlink_to(src.resolve())
            out.append(path)
    return out


class HashEmbedder:
    """A cheap deterministic embedder (hashed words, L2-normalised) for building indexes where the vectors do
    not matter: the no-op re-ingest of 1,000 documents never embeds, and RSS scaling is about the pipeline."""

    name = "hash"
    dim = 384

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.blake2b(word.encode(), digest_size=4).hexdigest(), 16) % self.dim] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def run_child(script: Path, args: Sequence[str], timeout: float = 3600) -> dict:
    """Run `python script --child ...` and return the JSON it prints last (peak RSS is then per run)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "ANONYMIZED_TELEMETRY": "False"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(script), "--child", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        sys.exit(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.setdefault("wall_s", time.monotonic() - started)
    return result
