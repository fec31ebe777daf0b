"""HTML to light Markdown (see ingest.types.RawDocument), with the page's own title and date. Pure.

The main text comes from trafilatura, which tells an article from the page around it (menus, banners, footers,
related links) far better than a hand-written tag walk; its XML keeps headings, paragraphs, lists and tables,
which are written out as "## Heading", blocks, "• item" and "| a | b |" lines. A page trafilatura finds no
structure in (one run of text from a page without block elements) is read by its visible blocks instead.
"""
from __future__ import annotations

import logging
import re
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from bs4.element import PreformattedString

log = logging.getLogger(__name__)

# HTML elements that are page chrome or code, never document text (the fallback reader).
_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "head", "iframe", "svg")
# Site banners and footers; inside an <article> or <main> they hold the article's own title and byline.
_CHROME_TAGS = ("header", "footer")
_PARAGRAPH_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl")
_LINE_TAGS = ("div", "section", "article", "main", "aside", "tr", "dt", "dd", "figcaption", "address", "caption")


def html_to_light(markup: str) -> tuple[str, dict[str, str]]:
    """The page's main text as light Markdown, and its hints (title, date with date_kind "published").

    Never raises on a str: a page trafilatura cannot read falls back to the visible blocks.
    """
    import trafilatura

    hints: dict[str, str] = {}
    try:
        xml = trafilatura.extract(markup, output_format="xml", include_tables=True, include_formatting=True,
                                  include_comments=False, favor_recall=True)
        # Only a date the page states in its markup (meta tags, time elements): no guessing from the text.
        meta = trafilatura.extract_metadata(markup, date_config={"extensive_search": False, "original_date": True},
                                            extensive=False)
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura raise on pathological markup
        log.info("trafilatura failed (%s); reading the visible blocks", exc)
        xml, meta = None, None
    if meta is not None:
        if meta.title:
            hints["title"] = re.sub(r"\s+", " ", meta.title).strip()
        if meta.date:
            hints.update(date=meta.date, date_kind="published")
    blocks = _xml_blocks(xml) if xml else []
    if len(blocks) < 2:
        fallback = visible_blocks(markup)
        if fallback.count("\n\n") >= 1 or not blocks:
            return fallback, hints  # no structure found: the page's own blocks are the better reading
    return "\n\n".join(blocks), hints


def _xml_blocks(xml: str) -> list[str]:
    """trafilatura's XML main text as light-Markdown blocks."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return []
    main = root.find("main")
    out: list[str] = []
    for element in (main if main is not None else root):
        out.extend(_element_blocks(element))
    return [b for b in out if b.strip()]


def _element_blocks(element) -> list[str]:
    text = _text(element)
    if element.tag == "head":
        level = int(re.sub(r"\D", "", element.get("rend", "h2")) or 2)
        return [f"{'#' * min(max(level, 1), 6)} {text}"] if text else []
    if element.tag == "list":
        return [f"• {_text(item)}" for item in element.iter("item") if _text(item)]
    if element.tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [_text(cell).replace("|", "/") for cell in row.iter("cell")]
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        return rows
    return [text] if text else []


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def visible_blocks(markup: str) -> str:
    """Visible text of an HTML page as lines: one per paragraph, heading or list item (the fallback)."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_CHROME_TAGS):
        if tag.find_parent(("article", "main")) is None:
            tag.decompose()
    # Comments, the doctype and processing instructions are strings to bs4, but not visible text.
    for special in soup.find_all(string=lambda s: isinstance(s, PreformattedString)):
        special.extract()
    for string in soup.find_all(string=True):
        if string.find_parent("pre") is None:
            string.replace_with(re.sub(r"\s+", " ", string))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_PARAGRAPH_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all(_LINE_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in soup.find_all("li"):
        tag.insert_before("\n• ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in soup.get_text().split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
