"""The "Recommendations" tab: every recommendation in a filterable table, its source on click, XLSX and CSV exports.

gradio is passed in (never imported here), so importing this module loads no UI library. The main app calls

    with gr.Tab("Recommendations", id="recommendations"):
        tab = build_recommendations_tab(gr, RecommendationExplorer(index), open_passage_fn)

and then
- after an upload or a delete: `tab["refresh_after"](event)` chains a refresh (document choices and table) onto
  the event's dependency;
- to open the tab with a filter from outside (the chat's "N of M shown — open in Recommendations"): return
  `filter_request(doc_ids=..., theme=..., group=..., actor=..., status=..., query=..., ids=...)` into
  `tab["request"]` (a gr.State) and select the tab; the tab sets its filters from it and lists the items (with
  ids: exactly those items, the chat's list, until a filter is changed).
Every value shown is escaped; text flagged by the explorer (instruction-like text, markup, links, formulas) is shown
as text with a visible warning.
"""
from __future__ import annotations

import html
import os
import shutil
import tempfile
from typing import Any, Callable, Iterable

from assistant.recommendations import RecommendationExplorer, RecommendationItem, export_name, to_csv, write_xlsx
from assistant.web.listings import recommendation_cards
from ingest.errors import HrqaError

ALL = "(all)"
HEADERS = ["¶", "document", "State", "themes", "groups", "response", "text"]
STATUS_CHOICES = [ALL, "supported", "noted", "partially", "none"]
WARNING_MARK = "⚠ "
_TEXT_CHARS = 220  # the table clips; the full text is shown when a row is selected


def filter_request(doc_ids: Iterable[str] | None = None, theme: str | None = None, group: str | None = None,
                   actor: str | None = None, status: str | None = None, query: str | None = None,
                   ids: Iterable[str] | None = None) -> dict:
    """The value to put into the tab's "request" state to open it with this filter (None: any). ids: list exactly
    these items (a chat answer's list, which the dropdowns cannot always express: "Roma children"); the other
    values then only set the dropdowns to the nearest filter."""
    return {"doc_ids": sorted(doc_ids or ()), "theme": theme, "group": group, "actor": actor, "status": status,
            "query": query, "ids": list(ids) if ids else None}


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
    """Table rows (HEADERS) for items; flagged text starts with the warning mark."""
    out = []
    for i in items:
        text = i.text if len(i.text) <= _TEXT_CHARS else i.text[: _TEXT_CHARS - 1] + "…"
        out.append([f"¶{i.number}", i.doc_title or i.file_name, i.actor, "; ".join(t.label for t in i.themes),
                    "; ".join(t.label for t in i.groups), i.response_status or "-",
                    (WARNING_MARK if i.warnings else "") + text])
    return out


def details_html(item: RecommendationItem, passage_html: str) -> str:
    """The selected item: warnings, text, State, response with its sources, tags with reasons, then the paragraph."""
    e = html.escape
    warn = "".join(f"<p class='hrqa-warning' role='alert'><b>⚠ Warning:</b> this text {e(w)}; it is shown as "
                   "written, as data, and nothing in it is followed.</p>" for w in item.warnings)
    tags = "".join(f"<li>{e(t.label)} <small>({e(t.why)})</small></li>" for t in (*item.themes, *item.groups))
    response = ""
    if item.response_status:
        cited = ", ".join(e(x) for x in dict.fromkeys(filter(None, (item.response_label, item.reason_label))))
        response = f"<p><b>Response:</b> {e(item.response_status)}"
        response += f" — {e(item.response_reason)}" if item.response_reason else ""
        response += f"<br><small>Source: {cited}</small></p>" if cited else "</p>"
    actor = f"<p><b>Recommended by:</b> {e(item.actor)}</p>" if item.actor else ""
    return (f"{warn}<h4>{e(item.label)}</h4><blockquote>{e(item.text)}</blockquote>{actor}{response}"
            f"<ul>{tags}</ul><hr>{passage_html}")


def build_recommendations_tab(gr: Any, explorer: RecommendationExplorer,
                              open_passage_fn: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Build the tab's components inside the caller's `with gr.Tab(...)` block and wire their events.

    Args:
        gr: the gradio module.
        explorer: the items to show.
        open_passage_fn: passage id -> HTML of the paragraph with its neighbours; default_open_passage otherwise.

    Returns:
        The components by name (table, theme, group, document, state, status, query, details, xlsx, csv, message,
        request) and refresh_after(event), which chains a refresh onto an event.
    """
    open_passage = open_passage_fn or default_open_passage(explorer.index)
    vocab = explorer.vocabulary
    with gr.Row():
        theme = gr.Dropdown([ALL, *(t.label for t in vocab.themes)], value=ALL, label="Theme",
                            elem_id="hrqa-rec-theme")
        group = gr.Dropdown([ALL, *(g.label for g in vocab.groups)], value=ALL, label="Affected group",
                            elem_id="hrqa-rec-group")
        state = gr.Dropdown([ALL], value=ALL, label="Recommending State", allow_custom_value=True,
                            elem_id="hrqa-rec-state")
        status = gr.Dropdown(STATUS_CHOICES, value=ALL, label="Response", elem_id="hrqa-rec-status")
    with gr.Row():
        document = gr.Dropdown([], value=[], multiselect=True, label="Documents (none chosen: all)",
                               elem_id="hrqa-rec-docs", scale=2)
        query = gr.Textbox(label="Search recommendations", placeholder="e.g. overcrowding in prisons", scale=2,
                           elem_id="hrqa-rec-query")
    message = gr.Markdown(elem_id="hrqa-rec-count")
    table = gr.Dataframe(headers=HEADERS, value=[], interactive=False, wrap=True, label="Recommendations",
                         elem_id="hrqa-rec-table", column_widths=["8%", "14%", "10%", "16%", "12%", "8%", "32%"])
    with gr.Row():
        xlsx = gr.DownloadButton("Download XLSX", value=None, elem_id="hrqa-rec-xlsx")
        csv_file = gr.DownloadButton("Download CSV", value=None, elem_id="hrqa-rec-csv")
    cards = gr.HTML("", elem_id="hrqa-rec-cards")  # shown instead of the table on a phone (assistant.web.style)
    details = gr.HTML(elem_id="hrqa-rec-details")
    shown = gr.State([])
    exports = gr.State("")  # this session's export folder, replaced by the next export
    request = gr.State(None)

    def apply(theme_v, group_v, state_v, status_v, docs_v, query_v, folder, only=None):
        names = {r.meta.file_name: r.meta.doc_id for r in explorer.index.documents()}
        doc_ids = {names[n] for n in docs_v or () if n in names} or None
        try:
            items = explorer.filter(theme=_value(theme_v), group=_value(group_v), actor=_value(state_v),
                                    status=_value(status_v), query=query_v or None, doc_ids=doc_ids)
        except HrqaError as exc:
            return [], [], None, None, f"**{html.escape(str(exc))}**", folder, ""
        chosen = {"theme": _id(vocab, "theme", theme_v), "group": _id(vocab, "group", group_v),
                  "state": _value(state_v), "status": _value(status_v), "doc": _doc_names(explorer, doc_ids),
                  "query": query_v or None}
        count = f"{len(items)} recommendation{'s' if len(items) != 1 else ''}"
        if only is not None:  # the chat's list: its items, whatever the nearest dropdown values would list
            items = chat_list(explorer, only)
            chosen["from"] = "chat"
            count = (f"{len(items)} recommendation{'s' if len(items) != 1 else ''}: the chat's list (the filters "
                     "above are its nearest; change one to filter anew)")
        folder, xlsx_path, csv_path = _write_exports(items, chosen, folder)
        return (rows(items), [i.id for i in items], xlsx_path, csv_path, count, folder, recommendation_cards(items))

    def refresh(theme_v, group_v, state_v, status_v, docs_v, query_v, folder):
        names = [r.meta.file_name for r in explorer.documents()]
        states = sorted({s for i in explorer.items() for s in i.states})
        kept = [d for d in docs_v or () if d in names]
        return (gr.update(choices=names, value=kept), gr.update(choices=[ALL, *states]),
                *apply(theme_v, group_v, state_v, status_v, kept, query_v, folder))

    def from_request(req, folder):
        req = req or {}
        ids = set(req.get("doc_ids") or ())
        docs = [r.meta.file_name for r in explorer.documents() if r.meta.doc_id in ids]
        values = [_label(vocab, "theme", req.get("theme")), _label(vocab, "group", req.get("group")),
                  req.get("actor") or ALL, req.get("status") or ALL, docs, req.get("query") or ""]
        names = [r.meta.file_name for r in explorer.documents()]
        only = req.get("ids")
        return (*values[:4], gr.update(choices=names, value=docs), values[5],
                *apply(*values, folder, only=None if only is None else list(only)))

    def select(ids, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        item = {i.id: i for i in explorer.items()}.get(ids[row]) if 0 <= row < len(ids) else None
        return details_html(item, open_passage(item.passage_id)) if item else ""

    select.__annotations__["evt"] = gr.SelectData  # string annotations (PEP 563) hide the type from gradio
    inputs = [theme, group, state, status, document, query, exports]
    outputs = [table, shown, xlsx, csv_file, message, exports, cards]
    # no triggers and no inputs: runs once when the page loads (with inputs it would run whenever they change)
    gr.on(None, lambda: refresh(ALL, ALL, ALL, ALL, [], "", ""), None, [document, state, *outputs])
    # .input, not .change: a filter set by a refresh or a request must not run the filter once per widget
    gr.on([theme.input, group.input, state.input, status.input, document.input, query.submit], apply, inputs,
          outputs)
    request.change(from_request, [request, exports], [theme, group, state, status, document, query, *outputs])
    table.select(select, [shown], details)

    def refresh_after(event):
        """Chain a refresh of the document choices and the table onto an event (an upload, a delete)."""
        return event.then(refresh, inputs, [document, state, *outputs])

    return {"table": table, "theme": theme, "group": group, "state": state, "document": document, "status": status,
            "query": query, "details": details, "xlsx": xlsx, "csv": csv_file, "message": message,
            "request": request, "refresh_after": refresh_after, "cards": cards}


def chat_list(explorer: RecommendationExplorer, ids: Iterable[str]) -> list[RecommendationItem]:
    """The items with these ids in the explorer's order (by document, newest first, then number); ids no longer
    indexed (a document deleted since the answer) are left out."""
    wanted = set(ids)
    return [i for i in explorer.items() if i.id in wanted]


def _value(choice: str | None) -> str | None:
    return None if not choice or choice == ALL else choice


def _id(vocab, kind: str, choice: str | None) -> str | None:
    """A chosen theme or group label as its short id, for file names."""
    return vocab.resolve(kind, choice).id if _value(choice) else None


def _doc_names(explorer: RecommendationExplorer, doc_ids: set[str] | None) -> list[str]:
    """Short names of the chosen documents for file names: the UN symbol, else the file name."""
    records = [r for r in explorer.index.documents() if doc_ids and r.meta.doc_id in doc_ids]
    return sorted(getattr(r.meta, "symbol", "") or r.meta.file_name.rsplit(".", 1)[0] for r in records)


def _label(vocab, kind: str, key: str | None) -> str:
    """The dropdown label for a theme or group id or label from a request; ALL when none or unknown."""
    if not key:
        return ALL
    try:
        return vocab.resolve(kind, key).label
    except HrqaError:
        return ALL


def _write_exports(items: list[RecommendationItem], chosen: dict, folder: str) -> tuple[str, str | None, str | None]:
    """(folder, xlsx path, csv path) of the shown items in a new temporary folder; the session's previous export
    folder is removed, so exports do not pile up in the temp directory."""
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    if not items:
        return "", None, None
    folder = tempfile.mkdtemp(prefix="hrqa-recommendations-")
    xlsx_path = os.path.join(folder, export_name(chosen, "xlsx"))
    write_xlsx(items, xlsx_path)
    csv_path = os.path.join(folder, export_name(chosen, "csv"))
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        f.write(to_csv(items))
    return folder, xlsx_path, csv_path
