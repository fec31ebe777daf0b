"""A document's own title: from its title block, never from a section line. Pure; used by ingest.metadata.

The reader's title (a PDF cover's title block, an HTML page's title, DOCX properties or page header) wins when
it reads like a title; otherwise the first title-like block at the top of the text, completed by the longer form
of it that follows (a report's cover title under its web headline) and by its subtitle when it ends with a colon.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from ingest.dates import DATE_LINE

_TITLE_LINES = 12  # a title is among the first non-blank lines
_CONNECTOR_END = re.compile(r"\b(?:and|or|of|the|in|on|to|for|with|by|a|an)$", re.I)  # a wrapped line
# Web chrome ingest.clean removes, and a press service's signature; tolerated here on uncleaned text too.
_CHROME = re.compile(r"javascript|running in test mode|test rejimida|^call cent(?:er|re)\b|^press service\b|"
                     r"^(?:telegram|twitter|phone|instagram|youtube|facebook)+$", re.I)
_FILE_LIKE = re.compile(r"_\S*_|\.(?:docx?|pdf|txt)$|^microsoft word\b", re.I)  # "UPR20_ Slovenia_List_E"


def document_title(text: str, hints: Mapping[str, str], countries: tuple[str, ...]) -> str:
    """The document's own title: the reader's (cover title block, HTML title, DOCX title or page header) when it
    reads like one, else the title block at the top of the text."""
    hinted = re.sub(r"\s+", " ", hints.get("title", "")).strip()
    if hinted and not _FILE_LIKE.search(hinted) and len(hinted.split()) >= 2:
        return hinted
    return _text_title(text, countries)


def _text_title(text: str, countries: tuple[str, ...]) -> str:
    """The first title-like block at the top (a "#" headline counts), completed by the longer form of it that
    follows (a report's cover title under its web headline) and by its subtitle when it ends with a colon; among
    several title lines before the body, the first that names the document's main country (a series line,
    "Country Reports on Human Rights Practices", comes before the report's own title)."""
    blocks = _top_blocks(text)
    candidates = [i for i, (block, nxt) in enumerate(zip(blocks, [*blocks[1:], ""])) if _is_heading(block, nxt)]
    if not candidates:
        return ""
    first = candidates[0]
    counts = Counter(blocks)
    repeated = [i for i in candidates if counts[blocks[i]] > 1]  # web pages print their headline twice
    if repeated:
        first = repeated[0]
    main = countries[0] if countries else ""
    naming = [i for i in candidates if main and main.lower() in blocks[i].lower() and i <= first + 2]
    if main and main.lower() not in blocks[first].lower() and naming:
        first = naming[0]
    title = blocks[first]
    rest = blocks[first + 1:first + 4]
    longer = next((b for b in rest if _extends(title, b)), "")
    if longer:
        title = longer
        rest = blocks[blocks.index(longer) + 1:blocks.index(longer) + 2]
    if title.endswith(":") and rest and _is_heading(rest[0], ""):
        title = f"{title} {rest[0]}"
    return title.strip()


def _top_blocks(text: str) -> list[str]:
    """The first blocks of text (blank-line separated, lines joined), "#" marks and banners dropped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text[:6000]):
        lines = [re.sub(r"^#{1,6}\s+", "", line.strip()) for line in block.split("\n") if line.strip()]
        lines = [line for line in lines if not _CHROME.search(line) and not DATE_LINE.match(line)]
        joined = " ".join(lines)
        if lines and (all(_is_heading(ln, "") for ln in lines) or (len(lines) <= 4 and _is_heading(joined, ""))):
            blocks.append(joined)  # a title wrapped over several lines
        elif lines:  # title lines running into the body: each is a candidate, then the body's first line
            leading = [ln for ln in _leading(lines)]
            blocks.extend(leading or lines[:1])
        if len(blocks) >= _TITLE_LINES:
            break
    return blocks


def _leading(lines: list[str]) -> list[str]:
    """The title-like lines a block opens with, up to its first line of body text."""
    out = []
    for line, nxt in zip(lines, [*lines[1:], ""]):
        if not _is_heading(line, nxt):
            break
        out.append(line)
    return out


def _extends(title: str, block: str) -> bool:
    """A longer block holding every word of the title (the full title under a shortened headline)."""
    words = set(re.findall(r"\w+", title.lower()))
    other = set(re.findall(r"\w+", block.lower()))
    return len(block) > len(title) and words <= other and len(block.split()) <= 40


def _is_heading(line: str, next_line: str) -> bool:
    """A short line of words that reads like neither a sentence, a wrapped line, chrome nor a date line."""
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 220 or line[-1] in ".,;" or _CONNECTOR_END.search(line):
        return False
    if not line[0].isupper() or next_line[:1].islower() or sum(map(len, words)) < 2 * len(words):
        return False  # lower-case start: a wrapped line; one-letter words: letter-spaced "C h a p t e r"
    return not re.match(r"newsletter\b", line, re.I) and not _CHROME.search(line) and not DATE_LINE.search(line)
