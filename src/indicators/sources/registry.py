"""The registry of source adapters: built-in sources register exactly as a new one would.

To add a source, write a module with a class that has ``name``, ``kind``, ``description``,
``sniff`` and ``parse`` (see :class:`indicators.sources.base.Adapter`) and add it to
``ADAPTERS`` below, with a test file that reads a real file in that format.
"""

from __future__ import annotations

from indicators.sources.adil_soz.adapter import ADAPTERS as REPORTED_COUNTS
from indicators.sources.base import Adapter, Parsed, ParseOptions
from indicators.sources.cpj.adapter import ADAPTERS as CPJ
from indicators.sources.freedom_house.adapter import ADAPTERS as FREEDOM_HOUSE
from indicators.sources.generic.analyst import ADAPTERS as ANALYST
from indicators.sources.generic.canonical import CanonicalRankings
from indicators.sources.generic.canonical_tables import ADAPTERS as CANONICAL_TABLES
from indicators.sources.generic.events import ADAPTERS as EVENTS
from indicators.sources.generic.incidents import ADAPTERS as INCIDENTS
from indicators.sources.rsf.adapter import RsfCsv
from indicators.sources.uspft.adapter import ADAPTERS as USPFT

# Order matters only for ties: the first adapter wins, so the most specific formats come first.
ADAPTERS: list[Adapter] = [
    RsfCsv(),
    CanonicalRankings(),
    *CANONICAL_TABLES,
    *FREEDOM_HOUSE,
    *REPORTED_COUNTS,
    *CPJ,
    *USPFT,
    *INCIDENTS,
    *EVENTS,
    *ANALYST,
]

# The adapter that takes an explicit column mapping for each kind of file.
MAPPING_ADAPTERS = {
    "rankings": "analyst_rankings",
    "incidents": "incidents_table",
    "events": "events_table",
}


def reserved_indexes(adapters: list[Adapter]) -> dict[str, tuple[str, ...]]:
    """Index ids that only their own adapter may write (an analyst's file cannot replace RSF
    2025): each publisher's adapter declares ``owned_indexes``; an adapter with
    ``writes_owned_indexes`` (the canonical export read back) may write them too."""
    trusted = tuple(a.name for a in adapters if getattr(a, "writes_owned_indexes", False))
    return {
        index: (a.name, *trusted) for a in adapters for index in getattr(a, "owned_indexes", ())
    }


RESERVED_INDEXES = reserved_indexes(ADAPTERS)


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


__all__ = [
    "ADAPTERS",
    "MAPPING_ADAPTERS",
    "RESERVED_INDEXES",
    "Adapter",
    "ParseOptions",
    "Parsed",
    "by_name",
    "register",
]
