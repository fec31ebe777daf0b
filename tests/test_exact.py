"""Exact dense search: the true nearest passages, only live ones, filters, and the same order in every process."""
import numpy as np

from vectorstore.exact import ExactVectors


def _vectors(rows):
    return np.array(rows, dtype=np.float32)


class FakeStore:
    """Passage vectors by id; counts reads so the tests see what is loaded again."""

    def __init__(self, vectors):
        self.vectors = dict(vectors)
        self.reads = []

    def all(self):
        self.reads.append("all")
        ids = list(self.vectors)
        return ids, _vectors([self.vectors[i] for i in ids])

    def doc(self, doc_id, version):
        self.reads.append(doc_id)
        ids = [i for i in self.vectors if i.startswith(f"{doc_id}:{version}:")]
        return ids, _vectors([self.vectors[i] for i in ids])


def _exact(store):
    return ExactVectors(store.all, store.doc)


def test_finds_the_true_nearest_passages_best_first_with_cosine_scores():
    store = FakeStore({"a:v1:00000": [1, 0], "a:v1:00001": [0, 2], "b:v1:00000": [1, 1]})
    found = _exact(store).search([1, 0.1], 3, {"a": "v1", "b": "v1"})
    assert [pid for pid, _ in found] == ["a:v1:00000", "b:v1:00000", "a:v1:00001"]
    assert abs(found[0][1] - 1 / np.hypot(1, 0.1)) < 1e-6, "cosine, whatever the vectors' lengths"


def test_only_live_versions_and_the_asked_documents_or_passages_are_searched():
    store = FakeStore({"a:v1:00000": [1, 0], "a:old:00000": [1, 0], "b:v1:00000": [0.9, 0.1]})
    exact = _exact(store)
    live = {"a": "v1", "b": "v1"}
    assert [pid for pid, _ in exact.search([1, 0], 5, live)] == ["a:v1:00000", "b:v1:00000"], "no orphans"
    assert [pid for pid, _ in exact.search([1, 0], 5, live, doc_ids={"b"})] == ["b:v1:00000"]
    assert [pid for pid, _ in exact.search([1, 0], 5, live, ids={"b:v1:00000"})] == ["b:v1:00000"]
    assert exact.search([1, 0], 5, live, doc_ids=set()) == []


def test_a_new_version_reloads_only_that_document():
    store = FakeStore({"a:v1:00000": [1, 0], "b:v1:00000": [0, 1]})
    exact = _exact(store)
    exact.search([1, 0], 2, {"a": "v1", "b": "v1"})
    store.vectors = {"a:v1:00000": [1, 0], "b:v2:00000": [1, 0.2]}
    found = exact.search([0, 1], 2, {"a": "v1", "b": "v2"})
    assert store.reads == ["all", "b"]
    assert [pid for pid, _ in found] == ["b:v2:00000", "a:v1:00000"]
    assert exact.search([0, 1], 2, {"a": "v1"}) == [("a:v1:00000", 0.0)], "a removed document is gone"


def test_equal_scores_come_in_store_order_every_time():
    store = FakeStore({f"a:v1:{i:05d}": [1, 0] for i in range(12)})
    found = [pid for pid, _ in _exact(store).search([1, 0], 5, {"a": "v1"})]
    assert found == [f"a:v1:{i:05d}" for i in range(5)]
