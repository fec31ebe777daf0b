"""Pure helpers of the web app: HTML strings, filter mapping, upload and login checks. No gradio, no I/O.

Every piece of document or answer text goes through `html.escape` before it is placed in markup, so HTML or
script inside a document is shown as text and never executed. Chat messages are emitted as one HTML block
without blank lines, so the chat's Markdown renderer passes them through untouched (no Markdown is applied to
document text either).
"""
from __future__ import annotations

import html
import re
from pathlib import PurePath
from typing import Any, Iterable, Sequence
from urllib.parse import quote as url_quote

from assistant.retrieval import Filters
from assistant.types import Answer
from ingest.errors import ConfigError
from vectorstore.store import DocRecord

CITE_PREFIX = "#cite-"  # markers and sources are links to CITE_PREFIX + passage id; the page script catches them
EXAMPLE_QUESTIONS = (
    "Which recommendations concern mahallas?",
    "How many appeals did the Uzbek Ombudsman receive in the first half of 2025?",
    "What was the head of colony settlement No. 43 recommended to do?",
)
_MARKER = re.compile(r"\[(\d+)\]")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()]+")


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept as <br> (so a message never contains a blank line)."""
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def cite_link(passage_id: str, inner_html: str, title: str = "", css: str = "hrqa-cite") -> str:
    """A link that opens passage_id in the source panel; inner_html must already be escaped."""
    href = CITE_PREFIX + url_quote(passage_id, safe=":-_.")
    return f'<a class="{css}" href="{href}" title="{html.escape(title)}">{inner_html}</a>'


def answer_body_html(answer: Answer) -> str:
    """The answer text, escaped, with each marker [n] a link to its cited passage."""
    by_marker = {c.marker: c for c in answer.citations}
    text, out, last = answer.text.strip(), [], 0
    for match in _MARKER.finditer(text):
        citation = by_marker.get(int(match.group(1)))
        if citation is None:
            continue
        out.append(text_html(text[last : match.start()]))
        out.append(cite_link(citation.passage_id, f"[{citation.marker}]", citation.label))
        last = match.end()
    out.append(text_html(text[last:]))
    return "".join(out)


def sources_html(answer: Answer) -> str:
    """One line per citation (label, file, page, section kind); on a refusal, the nearest passages, unmarked."""
    items = []
    for c in answer.citations:
        # the label of a PDF passage already ends in "p. 12": say the page once
        where = html.escape(c.file_name) + (f", p. {c.page}" if c.page and f"p. {c.page}" not in c.label else "")
        link = cite_link(c.passage_id, f"[{c.marker}] {html.escape(c.label)}", c.label, "hrqa-source")
        items.append(f'<li>{link} — {where} · <span class="hrqa-kind">{html.escape(c.section_kind)}</span></li>')
    title = "Sources"
    if not items and answer.passages:
        title = "Nearest passages (they do not answer the question)"
        for r in answer.passages[:3]:
            link = cite_link(r.passage.id, html.escape(r.passage.label), r.passage.label, "hrqa-source")
            items.append(f'<li>{link} · <span class="hrqa-kind">{html.escape(r.passage.section_kind)}</span></li>')
    if not items:
        return ""
    return f'<div class="hrqa-sources"><b>{title}</b><ol>{"".join(items)}</ol></div>'


def answer_message(answer: Answer, filters: str = "") -> str:
    """The chat message of a finished answer: text with linked markers, sources, warnings, active filters."""
    notes = "".join(f'<div class="hrqa-note">note: {html.escape(w)}</div>' for w in answer.warnings)
    notes += f'<div class="hrqa-note">filters: {html.escape(filters)}</div>' if filters else ""
    return f'<div class="hrqa-answer hrqa-done">{answer_body_html(answer)}{sources_html(answer)}{notes}</div>'


def streaming_message(text: str, status: str = "") -> str:
    """The chat message while tokens arrive (markers become links once the answer is complete)."""
    if not text:
        return f'<div class="hrqa-answer"><i>{html.escape(status or "…")}</i></div>'
    return f'<div class="hrqa-answer">{text_html(text.strip())}</div>'


def user_message(question: str) -> str:
    return f'<div class="hrqa-question">{text_html(question.strip())}</div>'


def parse_cite_value(value: str) -> str:
    """The passage id from the hidden box: "<passage id>|<click time>" (the time makes repeat clicks fire)."""
    return (value or "").split("|", 1)[0].strip()


def filters_from_ui(docs: Iterable[str] | None = None, doc_types: Iterable[str] | None = None,
                    kinds: Iterable[str] | None = None, countries: Iterable[str] | None = None,
                    date_from: str = "", date_to: str = "") -> Filters:
    """The filter widgets' values as retrieval Filters.

    Raises:
        ConfigError: a date is not YYYY, YYYY-MM or YYYY-MM-DD.
    """
    for label, value in (("date from", date_from), ("date to", date_to)):
        if (value or "").strip() and not _DATE.match(value.strip()):
            raise ConfigError(f"{label} {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    pairs: dict[str, Any] = {"doc": list(docs or []), "type": list(doc_types or []), "kind": list(kinds or []),
                             "country": list(countries or []), "from": (date_from or "").strip(),
                             "to": (date_to or "").strip()}
    return Filters.from_pairs({k: v for k, v in pairs.items() if v})


def filters_summary(filters: Filters) -> str:
    """A short human description of active filters, "" when none."""
    parts = [f"{name}: {', '.join(values)}" for name, values in (
        ("documents", filters.docs), ("type", filters.doc_types), ("section", filters.section_kinds),
        ("country", filters.countries)) if values]
    if filters.date_from or filters.date_to:
        parts.append(f"date: {filters.date_from or '…'} – {filters.date_to or '…'}")
    return "; ".join(parts)


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the uploads folder: no directories, no '..', no hidden files."""
    base = re.split(r"[\\/]", name or "")[-1].replace("..", "").replace("\x00", "")
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip(" .")
    return base or "upload"


def upload_problem(name: str, size_bytes: int, max_mb: int, allowed_types: str) -> str:
    """Why an upload is refused ("" when it is acceptable)."""
    allowed = allowed_extensions(allowed_types)
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed:
        return f"{name}: file type '{suffix or 'none'}' is not accepted; upload one of {', '.join(allowed)}"
    if size_bytes > max_mb * 1024 * 1024:
        return f"{name}: {size_bytes / 1048576:.1f} MB is over the {max_mb} MB upload limit"
    return ""


def allowed_extensions(allowed_types: str) -> list[str]:
    """".pdf,.txt" or "pdf, txt" -> [".pdf", ".txt"]."""
    return [("." + t.strip().lower().lstrip(".")) for t in allowed_types.split(",") if t.strip()]


def parse_auth(text: str) -> list[tuple[str, str]]:
    """Logins from "user:pass,user2:pass2" or one user:pass per line (blank lines and # comments skipped).

    Raises:
        ConfigError: an entry has no ':' or an empty user name.
    """
    logins = []
    for entry in re.split(r"[,\n]", text or ""):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip():
            raise ConfigError(f"login entry {entry.split(':')[0]!r}… is not user:password "
                              "(HRQA_AUTH / HRQA_AUTH_FILE)")
        logins.append((user.strip(), password))
    return logins


def ingest_result_lines(results: Sequence[Any], problems: Sequence[str]) -> str:
    """Markdown-free text per uploaded file: what was indexed, what failed and why."""
    lines = [f"refused  {p}" for p in problems]
    for r in results:
        name = PurePath(r.path).name
        detail = f"{r.passages} passages" if r.status in {"added", "updated", "unchanged"} else r.reason
        lines.append(f"{r.status:<8} {name}: {detail}")
    return "\n".join(lines) or "No file was uploaded."


def startup_line(url: str, records: Sequence[DocRecord], login: bool, backend: str) -> str:
    """The one line `hrqa serve` prints: where the app is, what is loaded, whether login is on."""
    passages = sum(r.n_passages for r in records)
    login_text = "login on" if login else "login off (set HRQA_AUTH to require one)"
    return (f"hrqa: chat at {url} · {len(records)} documents, {passages} passages · {login_text} · "
            f"answers: {backend} · Ctrl+C stops")
