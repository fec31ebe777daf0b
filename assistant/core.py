"""The one core: `Assistant.ask()` and `Assistant.ask_stream()`. CLI and UI are thin layers over it."""
from __future__ import annotations

import logging
import math
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from assistant import extractive, followup, llm
from assistant.evidence import (NAME, QueryTerms, gives_count, query_terms_for, question_entities, support, text_stems,
                                years_in, years_missing)
from assistant.retrieval import Filters, HybridRetriever, Retrieved, detect_intent, missing_entities
from assistant.translate import to_english_query
from assistant.types import Answer, Event
from ingest.limits import check_question
from vectorstore.index import Index
from vectorstore.text import context_of

log = logging.getLogger(__name__)

REFUSAL_TEXT = "The documents do not cover this question."
COMPOSE_POOL = 10  # passages the answer may draw on; the top k of them are returned as `passages`
# A passage holding (nearly) every word of the question is on topic even when a long text dilutes its embedding.
FULL_COVERAGE = 0.9
# A question about something the corpus never names ("annual budget") is refused unless a passage covers most
# of the rest of it (Assistant._named_otherwise)...
UNKNOWN_FOCUS_COVERAGE = 0.6
# ...and a passage may name the asked-about thing differently only if one of its names is this similar to the
# focus words (all-MiniLM-L6-v2: "advisory body" ~ "Council of Independent Experts" 0.44, ~ "Commissioner for
# Human Rights" 0.38, "salary" ~ "Cabinet of Ministers" 0.15).
SYNONYM_SIMILARITY = 0.4


@dataclass(frozen=True)
class Evidence:
    """Why a question is (not) answerable: best IDF-weighted coverage, best dense similarity, reasons."""

    coverage: float
    dense: float
    reasons: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return not self.reasons


class Assistant:
    """Answers questions from an Index.

    Args:
        index: the corpus.
        chat_model: a LangChain chat model, or None for the offline extractive composer.
        k: passages returned per answer.
        min_coverage: below this IDF-weighted coverage of the question by the best passages, refuse.
        min_dense: below this best cosine similarity, refuse.
        llm_timeout: seconds before an LLM answer is abandoned for the extractive one.
        max_question_chars: longer questions are refused (QuestionTooLong) before any work.
    """

    def __init__(self, index: Index, chat_model: Any = None, k: int = 5, min_coverage: float = 0.4,
                 min_dense: float = 0.25, llm_timeout: float = 60.0, max_question_chars: int = 2000):
        self.index = index
        self.max_question_chars = max_question_chars
        self.retriever = HybridRetriever(index, k=k)
        self.chat_model = chat_model
        self.k = k
        self.min_coverage = min_coverage
        self.min_dense = min_dense
        self.llm_timeout = llm_timeout

    @property
    def backend(self) -> str:
        return f"LLM: {llm.model_name(self.chat_model)}" if self.chat_model is not None else "offline extractive"

    def ask(self, question: str, filters: Filters | None = None, history: Sequence | None = None,
            k: int | None = None) -> Answer:
        """Answer a question with paragraph citations.

        Args:
            question: the user's question.
            filters: restrict retrieval (documents, type, section kind, country, date).
            history: earlier turns [(role, text)] for follow-ups.
            k: passages to return (default: the assistant's k).

        Returns:
            an Answer; `answerable` is False (and no citation is made) when the evidence is weak.
        """
        final = None
        for event in self.ask_stream(question, filters, history, k):
            if event.kind == "answer":
                final = event.answer
        return final

    def ask_stream(self, question: str, filters: Filters | None = None, history: Sequence | None = None,
                   k: int | None = None) -> Iterator[Event]:
        """Like ask(), as events: "status", then "token" deltas, then one final "answer"."""
        check_question(question, self.max_question_chars)  # every client: the browser's box limit is not enough
        started = time.monotonic()
        k = k or self.k
        standalone = to_english_query(self._standalone(question, history))
        yield Event("status", "Searching the documents…")
        intent = detect_intent(standalone)
        self.index.refresh()  # sync the keyword index first: the question's term weights are read from it
        terms = query_terms_for(standalone, self.index.keyword)
        pool = self.retriever.retrieve(standalone, filters, k=max(k, COMPOSE_POOL), intent=intent, terms=terms)
        stems, weights = terms.stems, terms.weights
        evidence = self.assess(standalone, pool, terms)
        answer = Answer(question=question, text="", passages=pool[:k], standalone=standalone)
        if not evidence.answerable:
            answer.text, answer.answerable = REFUSAL_TEXT, False
            answer.warnings = list(evidence.reasons)
            yield from self._finish(answer, started)
            return
        if self.chat_model is not None:
            yield Event("status", "Writing the answer…")
            yield from self._llm_answer(answer, standalone, pool[:k])
        if not answer.text:
            draft = extractive.compose(standalone, intent, pool, stems, weights)
            answer.text, answer.citations = draft.text, draft.citations
            answer.backend = "extractive"
        _include_cited(answer, pool)
        yield from self._finish(answer, started)

    def assess(self, question: str, pool: Sequence[Retrieved], terms: QueryTerms) -> Evidence:
        """Decide whether the retrieved passages can answer the question."""
        if not pool:
            return Evidence(0.0, 0.0, ("nothing was retrieved",))
        top = sorted(pool, key=lambda r: r.score, reverse=True)[:3]  # best evidence, whatever the display order
        stems, weights = terms.stems, terms.weights
        covers = [support(stems, r.passage.text, weights).coverage for r in top]
        coverage = max(covers) if stems else 0.0
        dense = max(r.dense for r in top)
        named = self._named_otherwise(top, terms)
        coverage = max(coverage, *named.values()) if named else coverage
        unknown = [s for s in terms.focus if terms.doc_freq.get(s, 0) == 0]
        reasons = []
        if stems and coverage < self.min_coverage:
            reasons.append(f"the best passages cover {coverage:.0%} of the question's terms")
        if unknown and not named:
            reasons.append(f"the documents never mention what the question asks about ({', '.join(unknown)}…)")
        elif not any(self._about(question, r, terms, check_focus=r.passage.id not in named) for r in top):
            names = [*question_entities(question).values(), *(terms.words.get(f, f) for f in terms.focus)]
            reasons.append(f"no retrieved text is about everything the question names ({', '.join(names)})")
        if dense < self.min_dense and coverage < FULL_COVERAGE:
            reasons.append(f"the best passage is only {dense:.2f} similar to the question")
        on_topic = [r for r, cover in zip(top, covers) if cover >= self.min_coverage]
        years = years_in(question)
        counted = any(gives_count(r.passage.text, terms.focus, years, _frame(r)) for r in on_topic or top)
        if detect_intent(question).numeric and not counted:
            reasons.append("no retrieved passage gives a number for what the question counts")
        if all(years_missing(question, _dated_text(r)) for r in top):
            reasons.append(f"no retrieved passage mentions {', '.join(years_missing(question, _dated_text(top[0])))}")
        return Evidence(coverage, dense, tuple(reasons))

    def _named_otherwise(self, top: Sequence[Retrieved], terms: QueryTerms) -> dict[str, float]:
        """Passages that name what the question asks about under another name.

        "What advisory body did the Commissioner establish?" is answered by "a Council of Independent Experts
        was established by the Commissioner", which never says "advisory body". A passage counts when it lacks
        every focus word but has the question's verb, covers UNKNOWN_FOCUS_COVERAGE of the rest of the question,
        and names something (a capitalised name) at least SYNONYM_SIMILARITY similar to the focus words.

        Returns:
            {passage id: its coverage of the question without the focus words}.
        """
        rest = [s for s in terms.stems if s not in terms.focus]
        if not terms.focus or not terms.predicate or not rest:
            return {}
        found: dict[str, float] = {}
        focus_vector = None
        for item in top:
            text = item.passage.text
            stems = text_stems(text)
            cover = support(rest, text, terms.weights).coverage
            names = NAME.findall(text)
            if set(terms.focus) & stems or terms.predicate not in stems or cover < UNKNOWN_FOCUS_COVERAGE \
                    or not names:
                continue
            embedder = self.index.embedder
            if focus_vector is None:
                focus_vector = embedder.embed_query(" ".join(terms.words.get(f, f) for f in terms.focus))
            if max(_cosine(focus_vector, v) for v in embedder.embed_documents(names)) >= SYNONYM_SIMILARITY:
                found[item.passage.id] = cover
        return found

    def _about(self, question: str, item: Retrieved, terms: QueryTerms, check_focus: bool = True) -> bool:
        """Whether the passage's article (or document) names every entity of the question and, when the
        question has a focus ("annual budget"), at least one focus word: budget figures from a text about NGO
        subsidies do not answer a question about the Ombudsman's budget."""
        p = item.passage
        if missing_entities(self.index, question, item):
            return False
        focus = {f: terms.words.get(f, f) for f in terms.focus} if check_focus else {}
        return not focus or len(self.index.keyword.absent(p.doc_id, p.article_index, focus)) < len(focus)

    def _standalone(self, question: str, history: Sequence | None) -> str:
        rewritten = followup.rewrite(question, history)
        if rewritten == question or self.chat_model is None:
            return rewritten
        try:
            return llm.rewrite_with_llm(self.chat_model, followup.last_user_question(history), question)
        except Exception as exc:  # the rule-based rewrite is a complete answer on its own
            log.info("LLM rewrite failed (%s); using the rule-based rewrite", exc)
            return rewritten

    def _llm_answer(self, answer: Answer, question: str, passages: Sequence[Retrieved]) -> Iterator[Event]:
        """Stream the model's tokens; on any failure leave answer.text empty so the caller falls back."""
        tokens: queue.Queue = queue.Queue()
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["raw"] = llm.stream_answer(self.chat_model, question, passages, self.llm_timeout,
                                                  on_token=tokens.put)
            except Exception as exc:
                result["error"] = exc
            finally:
                tokens.put(None)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        deadline = time.monotonic() + self.llm_timeout
        while True:
            try:
                piece = tokens.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                result.setdefault("error", llm.LLMFailure(f"LLM took longer than {self.llm_timeout:.0f}s"))
                break
            if piece is None:
                break
            yield Event("token", piece)
        try:
            if "error" in result:
                raise result["error"]
            checked = llm.check_answer(result["raw"], question, passages)
        except Exception as exc:
            answer.warnings.append(f"LLM answer replaced by the extractive answer: {exc}")
            yield Event("status", "reset")
            return
        answer.text, answer.citations = checked.text, checked.citations
        answer.warnings.extend(checked.warnings)
        answer.backend = llm.model_name(self.chat_model)

    def _finish(self, answer: Answer, started: float) -> Iterator[Event]:
        if answer.backend == "extractive" or not answer.answerable:
            yield Event("status", "reset")
            for piece in llm.iter_tokens(answer.text):
                yield Event("token", piece)
        answer.seconds = time.monotonic() - started
        yield Event("answer", answer=answer)


def _frame(item: Retrieved) -> str:
    """What a passage's text is framed by: its headings and its document's date (a news item dated 2020 is about
    2020 without saying so; "Nearly 40,000 Protection Orders Issued in 2021" dates its paragraphs)."""
    date = item.doc.meta.date if item.doc is not None else ""
    return f"{context_of(item.passage)} {date}"


def _dated_text(item: Retrieved) -> str:
    """A passage's text with its headings and its document's date."""
    return f"{item.passage.text} {_frame(item)}"


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _include_cited(answer: Answer, pool: Sequence[Retrieved]) -> None:
    """Every cited passage must be among answer.passages (citation validity); append any beyond the top k."""
    shown = {r.passage.id for r in answer.passages}
    by_id = {r.passage.id: r for r in pool}
    for citation in answer.citations:
        if citation.passage_id not in shown and citation.passage_id in by_id:
            answer.passages.append(by_id[citation.passage_id])
            shown.add(citation.passage_id)
