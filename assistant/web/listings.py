"""Markup and rows for the lists: the documents table and its actions, recommendation cards, the footer. Pure."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any, Sequence

from vectorstore.store import DocRecord

TABLE_HEADERS = ["title", "type", "date", "passages", "file", "added"]
FORMATS = {"pdf": "PDF", "txt": "text", "md": "Markdown", "html": "web page", "docx": "Word"}


def documents_rows(records: Sequence[DocRecord]) -> list[list[Any]]:
    """One row per document: what it is, its date, how many passages, its file and when it was indexed."""
    return [[r.meta.title, f"{r.meta.doc_type} ({FORMATS.get(r.meta.source_format, r.meta.source_format)})",
             r.meta.date or "", r.n_passages, r.meta.file_name, _day(r.ingested_at)] for r in records]


def _day(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ""


def document_summary(record: DocRecord | None) -> str:
    """The chosen document, above its actions."""
    if record is None:
        return "Choose a document in the table or the list to open, re-index or delete it."
    m = record.meta
    return f"**{m.title}** · {m.doc_type} · {m.date or 'undated'} · {record.n_passages} passages · `{m.file_name}`"


def delete_question(record: DocRecord, uploaded_copy: bool) -> str:
    """What a delete removes, named before the user confirms it."""
    m = record.meta
    copy = " and the uploaded copy of the file" if uploaded_copy else " (the file itself stays where it is)"
    return (f"**Delete “{m.title}” ({m.file_name})?** Its {record.n_passages} passages leave the index{copy}; "
            "answers will no longer cite it. This cannot be undone.")


def footer_html(backend: str, n_documents: int) -> str:
    return (f'<div class="hrqa-footer"><small>Answers: {html.escape(backend)} · {n_documents} documents indexed · '
            'every claim links to the paragraph it comes from</small></div>')


def recommendation_cards(items: Sequence) -> str:
    """Recommendation items as cards (shown instead of the table on a phone): number, State, tags, response, text."""
    cards = []
    for i in items:
        tags = " · ".join(t for t in ("; ".join(x.label for x in i.themes), "; ".join(x.label for x in i.groups)) if t)
        head = f"¶{i.number}" + (f" — {i.actor}" if i.actor else "")
        cards.append(f'<article class="hrqa-card"><h4>{html.escape(head)}</h4>'
                     f'<p class="hrqa-card-tags">{html.escape(tags or "no theme tagged")}</p>'
                     f'<p class="hrqa-card-response">response: {html.escape(i.response_status or "-")}</p>'
                     f'<p class="hrqa-card-text">{html.escape(i.text)}</p></article>')
    return f'<div class="hrqa-cards">{"".join(cards)}</div>' if cards else ""
