import gzip

import pytest

from ingest.errors import StoreError
from tests.helpers import add_doc
from vectorstore.backup import backup
from vectorstore.restore import restore


def test_backup_restore_roundtrip_gives_identical_search(make_index, tmp_path):
    src = make_index(path=tmp_path / "a")
    add_doc(src, "assessment", [("251", "recommendation", "Closer cooperation with mahallas is required."),
                                ("252", "recommendation", "NGOs are ready to help.")])
    counts = backup(src, tmp_path / "b.jsonl.gz")
    assert counts == {"documents": 1, "passages": 2}
    dst = make_index(path=tmp_path / "b")
    assert restore(dst, tmp_path / "b.jsonl.gz") == counts
    assert [d.meta for d in dst.documents()] == [d.meta for d in src.documents()]
    assert dst.keyword.search("mahallas", 5) == src.keyword.search("mahallas", 5)
    q = src.embedder.embed_query("mahallas")
    assert ([h.passage for h in dst.nearest(q, 2)]
            == [h.passage for h in src.nearest(q, 2)])


def test_restore_rejects_foreign_file_without_touching_index(make_index, tmp_path):
    bad = tmp_path / "x.jsonl.gz"
    with gzip.open(bad, "wt") as fh:
        fh.write('{"format": "other"}\n')
    index = make_index()
    with pytest.raises(StoreError, match="not an hrqa backup"):
        restore(index, bad)
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(StoreError, match="damaged or not an hrqa backup; nothing restored"):
        restore(index, tmp_path / "plain.txt")
    assert index.store.count() == 0
