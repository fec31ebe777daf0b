"""`hrqa` command line: parse, call the core, print. Exit status 1 on failure, 2 on bad usage."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Sequence

from assistant.terminal import printable, printable_lines
from ingest.errors import HrqaError

log = logging.getLogger("hrqa")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except HrqaError as exc:
        print(f"hrqa: error: {printable(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hrqa: stopped" if args.command == "serve" else "hrqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `hrqa ask ... | head`: the reader has all it wanted; no traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit flush must not fail again
        except (OSError, ValueError):  # io.UnsupportedOperation: stdout is no file (a test's capture)
            pass
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hrqa", description="Cited answers from human-rights documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--store", help="data directory (HRQA_DATA_DIR)")
        p.add_argument("--embedder", choices=["minilm", "e5"], help="embedding model (HRQA_EMBEDDER)")
        p.set_defaults(func=func)
        return p

    p = command("ingest", _ingest, "Index files and folders (.txt .md .pdf .html .docx).")
    p.add_argument("paths", nargs="+")
    p.add_argument("--prune", action="store_true", help="remove indexed documents whose files are not given")
    p.add_argument("--json", action="store_true")

    p = command("docs", _docs, "List indexed documents.")
    p.add_argument("--json", action="store_true")

    p = command("show", _show, "Print one passage (by id or citation label) with its neighbours.")
    p.add_argument("target", help="passage id, or a citation label or part of one, e.g. '¶251'")
    p.add_argument("--context", type=int, default=1, help="neighbours on each side")
    p.add_argument("--json", action="store_true")

    p = command("delete", _delete, "Remove a document (by file name or id) from both indexes.")
    p.add_argument("document")

    p = command("ask", _ask, "Answer a question with paragraph citations.")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", help="JSONL file with id and question per line; prints one JSON object per line")
    p.add_argument("--k", type=int, help="passages to retrieve (HRQA_TOP_K)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="doc=, type=, kind=, country=, year=, from=, to= (repeatable)")
    p.add_argument("--json", action="store_true")

    p = command("eval", _eval, "Score retrieval and answers against gold questions.")
    p.add_argument("questions")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")

    p = command("recommendations", _recommendations,
                "List every recommendation with its State, themes, groups and the State's response; filter and export.")
    p.add_argument("--theme", action="append", help="theme id or label (repeatable: any of them)")
    p.add_argument("--group", action="append", help="affected group id or label (repeatable)")
    p.add_argument("--doc", help="document file name, id, UN symbol or part of its title")
    p.add_argument("--state", action="append", help="recommending State, e.g. 'United Kingdom' (repeatable)")
    p.add_argument("--query", help="free text: items holding its words, or close in meaning")
    p.add_argument("--status", action="append", help="supported, noted, partially or none (repeatable)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="write the items as CSV to FILE ('-' for stdout)")
    out.add_argument("--xlsx", metavar="FILE", help="write the items as an Excel workbook (text cells) to FILE")
    out.add_argument("--json", action="store_true")

    p = command("backup", _backup, "Save the whole index (passages, vectors, manifest) to one .jsonl.gz file.")
    p.add_argument("dest")

    p = command("restore", _restore, "Load a backup made by 'hrqa backup' into the index.")
    p.add_argument("src")

    p = command("serve", _serve, "Start the chat web app.")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    return parser


def _settings(args: argparse.Namespace, **extra):
    from assistant.settings import Settings

    return Settings.load(data_dir=getattr(args, "store", None), embedder=getattr(args, "embedder", None), **extra)


def _ingest(args) -> int:
    from assistant import factory, render

    settings = _settings(args)
    index = factory.open_index(settings)
    report = factory.make_indexer(settings, index, progress=not args.json).ingest(args.paths, prune=args.prune)
    if args.json:
        print(json.dumps({"files": [f.__dict__ for f in report.files], "summary": report.summary()}, indent=2))
    else:
        print(render.report_text(report))
    if report.stopped:
        print(f"hrqa: error: {printable(report.stopped)}", file=sys.stderr)
    return 0 if report.ok else 1


def _docs(args) -> int:
    from assistant import factory, render

    records = factory.documents(_settings(args))
    print(json.dumps([render.doc_dict(r) for r in records], indent=2, ensure_ascii=False) if args.json
          else render.docs_text(records))
    return 0


def _show(args) -> int:
    from assistant import factory, render
    from assistant.lookup import find_passages

    index = factory.open_index(_settings(args))
    matches = find_passages(index, args.target)
    if len(matches) != 1:
        if not matches:
            print(f"hrqa: no passage matches {printable(repr(args.target))}", file=sys.stderr)
        else:
            print(f"hrqa: {len(matches)} passages match {printable(repr(args.target))}; be more specific:",
                  file=sys.stderr)
            for p in matches[:20]:
                print(f"  {p.id}  {printable(p.label)}", file=sys.stderr)
        return 1
    target = matches[0]
    context = index.neighbours(target, args.context, args.context)
    if args.json:
        print(json.dumps({"passage": render.passage_dict(target),
                          "context": [render.passage_dict(p) for p in context]}, indent=2, ensure_ascii=False))
    else:
        print(render.show_text(target, context, index.store.document(target.doc_id)))
    return 0


def _delete(args) -> int:
    from assistant import factory

    index = factory.open_index(_settings(args))
    record = index.find_document(args.document)
    if record is None or not index.delete_document(record.meta.doc_id):
        print(f"hrqa: no indexed document {printable(repr(args.document))} (see hrqa docs)", file=sys.stderr)
        return 1
    print(f"deleted {printable(record.meta.file_name)} ({record.n_passages} passages)")
    return 0


def _ask(args) -> int:
    from assistant import factory, render
    from assistant.evaluate import load_questions
    from assistant.retrieval import Filters

    question = (args.question or "").strip()
    if bool(question) == bool(args.batch):
        which = "not both" if args.batch else "the question is empty" if args.question is not None else "neither given"
        print(f"hrqa: error: give a QUESTION or --batch FILE ({which})", file=sys.stderr)
        return 2
    filters = Filters.from_pairs(args.filter)
    assistant = factory.make_assistant(_settings(args, top_k=args.k, list_shown=1_000_000))  # a terminal lists all
    if args.batch:
        try:
            items = load_questions(args.batch)
        except (OSError, ValueError) as exc:
            print(f"hrqa: error: {exc}", file=sys.stderr)
            return 1
        for item in items:
            result = assistant.ask(item["question"], filters).to_dict()
            print(json.dumps({"id": item["id"], **result}, ensure_ascii=False), flush=True)
        return 0
    answer = assistant.ask(question, filters)
    print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) if args.json else render.answer_text(answer))
    return 0


def _eval(args) -> int:
    from assistant import factory
    from assistant.evaluate import evaluate, load_questions

    assistant = factory.make_assistant(_settings(args, top_k=args.k))
    try:
        items = load_questions(args.questions)
    except (OSError, ValueError) as exc:
        print(f"hrqa: error: {exc}", file=sys.stderr)
        return 1
    result = evaluate(items, lambda item, history: assistant.ask(item["question"], history=history, k=args.k).to_dict(),
                      args.k)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    widths = [max(10, len(name) + 2) for name in result["all"]]
    print(f"{'subset':<16}" + "".join(f"{name:>{w}}" for name, w in zip(result["all"], widths)))
    for name, metrics in [("all", result["all"]), ("english", result["english"]), *result["by_kind"].items()]:
        print(f"{name:<16}" + "".join(f"{_fmt(v):>{w}}" for v, w in zip(metrics.values(), widths)))
    misses = [q for q in result["questions"] if q["answerable_gold"] and not q["first_hit_rank"]]
    for q in misses:
        print(f"miss: {q['id']} ({q['kind']})")
    return 0


def _fmt(value) -> str:
    return "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _recommendations(args) -> int:
    from assistant import factory
    from assistant.recommendations import RecommendationExplorer, items_text, to_csv, to_json, write_xlsx
    from assistant.recommendations.explorer import canonical_status
    from ingest.errors import ConfigError

    index = factory.open_index(_settings(args))
    explorer = RecommendationExplorer(index, cache_dir=index.cache_dir)
    items = explorer.filter(theme=args.theme, group=args.group, doc=args.doc, query=args.query, status=args.status,
                            actor=args.state)
    for word in args.status or ():  # every word is a known status here: filter() refused any other
        meant = canonical_status(word)
        if meant != " ".join(word.lower().split()):  # "rejected" is listed as noted: say so, not silently
            print(f"hrqa: --status {printable(word)} is read as '{meant}' (the UPR's own word for it)", file=sys.stderr)
    if args.csv == "-":
        sys.stdout.write(to_csv(items, bom=False))
    elif args.csv or args.xlsx:
        try:
            if args.csv:
                with open(args.csv, "w", encoding="utf-8", newline="") as f:
                    f.write(to_csv(items))
            else:
                write_xlsx(items, args.xlsx)
        except OSError as exc:
            raise ConfigError(f"cannot write {args.csv or args.xlsx}: {exc.strerror or exc}; choose another path") \
                from exc
        print(f"wrote {len(items)} recommendations to {args.csv or args.xlsx}")
    elif args.json:
        print(to_json(items))
    else:
        print(printable_lines(items_text(items, repeats=explorer.repeats())))
    return 0


def _backup(args) -> int:
    from assistant import factory
    from vectorstore.backup import backup

    counts = backup(factory.open_index(_settings(args)), args.dest)
    print(f"backed up {counts['documents']} documents, {counts['passages']} passages to {args.dest}")
    return 0


def _restore(args) -> int:
    from assistant import factory
    from vectorstore.restore import restore

    counts = restore(factory.open_index(_settings(args)), args.src)
    print(f"restored {counts['documents']} documents, {counts['passages']} passages from {args.src}")
    return 0


def _serve(args) -> int:
    from assistant.web.app import serve

    serve(_settings(args, host=args.host, port=args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
