"""Recommendation tagging quality: micro precision/recall of themes and groups on the hand-labelled set.

    python bench/tags.py [--embedder minilm|e5]

Scores the tagger as configured (assistant.recommendations.tagging constants) and, to show where the thresholds
come from, a sweep of the similarity threshold with keyword-only tagging as the baseline. The labelled set is also a
calibration set, so the configured row is optimistic for unseen text; bench/recommendations.py measures the tagger
on a held-out half of the UN's own labels. The set was labelled before the vocabulary was named after the UN's
categories: only the ids it uses are scored (a tag of another id, e.g. legal_framework, is neither right nor wrong
here).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import ROOT, table, write  # noqa: E402

LABELLED = ROOT / "examples" / "eval" / "recommendation_tags.jsonl"
SWEEP = (0.35, 0.40, 0.45, 0.50, 0.55)


def micro(gold: list[set[str]], predicted: list[set[str]]) -> dict[str, float]:
    """Micro-averaged precision, recall and F1 over all (item, tag) pairs."""
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    n_pred, n_gold = sum(map(len, predicted)), sum(map(len, gold))
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def score(tagger, items: list[dict], vectors) -> dict[str, dict[str, float]]:
    """Micro scores for themes and groups of one tagger over the labelled items, within the ids the set uses."""
    tagged = tagger.tag([i["text"] for i in items], vectors=vectors)
    theme_ids = {t for i in items for t in i["themes"]}
    group_ids = {g for i in items for g in i["groups"]}
    themes = micro([set(i["themes"]) for i in items], [{t.id for t in th} & theme_ids for th, _ in tagged])
    groups = micro([set(i["groups"]) for i in items], [{t.id for t in gr} & group_ids for _, gr in tagged])
    return {"themes": themes, "groups": groups}


def _similarity_only(tagging, vocabulary, embedder):
    """A tagger that ignores keywords, to show what the embedding signal is worth on its own."""
    bare = tagging.Vocabulary(*(tuple(tagging.Entry(e.id, e.label, e.description, ()) for e in entries)
                                for entries in (vocabulary.themes, vocabulary.groups)))
    return tagging.Tagger(bare, embedder, 0.45, 0.45, 2, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "e5"])
    args = parser.parse_args()

    from assistant.recommendations import tagging
    from vectorstore.embeddings import make_embedder

    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    vocabulary = tagging.load_vocabulary()
    embedder = make_embedder(args.embedder)
    start = time.perf_counter()
    vectors = embedder.embed_documents([i["text"] for i in items])
    embed_seconds = time.perf_counter() - start

    configs = [("keywords only", tagging.Tagger(vocabulary, None)),
               (f"configured: {tagging.THEME_SIMILARITY:.2f}/{tagging.GROUP_SIMILARITY:.2f}, "
                f"top {tagging.MAX_SIMILAR_TAGS}, only without keywords={tagging.SIMILAR_ONLY_WITHOUT_KEYWORDS}",
                tagging.Tagger(vocabulary, embedder))]
    configs += [(f"sweep {t:.2f}, top 1, {'only without keywords' if fill else 'always'}",
                 tagging.Tagger(vocabulary, embedder, t, t, 1, fill)) for fill in (True, False) for t in SWEEP]
    configs.append(("similarity only 0.45, top 2", _similarity_only(tagging, vocabulary, embedder)))
    rows, data = [], {}
    for name, tagger in configs:
        result = score(tagger, items, vectors)
        data[name] = result
        rows.append([name, *(result[kind][m] for kind in ("themes", "groups") for m in ("precision", "recall", "f1"))])
    headers = ["tagger", "theme P", "theme R", "theme F1", "group P", "group R", "group F1"]
    markdown = (f"{len(items)} hand-labelled recommendations (`{LABELLED.relative_to(ROOT)}`), embedder "
                f"`{args.embedder}` ({embed_seconds:.2f} s to embed them). Micro-averaged over (item, tag) pairs. "
                "The set is also the calibration set.\n\n" + table(headers, rows))
    print(markdown)
    write("tags", markdown, {"embedder": args.embedder, "items": len(items), "results": data})


if __name__ == "__main__":
    main()
