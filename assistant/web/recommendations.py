"""The "Recommendations" tab: a filterable table of every recommendation, click-through and CSV export.

gradio is passed in (never imported here), so importing this module loads no UI library. The main app calls

    with gr.Tab("Recommendations"):
        build_recommendations_tab(gr, RecommendationExplorer(index), open_passage_fn)
"""
from __future__ import annotations

import html
import os
import tempfile
from typing import Any, Callable

from assistant.recommendations import RecommendationExplorer, RecommendationItem, to_csv
from ingest.errors import HrqaError

ALL = "(all)"
HEADERS = ["label", "themes", "groups", "response", "text"]
_TEXT_CHARS = 220  # the table clips; the full text is shown when a row is selected


def default_open_passage(index) -> Callable[[str], str]:
    """open_passage_fn for standalone use: the paragraph with its label and one neighbour each side, escaped."""

    def open_passage(passage_id: str) -> str:
        passage = index.passage(passage_id)
        if passage is None:
            return f"<p>Passage {html.escape(passage_id)} is no longer indexed.</p>"
        parts = []
        for p in index.neighbours(passage, 1, 1):
            style = "" if p.id == passage.id else " style='opacity:0.6'"
            parts.append(f"<div{style}><b>{html.escape(p.label)}</b><p>{html.escape(p.text)}</p></div>")
        return "".join(parts)

    return open_passage


def rows(items: list[RecommendationItem]) -> list[list[str]]:
    """Table rows (HEADERS) for items."""
    return [[i.label, "; ".join(t.label for t in i.themes), "; ".join(t.label for t in i.groups),
             i.response_status or "-", i.text if len(i.text) <= _TEXT_CHARS else i.text[: _TEXT_CHARS - 1] + "…"]
            for i in items]


def details_html(item: RecommendationItem, passage_html: str) -> str:
    """The selected item: its tags with their reasons, the response, then the source paragraph in context."""
    tags = "".join(f"<li>{html.escape(t.label)} <small>({html.escape(t.why)})</small></li>"
                   for t in (*item.themes, *item.groups))
    response = ""
    if item.response_status:
        response = f"<p><b>Response:</b> {html.escape(item.response_status)}"
        response += f" — {html.escape(item.response_reason)}</p>" if item.response_reason else "</p>"
    actor = f"<p><b>Recommended by:</b> {html.escape(item.actor)}</p>" if item.actor else ""
    return (f"<h4>{html.escape(item.label)}</h4><blockquote>{html.escape(item.text)}</blockquote>{actor}{response}"
            f"<ul>{tags}</ul><hr>{passage_html}")


def build_recommendations_tab(gr: Any, explorer: RecommendationExplorer,
                              open_passage_fn: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Build the tab's components inside the caller's `with gr.Tab(...)` block and wire their events.

    Args:
        gr: the gradio module.
        explorer: the items to show.
        open_passage_fn: passage id -> HTML of the paragraph with its neighbours; default_open_passage otherwise.

    Returns:
        The components by name (table, theme, group, document, status, query, details, download, message).
    """
    open_passage = open_passage_fn or default_open_passage(explorer.index)
    vocab = explorer.vocabulary
    with gr.Row():
        theme = gr.Dropdown([ALL, *(t.label for t in vocab.themes)], value=ALL, label="Theme")
        group = gr.Dropdown([ALL, *(g.label for g in vocab.groups)], value=ALL, label="Affected group")
        document = gr.Dropdown([ALL], value=ALL, label="Document")
        status = gr.Dropdown([ALL, "supported", "noted", "none"], value=ALL, label="Response")
    query = gr.Textbox(label="Search recommendations", placeholder="e.g. overcrowding in prisons")
    message = gr.Markdown()
    table = gr.Dataframe(headers=HEADERS, value=[], interactive=False, wrap=True, label="Recommendations",
                         column_widths=["20%", "20%", "14%", "8%", "38%"])
    download = gr.DownloadButton("Download CSV", value=None)
    details = gr.HTML()
    shown = gr.State([])

    def apply(theme_v, group_v, doc_v, status_v, query_v):
        try:
            items = explorer.filter(theme=_value(theme_v), group=_value(group_v), doc=_value(doc_v),
                                    query=query_v or None, status=_value(status_v))
        except HrqaError as exc:
            return [], [], None, f"**{html.escape(str(exc))}**"
        return rows(items), [i.id for i in items], _csv_file(explorer, items), f"{len(items)} recommendations"

    def on_load():
        names = [ALL, *(r.meta.file_name for r in explorer.documents())]
        return (gr.update(choices=names, value=ALL), *apply(ALL, ALL, ALL, ALL, ""))

    def select(ids, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        item = {i.id: i for i in explorer.items()}.get(ids[row]) if 0 <= row < len(ids) else None
        return details_html(item, open_passage(item.passage_id)) if item else ""

    select.__annotations__["evt"] = gr.SelectData  # string annotations (PEP 563) hide the type from gradio
    inputs = [theme, group, document, status, query]
    outputs = [table, shown, download, message]
    gr.on(None, on_load, None, [document, *outputs])  # no triggers: runs when the page loads
    gr.on([theme.change, group.change, document.change, status.change, query.submit], apply, inputs, outputs)
    table.select(select, [shown], details)
    return {"table": table, "theme": theme, "group": group, "document": document, "status": status,
            "query": query, "details": details, "download": download, "message": message}


def _value(choice: str | None) -> str | None:
    return None if not choice or choice == ALL else choice


def _csv_file(explorer: RecommendationExplorer, items: list[RecommendationItem]) -> str | None:
    """A temporary CSV of the shown items for the download button."""
    if not items:
        return None
    handle, path = tempfile.mkstemp(prefix="recommendations-", suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
        f.write(to_csv(items))
    return path
