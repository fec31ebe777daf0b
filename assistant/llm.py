"""Optional LLM answers through LangChain chat models, checked citation by citation.

The model sees passages under opaque ids ([S1] ...). Afterwards every marker is checked: unknown ids are
removed, sentences without a valid marker are flagged, and an error, a timeout or an answer without one valid
citation makes the caller fall back to the extractive answer.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from assistant.answer.compose import citation_for, quote_of
from assistant.answer.features import split_sentences
from assistant.answer.question import analyze
from assistant.retrieval import Retrieved
from assistant.types import Citation
from ingest.errors import ConfigError, HrqaError
from prompts import load_prompt

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\[\s*(S\d+)\s*\]", re.I)
_ANY_BRACKET_ID = re.compile(r"\[\s*([A-Za-z]*\d+[A-Za-z0-9]*)\s*\]")
_REFUSAL = "NOT_IN_DOCUMENTS"
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
# Text that addresses the model rather than the reader: a passage containing it may be a prompt injection, so a
# sentence supported only by such a passage is not presented as a cited claim.
_INSTRUCTION_LIKE = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules)\b|\byou are now\b|\bsystem prompt\b"
    r"|\b(answer|reply|respond|say)\s+(only\s+)?(that|with)\b", re.I | re.S)
# Strings a passage could use to pretend its data section ended.
_DELIMITERS = re.compile(r"</?\s*passage[^>]*>", re.I)


class LLMFailure(HrqaError):
    """The LLM answer cannot be used (error, timeout, refusal, or no valid citation)."""


@dataclass
class Checked:
    """A validated LLM answer: text with [n] markers, its citations, and what was removed or flagged."""

    text: str
    citations: list[Citation]
    warnings: list[str] = field(default_factory=list)
    refused: bool = False


def make_chat_model(backend: str, model: str = "", base_url: str = "", api_key: str = "not-needed",
                    model_path: str = "", timeout: float = 60.0, temperature: float = 0.0,
                    max_tokens: int = 400) -> Any | None:
    """The one factory for chat models; None for the offline backend.

    Raises:
        ConfigError: unknown backend or a missing required setting.
    """
    if backend in ("", "none", "extractive"):
        return None
    if backend == "openai":
        if not base_url:
            raise ConfigError("HRQA_LLM_BASE_URL is required for the openai backend (e.g. http://127.0.0.1:8080/v1)")
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(model=model or "local", base_url=base_url, api_key=SecretStr(api_key),
                          **_openai_options(timeout, temperature, max_tokens))
    if backend == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=model or "llama3.2", base_url=base_url or None, temperature=temperature,
                          num_predict=max_tokens, client_kwargs={"timeout": timeout})
    if backend == "llamacpp":
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        url = llamacpp_server(model_path)
        return ChatOpenAI(model=Path(model_path).stem, base_url=url, api_key=SecretStr("not-needed"),
                          **_openai_options(timeout, temperature, max_tokens))
    raise ConfigError(f"unknown LLM backend {backend!r}; use none, openai, ollama or llamacpp (HRQA_LLM_BACKEND)")


def _openai_options(timeout: float, temperature: float, max_tokens: int) -> dict[str, Any]:
    """ChatOpenAI's keywords shared by both backends (max_tokens is a pydantic alias its type stubs do not list)."""
    return {"timeout": timeout, "temperature": temperature, "max_retries": 0, "max_tokens": max_tokens}


_LLAMACPP_SERVERS: dict[str, Any] = {}  # model path -> the in-process server (one per model per process)


def llamacpp_server(model_path: str, threads: int = 1, n_ctx: int = 4096) -> str:
    """The OpenAI-style base URL of an in-process llama.cpp server (xllamacpp) for a GGUF file.

    xllamacpp is llama.cpp's own server, prebuilt for Linux x86-64 on PyPI (`pip install 'hrqa[llm]'`): no
    compiler, and the same HTTP API as the openai backend, so streaming, timeouts and checks are shared. It
    listens on a free loopback port. One thread by default: with two cores, more threads stall generation
    whenever the web app or an ingest takes a core.

    Raises:
        ConfigError: no model path, the file is missing, or xllamacpp is not installed.
    """
    if not model_path:
        raise ConfigError("HRQA_LLM_MODEL_PATH (a .gguf file) is required for the llamacpp backend")
    if not Path(model_path).is_file():
        raise ConfigError(f"HRQA_LLM_MODEL_PATH {model_path} is not a file; give the path of a .gguf model")
    if model_path not in _LLAMACPP_SERVERS:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ConfigError("the llamacpp backend needs xllamacpp: pip install 'hrqa[llm]'") from exc
        params = xllamacpp.CommonParams()
        params.model.path = model_path
        params.n_ctx, params.n_parallel = n_ctx, 1
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        params.hostnames, params.port, params.model_alias = ["127.0.0.1"], 0, [Path(model_path).stem]
        _LLAMACPP_SERVERS[model_path] = xllamacpp.Server(params)
        log.info("llama.cpp (xllamacpp) serving %s at %s", model_path, _LLAMACPP_SERVERS[model_path].listening_address)
    return _LLAMACPP_SERVERS[model_path].listening_address + "/v1"


def model_name(chat_model: Any) -> str:
    for attr in ("model_name", "model", "model_path"):
        value = getattr(chat_model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(chat_model).__name__


def build_messages(question: str, passages: Sequence[Retrieved]) -> list[tuple[str, str]]:
    """System and user messages; passage text is data inside delimiters it cannot close."""
    prompt = load_prompt("answer")
    blocks = [f'<passage id="S{i}">\n{_DELIMITERS.sub(" ", r.passage.text)}\n</passage>'
              for i, r in enumerate(passages, 1)]
    return [("system", prompt["system"]), ("user", prompt["user"].format(passages="\n".join(blocks),
                                                                        question=question))]


def stream_answer(chat_model: Any, question: str, passages: Sequence[Retrieved], timeout: float,
                  on_token: Callable[[str], None] | None = None) -> str:
    """Run the model (streaming when it can) and return its raw text.

    Raises:
        LLMFailure: the model raised, or the timeout passed.
    """
    messages = build_messages(question, passages)
    started = time.monotonic()
    chunks: list[str] = []
    try:
        for chunk in chat_model.stream(messages):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            chunks.append(piece)
            if on_token and piece:
                on_token(piece)
            if time.monotonic() - started > timeout:
                raise LLMFailure(f"LLM took longer than {timeout:.0f}s")
    except LLMFailure:
        raise
    except Exception as exc:
        raise LLMFailure(f"LLM error: {type(exc).__name__}: {exc}") from exc
    return "".join(chunks)


def check_answer(raw: str, question: str, passages: Sequence[Retrieved]) -> Checked:
    """Validate markers, renumber them [1], [2] ... in order of first use, and build citations.

    Raises:
        LLMFailure: the model refused or no sentence carries a valid marker.
    """
    if _REFUSAL in raw:
        raise LLMFailure("the model found no answer in the passages")
    valid = {f"S{i}": r for i, r in enumerate(passages, 1)}
    warnings: list[str] = []
    numbering: dict[str, int] = {}
    q = analyze(question)
    out_sentences = []
    for sentence in split_sentences(raw.strip()):
        ids = [m.group(1).upper() for m in _ANY_BRACKET_ID.finditer(sentence)]
        unknown = [i for i in ids if i not in valid]
        if unknown:
            warnings.append(f"removed unknown citation(s) {', '.join(unknown)}")
        known = [i for i in ids if i in valid]
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", _ANY_BRACKET_ID.sub("", sentence)).strip()
        if not text:
            continue
        if not known:
            warnings.append(f"unsupported sentence (no valid citation): {text[:80]}")
            out_sentences.append(f"{text} [unsupported]")
            continue
        if all(_INSTRUCTION_LIKE.search(valid[i].passage.text) for i in known):
            warnings.append(f"sentence relies on a passage that contains instructions (possible prompt injection): "
                            f"{text[:80]}")
            out_sentences.append(f"{text} [unsupported]")
            continue
        marks = "".join(f"[{numbering.setdefault(i, len(numbering) + 1)}]" for i in dict.fromkeys(known))
        out_sentences.append(f"{text} {marks}")
    if not numbering:
        raise LLMFailure("the answer carried no valid citation")
    citations = []
    for sid, marker in sorted(numbering.items(), key=lambda kv: kv[1]):
        item = valid[sid]
        quote = quote_of(q, item)
        citations.append(citation_for(marker, item, quote))
    return Checked(" ".join(out_sentences), citations, warnings)


def rewrite_with_llm(chat_model: Any, previous: str, question: str) -> str:
    """A standalone query from the LLM; the caller keeps the rule-based one on any failure."""
    prompt = load_prompt("rewrite")
    reply = chat_model.invoke([("system", prompt["system"]),
                               ("user", prompt["user"].format(previous=previous, question=question))])
    text = reply.content.strip() if isinstance(reply.content, str) else ""
    if not text or len(text) > 400:
        raise LLMFailure("unusable rewrite")
    return text.splitlines()[0]


def iter_tokens(text: str, size: int = 24) -> Iterator[str]:
    """Split a finished text into small deltas, so the extractive answer streams like a model's."""
    for start in range(0, len(text), size):
        yield text[start : start + size]
