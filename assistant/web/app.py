"""The Gradio chat app (`hrqa serve`): wiring only. The core, the indexer and settings are injected.

gradio is imported inside functions, so importing this module (or anything else in hrqa) does not load it.
Markup comes from assistant.web.views (escaped), I/O helpers from assistant.web.support.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any, Iterator

from assistant import render
from assistant.exports import Exports
from assistant.web import support as ui_support, views as ui_views
from assistant.core import Assistant
from assistant.settings import Settings
from assistant.recommendations import RecommendationExplorer
from assistant.web.recommendations import build_recommendations_tab
from ingest.errors import HrqaError
from ingest.types import DOC_TYPES, SECTION_KINDS
from vectorstore.indexer import Indexer

log = logging.getLogger(__name__)

CITE_BOX_ID = "hrqa-cite-box"
# Markers and sources are links to "#cite-<passage id>". One capturing listener turns a click on any of them
# into a value of the hidden textbox (with the click time, so clicking the same source twice still fires).
CLICK_JS = """() => {
  if (window.__hrqaCiteListener) return;
  window.__hrqaCiteListener = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="%s"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#%s textarea, #%s input');
    if (!box) return;
    box.value = decodeURIComponent(link.getAttribute('href').slice(%d)) + '|' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
}""" % (ui_views.CITE_PREFIX, CITE_BOX_ID, CITE_BOX_ID, len(ui_views.CITE_PREFIX))
CSS = """
.hrqa-sources { font-size: .9em; margin-top: .6em; border-top: 1px solid var(--border-color-primary); }
.hrqa-sources ol { margin: .3em 0 0 1.2em; }
.hrqa-kind { font-variant: small-caps; opacity: .8; }
.hrqa-note { font-size: .85em; opacity: .75; }
.hrqa-panel mark { background: #fde68a; color: inherit; }
.hrqa-doc-meta { font-size: .85em; opacity: .8; }
"""


class _Handlers:
    """The app's event handlers; each returns plain values for the widgets it updates."""

    def __init__(self, assistant: Assistant, indexer: Indexer, settings: Settings, exports: Exports | None = None,
                 cache_dir: str = ""):
        self.assistant, self.indexer, self.settings = assistant, indexer, settings
        self.exports = exports or Exports(tempfile.mkdtemp(prefix="hrqa-exports-"))
        self.cache_dir = cache_dir

    def respond(self, question: str, chat: list, answers: list, *filter_values: Any,
                session: str = "") -> Iterator[tuple]:
        """Stream one answer into the chat: (chat, answers, question box, answer export, conversation export)."""
        from gradio import skip

        question = (question or "").strip()
        if not question:
            yield chat, answers, "", skip(), skip()
            return
        earlier = [*chat, {"role": "user", "content": ui_views.user_message(question)}]

        def reply(content: str) -> list:  # a new list each time: gradio diffs what it sends against the last value
            return [*earlier, {"role": "assistant", "content": content}]

        try:
            filters = ui_views.filters_from_ui(*filter_values)
            text, status, answer = "", "", None
            for event in self.assistant.ask_stream(question, filters, ui_support.history_of(answers)):
                if event.kind == "status":  # "reset": the streamed text is replaced by the one that follows
                    text, status = ("", "") if event.text == "reset" else (text, event.text)
                elif event.kind == "token":
                    text += event.text
                else:
                    answer = event.answer
                yield reply(ui_views.streaming_message(text, status)), answers, "", skip(), skip()
        except Exception as exc:  # shown in the chat instead of a bare "Error" toast
            log.exception("question failed: %s", question[:200])
            message = f"Could not answer: {ui_support.public_message(exc)}"
            yield reply(ui_views.streaming_message("", message)), answers, question[:2000], skip(), skip()
            return
        answers = [*answers, answer]
        yield (reply(ui_views.answer_message(answer, ui_views.filters_summary(filters))), answers, "",
               self.exports.write(session, "answer", render.answer_markdown(answer), "hrqa-answer"),
               self.exports.write(session, "conversation", render.conversation_markdown(answers),
                                  "hrqa-conversation"))

    def show_source(self, value: str, answers: list) -> str:
        """The source panel for the clicked marker or source."""
        passage_id = ui_views.parse_cite_value(value)
        if not passage_id:
            return ui_views.panel_placeholder()
        view = ui_support.source_view(self.assistant.index, passage_id, answers)
        if view is None:
            return ui_views.panel_placeholder("This passage is no longer indexed (its document changed or was "
                                              "deleted).")
        return ui_views.passage_panel(view.passage, view.context, view.record, view.quote)

    def open_passage(self, passage_id: str) -> str:
        """The source panel for a passage chosen outside the chat (the recommendations table)."""
        return self.show_source(f"{passage_id}|0", [])

    def documents(self) -> tuple:
        """(table rows, document choices, country choices, footer) from the index as it is now."""
        records = self.assistant.index.documents()
        names = [r.meta.file_name for r in records]
        countries = sorted({c for r in records for c in r.meta.countries})
        return (ui_views.documents_rows(records), names, countries,
                ui_views.footer_html(self.assistant.backend, len(records)))

    def ingest(self, files: list | None, progress: Any, user: str = "") -> str:
        """Move uploads into <data_dir>/uploads/<user>, ingest them, and describe the result per file."""
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        s = self.settings
        staged, problems = ui_support.stage_uploads(
            paths, s.data_path / "uploads", s.max_upload_mb, s.allowed_upload_types, user=user,
            max_request_mb=s.max_upload_request_mb, max_user_mb=s.max_upload_user_mb, cache_dir=self.cache_dir,
            min_free_mb=s.min_free_mb)
        if not staged:
            return ui_views.ingest_result_lines([], problems)
        progress(0, desc=f"Indexing {len(staged)} file(s)…")
        done: list = []

        def on_file(result) -> None:
            done.append(result)
            progress(len(done) / len(staged), desc=f"Indexed {PurePath(result.path).name}")

        try:
            report = ui_support.ingest_staged(self.indexer, staged, on_file)
        except HrqaError as exc:  # IngestBusy: another ingestion holds the lock; IngestStopped: the store failed
            log.warning("upload not ingested: %s", exc)
            return ui_views.ingest_result_lines([], [*problems, ui_support.public_message(exc)])
        self.assistant.index.refresh(force=True)
        stopped = [ui_support.scrub(report.stopped)] if report.stopped else []
        return ui_views.ingest_result_lines(ui_support.public_results(report.files), [*problems, *stopped])

    def delete(self, file_name: str | None) -> str:
        if not file_name:
            return "Choose a document to delete."
        try:
            record = self.assistant.index.find_document(file_name)
        except HrqaError as exc:  # two documents of that name
            return ui_support.public_message(exc)
        if record is None or not self.assistant.index.delete_document(record.meta.doc_id):
            return f"{file_name} is not indexed (any more)."
        ui_support.remove_upload(record.path, self.settings.data_path / "uploads")
        return f"deleted  {file_name} ({record.n_passages} passages)"


def build_app(assistant: Assistant, indexer: Indexer, settings: Settings):
    """The Gradio Blocks app over an injected Assistant and Indexer.

    Args:
        assistant: answers questions; its index also serves the source panel and the documents table.
        indexer: adds uploaded documents to the same index.
        settings: upload limits and the data directory (uploads are copied to <data_dir>/uploads).

    Returns:
        a gr.Blocks; launch it with `launch(app, settings)` (queue, login, upload limit, CSS).
    """
    import gradio as gr
    from gradio.utils import get_upload_folder

    handlers = _Handlers(assistant, indexer, settings, ui_support.exports_in(get_upload_folder(), settings),
                         get_upload_folder())
    max_age = settings.cache_max_age_minutes * 60  # uploads in flight and other cache files, deleted at this age
    with gr.Blocks(title="hrqa — cited answers", analytics_enabled=False, fill_width=True,
                   delete_cache=(max(60, max_age // 4), max_age)) as app:
        widgets = _layout(gr, handlers, settings)
        _wire(gr, app, widgets, handlers)
    return app


def _layout(gr, h: _Handlers, settings: Settings) -> SimpleNamespace:
    """Create the widgets: filters | chat | source panel on the Chat tab; table, upload, delete on Documents."""
    rows, names, countries, footer_value = h.documents()
    w = SimpleNamespace(answers=gr.State([]))
    gr.Markdown("## hrqa — answers from human-rights documents, with the paragraphs they come from")
    with gr.Tabs():
        with gr.Tab("Chat", id="chat"):
            with gr.Row():
                with gr.Column(scale=1, min_width=220, elem_id="hrqa-filters"):
                    gr.Markdown("**Filters**")
                    w.docs = gr.Dropdown(names, multiselect=True, label="Documents", elem_id="hrqa-f-docs")
                    w.types = gr.Dropdown(list(DOC_TYPES), multiselect=True, label="Document type",
                                          elem_id="hrqa-f-type")
                    w.kinds = gr.Dropdown(list(SECTION_KINDS), multiselect=True, label="Section kind",
                                          info="e.g. recommendation only", elem_id="hrqa-f-kind")
                    w.country = gr.Dropdown(countries, multiselect=True, allow_custom_value=True, label="Country",
                                            elem_id="hrqa-f-country")
                    w.date_from = gr.Textbox(label="Date from", placeholder="YYYY[-MM[-DD]]", elem_id="hrqa-f-from")
                    w.date_to = gr.Textbox(label="Date to", placeholder="YYYY[-MM[-DD]]", elem_id="hrqa-f-to")
                with gr.Column(scale=3, min_width=400):
                    w.chatbot = gr.Chatbot(
                        elem_id="hrqa-chat", height=600, sanitize_html=True, latex_delimiters=[], show_label=False,
                        feedback_options=None, buttons=[],  # no share (needs the Hub), no copy of raw markup
                        examples=[{"text": q} for q in ui_views.EXAMPLE_QUESTIONS],
                        placeholder="Ask about the indexed documents. Click [1], [2] … to read the source.")
                    with gr.Row():
                        w.question = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=5,
                                                elem_id="hrqa-question", max_length=2000)
                        w.ask = gr.Button("Ask", variant="primary", scale=1, elem_id="hrqa-ask")
                    with gr.Row():
                        w.new_chat = gr.Button("New chat", size="sm", elem_id="hrqa-new-chat")
                        w.answer_file = gr.DownloadButton("Download answer (.md)", size="sm",
                                                          elem_id="hrqa-export-answer")
                        w.chat_file = gr.DownloadButton("Download conversation (.md)", size="sm",
                                                        elem_id="hrqa-export-chat")
                with gr.Column(scale=2, min_width=300):
                    w.panel = gr.HTML(ui_views.panel_placeholder(), elem_id="hrqa-panel", max_height=720)
            w.cite_box = gr.Textbox(visible="hidden", elem_id=CITE_BOX_ID)
        with gr.Tab("Documents", id="documents"):
            w.table = gr.Dataframe(rows, headers=ui_views.TABLE_HEADERS, interactive=False, wrap=True,
                                   elem_id="hrqa-docs-table")
            allowed = ui_views.allowed_extensions(settings.allowed_upload_types)
            w.upload = gr.File(file_count="multiple", file_types=allowed, elem_id="hrqa-upload",
                               label=f"Add documents ({', '.join(allowed)}; up to {settings.max_upload_mb} MB each)")
            with gr.Row():
                w.to_delete = gr.Dropdown(names, label="Document to delete", elem_id="hrqa-delete-choice")
                w.delete = gr.Button("Delete document", variant="stop", elem_id="hrqa-delete")
            w.result = gr.Textbox(label="Result", lines=4, interactive=False, elem_id="hrqa-upload-result")
        with gr.Tab("Recommendations", id="recommendations"):
            w.recommendations = build_recommendations_tab(gr, RecommendationExplorer(h.assistant.index),
                                                          h.open_passage)
    w.footer = gr.HTML(footer_value, elem_id="hrqa-footer")
    return w


def _wire(gr, app, w: SimpleNamespace, h: _Handlers) -> None:
    """Connect the widgets to the handlers."""

    def pick_example(evt):
        return evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)

    # set at run time: gradio injects the event by annotation, and annotations in this module are strings
    pick_example.__annotations__["evt"] = gr.SelectData

    def refresh_documents():
        rows, names, countries, footer_html = h.documents()
        return (rows, gr.update(choices=names), gr.update(choices=countries), gr.update(choices=names, value=None),
                footer_html)

    def on_upload(files, request, progress=gr.Progress()):
        return h.ingest(files, progress, user=ui_support.user_of(request))

    def respond(question, chat, answers, docs, types, kinds, country, date_from, date_to, request):
        yield from h.respond(question, chat, answers, docs, types, kinds, country, date_from, date_to,
                             session=request.session_hash or "")

    def new_chat(request):  # the cleared answers' downloads go with them
        h.exports.drop(request.session_hash or "")
        return [], [], ui_views.panel_placeholder(), None, None

    def clear_chat(request):
        return new_chat(request)[1:]

    def end_session(request):
        h.exports.drop(request.session_hash or "")

    for handler in (on_upload, respond, new_chat, clear_chat, end_session):  # see pick_example
        handler.__annotations__["request"] = gr.Request
    chat_io = ([w.question, w.chatbot, w.answers, w.docs, w.types, w.kinds, w.country, w.date_from, w.date_to],
               [w.chatbot, w.answers, w.question, w.answer_file, w.chat_file])
    w.question.submit(respond, *chat_io)
    w.ask.click(respond, *chat_io)
    w.chatbot.example_select(pick_example, None, w.question).then(respond, *chat_io)
    w.new_chat.click(new_chat, None, [w.chatbot, w.answers, w.panel, w.answer_file, w.chat_file])
    w.chatbot.clear(clear_chat, None, [w.answers, w.panel, w.answer_file, w.chat_file])
    app.unload(end_session)
    w.cite_box.change(h.show_source, [w.cite_box, w.answers], w.panel)
    doc_outputs = [w.table, w.docs, w.country, w.to_delete, w.footer]
    w.upload.upload(on_upload, w.upload, w.result).then(refresh_documents, None, doc_outputs)
    w.delete.click(h.delete, w.to_delete, w.result).then(refresh_documents, None, doc_outputs)
    app.load(None, None, None, js=CLICK_JS)
    app.load(refresh_documents, None, doc_outputs)


def launch(app, settings: Settings, **options: Any):
    """Queue and launch an app built by build_app with the deployment settings (login, limits, no network)."""
    app.queue(default_concurrency_limit=settings.concurrency_limit)
    logins = ui_support.load_logins(settings)
    # upload totals always; with logins, no API description on the login page and throttled sign-ins
    options.setdefault("app_kwargs", {}).setdefault("middleware", []).extend(
        ui_support.middleware(settings, bool(logins)))
    return app.launch(server_name=settings.host, server_port=settings.port, auth=logins,
                      auth_message="hrqa: sign in with the login your administrator gave you.", share=False,
                      max_file_size=f"{settings.max_upload_mb}mb", ssr_mode=False, css=CSS, **options)


def serve(settings: Settings) -> None:
    """Open the configured index and run the app until interrupted (`hrqa serve`)."""
    from assistant import factory

    index = factory.open_index(settings)
    assistant = factory.make_assistant(settings, index)
    indexer = factory.make_indexer(settings, index, progress=False)
    log.info("answers by %s; loading the embedder", assistant.backend)
    _ = index.embedder  # load the model now, not on the first question
    launch(build_app(assistant, indexer, settings), settings)
