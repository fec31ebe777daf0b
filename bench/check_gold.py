"""Every gold quote of the question sets, checked against the parsed passages of its document.

A gold item is found when a passage of its document holds the quote as assistant.evaluate scores it (whitespace,
case and quote characters aside; a quote of ten words or more also by its first or last half). A quote no passage
holds can never be scored right, so the check runs before any figure is reported. Parsing only (ingest.pipeline):
no model, no store. Exit status 1 when a quote is missing.
Run: .venv/bin/python bench/check_gold.py [question files...]   (default: every set in examples/eval/)
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import ROOT, SHARED  # noqa: E402

FOLDERS = (SHARED / "corpus-real", ROOT / "examples" / "corpus")


def main() -> int:
    from assistant.evaluate import load_questions, quote_in
    from bench._labels import parse_all

    files = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "examples" / "eval").glob("*_questions.jsonl"))
    parsed = parse_all(f for f in FOLDERS if f.is_dir())
    missing, total = [], 0
    for path in files:
        for item in load_questions(path):
            for gold in item.get("gold", []):
                total += 1
                doc = parsed.get(gold["doc"])
                if doc is None:
                    missing.append((path.name, item["id"], gold["doc"], "document not found"))
                    continue
                if not any(quote_in(gold["quote"], p.text) for p in doc[1].passages):
                    missing.append((path.name, item["id"], gold["doc"], gold["quote"][:80]))
    for row in missing:
        print("MISSING", *row, sep="  ")
    print(f"{total - len(missing)}/{total} gold quotes found in the parsed passages of their documents "
          f"({len(files)} files)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
