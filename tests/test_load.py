"""Concurrent chat clients against the real running app (bench/load.py runs the bigger version).

Skipped unless HRQA_TEST_LOAD=1 (CI sets it). Traffic goes to 127.0.0.1 only.
Run: HRQA_TEST_LOAD=1 python -m pytest tests/test_load.py -q -m load
"""
from __future__ import annotations

import os

import pytest

from bench._serve import ingest_sample, serve
from bench.load import run_load

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(os.environ.get("HRQA_TEST_LOAD") != "1", reason="set HRQA_TEST_LOAD=1 to run"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    store = tmp_path_factory.mktemp("load-store")
    ingest_sample(store)
    with serve(store, store / "serve.log") as url:
        yield url


def test_load_20_clients_at_once_all_answered_without_error(app_url):
    result = run_load(app_url, clients=20, per_client=1, timeout=180)
    assert result["errors"] == [] and result["hung_clients"] == 0
    assert result["answered"] == result["asked"] == 20
    assert result["p95"] < 60, result
