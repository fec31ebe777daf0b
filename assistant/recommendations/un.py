"""The UN Universal Human Rights Index labels and the vocabulary ids they mean (assistant/data/un_categories.yaml).

OHCHR labels each UPR recommendation with UHRI themes ("A45 National Human Rights Institution (NHRI)") and affected
persons ("children"). The mapping lets the explorer's tags be checked against the UN's (bench/recommendations.py)
and shows evaluators the UN label behind each theme and group.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping

import yaml

from ingest import yamldata
from ingest.errors import ConfigError

_FILE = ("assistant.data", "un_categories.yaml")


@dataclass(frozen=True)
class UNMapping:
    """UHRI theme codes and affected-persons labels -> vocabulary ids."""

    themes: Mapping[str, tuple[str, ...]]  # "A45" -> ("nhri",)
    persons: Mapping[str, tuple[str, ...]]  # "children" -> ("children",); "general" -> ()

    def theme_ids(self, labels: Iterable[str]) -> tuple[set[str], list[str]]:
        """(vocabulary theme ids, the labels with no mapping) for UN theme labels or codes."""
        ids: set[str] = set()
        unmapped = []
        for label in labels:
            code = label.split()[0] if label.split() else ""
            if code in self.themes:
                ids.update(self.themes[code])
            else:
                unmapped.append(label)
        return ids, unmapped

    def group_ids(self, persons: Iterable[str]) -> tuple[set[str], list[str]]:
        """(vocabulary group ids, the labels with no mapping) for UN affected-persons labels."""
        ids: set[str] = set()
        unmapped = []
        for label in persons:
            key = " ".join(label.lower().split())
            if key in self.persons:
                ids.update(self.persons[key])
            else:
                unmapped.append(label)
        return ids, unmapped

    def labels_for(self, kind: str, entry_id: str) -> list[str]:
        """The UN codes (kind "theme") or affected-persons labels (kind "group") that mean a vocabulary entry."""
        table = self.themes if kind == "theme" else self.persons
        return [label for label, ids in table.items() if entry_id in ids]


def load_un_mapping(text: str | None = None) -> UNMapping:
    """The packaged mapping, or one parsed from YAML text (tests).

    Raises:
        ConfigError: the YAML is malformed or a value is not a list of ids.
    """
    if text is None:
        text = resources.files(_FILE[0]).joinpath(_FILE[1]).read_text(encoding="utf-8")
    try:
        data = yamldata.safe_load(text) or {}
        themes = {str(code): _ids(ids) for code, ids in (data.get("themes") or {}).items()}
        persons = {" ".join(str(k).lower().split()): _ids(ids)
                   for k, ids in (data.get("affected_persons") or {}).items()}
    except (yaml.YAMLError, AttributeError, TypeError) as exc:
        raise ConfigError(f"UN mapping {_FILE[1]} is invalid ({exc}); fix the entry it names") from exc
    return UNMapping(themes, persons)


def _ids(value) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"{value!r} is not a list of ids")
    return tuple(str(v) for v in value)
