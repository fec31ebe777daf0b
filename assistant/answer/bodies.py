"""Bodies and treaties a question describes instead of naming ("the UN anti-torture committee"): their names, from
assistant/data/bodies.yaml, to add to the question's search. Pure apart from reading that file once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ingest import yamldata
from ingest.errors import ConfigError


@dataclass(frozen=True)
class Body:
    names: tuple[str, ...]
    when: tuple[tuple[re.Pattern, ...], ...]  # any line: every word beginning of it occurs


def _beginning(words: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split()), re.I)


def parse(text: str) -> tuple[Body, ...]:
    """The bodies of a bodies.yaml text.

    Raises:
        ConfigError: the YAML is malformed or an entry lacks names or when.
    """
    try:
        entries = yamldata.safe_load(text) or []
        return tuple(Body(tuple(e["names"]), tuple(tuple(_beginning(w) for w in line) for line in e["when"]))
                     for e in entries)
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"assistant/data/bodies.yaml is invalid ({exc}); fix the entry it names") from exc


@lru_cache(maxsize=1)
def shipped() -> tuple[Body, ...]:
    return parse(resources.files("assistant").joinpath("data/bodies.yaml").read_text(encoding="utf-8"))


def described(text: str, bodies: tuple[Body, ...] | None = None) -> tuple[str, ...]:
    """The names of the bodies text describes without naming them ("anti-torture committee" -> "Committee
    against Torture", "CAT"); none for a body the text already names."""
    out: list[str] = []
    lowered = text.lower()
    for body in shipped() if bodies is None else bodies:
        if any(re.search(rf"\b{re.escape(name.lower())}\b", lowered) for name in body.names):
            continue
        if any(all(p.search(text) for p in line) for line in body.when):
            out.extend(body.names)
    return tuple(out)
