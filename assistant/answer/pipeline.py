"""How a question becomes an answer, in two steps the fitting script can separate.

1. `prepare()`: analyse the question once (assistant.answer.question), resolve the documents it names, fetch the
   candidate passages (assistant.retrieval) and everything the features read of them. Nothing here depends on
   fitted weights, so bench/fit.py prepares each question once and reuses it in every fold.
2. `respond()`: rank the candidates with the weights, check whether answering would be right, and compose the
   answer, or the answer to the parts the documents cover and the parts they do not.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from assistant.answer import checks, compose, documents, recommend
from assistant.answer.features import Pool, View, split_sentences, values
from assistant.answer.question import Corpus, Question, analyze
from assistant.answer.ranking import Scored, Weights, rank
from assistant.recommendations.explorer import SameRecommendations
from assistant.retrieval import Filters, HybridRetriever, Retrieved
from assistant.types import Citation
from ingest.countries import country_named
from ingest.ids import passage_id
from vectorstore.index import Index

TOP_DOCS = 10  # candidates whose documents count for the doc_share feature
RARE_NAME_SHARE = 0.1  # a name in more than this share of passages is not distinctive, unless it is a country


@dataclass
class Prepared:
    """A question with its candidates and their feature inputs; the parts of a multi-part question likewise."""

    question: Question
    candidates: list[Retrieved]
    views: list[View]
    pool: Pool
    parts: list["Prepared"] = field(default_factory=list)
    allowed: set[str] | None = None  # the documents the user's filters allow (None: every document)
    _rows: list[dict[str, float]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[dict[str, float]]:
        """Every candidate's feature values; they do not depend on the weights, so they are computed once."""
        if self._rows is None:
            self._rows = values(self.question, self.views, self.pool)
        return self._rows


@dataclass
class Outcome:
    """What respond() decided: the ranked passages (scores are probabilities), the check, the answer."""

    ranked: list[Retrieved]
    verdict: checks.Verdict
    draft: compose.Draft
    answerable: bool
    missing_parts: tuple[str, ...] = ()


def prepare(text: str, index: Index, retriever: HybridRetriever, filters: Filters | None = None,
            history: Sequence | None = None) -> Prepared:
    """Analyse a question and fetch its candidates (see the module docstring)."""
    index.refresh()  # sync the keyword index first: the question's weights are read from it
    corpus = Corpus(index.keyword.doc_freq, index.keyword.count())
    q = analyze(text, corpus, history)
    prepared = _prepare(q, index, retriever, filters)
    if q.parts:
        prepared.parts = [_prepare(analyze(part, corpus), index, retriever, filters) for part in q.parts]
    return prepared


def _prepare(q: Question, index: Index, retriever: HybridRetriever, filters: Filters | None) -> Prepared:
    manifest = index.refresh()
    named = documents.resolve(q.doc_refs, manifest, q.countries)
    # a question naming its documents ("in the 2025 review") is answered from them: searched within them, so that
    # the other cycles' look-alike paragraphs (their delegation counts, their dates) are not candidates at all
    within = replace(filters or Filters(), docs=tuple(sorted(named))) if named and not (filters and filters.docs) \
        else filters
    candidates = retriever.candidates_for(q.search, within)
    views = [View(r.passage, r.doc, rrf=r.rrf, dense=r.dense, bm25=r.keyword, dense_rank=r.dense_rank,
                  keyword_rank=r.keyword_rank) for r in candidates]
    top = [v.passage.doc_id for v in views[:TOP_DOCS]]
    pool = Pool(max_dense=max((v.dense for v in views), default=1.0) or 1.0,
                max_bm25=max((v.bm25 for v in views), default=1.0) or 1.0,
                leads=_article_leads(index, views, manifest),
                doc_ids=named,
                doc_share={d: top.count(d) / len(top) for d in set(top)}, missing=_missing(q, index))
    return Prepared(q, candidates, views, pool, allowed=filters.doc_ids(manifest) if filters else None)


def _article_leads(index: Index, views: Sequence[View], manifest) -> set[str]:
    """The candidates that open a news article: the paragraph before them is in another article, or none is."""
    before = {}
    for v in views:
        rec = manifest.get(v.passage.doc_id)
        if v.passage.article_index and rec is not None:
            before[passage_id(v.passage.doc_id, rec.version, v.passage.ordinal - 1)] = v.passage
    found = {p.id: p for p in index.store.get(list(before))} if before else {}
    return {p.id for pid, p in before.items()
            if pid not in found or found[pid].article_index != p.article_index}


def _missing(q: Question, index: Index):
    """Share of the question's distinctive names a passage's article (or document) never mentions; a name in the
    document's title or countries counts as mentioned. One look-up per candidate, cached."""
    total = max(1, index.keyword.count())
    rare = {s: w for s, w in q.entities.items()
            if q.doc_freq.get(s, 0) <= RARE_NAME_SHARE * total or country_named(w)}
    cache: dict[tuple[str, int], float] = {}

    def missing(view: View) -> float:
        if not rare:
            return 0.0
        key = (view.passage.doc_id, view.passage.article_index)
        if key not in cache:
            known = " ".join([view.doc.meta.title, *view.doc.meta.countries]).lower() if view.doc else ""
            wanted = [s for s, w in rare.items() if w.lower() not in known]
            absent = index.keyword.absent(view.passage.doc_id, view.passage.article_index, wanted) if wanted else []
            cache[key] = len(absent) / len(rare)
        return cache[key]

    return missing


def respond(prepared: Prepared, weights: Weights) -> Outcome:
    """Rank, check and compose (see the module docstring)."""
    q = prepared.question
    ranked, scored = _ranked(prepared, weights)
    verdict = checks.check(q, scored, weights)
    if prepared.parts:
        answered, missing, cited, unsure = [], [], [], []
        for part in prepared.parts:
            part_ranked, part_scored = _ranked(part, weights)
            if checks.check(part.question, part_scored, weights).answers(weights.part_threshold):
                answered.append((part.question.text, compose.compose(part.question, part_ranked, weights)))
                cited.extend(part_ranked[:3])
            else:
                unsure.append((part.question.text, part_ranked[0].passage.id if part_ranked else ""))
        # never "the documents do not say" about a part whose own best passage the answer quotes anyway
        quoted = {c.passage_id for _, draft in answered for c in draft.citations}
        missing = [text for text, best in unsure if best not in quoted]
        if answered and (missing or not verdict.answers(weights.threshold)):
            return Outcome(_merge(cited, ranked), verdict, compose.partial(answered, missing), True, tuple(missing))
    if not verdict.answers(weights.threshold):
        return Outcome(ranked, verdict, compose.Draft("", []), False)
    return Outcome(ranked, verdict, compose.compose(q, ranked, weights), True)


def _ranked(prepared: Prepared, weights: Weights) -> tuple[list[Retrieved], list[Scored]]:
    """The candidates best first, each with its probability as score and its feature values (and the Scored
    ranking the check reads)."""
    scored = rank(prepared.question, prepared.views, prepared.pool, weights, prepared.rows)
    by_passage = {r.passage.id: r for r in prepared.candidates}
    out = []
    for s in scored:
        item = by_passage[s.passage.id]
        item.score, item.features = s.probability, s.features
        out.append(item)
    return out, scored


def _merge(first: Sequence[Retrieved], rest: Sequence[Retrieved]) -> list[Retrieved]:
    seen, out = set(), []
    for item in [*first, *rest]:
        if item.passage.id not in seen:
            seen.add(item.passage.id)
            out.append(item)
    return out


_ITEM_WORDS: dict[tuple, recommend.ItemWords] = {}


def _item_words(key: tuple, items) -> recommend.ItemWords:
    """The items' stems, computed once per explorer version (the explorer recomputes its items when documents
    change), not by hashing every item's text on each question."""
    if key not in _ITEM_WORDS:
        _ITEM_WORDS.clear()
        _ITEM_WORDS[key] = recommend.ItemWords.of(items)
    return _ITEM_WORDS[key]


def listing(prepared: Prepared, explorer, manifest, shown: int = recommend.SHOWN) -> recommend.Listing | None:
    """The answer from the recommendations index when the question asks for recommendations and names what they
    are about (assistant.answer.recommend); None when it does not, or no item matches."""
    q = prepared.question
    if not (q.recommendation or (q.numeric and recommend.names_recommendations(q.search))):
        return None
    reviewed = {r.meta.country for r in manifest.values() if r.meta.cycle and r.meta.country}
    c = recommend.criteria(q, recommend.mentioned(explorer.vocabulary, q.search), prepared.pool.doc_ids, reviewed)
    if c.other_recommender:
        return None  # the Ombudsman's or a committee's recommendations are passages, not the States' items
    reviewed_lower = {x.lower() for x in reviewed}
    unreviewed = [r for r in c.recipients if r.lower() not in reviewed_lower]
    if unreviewed and reviewed:
        return _no_such_review(unreviewed, sorted(reviewed))  # not the recommendations that State made to others
    missing, cycles = documents.unmatched_cycles(q.doc_refs, manifest, q.countries)
    if missing and not c.doc_ids and (c.names_something or c.count):
        return _no_such_cycle(missing, cycles)  # never the other cycles' items or counts instead
    newest = sorted(manifest.values(), key=lambda r: (r.meta.date, r.meta.file_name), reverse=True)
    titles = {r.meta.doc_id: r.meta.short_title or r.meta.title for r in newest}
    which_too = c.count and recommend.asks_which(q.search)  # "how many did it note, and which were they?"
    if c.count and c.whole_documents and not which_too:
        return _count(c, explorer, manifest, titles, [r.meta.doc_id for r in newest])
    if not (c.names_something or (which_too and c.doc_ids)) or \
            (c.count and not which_too and not (c.themes or c.groups or c.actors or c.status)):
        return None  # "how many recommendations did the Ombudsman make": a topic alone is the ranker's question
    everything = explorer.items()
    items = recommend.matching(everything, c, _item_words(explorer.version, everything))
    if prepared.allowed is not None:  # the user's filters (country, year, document) hold for lists too
        items = [i for i in items if i.doc_id in prepared.allowed]
    items, twins = _one_per_recommendation(items, explorer.same_recommendations())
    if not items:
        return None
    responses = _response_citations(explorer.index, items[:shown], manifest, c)
    return recommend.compose_list(c, items, titles, [r.meta.doc_id for r in newest], shown, responses, twins)


def _no_such_review(states: Sequence[str], reviewed: Sequence[str]) -> recommend.Listing:
    """Recommendations asked of a State no UPR document reviews: said so, uncited."""
    text = (f"The documents hold no UPR review of {' or '.join(states)}, so they do not say which recommendations "
            f"it received. The UPR documents indexed review {', '.join(reviewed)}; recommendations {states[0]} "
            f"made to {reviewed[0]} are listed when asked as \"What did {states[0]} recommend?\".")
    return recommend.Listing(compose.Draft(text, []), 0, 0, {})


def _no_such_cycle(missing: Sequence[int], cycles: Sequence[int]) -> recommend.Listing:
    """A list or count asked of a UPR cycle no document is from: said so, with the cycles there are, uncited."""
    def names(ns: Sequence[int]) -> str:
        words = [documents.ordinal(n) for n in ns]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    text = (f"The documents hold no UPR report of the {names(missing)} cycle, so they do not say which "
            f"recommendations it made or how many. Indexed UPR cycles: {names(cycles)}.")
    return recommend.Listing(compose.Draft(text, []), 0, 0, {})


def _one_per_recommendation(items, same: SameRecommendations) -> tuple[list, dict]:
    """Each UN recommendation once, from the working group's report, and its row in OHCHR's thematic list of the
    same review beside it: (items, report item id -> list item). An item matched only on the list's row (the UN's
    own labels) is listed as the report's item too. `same` is the explorer's, computed once per set of items."""
    out, seen, twins = [], set(), {}
    for item in items:
        k = same.keys.get(item.id)
        if k is None:
            out.append(item)
        elif k not in seen:
            seen.add(k)
            chosen = item if item.id in same.primary else same.reports.get(k, item)
            out.append(chosen)
            if chosen.id in same.primary and k in same.others:
                twins[chosen.id] = same.others[k]
    return out, twins


def _count(c: recommend.Criteria, explorer, manifest, titles, order) -> recommend.Listing | None:
    """A whole-document count ("how many did Slovenia support in the 4th cycle"), cited to the views paragraphs
    that state or list it."""
    counts = explorer.counts(c.doc_ids or None)
    sources = explorer.count_sources(c.doc_ids or None)
    draft = recommend.compose_count(c, counts, sources, titles, order)
    if draft is None:
        return None
    passages = {p.id: p for p in explorer.index.store.get([x.passage_id for x in draft.citations])}
    cited = []
    for citation in draft.citations:
        p = passages.get(citation.passage_id)
        if p is None:
            return None
        full = _passage_citation(p, manifest, citation.marker, lambda s: "recommendation" in s.lower())
        cited.append(replace(full, label=citation.label, section_kind=citation.section_kind))
    by_document = {d: (row.get(c.status, 0) if c.status else row["total"]) for d, row in counts.items()}
    total = sum(by_document.values())
    return recommend.Listing(compose.Draft(draft.text, cited), total, total, by_document,
                             recommend.tab_filter(c, [d for d, n in by_document.items() if n]))


def _response_citations(index: Index, items, manifest, c: recommend.Criteria) -> dict:
    """The views paragraphs the list cites for the shown items: the one stating the response (when the question
    asks about responses), quoting the sentence that names the item's number, and the one giving a reason the list
    quotes, quoting the reason's sentence (else each paragraph's first sentence). Passage id -> citation."""
    wanted: dict[str, Callable[[str], bool]] = {}
    for item in items:
        if recommend.shows_reason(c, item) and item.reason_passage_id:
            wanted.setdefault(item.reason_passage_id, partial(_opens, " ".join(item.response_reason.split()[:6])))
        if c.show_response and item.response_passage_id:
            wanted.setdefault(item.response_passage_id, partial(_names, item.paragraph))
    passages = {p.id: p for p in index.store.get(list(wanted))} if wanted else {}
    return {pid: _passage_citation(passages[pid], manifest, 0, holds) for pid, holds in wanted.items()
            if pid in passages}


def _opens(start: str, sentence: str) -> bool:
    return start in " ".join(sentence.split())


def _names(number: str, sentence: str) -> bool:
    return number in sentence


def _passage_citation(p, manifest, marker: int, holds) -> Citation:
    """A citation of a whole passage quoting its first sentence that `holds` (else its first sentence)."""
    sentences = split_sentences(p.text) or [p.text]
    quote = next((s for s in sentences if holds(s)), sentences[0])
    return compose.citation_for(marker, Retrieved(p, 1.0, doc=manifest.get(p.doc_id)), quote)
