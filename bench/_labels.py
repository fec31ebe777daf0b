"""Comparing parsed documents with the label gold (bench/labels.py and tests/test_labels.py)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": None})
# A passage is boilerplate when its whole text is one of these: scraper header lines, web chrome, a page number,
# a running head (a UN symbol, a job number), or a footnote fragment.
_BOILERPLATE = (
    re.compile(r"^\[\[\w+:.*\]\]$"),
    re.compile(r"^\[?original article published here\]?", re.I),
    re.compile(r"^(page\s*)?\d{1,4}$", re.I),
    re.compile(r"^(A|E)/[\w./-]+$"),
    re.compile(r"^GE\.\d{2}-\d+"),
    re.compile(r"^\d{1,3}\s+(see|ibid|available at|http|www\.|A/HRC|CCPR/|CERD/|CRC/|CEDAW/|CAT/|E/C\.12)", re.I),
    re.compile(r"^(https?://|www\.)\S+$", re.I),
    re.compile(r"^(see\s+(?:[A-Z]{1,5}/|e\.g\.|also\s+[A-Z]{1,5}/|www|https?:)|ibid|available at)", re.I),  # a note
    re.compile(r"^[A-Z]{2,}[\w./-]*/[\w./-]+,?\s*(para|paras|p)\.", re.I),  # "CRC/C/SVN/CO/3-4, para. 15"
    re.compile(r"(javascript|cookie|subscribe|share with friends|all rights reserved\.?$)", re.I),
)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", (text or "").translate(_QUOTES)).lower()


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").translate(_QUOTES)).strip().lower()


def parse_all(folders: Iterable[Path]) -> dict[str, Any]:
    """file name -> (path, ParsedDocument) for every supported file of the folders."""
    from ingest.pipeline import load
    from ingest.readers import SUPPORTED_EXTENSIONS

    out = {}
    for folder in folders:
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() in SUPPORTED_EXTENSIONS:
                out[path.name] = (path, load(path))
    return out


def compare_documents(gold: list[dict], parsed: dict[str, Any]) -> list[dict]:
    rows = []
    for want in gold:
        _, doc = parsed[want["file"]]
        meta = doc.meta
        got = {"title": meta.title, "doc_type": meta.doc_type, "date": meta.date,
               "date_kind": getattr(meta, "date_kind", ""), "symbol": getattr(meta, "symbol", "")}
        expected = {"title": want["title"], "doc_type": want["doc_type"], "date": want["date"],
                    "date_kind": want["date_meaning"] if want["date"] else "", "symbol": want["symbol"]}
        fields = {k: norm(str(got[k])) == norm(str(expected[k])) for k in got}
        rows.append({"file": want["file"], "ok": all(fields.values()), "fields": fields, "got": got,
                     "want": expected})
    return rows


def find_passage(quote: str, passages, page: int | None = None) -> Any:
    """The passage that opens with the quote (on the gold page, when several do), else the first holding it."""
    key = squeeze(quote)
    containing = [p for p in passages if key in squeeze(p.text)]
    opening = [p for p in containing if squeeze(p.text).find(key) <= 3] or containing
    on_page = [p for p in opening if p.page == page]
    return (on_page or opening or [None])[0]


def compare_passages(gold: list[dict], parsed: dict[str, Any]) -> list[dict]:
    rows = []
    for want in gold:
        _, doc = parsed[want["doc"]]
        p = find_passage(want["quote"], doc.passages, want.get("page"))
        row = {"doc": want["doc"], "quote": want["quote"], "want": want, "got": {}, "fields": {"found": p is not None}}
        if p is not None:
            got = {"paragraph": p.paragraph if p.numbered else None,
                   "heading_path": [h for h in p.heading.split(" > ") if h], "section_kind": p.section_kind,
                   "page": p.page, "actor": p.actor}
            row["got"] = got
            row["fields"].update({
                "paragraph": got["paragraph"] == want["paragraph"],
                "heading_path": [norm(h) for h in got["heading_path"]] == [norm(h) for h in want["heading_path"]],
                "section_kind": got["section_kind"] == want["section_kind"],
                "page": got["page"] == want["page"],
                "actor": norm(got["actor"]) == norm(want.get("actor", "")),
            })
        row["ok"] = all(row["fields"].values()) and len(row["fields"]) > 1
        rows.append(row)
    return rows


def boilerplate(parsed: dict[str, Any]) -> dict[str, list[str]]:
    """file name -> texts of passages that are boilerplate, not document text."""
    out = {}
    for name, (_, doc) in parsed.items():
        repeats = Counter(p.text.strip() for p in doc.passages)
        whole = [p for p in doc.passages if p.part <= 1]  # a later part of a long paragraph is that paragraph's
        found = [p.text for p in whole if any(b.search(p.text.strip()) for b in _BOILERPLATE)
                 or (repeats[p.text.strip()] >= 3 and len(p.text.split()) <= 8  # a running head left in
                     and not re.search(r"[.:;!?]$", p.text.strip()))
                 or not re.search(r"[^\W\d_]{3}", p.text)]  # no word at all: a page number, a marker
        if found:
            out[name] = found
    return out
