"""Prompt templates, shipped as package data and loaded with importlib.resources."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load_prompt(name: str) -> dict[str, str]:
    """The prompt file prompts/<name>.yaml as a dict of templates (str.format style).

    Raises:
        FileNotFoundError: no such prompt file.
    """
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
