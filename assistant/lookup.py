"""Finding passages by id or by (part of) their citation label, for `hrqa show` and the UI's source panel."""
from __future__ import annotations

import re

from ingest.types import Passage
from vectorstore.index import Index


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("¶", " ¶ ")).strip().lower()


def find_passages(index: Index, target: str) -> list[Passage]:
    """Passages whose id equals target, else whose label equals it, else whose label contains it.

    A bare paragraph number ("251" or "¶251") matches labels with exactly that paragraph.
    """
    direct = index.store.get([target])
    if direct:
        return direct
    wanted = _norm(target)
    number = re.fullmatch(r"¶?\s*([\w.()]+)", target.strip())
    passages = [p for rec in index.documents() for p in index.store.passages_of(rec.meta.doc_id, rec.version)]
    exact = [p for p in passages if _norm(p.label) == wanted]
    if exact:
        return exact
    if number:
        by_number = [p for p in passages if p.paragraph == number.group(1)]
        if by_number:
            return by_number
    return [p for p in passages if wanted in _norm(p.label)]
