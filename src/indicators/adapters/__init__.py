"""The registry of source adapters: built-in sources register exactly as a new one would.

To add a source, write a module with a class that has ``name``, ``kind``, ``description``,
``sniff`` and ``parse`` (see :class:`indicators.adapters.base.Adapter`) and add it to
``ADAPTERS`` below, with a test file that reads a real file in that format.
"""

from __future__ import annotations

from indicators.adapters.base import Adapter, Parsed, ParseOptions
from indicators.adapters.canonical import CanonicalRankings
from indicators.adapters.freedom_house import ADAPTERS as FREEDOM_HOUSE
from indicators.adapters.rsf import RsfCsv

ADAPTERS: list[Adapter] = [RsfCsv(), CanonicalRankings(), *FREEDOM_HOUSE]


def register(adapter: Adapter) -> None:
    """Add an adapter to the registry (idempotent by name)."""
    if all(a.name != adapter.name for a in ADAPTERS):
        ADAPTERS.append(adapter)


def by_name(name: str) -> Adapter:
    """Look an adapter up by its name."""
    for a in ADAPTERS:
        if a.name == name:
            return a
    raise KeyError(f"no adapter named {name!r}; known: {', '.join(a.name for a in ADAPTERS)}")


__all__ = ["ADAPTERS", "Adapter", "ParseOptions", "Parsed", "by_name", "register"]
