"""The title block of a PDF's first page (a UN cover: masthead, session lines, title, the State's name): not
text, but where the document names itself. Pure; used by ingest.pdflayout."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.pdflines import Body, Line, same_style, strip_marks

_MASTHEAD = 0.8  # page-1 lines above this share of the height are the masthead (organ, symbol, Distr. line)


def cover_block(lines: Sequence[Line], body: Body) -> list[Line]:
    """The title block of page 1: its lines above the first body-style paragraph line, or above the first
    numbered section heading ("I. Background"). They are marked furniture (not text) and returned top to bottom.
    """
    first = sorted((ln for ln in lines if ln.page == 1 and ln.kind in ("body", "footnote")),
                   key=lambda ln: -ln.bottom)
    block: list[Line] = []
    for line in first:
        plain = not body.emphasised(line) and len(line.text.split()) >= 8
        if (plain and line.kind == "body" and not line.text.startswith("*")) or re.match(r"^[IVX]+\.\s", line.text):
            break
        block.append(line)
    if not any(body.emphasised(ln) for ln in block):
        return []  # nothing set off above the text: page 1 is text, not a cover
    for line in block:
        line.kind = "furniture"
    return block


def cover_title(cover: Sequence[Line], page_height: float, body: Body) -> str:
    """The largest-font run of the title block below the masthead, with an addendum's own subtitle and the State's
    name printed beside it: "Report of the Working Group ...: Slovenia"."""
    runs = [r for r in _runs([ln for ln in cover if ln.bottom < _MASTHEAD * page_height])
            if not r[0].text.startswith("*")]
    if not runs:
        return ""
    texts = [strip_marks(" ".join(ln.text for ln in run)) for run in runs]
    sizes = [max(ln.height for ln in run) for run in runs]
    titled = [i for i, t in enumerate(texts) if len(t.split()) > 3] or list(range(len(runs)))
    main = max(titled, key=lambda i: (round(sizes[i]), -i))
    title = texts[main]
    addendum = next((i for i in range(main + 1, len(texts) - 1) if texts[i].lower() == "addendum"), None)
    if addendum is not None:  # an addendum is named by its own subtitle, printed under "Addendum"
        title = texts[addendum + 1]
    name = next((t for i, t in enumerate(texts) if i != main and len(t.split()) <= 3 and t[:1].isupper()
                 and t.lower() != "addendum" and t.lower() not in title.lower() and abs(i - main) <= 2
                 and all(body.emphasised(ln) for ln in runs[i]) and abs(runs[i][0].left - runs[main][0].left) < 5),
                "")
    return f"{title}: {name}" if name else title


def _runs(lines: Sequence[Line]) -> list[list[Line]]:
    """Consecutive lines (top to bottom) in the same style and close together."""
    runs: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: -ln.bottom):
        prev = runs[-1][-1] if runs else None
        if prev is not None and same_style(prev, line) and prev.bottom - line.bottom < 1.9 * prev.height:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs
