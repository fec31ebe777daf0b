"""Kept conversations: answers survive JSON whole; the library's operations; the per-user store."""
from __future__ import annotations

import json

from assistant.retrieval import Retrieved
from assistant.types import Answer, Citation
from assistant.web import conversations as conv
from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord

RECORD = DocRecord(DocumentMeta("d", "d.pdf", "Doc", "Doc", "report", "2025", ("Slovenia",)), "v1", 3,
                   path="/srv/d.pdf")
PASSAGE = Passage("d:v1:1", "d", 1, "Ratify the Convention.", "140.2", "Doc, ¶140.2, p. 2", page=2)
ANSWER = Answer(question="What?", standalone="What?", text="Ratify it [1].", backend="extractive",
                citations=[Citation(1, PASSAGE.id, PASSAGE.label, "d.pdf", "140.2", 2, "recommendation", "Ratify")],
                passages=[Retrieved(PASSAGE, 0.9, 0.8, 0.7, doc=RECORD)], warnings=["w"], seconds=0.5)


def test_conversations_answer_round_trips_through_json_without_the_server_path():
    data = json.loads(json.dumps(conv.answer_to_json(ANSWER, "type: report")))
    back = conv.answer_from_json(data)
    assert back.citations == ANSWER.citations and back.text == ANSWER.text and back.warnings == ["w"]
    assert back.passages[0].passage == PASSAGE and back.passages[0].doc.meta == RECORD.meta
    assert "/srv/d.pdf" not in json.dumps(data) and data["filters"] == "type: report"


def test_conversations_add_turn_starts_one_then_appends_and_lists_newest_first():
    lib = conv.add_turn(conv.empty(), conv.answer_to_json(ANSWER), now="2026-01-01T10:00:00")
    first = lib["current"]
    lib = conv.add_turn(lib, conv.answer_to_json(ANSWER), now="2026-01-01T10:05:00")
    assert list(lib["conversations"]) == [first] and len(lib["conversations"][first]["turns"]) == 2
    lib = conv.add_turn(conv.select(lib, ""), conv.answer_to_json(ANSWER), now="2026-01-02T09:00:00")
    assert [c for _, c in conv.choices(lib)] == [lib["current"], first]
    assert conv.choices(lib)[1][0] == "What? · 2026-01-01 · 2 Q"


def test_conversations_rename_delete_and_damaged_values():
    lib = conv.add_turn(conv.empty(), conv.answer_to_json(ANSWER))
    cid = lib["current"]
    assert conv.rename(lib, cid, "  Training, May  ")["conversations"][cid]["title"] == "Training, May"
    assert conv.rename(lib, cid, " ")["conversations"][cid]["title"] == "What?"
    gone = conv.delete(lib, cid)
    assert gone == conv.empty() and conv.answers_of(gone) == []
    assert conv.select("garbage", "x") == conv.empty()  # a damaged browser value starts empty, never crashes


def test_conversations_keep_at_most_the_newest_hundred():
    lib = conv.empty()
    for i in range(conv.MAX_CONVERSATIONS + 5):
        now = f"2026-01-01T10:{i // 60:02d}:{i % 60:02d}"
        lib = conv.add_turn(conv.select(lib, ""), conv.answer_to_json(ANSWER), now=now)
    assert len(lib["conversations"]) == conv.MAX_CONVERSATIONS and lib["current"] in lib["conversations"]


def test_conversation_store_one_file_per_user_named_by_hash(tmp_path):
    store = conv.ConversationStore(tmp_path / "conversations")
    lib = conv.add_turn(conv.empty(), conv.answer_to_json(ANSWER))
    store.save("../ann", lib)
    assert store.load("../ann") == lib and store.load("bob") == conv.empty()
    (path,) = (tmp_path / "conversations").iterdir()
    assert path.parent == tmp_path / "conversations" and "ann" not in path.name
    path.write_text("{broken", encoding="utf-8")
    assert store.load("../ann") == conv.empty()
