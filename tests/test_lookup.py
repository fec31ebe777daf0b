from assistant.lookup import find_passages
from tests.helpers import add_doc


def _index(make_index):
    index = make_index()
    add_doc(index, "assessment", [("251", "recommendation", "Mahallas."), ("252", "recommendation", "NGOs.")])
    add_doc(index, "report", [("140.18", "recommendation", "Ensure independence (Algeria);"), ("251", "other", "x")])
    return index


def test_find_passages_by_id_label_number_and_label_part(make_index):
    index = _index(make_index)
    assert [p.id for p in find_passages(index, "assessment:v1:00001")] == ["assessment:v1:00001"]
    assert [p.label for p in find_passages(index, "Assessment, ¶252")] == ["Assessment, ¶252"]
    assert [p.label for p in find_passages(index, "¶140.18")] == ["Report, ¶140.18"]
    assert [p.label for p in find_passages(index, "251")] == ["Assessment, ¶251", "Report, ¶251"]
    assert [p.label for p in find_passages(index, "report, ¶251")] == ["Report, ¶251"]  # part of a label
    assert find_passages(index, "report, ¶25") == []  # whole words: ¶25 is not ¶251
    assert find_passages(index, "¶999") == []


def test_find_passages_ignores_passages_of_uncommitted_versions(make_index):
    index = _index(make_index)
    add_doc(index, "assessment", [("251", "recommendation", "New text.")], version="v2")
    assert [p.id for p in find_passages(index, "Assessment, ¶251")] == ["assessment:v2:00000"]
