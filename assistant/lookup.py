"""Finding passages by id or by (part of) their citation label, for `hrqa show` and the UI's source panel."""
from __future__ import annotations

import re

from ingest.types import Passage
from vectorstore.index import Index


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("¶", " ¶ ")).strip().lower()


def find_passages(index: Index, target: str) -> list[Passage]:
    """Passages whose id equals target, else whose label equals it, else with that paragraph number
    ("251" or "¶251"), else whose label contains it as whole words.

    The first three are metadata look-ups in Chroma; only the last reads every passage.
    """
    direct = index.store.get([target])
    if direct:
        return direct
    live = index.live
    exact = index.store.find(live, label=target.strip())
    if exact:
        return exact
    number = re.fullmatch(r"¶?\s*([\w.()]+)", target.strip())
    if number:
        by_number = index.store.find(live, paragraph=number.group(1))
        if by_number:
            return by_number
    # whole words only: "para. 41" is not "para. 410", "p. 8" is not "p. 84"
    wanted = re.compile(rf"(?<!\w){re.escape(_norm(target))}(?!\w)")
    passages = [p for rec in index.documents() for p in index.store.passages_of(rec.meta.doc_id, rec.version)]
    return [p for p in passages if wanted.search(_norm(p.label))]
