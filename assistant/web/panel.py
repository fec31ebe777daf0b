"""The source panel's markup: the document's facts, the PDF page with the passage boxed, the paragraph in context.

Pure: text in, escaped HTML out (the page images arrive as data: URLs from assistant.web.support). On a phone the
panel is an overlay (see assistant.web.style); its close button is caught by the page script like the citations.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Sequence

from ingest.types import Passage
from vectorstore.store import DocRecord

CLOSE_BUTTON = '<button type="button" class="hrqa-close" aria-label="Close the source panel">✕ Close</button>'


@dataclass(frozen=True)
class PageImage:
    """A rendered page for the panel: its number, a data: URL, and the passage's boxes (page fractions)."""

    number: int
    src: str
    boxes: tuple[tuple[float, float, float, float], ...]  # left, top, width, height


def highlight(text: str, quote: str) -> str:
    """Escape text, then wrap the quote (or each of its sentences found in the text) in <mark>."""
    escaped = html.escape(text)
    pieces = [quote.strip()] if quote.strip() else []
    if pieces and html.escape(pieces[0]) not in escaped:
        pieces = [s.strip() for s in re.split(r"(?<=[.;!?])\s+", quote) if len(s.strip()) > 3]
    for piece in pieces:
        target = html.escape(piece)
        if target in escaped:
            escaped = escaped.replace(target, f"<mark>{target}</mark>", 1)
    return escaped


def page_html(page: PageImage, file_name: str) -> str:
    """One page image with a box over each line of the passage; the boxes scale with the image."""
    boxes = "".join(f'<div class="hrqa-hl" style="left:{x * 100:.2f}%;top:{y * 100:.2f}%;width:{w * 100:.2f}%;'
                    f'height:{h * 100:.2f}%"></div>' for x, y, w, h in page.boxes)
    alt = html.escape(f"Page {page.number} of {file_name}")
    return (f'<figure class="hrqa-page" data-page="{page.number}"><div class="hrqa-page-frame">'
            f'<img class="hrqa-page-img" src="{page.src}" alt="{alt}">{boxes}</div>'
            f'<figcaption>page {page.number} of the original{" — the passage is boxed" if page.boxes else ""}'
            '</figcaption></figure>')


def passage_panel(target: Passage, context: Sequence[Passage], record: DocRecord | None, quote: str = "",
                  pages: Sequence[PageImage] = ()) -> str:
    """The source panel: document title, type, date and page; the original page(s) when given; then the
    passage among its neighbours with the quoted words marked."""
    head = [CLOSE_BUTTON]
    if record is not None:
        meta = record.meta
        facts = [f"type: {meta.doc_type}", f"date: {meta.date or 'undated'}", f"file: {meta.file_name}"]
        head.append(f'<h3 class="hrqa-doc-title">{html.escape(meta.title)}</h3>')
        head.append(f'<div class="hrqa-doc-meta">{html.escape(" · ".join(facts))}</div>')
    where = [target.label]
    if target.page and f"p. {target.page}" not in target.label:
        where.append(f"page {target.page}")
    where.append(f"section: {target.section_kind}")
    head.append(f'<div class="hrqa-cited"><b>{html.escape(" · ".join(where))}</b></div>')
    if target.heading:
        head.append(f'<div class="hrqa-heading">{html.escape(target.heading)}</div>')
    body = []
    for p in context:
        current = p.id == target.id
        text = highlight(p.text, quote) if current else html.escape(p.text)
        css = "hrqa-para hrqa-current" if current else "hrqa-para"
        body.append(f'<div class="{css}"><div class="hrqa-para-label"><small>{html.escape(p.label)}</small></div>'
                    f'{text}</div>')
    context_html = f'<div class="hrqa-context">{"".join(body)}</div>'
    if pages:
        name = record.meta.file_name if record is not None else ""
        originals = "".join(page_html(p, name) for p in pages)
        context_html = f'<div class="hrqa-split"><div class="hrqa-pages">{originals}</div>{context_html}</div>'
    return f'<div class="hrqa-panel">{"".join(head)}{context_html}</div>'


def panel_placeholder(message: str = "Click a marker like [1] or a source to read the cited paragraph here.") -> str:
    return f'<div class="hrqa-panel hrqa-empty"><i>{html.escape(message)}</i></div>'
