"""Plain-text renderings of core results for the terminal. No I/O here (handouts: assistant.handout)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from assistant.terminal import printable, printable_lines

if TYPE_CHECKING:  # types only: `hrqa docs` imports this module and must stay light
    from assistant.types import Answer
    from ingest.types import Passage
    from vectorstore.indexer import IngestReport
    from vectorstore.store import DocRecord


def answer_text(answer: Answer) -> str:
    """The answer followed by its sources, or by the nearest passages when it is a refusal."""
    lines = [printable_lines(answer.text), ""]  # a list answer names its documents: their titles come from files
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            page = f", page {c.page}" if c.page and f"p. {c.page}" not in c.label else ""  # said once
            lines.append(f"  [{c.marker}] {printable(c.label)} — {printable(c.file_name)}{page}")
    elif answer.passages:
        lines.append("Nearest passages (not cited; they do not answer the question):")
        for r in answer.passages[:3]:
            lines.append(f"  - {printable(r.passage.label)}: {_clip(r.passage.text, 140)}")
    for warning in answer.warnings:
        lines.append(f"note: {warning}")
    return "\n".join(lines).rstrip()


def report_text(report: IngestReport) -> str:
    lines = []
    for f in report.files:
        detail = f"{f.passages} passages" if f.status in {"added", "updated", "unchanged"} else f.reason
        lines.append(f"{f.status:>9}  {printable(f.path)}  {printable(detail)}".rstrip())
    s = report.summary()
    lines.append(f"\n{s['documents']} documents ({s['added']} added, {s['updated']} updated, "
                 f"{s['unchanged']} unchanged), {s['passages']} passages, {s['failed']} failed, "
                 f"{s['skipped']} skipped, {s['removed']} removed in {s['seconds']:.1f}s")
    return "\n".join(lines)


def docs_text(records: Sequence[DocRecord]) -> str:
    if not records:
        return "No documents indexed. Run: hrqa ingest PATH"
    lines = [f"{'file':<55} {'type':<11} {'date':<10} {'passages':>8}  title"]
    for r in records:
        m = r.meta
        name, title = printable(m.file_name), printable(m.title)
        lines.append(f"{name[:55]:<55} {m.doc_type:<11} {m.date or '-':<10} {r.n_passages:>8}  {title[:60]}")
    return "\n".join(lines)


def doc_dict(r: DocRecord) -> dict:
    m = r.meta
    return {"doc_id": m.doc_id, "file_name": m.file_name, "title": m.title, "short_title": m.short_title,
            "doc_type": m.doc_type, "date": m.date, "countries": list(m.countries), "passages": r.n_passages,
            "version": r.version, "path": r.path, "ingested_at": r.ingested_at}


def passage_dict(p: Passage) -> dict:
    return {"id": p.id, "label": p.label, "paragraph": p.paragraph, "page": p.page, "section_kind": p.section_kind,
            "heading": p.heading, "article_title": p.article_title, "text": p.text}


def show_text(target: Passage, context: Sequence[Passage], record: DocRecord | None) -> str:
    """One passage with its neighbours; the target is marked with '>>'."""
    head = [printable(target.label), f"id: {target.id}"]
    if record:
        m = record.meta
        head.append(f"document: {printable(m.title)} ({printable(m.file_name)}; {m.doc_type}"
                    f"{', ' + m.date if m.date else ''})")
    if target.heading:
        head.append(f"section: {printable(target.heading)}")
    body = []
    for p in context:
        mark = ">>" if p.id == target.id else "  "
        body.append(f"{mark} [{printable(p.label)}]\n{mark} {p.text}")
    return "\n".join(head) + "\n\n" + "\n\n".join(body)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
