"""Controlled vocabularies (incident types, target types, event kinds), kept as data.

Each vocabulary is a CSV in ``data/vocabularies/`` with ``value, description, aliases, source``;
aliases are pipe-separated written forms in English or Russian. An NGO extends a vocabulary
by adding rows (or a second CSV named ``<vocabulary>_*.csv``), with no code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.paths import embedded_data_dir
from indicators.tables.values import name_key

VOCABULARIES = ("incident_types", "target_types", "event_kinds")


@dataclass(frozen=True)
class Vocabulary:
    """Allowed values and the written forms that map to them."""

    name: str
    values: tuple[str, ...]
    descriptions: dict[str, str]
    aliases: dict[str, str]

    def resolve(self, text: str | None) -> str | None:
        """The vocabulary value for a written form: exact alias first, then a word match."""
        if text is None:
            return None
        key = name_key(text)
        if not key:
            return None
        if key in self.aliases:
            return self.aliases[key]
        for alias, value in sorted(self.aliases.items(), key=lambda kv: -len(kv[0])):
            if len(alias) >= 4 and re.search(rf"(^| ){re.escape(alias)}($| )", key):
                return value
        return None


def load_vocabulary(name: str, folder: Path | None = None) -> Vocabulary:
    """Read one vocabulary (and any extension files) from the vocabularies folder."""
    base = folder or embedded_data_dir() / "vocabularies"
    paths = [base / f"{name}.csv", *sorted(base.glob(f"{name}_*.csv"))]
    frame = pd.concat(
        [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths if p.exists()],
        ignore_index=True,
    )
    values = tuple(dict.fromkeys(frame["value"]))
    aliases: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        value = str(row.value)
        aliases.setdefault(name_key(value), value)
        for alias in str(row.aliases).split("|"):
            if alias.strip():
                aliases.setdefault(name_key(alias), value)
    descriptions = dict(
        zip(frame["value"].astype(str), frame["description"].astype(str), strict=True)
    )
    return Vocabulary(name, values, descriptions, aliases)


@lru_cache(maxsize=8)
def vocabulary(name: str) -> Vocabulary:
    """The embedded vocabulary of that name (cached)."""
    return load_vocabulary(name)
