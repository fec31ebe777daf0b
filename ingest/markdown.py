"""Markdown (and Markdown-like text) to the light Markdown that ingest.structure reads, with markdown-it-py.

Pure. Blocks come out one per line, a blank line between them: headings as "## Title", paragraphs with their
wrapped lines joined, list items as "• item" (ordered ones keep their number: "1. item"), table rows as
"| a | b |". Inline markup is reduced to its text (a link to its words, an image to its alt text).

Two kinds of block are not document text and are returned as metadata instead:
- scraper header lines "[[key:value]]" (a web-to-text converter's record of the page: source, date, country);
- a paragraph that is nothing but a link ("[Original article published here](https://...)"), i.e. navigation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SCRAPER_LINE = re.compile(r"^\[\[([\w -]+):(.*)\]\]$")


@dataclass(frozen=True)
class MarkdownText:
    """The text as light Markdown, and the scraper fields found ({"date": "FEBRUARY 22, 2024", ...})."""

    text: str
    fields: dict[str, str]


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    # commonmark + tables; no raw HTML rendering is needed: we only walk the tokens.
    return MarkdownIt("commonmark").enable("table")


def to_light(text: str) -> MarkdownText:
    """Render Markdown as light Markdown lines (see the module docstring)."""
    fields: dict[str, str] = {}
    blocks: list[str] = []
    tokens = _parser().parse(text)
    list_stack: list[list[int]] = []  # per open list: [next number] for ordered lists, [] for bullets
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else None
            list_stack.append([start] if start is not None else [])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            if any(cell for cell in row):
                blocks.append("| " + " | ".join(row) + " |")
            row = None
        elif kind == "inline":
            content = _inline_text(token)
            opener = tokens[i - 1] if i else None
            if row is not None:
                row.append(content)
            elif opener is not None and opener.type == "heading_open":
                blocks.append("#" * int(opener.tag[1]) + " " + content)
            elif _is_scraper_line(token.content, fields) or _is_link_only(token):
                continue
            elif list_stack and _in_list_item(tokens, i):
                blocks.append(_list_prefix(list_stack, tokens, i) + content)
            elif content:
                blocks.append(content)
        elif kind in ("fence", "code_block", "html_block") and token.content.strip():
            blocks.append(token.content.rstrip("\n"))
    return MarkdownText("\n\n".join(b for b in blocks if b.strip()), fields)


def _inline_text(token) -> str:
    """The visible words of an inline token: link text, image alt text, code content; breaks become spaces."""
    parts: list[str] = []
    for child in token.children or []:
        # Raw HTML in Markdown is text to quote, not markup to run (the app escapes everything it shows).
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _is_scraper_line(content: str, fields: dict[str, str]) -> bool:
    """A paragraph made only of "[[key:value]]" lines: record the fields, drop the paragraph."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    matches = [_SCRAPER_LINE.match(line) for line in lines]
    if not lines or not all(matches):
        return False
    for match in filter(None, matches):  # all of them, as checked above
        fields.setdefault(match.group(1).strip().lower(), match.group(2).strip())
    return True


def _is_link_only(token) -> bool:
    """An inline token that is one link and nothing else (surrounding whitespace aside)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) >= 3 and children[0].type == "link_open" and children[-1].type == "link_close" \
        and all(c.type not in ("link_open", "link_close") for c in children[1:-1])


def _in_list_item(tokens, i: int) -> bool:
    """Whether the inline token i is the first paragraph of a list item."""
    return i >= 2 and tokens[i - 1].type == "paragraph_open" and tokens[i - 2].type == "list_item_open"


def _list_prefix(stack: list[list[int]], tokens, i: int) -> str:
    """"• " for a bullet item, "3. " for the third item of an ordered list (numbers advance per item)."""
    current = stack[-1]
    if not current:
        return "• "
    number = current[0]
    current[0] += 1
    return f"{number}. "
