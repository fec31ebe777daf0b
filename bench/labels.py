"""Label accuracy: document metadata and passage citation labels against the hand-written gold.

Gold: examples/eval/labels/documents.jsonl (every document of ../shared/corpus-real and the sample corpus: title,
symbol, type, date and what it means, country) and passages.jsonl (sampled paragraphs: opening quote, own paragraph
number or null, heading path, section kind, page, recommending State). Written by a helper from the documents alone
(examples/eval/labels/README.md). Parsing only (ingest.pipeline.load): no model, no store.
Also counts boilerplate passages (web chrome, scraper lines, running heads, page numbers, footnote fragments).
Run: .venv/bin/python bench/labels.py [--show-misses]
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import ROOT, SHARED, table, write  # noqa: E402

GOLD = ROOT / "examples" / "eval" / "labels"
FOLDERS = (SHARED / "corpus-real", ROOT / "examples" / "corpus")
DOC_FIELDS = ("title", "doc_type", "date", "date_kind", "symbol")
PASSAGE_FIELDS = ("paragraph", "heading_path", "section_kind", "page", "actor")


def main() -> None:
    from bench._labels import boilerplate, compare_documents, compare_passages, parse_all

    show = "--show-misses" in sys.argv
    parsed = parse_all(FOLDERS)
    docs = [json.loads(line) for line in (GOLD / "documents.jsonl").read_text(encoding="utf-8").splitlines() if line]
    gold_passages = [json.loads(line) for line in (GOLD / "passages.jsonl").read_text(encoding="utf-8").splitlines()
                     if line]
    doc_rows = compare_documents(docs, parsed)
    passage_rows = compare_passages(gold_passages, parsed)
    by_doc: dict[str, Counter] = defaultdict(Counter)
    for row in passage_rows:
        by_doc[row["doc"]]["n"] += 1
        by_doc[row["doc"]]["ok"] += row["ok"]
    doc_ok = sum(r["ok"] for r in doc_rows)
    field_acc = {f: sum(r["fields"][f] for r in doc_rows) / len(doc_rows) for f in DOC_FIELDS}
    passage_ok = sum(r["ok"] for r in passage_rows)
    passage_field = {f: sum(r["fields"].get(f, False) for r in passage_rows) / len(passage_rows)
                     for f in (*PASSAGE_FIELDS, "found")}
    junk = boilerplate(parsed)
    md = table(["what", "equal to gold", "of", "share"],
               [["documents (title, type, date + meaning, symbol)", doc_ok, len(doc_rows), doc_ok / len(doc_rows)],
                ["passage labels (number, headings, kind, page, State)", passage_ok, len(passage_rows),
                 passage_ok / len(passage_rows)],
                ["boilerplate passages", sum(len(v) for v in junk.values()), sum(len(p.passages) for _, p in
                                                                                  parsed.values()), ""]])
    md += "\n\nPer field: " + ", ".join(f"{k} {v:.3f}" for k, v in {**field_acc, **passage_field}.items())
    md += "\n\n" + table(["document", "labels equal", "sampled"],
                         [[d, c["ok"], c["n"]] for d, c in sorted(by_doc.items())])
    print(md)
    if show:
        for r in doc_rows:
            if not r["ok"]:
                print("DOC", r["file"], {f: r["got"][f] for f in DOC_FIELDS if not r["fields"][f]},
                      {f: r["want"].get(f) for f in DOC_FIELDS if not r["fields"][f]})
        for r in passage_rows:
            if not r["ok"]:
                print("PSG", r["doc"][:30], repr(r["quote"][:50]), {f: (r["got"].get(f), r["want"].get(f))
                                                                     for f in PASSAGE_FIELDS if not r["fields"].get(f)})
        for doc, texts in junk.items():
            for text in texts:
                print("JUNK", doc[:30], repr(text[:80]))
    write("labels", md, {"documents": doc_rows, "passages": passage_rows, "field_accuracy": field_acc,
                         "passage_field_accuracy": passage_field,
                         "boilerplate": {d: t for d, t in junk.items()}})


if __name__ == "__main__":
    main()
