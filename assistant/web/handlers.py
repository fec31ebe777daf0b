"""The chat app's event handlers. Each takes widget values and returns widget values; app.py wires them.

gradio is imported inside the handlers that need its update objects, so this module imports no UI library.
The conversation library is plain JSON (assistant.web.conversations); when a user is signed in, the server's copy
of their library is the one that counts. Web users are told what went wrong and what to do, never a server path,
a process id or a traceback (support.public_message); downloads live in an Exports folder, as long as what they
show.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any, Iterator

from assistant.core import Assistant
from assistant.exports import Exports
from assistant.settings import Settings
from assistant.web import conversations as conv
from assistant.web import listings, pdfpage
from assistant.web import panel as ui_panel
from assistant.web import support as ui_support
from assistant.web import views as ui_views
from ingest.errors import HrqaError
from vectorstore.indexer import Indexer
from vectorstore.store import DocRecord

log = logging.getLogger(__name__)


def user_of(request: Any) -> str:
    """The signed-in user's name, "" without login (or outside a request, in tests)."""
    return str(getattr(request, "username", None) or "")


def session_of(request: Any) -> str:
    """The browser session's id, "" outside a request (in tests)."""
    return str(getattr(request, "session_hash", None) or "")


class Handlers:
    """The app's event handlers.

    Args:
        assistant: the core (its index also serves the panel and the documents).
        indexer: adds uploads to the same index.
        settings: upload limits, the data directory.
        exports: where downloads are kept (support.exports_in: inside the web server's cache); a temporary
            folder when None.
        cache_dir: the web server's upload cache: uploads are moved out of it, refused ones deleted there.
    """

    def __init__(self, assistant: Assistant, indexer: Indexer, settings: Settings, exports: Exports | None = None,
                 cache_dir: str = ""):
        self.assistant, self.indexer, self.settings = assistant, indexer, settings
        self.store = conv.ConversationStore(settings.data_path / "conversations")
        self.page_cache = settings.data_path / "page-cache"
        self.uploads = settings.data_path / "uploads"
        self.exports = exports or Exports(tempfile.mkdtemp(prefix="hrqa-exports-"))
        self.cache_dir = cache_dir

    # -- chat -------------------------------------------------------------------------------------------------
    def respond(self, question: str, chat: list, answers: list, library: dict, *filter_values: Any,
                user: str = "") -> Iterator[tuple]:
        """Stream one answer into the chat: (chat, answers, question box, library, conversation list)."""
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
        except Exception as exc:  # shown in the chat without internals, instead of a bare "Error" toast
            if isinstance(exc, HrqaError):  # the user's input (a date like "last year", too long): no traceback
                log.warning("question not answered: %s", exc)
            else:  # a bug: logged in full
                log.exception("question failed: %s", question[:200])
            message = f"Could not answer: {ui_support.public_message(exc)}"
            kept = question[: self.settings.max_question_chars]  # a megabyte question is not sent back whole
            yield reply(ui_views.streaming_message("", message)), answers, kept, skip(), skip()
            return
        if answer is None:
            return
        summary = ui_views.filters_summary(filters)
        library = conv.add_turn(library or conv.empty(), conv.answer_to_json(answer, summary))
        self._save(user, library)
        yield (reply(ui_views.answer_message(answer, summary)), [*answers, answer], "", library,
               self.conversation_list(library))

    def handouts(self, answers: list, session: str = "") -> tuple:
        """The four handout files: last answer .md/.docx, whole conversation .md/.docx. Each replaces the session's
        previous one; without answers (a new or deleted conversation) the session's handouts are deleted."""
        if not answers:
            self.exports.drop(session)
            return None, None, None, None
        last = answers[-1:]

        def write(turns: list, fmt: str, kind: str) -> str | None:
            return ui_support.write_handout(turns, fmt, self.exports, session, kind)

        return (write(last, "md", "answer"), write(last, "docx", "answer"),
                write(answers, "md", "conversation"), write(answers, "docx", "conversation"))

    def end_session(self, session: str) -> None:
        """The page was closed: its downloads go."""
        self.exports.drop(session)

    # -- kept conversations -----------------------------------------------------------------------------------
    def restore(self, library: dict, user: str = "") -> tuple:
        """On page load: (chat, answers, library, conversation list) of the current conversation."""
        if user:
            library = self.store.load(user)
        library = conv.select(library or conv.empty(), (library or {}).get("current", ""))
        return (*self._opened(library), library, self.conversation_list(library))

    def open_conversation(self, conversation_id: str | None, library: dict, user: str = "") -> tuple:
        library = conv.select(library or conv.empty(), conversation_id or "")
        self._save(user, library)
        return (*self._opened(library), library, self.conversation_list(library), ui_panel.panel_placeholder())

    def new_conversation(self, library: dict, user: str = "") -> tuple:
        return self.open_conversation("", library, user)

    def rename_conversation(self, title: str, library: dict, user: str = "") -> tuple:
        library = conv.rename(library or conv.empty(), (library or {}).get("current", ""), title or "")
        self._save(user, library)
        return library, self.conversation_list(library), ""

    def delete_conversation(self, library: dict, user: str = "") -> tuple:
        library = conv.delete(library or conv.empty(), (library or {}).get("current", ""))
        self._save(user, library)
        return (*self._opened(library), library, self.conversation_list(library), ui_panel.panel_placeholder())

    def conversation_list(self, library: dict) -> Any:
        from gradio import update

        current = library.get("current") or None
        return update(choices=conv.choices(library), value=current)

    def _opened(self, library: dict) -> tuple[list, list]:
        answers = conv.answers_of(library)
        chat: list = []
        for answer, filters in zip(answers, conv.filters_of(library)):
            chat += [{"role": "user", "content": ui_views.user_message(answer.question)},
                     {"role": "assistant", "content": ui_views.answer_message(answer, filters)}]
        return chat, answers

    def _save(self, user: str, library: dict) -> None:
        if user:
            self.store.save(user, library)

    # -- the source panel -------------------------------------------------------------------------------------
    def show_source(self, value: str, answers: list) -> tuple[str, Any]:
        """(panel HTML, "open original" button) for the clicked marker or source."""
        from gradio import update

        passage_id = ui_views.parse_cite_value(value)
        if not passage_id:
            return ui_panel.panel_placeholder(), update(visible=False)
        view = ui_support.source_view(self.assistant.index, passage_id, answers)
        if view is None:
            return (ui_panel.panel_placeholder("This passage is no longer indexed (its document changed or was "
                                               "deleted)."), update(visible=False))
        pages = ui_support.page_images(view.record, view.passage, self.page_cache)
        original = ui_support.original_copy(view.record, self.exports)
        label = f"Open original ({view.record.meta.file_name})" if view.record else "Open original"
        return (ui_panel.passage_panel(view.passage, view.context, view.record, view.quote, pages),
                update(value=original, label=label, visible=original is not None))

    def open_passage(self, passage_id: str) -> str:
        """The source panel for a passage chosen outside the chat (the recommendations table)."""
        return self.show_source(f"{passage_id}|0", [])[0]

    # -- documents --------------------------------------------------------------------------------------------
    def documents(self) -> tuple:
        """(table rows, document choices, country choices, footer) from the index as it is now."""
        records = self.assistant.index.documents()
        names = [r.meta.file_name for r in records]
        countries = sorted({c for r in records for c in r.meta.countries})
        return (listings.documents_rows(records), names, countries,
                listings.footer_html(self.assistant.backend, len(records)))

    def choose_document(self, file_name: str | None) -> tuple:
        """(summary, open-original button, confirmation box hidden) for the chosen document."""
        from gradio import update

        record, problem = self._find(file_name)
        if problem:
            return problem, update(value=None, visible=False), update(visible=False)
        original = ui_support.original_copy(record, self.exports)
        return (listings.document_summary(record), update(value=original, visible=original is not None),
                update(visible=False))

    def ask_delete(self, file_name: str | None) -> tuple:
        """(confirmation text, confirmation box) naming what a delete removes; nothing is removed yet."""
        from gradio import update

        record, problem = self._find(file_name)
        if record is None:
            return problem or "Choose a document to delete.", update(visible=False)
        uploaded = Path(record.path).resolve().is_relative_to(self.uploads.resolve()) if record.path else False
        return listings.delete_question(record, uploaded), update(visible=True)

    def _find(self, file_name: str | None) -> tuple[DocRecord | None, str]:
        """(the document of file_name, or None; "" or why it is not told: two documents have that name)."""
        try:
            return (self.assistant.index.find_document(file_name) if file_name else None), ""
        except HrqaError as exc:
            return None, ui_support.public_message(exc)

    def delete(self, file_name: str | None) -> str:
        if not file_name:
            return "Choose a document to delete."
        record, problem = self._find(file_name)
        if problem:
            return problem
        if record is None or not self.assistant.index.delete_document(record.meta.doc_id):
            return f"{file_name} is not indexed (any more)."
        ui_support.remove_upload(record.path, self.uploads)  # the uploaded copy, the page images and the
        pdfpage.remove_cached(self.page_cache, record.meta.doc_id)  # download copy go with their document
        self.exports.forget(record.meta.doc_id)
        return f"deleted  {file_name} ({record.n_passages} passages)"

    def reindex(self, file_name: str | None, progress: Any) -> str:
        """Read the chosen document's file again and replace its passages (after a parser change, say)."""
        record, problem = self._find(file_name)
        if record is None:
            return problem or "Choose a document to re-index."
        if not record.path or not Path(record.path).is_file():
            return f"{file_name}: the original file is no longer where it was indexed from; upload it again."
        return self._ingest([Path(record.path)], [], progress, force=True)

    def ingest(self, files: list | None, progress: Any, user: str = "") -> str:
        """Move uploads into <data_dir>/uploads (a folder per signed-in user), ingest them, and describe the result
        per file; uploads over a per-file, per-request or per-user limit are refused."""
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        s = self.settings
        staged, problems = ui_support.stage_uploads(
            paths, self.uploads, s.max_upload_mb, s.allowed_upload_types, user=user,
            max_request_mb=s.max_upload_request_mb, max_user_mb=s.max_upload_user_mb, cache_dir=self.cache_dir,
            min_free_mb=s.min_free_mb)
        if not staged:
            return ui_views.ingest_result_lines([], problems)
        return self._ingest(staged, problems, progress)

    def _ingest(self, paths: list[Path], problems: list[str], progress: Any, force: bool = False) -> str:
        """Index paths with a progress bar that moves per embedding window. Uploads that end up not indexed
        (failed, duplicate, not done) are removed; a re-index (force) keeps its file whatever happens."""
        finished: list = []
        progress(0.0, desc=f"Reading {paths[0].name}…")

        def on_progress(name: str, done: int, total: int) -> None:
            share = (len(finished) + (done / total if total else 1.0)) / len(paths)
            progress(share, desc=f"Indexing {name}: {done} of {total} passages")

        def on_file(result) -> None:
            finished.append(result)
            if len(finished) < len(paths):
                progress(len(finished) / len(paths), desc=f"Reading {paths[len(finished)].name}…")

        try:
            if force:
                report = self.indexer.ingest(paths, on_file=on_file, on_progress=on_progress, force=True)
            else:
                report = ui_support.ingest_staged(self.indexer, paths, on_file, on_progress)
        except HrqaError as exc:  # IngestBusy: another ingestion holds the lock; IngestStopped: the store failed
            log.warning("documents not ingested: %s", exc)
            return ui_views.ingest_result_lines([], [*problems, ui_support.public_message(exc)])
        results = ui_support.public_results(report.files)
        for result in results:  # a failed upload leaves nothing behind (ingest_staged removed it)
            if result.status == "failed" and not force:
                result.reason += " (the upload was removed)"
        self.assistant.index.refresh(force=True)
        stopped = [ui_support.scrub(report.stopped)] if report.stopped else []
        return ui_views.ingest_result_lines(results, [*problems, *stopped])
