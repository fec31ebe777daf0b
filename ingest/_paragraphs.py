"""Passes over a document's paragraphs once they are split (ingest.structure): what a paragraph is depends on
its neighbours."""
from __future__ import annotations

import re
from dataclasses import replace

from ingest.types import Paragraph

WORDLESS = re.compile(r"[^\W\d_]{2}")
_CAPTION = re.compile(r"^(?:table|fig(?:ure)?|chart|source)\b", re.I)


def figures_joined(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs without a word (the cells of a table, a chart's numbers) are no text to cite on their own: a
    run of them joins the caption after it ("Table 7: ...") or else the paragraph before it."""
    out: list[Paragraph] = []
    pending: list[str] = []
    for p in paragraphs:
        if not p.numbered and not WORDLESS.search(p.text):
            pending.append(p.text)
            continue
        if pending and _CAPTION.match(p.text):
            p = replace(p, text=" ".join([*pending, p.text]))
        elif pending and out:
            out[-1] = replace(out[-1], text=" ".join([out[-1].text, *pending]))
        pending = []
        out.append(p)
    if pending and out:
        out[-1] = replace(out[-1], text=" ".join([out[-1].text, *pending]))
    return out


def chapeaus_are_not_recommendations(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """In a UN list of recommendations ("140.1" ... "140.254"), the plain-numbered paragraphs under the same
    heading are its chapeau ("The following recommendations will be examined ...") and closing note, not
    recommendations."""
    if not any(p.section_kind == "recommendation" and "." in p.number for p in paragraphs):
        return paragraphs
    return [replace(p, section_kind="other") if p.section_kind == "recommendation" and p.numbered
            and p.number.isdigit() else p for p in paragraphs]
