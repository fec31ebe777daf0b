"""Kept conversations: answers as JSON, a library of conversations, and the per-user store on the server.

A library is plain JSON, so the same value lives in the browser (Gradio BrowserState, i.e. localStorage) and, when
login is on, in one file per user under <data_dir>/conversations (the server's copy wins: the user may come back
from another browser). Answers are kept whole (text, citations, the passages shown), so a reopened conversation
renders, exports and answers follow-ups exactly as before the reload.

    {"current": "<id>" | "", "conversations": {"<id>": {"id", "title", "created", "updated", "turns": [...]}}}
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
import uuid
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from assistant.retrieval import Retrieved
from assistant.types import Answer, Citation
from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord

log = logging.getLogger(__name__)

MAX_CONVERSATIONS = 100  # per browser or user; the least recently used go first
TITLE_CHARS = 70
_PASSAGE_FIELDS = {f.name for f in fields(Passage)}
_META_FIELDS = {f.name for f in fields(DocumentMeta)}


def empty() -> dict[str, Any]:
    return {"current": "", "conversations": {}}


def answer_to_json(answer: Answer, filters: str = "") -> dict[str, Any]:
    """An answer as JSON data (with the filters it was asked under, shown again when reopened).

    Round-tripped through json, so the value equals what the browser or the user's file gives back (lists, not
    tuples).
    """
    return json.loads(json.dumps({"question": answer.question, "standalone": answer.standalone, "text": answer.text,
            "answerable": answer.answerable, "backend": answer.backend, "warnings": list(answer.warnings),
            "seconds": answer.seconds, "filters": filters,
            "citations": [asdict(c) for c in answer.citations],
            "passages": [_retrieved_json(r) for r in answer.passages]}))


def answer_from_json(data: dict[str, Any]) -> Answer:
    """The inverse of answer_to_json (unknown keys, e.g. from a newer release, are ignored)."""
    return Answer(question=data["question"], text=data["text"], standalone=data.get("standalone", ""),
                  answerable=data.get("answerable", True), backend=data.get("backend", "extractive"),
                  warnings=list(data.get("warnings", [])), seconds=data.get("seconds", 0.0),
                  citations=[Citation(**c) for c in data.get("citations", [])],
                  passages=[_retrieved(r) for r in data.get("passages", [])])


def _retrieved_json(r: Retrieved) -> dict[str, Any]:
    doc = None
    if r.doc is not None:  # the document's facts, never its path on the server
        doc = {"meta": asdict(r.doc.meta), "version": r.doc.version, "n_passages": r.doc.n_passages}
    return {"passage": asdict(r.passage), "score": r.score, "dense": r.dense, "keyword": r.keyword, "doc": doc}


def _retrieved(data: dict[str, Any]) -> Retrieved:
    passage = Passage(**{k: v for k, v in data["passage"].items() if k in _PASSAGE_FIELDS})
    doc = data.get("doc")
    record = None
    if doc:
        meta = {k: v for k, v in doc["meta"].items() if k in _META_FIELDS}
        meta["countries"] = tuple(meta.get("countries", ()))
        record = DocRecord(DocumentMeta(**meta), doc.get("version", ""), doc.get("n_passages", 0))
    return Retrieved(passage, data.get("score", 0.0), data.get("dense", 0.0), data.get("keyword", 0.0), doc=record)


def add_turn(library: dict[str, Any], turn: dict[str, Any], now: str | None = None) -> dict[str, Any]:
    """A new library with turn appended to the current conversation (a new one when there is none)."""
    now = now or _now()
    library = _copy(library)
    conversations = library["conversations"]
    current = conversations.get(library.get("current", ""))
    if current is None:
        current = {"id": uuid.uuid4().hex[:12], "title": _title(turn["question"]), "created": now, "turns": []}
        conversations[current["id"]] = current
        library["current"] = current["id"]
    current["turns"] = [*current["turns"], turn]
    current["updated"] = now
    return _trim(library)


def answers_of(library: dict[str, Any], conversation_id: str | None = None) -> list[Answer]:
    """The answers of a conversation (the current one by default), [] when unknown."""
    conversation = library.get("conversations", {}).get(conversation_id or library.get("current", ""))
    return [answer_from_json(t) for t in conversation["turns"]] if conversation else []


def filters_of(library: dict[str, Any]) -> list[str]:
    conversation = library.get("conversations", {}).get(library.get("current", ""))
    return [t.get("filters", "") for t in conversation["turns"]] if conversation else []


def select(library: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    """Make a conversation current ("" starts a new one on the next question)."""
    library = _copy(library)
    library["current"] = conversation_id if conversation_id in library["conversations"] else ""
    return library


def rename(library: dict[str, Any], conversation_id: str, title: str) -> dict[str, Any]:
    library = _copy(library)
    if conversation_id in library["conversations"] and title.strip():
        library["conversations"][conversation_id]["title"] = _title(title)
    return library


def delete(library: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    library = _copy(library)
    library["conversations"].pop(conversation_id, None)
    if library.get("current") == conversation_id:
        library["current"] = ""
    return library


def choices(library: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, id) of every conversation, most recently used first; the label carries the date and size."""
    items = sorted(library.get("conversations", {}).values(), key=lambda c: c.get("updated", ""), reverse=True)
    return [(f"{c['title']} · {c.get('updated', '')[:10]} · {len(c['turns'])} Q", c["id"]) for c in items]


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _copy(library: dict[str, Any] | None) -> dict[str, Any]:
    """A copy safe to change (Gradio compares a state's old and new value); a damaged value becomes empty."""
    if not isinstance(library, dict) or not isinstance(library.get("conversations"), dict):
        return empty()
    return {"current": library.get("current", ""),
            "conversations": {k: dict(v) for k, v in library["conversations"].items()}}


def _trim(library: dict[str, Any]) -> dict[str, Any]:
    conversations = library["conversations"]
    if len(conversations) > MAX_CONVERSATIONS:
        keep = sorted(conversations.values(), key=lambda c: c.get("updated", ""), reverse=True)[:MAX_CONVERSATIONS]
        library["conversations"] = {c["id"]: c for c in keep}
    return library


class ConversationStore:
    """One JSON file per signed-in user under folder; writes are atomic, so a crash never loses the old file.

    Args:
        folder: <data_dir>/conversations; created on the first save.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def path(self, user: str) -> Path:
        """The user's file: named by a hash, so a user name never becomes a path."""
        return self.folder / f"{hashlib.sha256(user.encode('utf-8')).hexdigest()[:24]}.json"

    def load(self, user: str) -> dict[str, Any]:
        try:
            return _copy(json.loads(self.path(user).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return empty()
        except (OSError, ValueError) as exc:
            log.warning("conversations of %r unreadable (%s); starting empty", user, exc)
            return empty()

    def save(self, user: str, library: dict[str, Any]) -> None:
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.path(user)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(library, ensure_ascii=False), encoding="utf-8")
            tmp.replace(target)
