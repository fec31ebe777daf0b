from dataclasses import replace

import numpy as np

from ingest.types import DocumentMeta, Passage
from vectorstore.store import DocRecord, version_of

META = DocumentMeta(doc_id="doc-a", file_name="a.txt", title="A", short_title="A", doc_type="news",
                    countries=("Uzbekistan", "Russia"))


def _passages(version, texts):
    return [Passage(id=f"doc-a:{version}:{i:05d}", doc_id="doc-a", ordinal=i, text=t, paragraph=str(i + 1),
                    label=f"A, ¶{i + 1}", page=None if i else 3) for i, t in enumerate(texts)]


def _add(index, version, texts):
    ps = _passages(version, texts)
    index.store.add_passages(ps, index.embedder.embed_documents([p.text for p in ps]), version, META)
    return ps


def test_passages_invisible_until_manifest_commit(make_index):
    index = make_index()
    _add(index, "v1", ["mahallas cooperation", "trade union"])
    index.refresh(force=True)
    assert index.nearest(index.embedder.embed_query("mahallas"), 5) == []
    index.store.commit_document(DocRecord(META, "v1", 2))
    index.refresh(force=True)
    hits = index.nearest(index.embedder.embed_query("mahallas"), 5)
    assert [h.passage.paragraph for h in hits][0] == "1"


def test_roundtrip_keeps_scalar_fields_and_none_page(make_index):
    index = make_index()
    ps = _add(index, "v1", ["first", "second"])
    assert index.store.get([ps[1].id, ps[0].id, "missing"]) == [ps[1], ps[0]]


def test_manifest_roundtrip_restores_tuple_countries(make_index):
    index = make_index()
    index.store.commit_document(DocRecord(META, "v1", 2, "/x/a.txt", "2026-01-01T00:00:00+00:00"))
    rec = index.store.document("doc-a")
    assert rec == DocRecord(META, "v1", 2, "/x/a.txt", "2026-01-01T00:00:00+00:00")


def test_delete_stale_keeps_only_live_version(make_index):
    index = make_index()
    _add(index, "v1", ["old one", "old two"])
    new = _add(index, "v2", ["new one"])
    index.store.delete_stale_passages("doc-a", "v2")
    assert index.store.count() == 1
    assert index.store.passages_of("doc-a", "v2") == new


def test_remove_orphans_deletes_uncommitted_versions(make_index):
    index = make_index()
    _add(index, "v1", ["kept"])
    index.store.commit_document(DocRecord(META, "v1", 1))
    _add(index, "v2", ["crashed before commit", "also orphan"])
    assert index.store.remove_orphans() == 2
    assert [p.text for p in index.store.passages_of("doc-a", "v1")] == ["kept"]


def test_delete_document_removes_manifest_passages_and_keywords(make_index):
    index = make_index()
    _add(index, "v1", ["mahallas"])
    index.store.commit_document(DocRecord(META, "v1", 1))
    index.refresh(force=True)
    assert index.keyword.count() == 1
    assert index.delete_document("doc-a") is True
    assert (index.store.count(), index.keyword.count(), index.documents()) == (0, 0, [])
    assert index.delete_document("doc-a") is False


def test_version_of_is_prefix():
    assert version_of("abcdef0123456789") == "abcdef0123"


def test_nearest_is_exact_and_filters_by_section_kind(make_index):
    index = make_index()
    texts = ["mahallas cooperation", "trade union", "mahallas and women", "legal aid"]
    ps = [replace(p, section_kind="recommendation" if p.ordinal % 2 else "body") for p in _passages("v1", texts)]
    vectors = index.embedder.embed_documents(texts)
    index.store.add_passages(ps, vectors, "v1", META)
    index.store.commit_document(DocRecord(META, "v1", len(ps)))
    query = index.embedder.embed_query("mahallas")
    exact = sorted(range(len(ps)), key=lambda i: -float(np.dot(vectors[i], query) /
                                                          (np.linalg.norm(vectors[i]) * np.linalg.norm(query))))
    assert [h.passage.id for h in index.nearest(query, 4)] == [ps[i].id for i in exact]
    kinds = index.nearest(query, 4, section_kinds=("recommendation",))
    assert {h.passage.section_kind for h in kinds} == {"recommendation"} and len(kinds) == 2
    assert index.nearest(query, 4, doc_ids={"other"}) == []
