import pytest

from assistant.settings import Settings
from ingest.errors import ConfigError


def test_settings_defaults_when_env_empty():
    s = Settings.load(env={})
    assert (s.data_dir, s.embedder, s.top_k, s.llm_backend) == (".hrqa", "minilm", 5, "none")


def test_settings_env_overrides_default_and_converts_types():
    s = Settings.load(env={"HRQA_TOP_K": "7", "HRQA_CHROMA_SSL": "yes", "HRQA_LIST_SHOWN": "30"})
    assert (s.top_k, s.chroma_ssl, s.list_shown) == (7, True, 30)


def test_settings_argument_beats_env_and_none_falls_through():
    s = Settings.load(env={"HRQA_DATA_DIR": "/env", "HRQA_TOP_K": "7"}, data_dir="/arg", top_k=None)
    assert (s.data_dir, s.top_k) == ("/arg", 7)


def test_settings_bad_env_value_names_the_variable():
    with pytest.raises(ConfigError, match="HRQA_TOP_K"):
        Settings.load(env={"HRQA_TOP_K": "many"})


def test_settings_unknown_override_is_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        Settings.load(env={}, colour="red")


def test_settings_header_dict_parses_pairs_and_rejects_garbage():
    assert Settings(chroma_headers="X-Token=abc; A=b=c").header_dict() == {"X-Token": "abc", "A": "b=c"}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        Settings(chroma_headers="oops").header_dict()
