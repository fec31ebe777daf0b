"""The one core: `Assistant.ask()` and `Assistant.ask_stream()`. CLI and UI are thin layers over it.

A question flows: analysis (assistant.answer.question) -> candidates (assistant.retrieval) -> ranking by fitted
features (assistant.answer.ranking) -> the check whether answering would be right (assistant.answer.checks) ->
the extractive answer, or the parts the documents cover (assistant.answer.compose), or an optional LLM answer
checked citation by citation (assistant.llm). ARCHITECTURE.md draws it.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, Iterator, Sequence

from assistant import llm
from assistant.answer.pipeline import Outcome, Prepared, listing, prepare, respond
from assistant.answer.ranking import Weights
from assistant.retrieval import Filters, HybridRetriever, Retrieved
from assistant.types import Answer, Event
from ingest.limits import check_question
from vectorstore.index import Index

log = logging.getLogger(__name__)

REFUSAL_TEXT = "The documents do not cover this question."


class Assistant:
    """Answers questions from an Index.

    Args:
        index: the corpus.
        chat_model: a LangChain chat model, or None for the offline extractive composer.
        k: passages returned per answer.
        weights: fitted ranking and answerability weights; the shipped ones for the index's embedder by default.
        llm_timeout: seconds before an LLM answer is abandoned for the extractive one.
        explorer: the recommendations index (assistant.recommendations.RecommendationExplorer); built on first use.
        list_shown: recommendations written out in a list answer (the count of all is always stated).
        max_question_chars: longer questions are refused (QuestionTooLong) before any work.
    """

    def __init__(self, index: Index, chat_model: Any = None, k: int = 5, weights: Weights | None = None,
                 llm_timeout: float = 60.0, explorer: Any = None, list_shown: int = 12,
                 max_question_chars: int = 2000):
        self.index = index
        self.list_shown = list_shown
        self.max_question_chars = max_question_chars
        self._explorer = explorer
        self.retriever = HybridRetriever(index)
        self.chat_model = chat_model
        self.k = k
        self._weights = weights
        self.llm_timeout = llm_timeout

    @property
    def weights(self) -> Weights:
        if self._weights is None:
            self._weights = Weights.load(self.index.store.embedder_name.removesuffix("-int8"))
        return self._weights

    @property
    def explorer(self):
        """The recommendations index (assistant.recommendations), built on first use."""
        if self._explorer is None:
            from assistant.recommendations import RecommendationExplorer

            self._explorer = RecommendationExplorer(self.index, cache_dir=self.index.cache_dir)
        return self._explorer

    @property
    def backend(self) -> str:
        return f"LLM: {llm.model_name(self.chat_model)}" if self.chat_model is not None else "offline extractive"

    def ask(self, question: str, filters: Filters | None = None, history: Sequence | None = None,
            k: int | None = None) -> Answer:
        """Answer a question with paragraph citations.

        Args:
            question: the user's question.
            filters: restrict retrieval (documents, type, section kind, country, date).
            history: earlier turns [(role, text) or (role, text, cited passage ids)] for follow-ups.
            k: passages to return (default: the assistant's k).

        Returns:
            an Answer; `answerable` is False (and no citation is made) when the documents do not answer it.
        """
        final = None
        for event in self.ask_stream(question, filters, history, k):
            if event.kind == "answer":
                final = event.answer
        assert final is not None, "ask_stream always ends with an answer event"
        return final

    def prepare(self, question: str, filters: Filters | None = None, history: Sequence | None = None) -> Prepared:
        """The question analysed with its candidates (weights not needed yet; bench/fit.py reuses it)."""
        return prepare(question, self.index, self.retriever, filters, history)

    def ranked(self, question: str, filters: Filters | None = None) -> list[Retrieved]:
        """The candidates for a question, best first (the LangChain retriever adapter's results)."""
        return respond(self.prepare(question, filters), self.weights).ranked

    def ask_stream(self, question: str, filters: Filters | None = None, history: Sequence | None = None,
                   k: int | None = None) -> Iterator[Event]:
        """Like ask(), as events: "status", then "token" deltas, then one final "answer"."""
        check_question(question, self.max_question_chars)  # every client: the browser's box limit is not enough
        started = time.monotonic()
        yield Event("status", "Searching the documents…")
        prepared = self.prepare(question, filters, history)
        yield from self.answer_prepared(prepared, k or self.k, started)

    def answer_prepared(self, prepared: Prepared, k: int, started: float | None = None,
                        weights: Weights | None = None) -> Iterator[Event]:
        """The answer to a prepared question, as events (bench/fit.py passes each fold's weights)."""
        started = time.monotonic() if started is None else started
        q = prepared.question
        listed = listing(prepared, self.explorer, self.index.refresh(), self.list_shown)
        if listed is not None:
            yield from self._finish(self._listing_answer(prepared, listed, k), started)
            return
        outcome: Outcome = respond(prepared, weights or self.weights)
        answer = Answer(question=q.text, text="", passages=outcome.ranked[:k], standalone=q.search,
                        confidence=round(outcome.verdict.probability, 4))
        if not outcome.answerable:
            answer.text, answer.answerable = REFUSAL_TEXT, False
            answer.warnings = list(outcome.verdict.reasons)
            if prepared.allowed is not None and not prepared.allowed:  # a typo in a filter is no empty corpus
                answer.warnings = ["no indexed document matches the filters, so nothing was searched (check the "
                                   "country, document or dates given)"]
            yield from self._finish(answer, started)
            return
        if outcome.missing_parts:
            answer.warnings = [f"the documents do not answer: {part}" for part in outcome.missing_parts]
        if self.chat_model is not None and not outcome.missing_parts:
            yield Event("status", "Writing the answer…")
            yield from self._llm_answer(answer, q.search, outcome.ranked[:k])
        if not answer.text:
            answer.text, answer.citations = outcome.draft.text, outcome.draft.citations
            answer.backend = "extractive"
        _include_cited(answer, outcome.ranked)
        yield from self._finish(answer, started)

    def _listing_answer(self, prepared: Prepared, listed, k: int) -> Answer:
        """A complete list from the recommendations index: every cited item's passage is among the passages."""
        cited = [c.passage_id for c in listed.draft.citations]
        manifest = self.index.refresh()
        passages = [Retrieved(p, 1.0, doc=manifest.get(p.doc_id)) for p in self.index.store.get(cited)]
        order = {pid: n for n, pid in enumerate(cited)}
        passages.sort(key=lambda r: order.get(r.passage.id, len(order)))
        shown = {r.passage.id for r in passages}
        rest = [r for r in prepared.candidates if r.passage.id not in shown][:k]
        found = bool(listed.draft.citations)  # none: the list's own refusal ("no report of the 3rd cycle")
        return Answer(question=prepared.question.text, text=listed.draft.text, citations=listed.draft.citations,
                      passages=passages + rest, standalone=prepared.question.search, confidence=1.0 if found else 0.0,
                      answerable=found, warnings=[] if found else [listed.draft.text],
                      listing={"total": listed.total, "shown": listed.shown, "by_document": dict(listed.by_document),
                               "filter": dict(listed.filter)})

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




def _include_cited(answer: Answer, pool: Sequence[Retrieved]) -> None:
    """Every cited passage must be among answer.passages (citation validity); append any beyond the top k."""
    shown = {r.passage.id for r in answer.passages}
    by_id = {r.passage.id: r for r in pool}
    for citation in answer.citations:
        if citation.passage_id not in shown and citation.passage_id in by_id:
            answer.passages.append(by_id[citation.passage_id])
            shown.add(citation.passage_id)
