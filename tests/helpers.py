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
