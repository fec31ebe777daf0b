"""The trainers' handout: one answer or a whole conversation, as Markdown or DOCX, with its sources.

Built once as plain data (`build`), then rendered (`to_markdown`, `to_docx`). What a trainer hands out must
stand on its own: the date, every question in order (a follow-up says which question it follows and how it was
understood), the answers with their markers numbered across the handout, and each cited passage once, with its
full citation, document title (a news item's own headline, not a name made from its file), date and page. A
passage's words appear once: when the answer already quotes them, the source lists the citation only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

from assistant.types import Answer

_MARKER = re.compile(r"\[(\d+)\]")
_WORDS = re.compile(r"[^\W_]+")
_NEWS_TYPES = ("news", "newsletter")


@dataclass(frozen=True)
class Source:
    """A cited passage, numbered once for the whole handout."""

    number: int
    citation: str
    title: str
    doc_type: str
    date: str
    file_name: str
    page: int | None
    quote: str
    quoted_in_answer: bool


@dataclass(frozen=True)
class Turn:
    number: int
    question: str
    follows: str  # the earlier question this one follows up, "" when it stands alone
    understood_as: str  # the standalone question searched, "" when equal to the question
    text: str  # the answer, its markers renumbered to Source.number
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Handout:
    title: str
    date: str
    turns: tuple[Turn, ...]
    sources: tuple[Source, ...]


def build(answers: Sequence[Answer], today: dt.date | None = None) -> Handout:
    """The handout of answers (one, or a conversation in order); today defaults to the local date."""
    numbers: dict[str, int] = {}
    found: dict[str, Source] = {}
    turns = []
    for i, answer in enumerate(answers, 1):
        docs = {r.passage.id: r for r in answer.passages}
        local: dict[int, int] = {}
        for c in answer.citations:
            number = numbers.setdefault(c.passage_id, len(numbers) + 1)
            local[c.marker] = number
            if c.passage_id not in found:
                found[c.passage_id] = _source(number, c, docs.get(c.passage_id), answer.text)
        text = _renumber(answer.text.strip(), local)
        follows = answers[i - 2].question if i > 1 and _is_followup(answer) else ""
        understood = answer.standalone if answer.standalone and answer.standalone != answer.question else ""
        turns.append(Turn(i, answer.question, follows, understood, text, tuple(answer.warnings)))
    date = (today or dt.date.today()).isoformat()
    title = answers[0].question if answers else "hrqa handout"
    return Handout(title, date, tuple(turns), tuple(sorted(found.values(), key=lambda s: s.number)))


def _renumber(text: str, numbers: dict[int, int]) -> str:
    """Markers [n] of one answer as the handout's source numbers (unknown markers stay as they are)."""
    return _MARKER.sub(lambda m: f"[{numbers[int(m.group(1))]}]" if int(m.group(1)) in numbers else m.group(0), text)


def _is_followup(answer: Answer) -> bool:
    return bool(answer.standalone) and answer.standalone != answer.question


def _source(number: int, citation, retrieved, answer_text: str) -> Source:
    record = retrieved.doc if retrieved is not None else None
    passage = retrieved.passage if retrieved is not None else None
    meta = record.meta if record is not None else None
    doc_type = meta.doc_type if meta else ""
    title = meta.title if meta else citation.file_name
    if passage is not None and passage.article_title:
        title = passage.article_title  # a newsletter item: its own headline
    label = citation.label
    if doc_type in _NEWS_TYPES and passage is not None and not passage.article_title:
        label = f"{meta.short_title if meta else title}, ¶{citation.paragraph}"
    quote = (passage.text if passage is not None else "") or citation.quote
    return Source(number, label, title, doc_type, meta.date if meta else "", citation.file_name, citation.page,
                  quote, _contains(answer_text, citation.quote or quote))


def _contains(text: str, quote: str) -> bool:
    """Whether text already carries quote's words in order (markers and punctuation aside)."""
    words = " ".join(_WORDS.findall(quote.lower()))
    return bool(words) and words in " ".join(_WORDS.findall(text.lower()))


def where(source: Source) -> str:
    """'"Title" · news · 2020-05-22 · page 3 · file.pdf' (the page once, even when the label names it)."""
    parts = [f"“{source.title}”"] + [p for p in (source.doc_type, source.date) if p]
    if source.page and f"p. {source.page}" not in source.citation:
        parts.append(f"page {source.page}")
    return " · ".join([*parts, source.file_name])


def file_stem(handout: Handout) -> str:
    """A file name a trainer can find again: the first question's words and the date."""
    words = re.findall(r"[^\W_]+", handout.title.lower())[:8]
    slug = "-".join(words)[:60].strip("-") or "conversation"
    return f"hrqa-{slug}-{handout.date}"


def to_markdown(handout: Handout) -> str:
    out = [f"# {handout.title}", "", f"*hrqa handout · {handout.date} · {len(handout.turns)} question(s) · "
           f"{len(handout.sources)} source(s)*", ""]
    for t in handout.turns:
        out += [f"## {t.number}. {t.question}", ""]
        if t.follows:
            out += [f"*Follow-up to: “{t.follows}”" + (f" — searched as: “{t.understood_as}”*" if t.understood_as
                                                         else "*"), ""]
        out += [t.text, ""]
        out += [f"> note: {n}" for n in t.notes] + ([""] if t.notes else [])
    if handout.sources:
        out += ["## Sources", ""]
    for s in handout.sources:
        out += [f"**[{s.number}] {s.citation}**  ", where(s), ""]
        if not s.quoted_in_answer:
            out += [*(f"> {line}" for line in s.quote.splitlines() if line.strip()), ""]
    return "\n".join(out).rstrip() + "\n"


def to_docx(handout: Handout, path) -> None:
    """Write the handout as a Word document (python-docx): headings, answers, then the sources with quotes."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = handout.title
    doc.add_heading(handout.title, level=1)
    doc.add_paragraph(f"hrqa handout · {handout.date} · {len(handout.turns)} question(s) · "
                      f"{len(handout.sources)} source(s)").runs[0].italic = True
    for t in handout.turns:
        doc.add_heading(f"{t.number}. {t.question}", level=2)
        if t.follows:
            note = f"Follow-up to: “{t.follows}”" + (f" — searched as: “{t.understood_as}”" if t.understood_as else "")
            doc.add_paragraph(note).runs[0].italic = True
        for block in t.text.split("\n"):
            if block.strip():
                doc.add_paragraph(block)
        for n in t.notes:
            doc.add_paragraph(f"note: {n}").runs[0].font.size = Pt(9)
    if handout.sources:
        doc.add_heading("Sources", level=2)
    for s in handout.sources:
        doc.add_paragraph().add_run(f"[{s.number}] {s.citation}").bold = True
        doc.add_paragraph(where(s))
        if not s.quoted_in_answer:
            doc.add_paragraph(s.quote, style="Quote")
    doc.save(str(path))
