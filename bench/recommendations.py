"""The recommendations explorer against the UN's own labels, and the State's responses for every UPR cycle.

    python bench/recommendations.py [--store DIR] [--name NAME]

Ingests Slovenia's three UPR cycles from ../shared/corpus-real (working-group report + the State's views:
A/HRC/14/15, A/HRC/28/15, A/HRC/59/15 and their Add.1) with the packaged MiniLM embedder and reads the explorer's
items. Then:
- responses: per cycle, how many items got supported / noted / partially / none, and the counts the views document
  states itself;
- 2nd cycle against OHCHR's thematic list (the DOCX): positions equal to the UN's, and the explorer's themes and
  affected groups against the UN's UHRI labels through assistant/data/un_categories.yaml, micro precision / recall
  over (item, id) pairs. The list is split by a fixed rule: even recommendation numbers are the development half
  (keywords and thresholds were fitted on it), odd numbers the held-out half (never looked at while fitting). Roma
  has no UN label: its gold is examples/eval/upr2_roma_recommendations.json;
- a similarity-threshold sweep on the development half only.
--store reuses a data directory (an unchanged re-ingest costs nothing); --name writes the results under another
name (the untouched first run was written as recommendations-first-run).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import ROOT, SHARED, table, write  # noqa: E402
from bench._un_list import read_un_list  # noqa: E402
from bench.tags import micro  # noqa: E402

REAL = SHARED / "corpus-real"
UN_LIST = REAL / "slovenia_upr2_ohchr_thematic_list_of_recommendations.docx"
ROMA = ROOT / "examples" / "eval" / "upr2_roma_recommendations.json"
CYCLES = {1: ("slovenia_upr1_working_group_report_A-HRC-14-15.pdf",
              "slovenia_upr1_views_on_recommendations_A-HRC-14-15-Add1.pdf"),
          2: ("slovenia_upr2_working_group_report_A-HRC-28-15.pdf",
              "slovenia_upr2_views_on_recommendations_A-HRC-28-15-Add1.pdf"),
          4: ("slovenia_upr4_working_group_report_A-HRC-59-15.pdf",
              "slovenia_upr4_views_on_recommendations_A-HRC-59-15-Add1.pdf")}
# The eight groups issue 12 names, each with the vocabulary ids that may stand for it (the first one present).
GROUPS = (("Roma", ("roma", "minorities_roma")), ("children", ("children",)),
          ("persons with disabilities", ("persons_with_disabilities",)),
          ("migrants, refugees, stateless", ("migrants_refugees",)), ("LGBTI", ("lgbti",)), ("women", ("women",)),
          ("older persons", ("older_persons",)), ("persons deprived of liberty", ("detainees",)))
SWEEP = (0.40, 0.45, 0.50, 0.55, 0.60)


def half(number: str) -> str:
    """The fixed split: even recommendation numbers develop, odd ones are held out."""
    return "development" if int(number.split(".")[-1]) % 2 == 0 else "held-out"


def ingest(store: Path):
    """The index of the six documents in store (ingested now or found unchanged)."""
    from assistant import factory
    from assistant.settings import Settings

    settings = Settings.load(data_dir=str(store), embedder="minilm")
    index = factory.open_index(settings)
    files = [REAL / name for pair in CYCLES.values() for name in pair]
    report = factory.make_indexer(settings, index, progress=False).ingest(files)
    if not report.ok:
        sys.exit(f"ingest failed: {report.files}")
    index.refresh(force=True)
    return index


def responses_rows(explorer, items) -> tuple[list[list], dict]:
    """Per cycle: items, their statuses, and the counts the views document states about itself."""
    rows, data = [], {}
    sources = explorer.count_sources()
    for cycle, (report, _views) in CYCLES.items():
        mine = [i for i in items if i.file_name == report]
        counts = Counter(i.response_status or "none" for i in mine)
        stated = {s.status: s.count for s in sources.get(mine[0].doc_id, []) if s.stated} if mine else {}
        data[cycle] = {"items": len(mine), **counts, "stated": stated}
        rows.append([cycle, report.split("_")[-1].removesuffix(".pdf"), len(mine), counts["supported"],
                     counts["noted"], counts["partially"], counts["none"],
                     " / ".join(f"{n} {s}" for s, n in stated.items()) or "-"])
    return rows, data


def same_source(item, un) -> bool:
    """Whether the views paragraph the item's status is cited to is the one the UN's list names ("Para. 3")."""
    ours = re.search(r"¶(\d+)", item.response_label or "")
    theirs = re.search(r"Para\. (\d+)\s*$", un.position_source)
    return bool(ours and theirs and ours.group(1) == theirs.group(1))


def gold_of(un, mapping, roma: set[str], group_ids: set[str]):
    """(themes, groups, unmapped theme labels) the UN gives one recommendation, in vocabulary ids."""
    themes, unmapped = mapping.theme_ids(un.themes)
    groups, _ = mapping.group_ids(un.persons)
    if "roma" in group_ids and un.number in roma:
        groups.add("roma")
    return themes, groups, unmapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="data directory to (re)use; a temporary one by default")
    parser.add_argument("--name", default="recommendations", help="results name (bench/results/NAME.json)")
    args = parser.parse_args()
    if not UN_LIST.exists():
        sys.exit(f"no {UN_LIST}: this benchmark reads ../shared (set HRQA_SHARED to its path)")

    from assistant.recommendations import RecommendationExplorer
    from assistant.recommendations.un import load_un_mapping

    started = time.perf_counter()
    store = Path(args.store) if args.store else Path(tempfile.mkdtemp(prefix="hrqa-bench-recs-"))
    index = ingest(store)
    ingest_s = time.perf_counter() - started
    explorer = RecommendationExplorer(index)
    items = explorer.items()
    un_list = read_un_list(UN_LIST)
    mapping = load_un_mapping()
    vocab = explorer.vocabulary
    theme_ids, group_ids = {e.id for e in vocab.themes}, {e.id for e in vocab.groups}
    roma = set(json.loads(ROMA.read_text(encoding="utf-8"))["numbers"])

    resp_rows, resp_data = responses_rows(explorer, items)
    second = {i.paragraph: i for i in items if i.file_name == CYCLES[2][0]}
    equal = [n for n, un in un_list.items() if n in second and second[n].response_status == un.position]
    differ = [(n, un.position, second[n].response_status if n in second else "missing")
              for n, un in un_list.items() if n not in equal]
    other_source = [n for n, un in un_list.items() if n in second and not same_source(second[n], un)]

    theme_scope = {i for ids in mapping.themes.values() for i in ids} & theme_ids
    group_scope = ({i for ids in mapping.persons.values() for i in ids} | {"roma"}) & group_ids
    by_half: dict[str, list] = {"development": [], "held-out": []}
    outside: Counter = Counter()
    for number, un in un_list.items():
        item = second.get(number)
        predicted_t = {t.id for t in item.themes} if item else set()
        predicted_g = {t.id for t in item.groups} if item else set()
        outside.update(g for g in predicted_g if g not in group_scope)
        gold_t, gold_g, unmapped = gold_of(un, mapping, roma, group_ids)
        by_half[half(number)].append((number, gold_t, predicted_t, gold_g, predicted_g, unmapped))
    result = {name: _half_scores(rows, theme_scope, group_scope) for name, rows in by_half.items()}
    per_group = {name: _per_group(rows, group_ids) for name, rows in by_half.items()}
    for name, groups in per_group.items():  # the eight groups together, each with its own gold (Roma's included)
        tp, gold, tagged = (sum(g[k] for g in groups.values()) for k in ("tp", "gold", "tagged"))
        result[name]["eight"] = {"precision": tp / tagged if tagged else 1.0, "recall": tp / gold if gold else 1.0}
    sweep = _sweep(explorer, index, [second[n] for n, *_ in by_half["development"] if n in second],
                   {n: (t, g) for n, t, _, g, _, _ in by_half["development"]}, theme_scope, group_scope)

    headers = ["half", "items", "theme P", "theme R", "theme R (all UN labels)", "group P", "group R",
               "8 groups P", "8 groups R"]
    rows = [[name, r["items"], r["themes"]["precision"], r["themes"]["recall"], r["themes"]["recall_all"],
             r["groups"]["precision"], r["groups"]["recall"], r["eight"]["precision"], r["eight"]["recall"]]
            for name, r in result.items()]
    group_rows = [[g, *(per_group[h][g][k] for h in ("held-out", "development") for k in ("gold", "tagged", "P", "R"))]
                  for g in per_group["held-out"]]
    markdown = "\n\n".join([
        f"Slovenia's UPR cycles 1, 2 and 4 ({len(items)} items, ingest {ingest_s:.0f} s). **Responses per cycle** "
        "(the working-group report's items and the status the State's views give each):",
        table(["cycle", "report", "items", "supported", "noted", "partially", "none", "the views state"],
              resp_rows),
        f"**2nd cycle positions equal to the UN's list:** {len(equal)} of {len(un_list)}"
        + (f"; differing: {differ[:12]}" if differ else "") + f". Cited to the views paragraph the UN names as "
        f"the source of the position: {len(un_list) - len(other_source)} of {len(un_list)}"
        + (f" (other: {', '.join(other_source)})" if other_source else "") + ".",
        "**Tags against the UN's UHRI labels** (2nd cycle; micro over (item, id) pairs within the ids the UN mapping"
        " names; development = even numbers, fitted on; held-out = odd numbers):",
        table(headers, rows),
        "**Per group** (held-out, then development): gold items, tagged items, precision, recall:",
        table(["group", "held-out gold", "tagged", "P", "R", "dev gold", "tagged", "P", "R"], group_rows),
        f"Group tags outside the UN's scheme (no UN label maps to them): {dict(outside) or 'none'}.",
        "**Similarity thresholds on the development half** (themes / groups):",
        table(["tagger", "theme P", "theme R", "group P", "group R"], sweep)])
    print(markdown)
    write(args.name, markdown, {"responses": resp_data, "positions_equal": len(equal), "positions_total": len(un_list),
                                "positions_differ": differ, "position_source_differs": other_source,
                                "tags": result, "per_group": per_group,
                                "outside_un_scheme": dict(outside), "sweep": sweep, "ingest_s": ingest_s})


def _half_scores(rows, theme_scope: set[str], group_scope: set[str]) -> dict:
    themes = micro([g for _, g, _, _, _, _ in rows], [p & theme_scope for _, _, p, _, _, _ in rows])
    tp = sum(len(g & (p & theme_scope)) for _, g, p, _, _, _ in rows)
    unmapped = sum(len(u) for *_, u in rows)
    themes["recall_all"] = tp / ((sum(len(g) for _, g, *_ in rows) + unmapped) or 1)
    groups = micro([g for _, _, _, g, _, _ in rows], [p & group_scope for _, _, _, _, p, _ in rows])
    return {"items": len(rows), "themes": themes, "groups": groups}


def _per_group(rows, group_ids: set[str]) -> dict:
    out = {}
    for name, candidates in GROUPS:
        gid = next((c for c in candidates if c in group_ids), candidates[0])
        gold = {n for n, _, _, g, _, _ in rows if gid in g}
        tagged = {n for n, _, _, _, p, _ in rows if gid in p}
        if name == "Roma" and gid != "roma":  # an old vocabulary without a Roma group: its minorities entry
            roma = set(json.loads(ROMA.read_text(encoding="utf-8"))["numbers"])
            gold = {n for n, *_ in rows if n in roma}
        tp = len(gold & tagged)
        out[name] = {"id": gid, "gold": len(gold), "tagged": len(tagged), "tp": tp,
                     "P": tp / len(tagged) if tagged else None, "R": tp / len(gold) if gold else None}
    return out


def _sweep(explorer, index, items, gold, theme_scope, group_scope) -> list[list]:
    """Theme and group scores on the development half for keyword-only tagging and similarity thresholds."""
    from assistant.recommendations import tagging

    texts = [i.text for i in items]
    vectors = index.embedder.embed_documents(texts)
    configs = [("keywords only", tagging.Tagger(explorer.vocabulary, None))]
    configs += [(f"similarity {t:.2f}", tagging.Tagger(explorer.vocabulary, index.embedder, t, t)) for t in SWEEP]
    rows = []
    for name, tagger in configs:
        tagged = tagger.tag(texts, vectors=vectors)
        th = micro([gold[i.paragraph][0] for i in items], [{t.id for t in x[0]} & theme_scope for x in tagged])
        gr = micro([gold[i.paragraph][1] for i in items], [{t.id for t in x[1]} & group_scope for x in tagged])
        rows.append([name, th["precision"], th["recall"], gr["precision"], gr["recall"]])
    return rows


if __name__ == "__main__":
    main()
