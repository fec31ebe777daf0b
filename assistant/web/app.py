"""The Gradio chat app (`hrqa serve`): layout and wiring only. The core, the indexer and settings are injected.

gradio is imported inside functions, so importing this module (or anything else in hrqa) does not load it.
Handlers live in assistant.web.handlers, markup in views / panel / listings, CSS and the page script in style.
"""
from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any, Callable

from assistant.core import Assistant
from assistant.settings import Settings
from assistant.web import listings
from assistant.web import panel as ui_panel
from assistant.web import support as ui_support
from assistant.web import views as ui_views
from assistant.web.handlers import Handlers, session_of, user_of
from assistant.web.recommendations import build_recommendations_tab
from assistant.web.style import CITE_BOX_ID, HEAD, PAGE_JS
from ingest.errors import ConfigError
from ingest.types import DOC_TYPES, SECTION_KINDS
from vectorstore.indexer import Indexer

log = logging.getLogger(__name__)
CONVERSATIONS_KEY = "hrqa-conversations"  # the browser's localStorage key of the kept conversations


def build_app(assistant: Assistant, indexer: Indexer, settings: Settings):
    """The Gradio Blocks app over an injected Assistant and Indexer.

    Args:
        assistant: answers questions; its index also serves the source panel and the documents table.
        indexer: adds uploaded documents to the same index.
        settings: upload limits and the data directory (uploads, page images, signed-in users' conversations).

    Returns:
        a gr.Blocks; launch it with `launch(app, settings)` (queue, login, upload limit, CSS).
    """
    import gradio as gr
    from gradio.utils import get_upload_folder

    handlers = Handlers(assistant, indexer, settings, ui_support.exports_in(get_upload_folder(), settings),
                        get_upload_folder())
    max_age = settings.cache_max_age_minutes * 60  # uploads in flight and other cache files, deleted at this age
    with gr.Blocks(title="hrqa — cited answers", analytics_enabled=False, fill_width=True,
                   delete_cache=(max(60, max_age // 4), max_age)) as app:
        widgets = _layout(gr, handlers, settings)
        _wire(gr, app, widgets, handlers)
    return app


def _layout(gr, h: Handlers, settings: Settings) -> SimpleNamespace:
    """Create the widgets: the Chat tab (side: filters, conversations | chat | source panel), Documents,
    Recommendations."""
    rows, names, countries, footer_value = h.documents()
    w = SimpleNamespace(answers=gr.State([]))
    w.library = gr.BrowserState(None, storage_key=CONVERSATIONS_KEY, secret=ui_support.browser_secret(
        settings.data_path))
    gr.Markdown("## hrqa — cited answers from human-rights documents",
                elem_id="hrqa-title")
    with gr.Tabs() as w.tabs:
        with gr.Tab("Chat", id="chat"):
            with gr.Row(elem_id="hrqa-chat-row"):
                with gr.Column(scale=1, min_width=220, elem_id="hrqa-side"):
                    _filters(gr, w, names, countries)
                    _conversations(gr, w)
                with gr.Column(scale=3, min_width=340, elem_id="hrqa-chat-col"):
                    _chat(gr, w, settings)
                with gr.Column(scale=2, min_width=300, elem_id="hrqa-panel-col"):
                    w.panel = gr.HTML(ui_panel.panel_placeholder(), elem_id="hrqa-panel", max_height=900)
                    w.original = gr.DownloadButton("Open original", visible=False, size="sm",
                                                   elem_id="hrqa-open-original")
            w.cite_box = gr.Textbox(visible="hidden", elem_id=CITE_BOX_ID)
        with gr.Tab("Documents", id="documents"):
            _documents(gr, w, rows, names, settings)
        with gr.Tab("Recommendations", id="recommendations"):
            w.recommendations = build_recommendations_tab(gr, h.assistant.explorer,
                                                          h.open_passage)
    w.footer = gr.HTML(footer_value, elem_id="hrqa-footer")
    return w


def _filters(gr, w: SimpleNamespace, names: list[str], countries: list[str]) -> None:
    # Folded by default (a phone shows the chat first); the page script unfolds them on a wide screen.
    with gr.Accordion("Filters", open=False, elem_id="hrqa-filters"):
        w.docs = gr.Dropdown(names, multiselect=True, label="Documents", elem_id="hrqa-f-docs")
        w.types = gr.Dropdown(list(DOC_TYPES), multiselect=True, label="Document type", elem_id="hrqa-f-type")
        w.kinds = gr.Dropdown(list(SECTION_KINDS), multiselect=True, label="Section kind",
                              info="e.g. recommendation only", elem_id="hrqa-f-kind")
        w.country = gr.Dropdown(countries, multiselect=True, allow_custom_value=True, label="Country",
                                elem_id="hrqa-f-country")
        w.date_from = gr.Textbox(label="Date from", placeholder="YYYY[-MM[-DD]]", elem_id="hrqa-f-from")
        w.date_to = gr.Textbox(label="Date to", placeholder="YYYY[-MM[-DD]]", elem_id="hrqa-f-to")


def _conversations(gr, w: SimpleNamespace) -> None:
    with gr.Accordion("Conversations", open=True, elem_id="hrqa-convs"):
        w.new_chat = gr.Button("New conversation", size="sm", elem_id="hrqa-new-chat")
        w.conv_list = gr.Radio([], label="Kept conversations (this browser, or your login)", elem_id="hrqa-conv-list")
        w.conv_title = gr.Textbox(label="Rename the open conversation", placeholder="new title, then Enter",
                                  elem_id="hrqa-conv-title")
        w.conv_delete = gr.Button("Delete the open conversation", size="sm", variant="stop",
                                  elem_id="hrqa-conv-delete")


def _chat(gr, w: SimpleNamespace, settings: Settings) -> None:
    w.chatbot = gr.Chatbot(
        elem_id="hrqa-chat", height=600, sanitize_html=True, latex_delimiters=[], show_label=False,
        feedback_options=None, buttons=[],  # no share (needs the Hub), no copy of raw markup
        examples=[{"text": q} for q in ui_views.EXAMPLE_QUESTIONS],
        placeholder="Ask about the indexed documents. Click [1], [2] … to read the source.")
    with gr.Row():
        w.question = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=5, elem_id="hrqa-question",
                                max_length=settings.max_question_chars)
        w.ask = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="hrqa-ask")
    # shown under a list answer from the recommendations index: the whole list, filterable and exportable
    w.open_list = gr.Button("Open this list in Recommendations", size="sm", visible=False, elem_id="hrqa-open-list")
    with gr.Row(elem_id="hrqa-handouts"):
        w.answer_md = gr.DownloadButton("Answer .md", size="sm", elem_id="hrqa-export-answer")
        w.answer_docx = gr.DownloadButton("Answer .docx", size="sm", elem_id="hrqa-export-answer-docx")
        w.chat_md = gr.DownloadButton("Conversation .md", size="sm", elem_id="hrqa-export-chat")
        w.chat_docx = gr.DownloadButton("Conversation .docx", size="sm", elem_id="hrqa-export-chat-docx")


def _documents(gr, w: SimpleNamespace, rows: list, names: list[str], settings: Settings) -> None:
    w.table = gr.Dataframe(rows, headers=listings.TABLE_HEADERS, interactive=False, wrap=True,
                           column_widths=["34%", "13%", "10%", "7%", "24%", "12%"], elem_id="hrqa-docs-table")
    with gr.Row():
        w.doc_choice = gr.Dropdown(names, label="Document", elem_id="hrqa-doc-choice", scale=3)
        with gr.Column(scale=2, min_width=240):
            w.doc_original = gr.DownloadButton("Open original", visible=False, size="sm", elem_id="hrqa-doc-original")
            w.reindex = gr.Button("Re-index", size="sm", elem_id="hrqa-reindex")
            w.delete = gr.Button("Delete…", size="sm", variant="stop", elem_id="hrqa-delete")
    w.doc_summary = gr.Markdown(listings.document_summary(None), elem_id="hrqa-doc-summary")
    with gr.Group(visible=False, elem_id="hrqa-delete-confirm") as w.confirm_box:
        w.confirm_text = gr.Markdown(elem_id="hrqa-delete-question")
        with gr.Row():
            w.confirm_yes = gr.Button("Yes, delete it", variant="stop", elem_id="hrqa-delete-yes")
            w.confirm_no = gr.Button("Cancel", elem_id="hrqa-delete-no")
    allowed = ui_views.allowed_extensions(settings.allowed_upload_types)
    w.upload = gr.File(file_count="multiple", file_types=allowed, elem_id="hrqa-upload",
                       label=f"Add documents ({', '.join(allowed)}; up to {settings.max_upload_mb} MB each)")
    w.result = gr.Textbox(label="Result", lines=4, interactive=False, elem_id="hrqa-upload-result")


def _wire(gr, app, w: SimpleNamespace, h: Handlers) -> None:
    """Connect the widgets to the handlers."""

    def pick_example(evt):
        return evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)

    def pick_row(evt):
        row = getattr(evt, "row_value", None)  # the clicked row of the documents table; its file is column 4
        return row[4] if row else gr.skip()

    # set at run time: gradio injects by annotation, and annotations in this module are strings (PEP 563)
    pick_example.__annotations__["evt"] = gr.SelectData
    pick_row.__annotations__["evt"] = gr.SelectData

    def with_user(fn: Callable) -> Callable:
        """fn(*values, user=...) as a gradio handler that receives the request."""

        def handler(*values, request=None):
            return fn(*values, user=user_of(request))

        handler.__annotations__["request"] = gr.Request
        handler.__name__ = fn.__name__  # the API endpoint's name (/new_conversation, not /handler_3)
        return handler

    def respond(*values, request=None):
        yield from h.respond(*values, user=user_of(request))

    respond.__annotations__["request"] = gr.Request

    def refresh_documents():
        rows, names, countries, footer_html = h.documents()
        return (rows, gr.update(choices=names), gr.update(choices=countries), gr.update(choices=names, value=None),
                footer_html)

    def on_upload(files, request=None, progress=gr.Progress()):
        return h.ingest(files, progress, user=user_of(request))

    def handouts_of(answers, request=None):  # a session's handouts replace its earlier ones
        return h.handouts(answers, session=session_of(request))

    def end_session(request=None):  # the page was closed: its downloads go
        h.end_session(session_of(request))

    for fn in (on_upload, handouts_of, end_session):
        fn.__annotations__["request"] = gr.Request
    handouts_of.__name__ = "handouts"

    def on_reindex(name, progress=gr.Progress()):
        return h.reindex(name, progress)

    filters = [w.docs, w.types, w.kinds, w.country, w.date_from, w.date_to]
    chat_io = ([w.question, w.chatbot, w.answers, w.library, *filters],
               [w.chatbot, w.answers, w.question, w.library, w.conv_list])
    handouts = (handouts_of, w.answers, [w.answer_md, w.answer_docx, w.chat_md, w.chat_docx])
    w.question.submit(respond, *chat_io).then(*handouts)
    w.ask.click(respond, *chat_io).then(*handouts)
    w.chatbot.example_select(pick_example, None, w.question).then(respond, *chat_io).then(*handouts)
    opened = [w.chatbot, w.answers, w.library, w.conv_list, w.panel]
    w.new_chat.click(with_user(h.new_conversation), w.library, opened).then(*handouts)
    w.conv_list.input(with_user(h.open_conversation), [w.conv_list, w.library], opened).then(*handouts)
    w.conv_title.submit(with_user(h.rename_conversation), [w.conv_title, w.library],
                        [w.library, w.conv_list, w.conv_title])
    w.conv_delete.click(with_user(h.delete_conversation), w.library, opened).then(*handouts)
    w.cite_box.change(h.show_source, [w.cite_box, w.answers], [w.panel, w.original])
    w.answers.change(lambda answers: gr.update(**ui_support.list_button(answers)), w.answers, w.open_list)
    w.open_list.click(lambda answers: (ui_support.list_request(answers), gr.Tabs(selected="recommendations")),
                      w.answers, [w.recommendations["request"], w.tabs])

    doc_outputs = [w.table, w.docs, w.country, w.doc_choice, w.footer]
    chosen = [w.doc_summary, w.doc_original, w.confirm_box]
    w.table.select(pick_row, None, w.doc_choice)
    w.doc_choice.change(h.choose_document, w.doc_choice, chosen)
    w.delete.click(h.ask_delete, w.doc_choice, [w.confirm_text, w.confirm_box])
    w.confirm_no.click(lambda: gr.update(visible=False), None, w.confirm_box)
    deleted = w.confirm_yes.click(h.delete, w.doc_choice, w.result).then(
        lambda: gr.update(visible=False), None, w.confirm_box).then(refresh_documents, None, doc_outputs)
    reindexed = w.reindex.click(on_reindex, w.doc_choice, w.result).then(refresh_documents, None, doc_outputs)
    uploaded = w.upload.upload(on_upload, w.upload, w.result).then(refresh_documents, None, doc_outputs)
    for event in (uploaded, deleted, reindexed):  # the Recommendations tab lists the documents as they are now
        w.recommendations["refresh_after"](event)
    app.load(None, None, None, js=PAGE_JS)
    app.load(refresh_documents, None, doc_outputs)
    app.load(with_user(h.restore), w.library, [w.chatbot, w.answers, w.library, w.conv_list]).then(*handouts)
    app.unload(end_session)


def launch(app, settings: Settings, **options: Any):
    """Queue and launch an app built by build_app with the deployment settings (login, limits, no network)."""
    app.queue(default_concurrency_limit=settings.concurrency_limit)
    logins = ui_support.load_logins(settings)
    # upload totals always; with logins, no API description on the login page and throttled sign-ins
    options.setdefault("app_kwargs", {}).setdefault("middleware", []).extend(
        ui_support.middleware(settings, bool(logins)))
    return app.launch(server_name=settings.host, server_port=settings.port, auth=logins,
                      auth_message="hrqa: sign in with the login your administrator gave you.", share=False,
                      max_file_size=f"{settings.max_upload_mb}mb", ssr_mode=False, head=HEAD, **options)


def serve(settings: Settings, out: Callable[[str], None] = print) -> None:
    """Open the configured index and run the app until interrupted (`hrqa serve`).

    Gradio's own start-up lines (and its hint to edit launch()) are silenced; `out` gets one line saying where
    the app is, what it loaded and whether login is on.
    """
    from assistant import factory

    index = factory.open_index(settings)
    assistant = factory.make_assistant(settings, index)
    indexer = factory.make_indexer(settings, index, progress=False)
    _ = index.embedder  # load the model now, not on the first question
    app = build_app(assistant, indexer, settings)
    try:
        launch(app, settings, quiet=True, prevent_thread_lock=True)
    except OSError as exc:  # gradio's message tells the user to edit launch(); ours names the setting
        raise ConfigError(f"cannot listen on {settings.host}:{settings.port} ({exc.strerror or 'port in use'}); "
                          "choose another port with --port or HRQA_PORT") from exc
    records = index.documents()
    out(ui_views.startup_line(app.local_url or f"http://{settings.host}:{settings.port}/", records,
                              bool(ui_support.load_logins(settings)), assistant.backend))
    try:
        while True:  # not app.block_thread(): it prints its own lines on Ctrl+C
            time.sleep(3600)
    finally:
        app.close(verbose=False)
