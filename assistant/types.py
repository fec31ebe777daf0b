"""What `ask()` returns and what `ask_stream()` yields: plain data, rendered elsewhere."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.retrieval import Retrieved


@dataclass(frozen=True)
class Citation:
    """One inline marker [n] and the passage it points to.

    Attributes:
        marker: the number shown in the answer text.
        passage_id: the cited passage.
        label: human citation, e.g. "Ombudsman assessment, ch. 7, ¶251 (Recommendation)".
        file_name: the source document's file name.
        paragraph / page / section_kind: where in the document.
        quote: the sentence(s) of the passage that support the answer.
    """

    marker: int
    passage_id: str
    label: str
    file_name: str
    paragraph: str
    page: int | None
    section_kind: str
    quote: str


@dataclass
class Answer:
    """The result of one question.

    Attributes:
        question: as asked.
        standalone: the question after follow-up rewriting (equal to question when there was no history).
        text: the answer with inline markers [1], [2] ...
        citations: one per marker, in marker order.
        passages: everything retrieved, best first, with scores (also shown on refusal, unmarked).
        answerable: False when the documents do not cover the question.
        backend: "extractive" or the LLM's name.
        warnings: e.g. LLM sentences flagged as unsupported, why the LLM answer was replaced, why the question
            was refused, or the parts of a question the documents do not answer.
        seconds: wall time of the whole call.
        confidence: the fitted probability that answering from these passages is right (assistant.answer.checks).
        listing: for a list from the recommendations index (assistant.answer.recommend): how many items match in
            all ("total"), how many the text shows ("shown"), and how many per document; None otherwise.
    """

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    passages: list[Retrieved] = field(default_factory=list)
    answerable: bool = True
    standalone: str = ""
    backend: str = "extractive"
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    confidence: float = 0.0
    listing: dict[str, Any] | None = None  # a list from the recommendations index: total, shown, per document

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's --json and the batch format)."""
        return {
            "question": self.question,
            "standalone": self.standalone or self.question,
            "answer": self.text,
            "answerable": self.answerable,
            "backend": self.backend,
            "warnings": list(self.warnings),
            "citations": [asdict(c) for c in self.citations],
            "passages": [passage_dict(r) for r in self.passages],
            "seconds": round(self.seconds, 4),
            "confidence": self.confidence,
            "listing": self.listing,
        }


def passage_dict(r: Retrieved) -> dict[str, Any]:
    p = r.passage
    return {
        "id": p.id, "doc": r.doc.meta.file_name if r.doc else "", "doc_title": r.doc.meta.title if r.doc else "",
        "label": p.label, "paragraph": p.paragraph, "page": p.page, "section_kind": p.section_kind,
        "text": p.text, "score": round(r.score, 4), "dense": round(r.dense, 4), "keyword": round(r.keyword, 4),
        "features": dict(r.features),
    }


@dataclass(frozen=True)
class Event:
    """One item of the answer stream: kind is "status", "token" (answer text delta) or "answer" (final)."""

    kind: str
    text: str = ""
    answer: Answer | None = None
