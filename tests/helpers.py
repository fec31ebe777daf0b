"""Building small indexes from literal paragraphs, for tests that must not depend on the parsers."""
from __future__ import annotations

from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord


def add_doc(index, name: str, paragraphs: list[tuple[str, str, str]], doc_type: str = "report",
            countries: tuple[str, ...] = (), date: str = "", version: str = "v1") -> list[Passage]:
    """Index a document of (paragraph number, section kind, text) and commit it."""
    meta = DocumentMeta(doc_id=name, file_name=f"{name}.txt", title=name.title(), short_title=name.title(),
                        doc_type=doc_type, date=date, countries=countries)
    passages = [Passage(id=f"{name}:{version}:{i:05d}", doc_id=name, ordinal=i, text=text, paragraph=number,
                        label=f"{name.title()}, ¶{number}", numbered=True, section_kind=kind)
                for i, (number, kind, text) in enumerate(paragraphs)]
    index.store.add_passages(passages, index.embedder.embed_documents([p.text for p in passages]), version, meta)
    index.store.commit_document(DocRecord(meta, version, len(passages)))
    index.refresh(force=True)
    return passages


def hand_weights(**overrides):
    """Simple hand-set weights for tests of the mechanisms (ranking by coverage, the check's named reasons);
    the shipped ones are fitted by bench/fit.py and tested for what they are, not used to pin behaviour here."""
    from assistant.answer.ranking import Model, Weights

    ranker = Model({"cov": 6.0, "cov_sentence": 2.0, "focus": 1.0, "kind": 2.0, "year": 2.0, "entity_missing": -4.0,
                    "count": 1.5, "answer_type": 1.0, "doc_ref": 2.0, "prev_cited": -6.0, "dense_rel": 1.0}, -7.0)
    check = Model({"p1": 8.0, "year_missing": -6.0, "count_missing": -6.0, "unknown_focus": -6.0,
                   "entity_missing1": -4.0}, -3.0)
    return Weights(ranker=ranker, answerable=check, **{"threshold": 0.5, "part_threshold": 0.5, "second": 0.6,
                                                       "listed": 0.4, **overrides})
