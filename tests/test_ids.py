"""Tests for ingest.ids: deterministic, readable, collision-resistant ids."""
from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.ids import doc_id_for, passage_id


def test_doc_id_for_sample_file_returns_slug_and_sha1_prefix():
    assert doc_id_for("yuksalish-newsletter-25-may-2022.txt") == "yuksalish-newsletter-25-may-2022-fed08112"


def test_doc_id_for_accented_name_transliterates_to_ascii():
    assert doc_id_for("Rapport été.PDF") == "rapport-ete-09259ccc"


def test_doc_id_for_cyrillic_name_falls_back_to_doc():
    assert doc_id_for("Доклад.txt") == "doc-b2663fc4"


def test_doc_id_for_long_stem_truncates_slug_to_48_chars():
    assert doc_id_for("a" * 70 + ".txt") == "a" * 48 + "-ce803a6e"


def test_doc_id_for_truncation_at_separator_drops_trailing_dash():
    name = "a" * 47 + "-bbbb.txt"
    assert doc_id_for(name) == "a" * 47 + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def test_doc_id_for_same_slug_different_names_differ():
    assert doc_id_for("report.txt") != doc_id_for("Report.txt")


def test_doc_id_for_same_name_in_two_folders_differs_and_keeps_the_slug():
    first, second = doc_id_for("report.txt", "/a/report.txt"), doc_id_for("report.txt", "/b/report.txt")
    assert first != second
    assert first == "report-" + hashlib.sha1(b"/a/report.txt").hexdigest()[:8]
    assert second.startswith("report-")


def test_doc_id_for_undecodable_path_bytes_still_gives_an_id():
    assert doc_id_for("x.txt", "/tmp/\udcff.txt").startswith("x-")


def test_passage_id_formats_doc_hash_prefix_and_padded_ordinal():
    assert passage_id("doc-12345678", "abcdef0123456789", 7) == "doc-12345678:abcdef0123:00007"


def test_passage_id_negative_ordinal_raises_value_error():
    with pytest.raises(ValueError, match="must be >= 0"):
        passage_id("doc", "abc", -1)


@given(st.text(min_size=1, max_size=120))
def test_doc_id_for_any_name_is_deterministic_and_safe(name):
    doc_id = doc_id_for(name)
    assert doc_id == doc_id_for(name)
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?-[0-9a-f]{8}", doc_id)
