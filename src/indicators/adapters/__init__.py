"""The registry of source adapters: built-in sources register exactly as a new one would.

To add a source, write a module with a class that has ``name``, ``kind``, ``description``,
``sniff`` and ``parse`` (see :class:`indicators.adapters.base.Adapter`) and add it to
``ADAPTERS`` below, with a test file that reads a real file in that format.
"""

from __future__ import annotations

from indicators.adapters.analyst import ADAPTERS as ANALYST
from indicators.adapters.base import Adapter, Parsed, ParseOptions
from indicators.adapters.canonical import CanonicalRankings
from indicators.adapters.canonical_tables import ADAPTERS as CANONICAL_TABLES
from indicators.adapters.cpj import ADAPTERS as CPJ
from indicators.adapters.events import ADAPTERS as EVENTS
from indicators.adapters.freedom_house import ADAPTERS as FREEDOM_HOUSE
from indicators.adapters.incidents import ADAPTERS as INCIDENTS
from indicators.adapters.reported_counts import ADAPTERS as REPORTED_COUNTS
from indicators.adapters.rsf import RsfCsv
from indicators.adapters.uspft import ADAPTERS as USPFT

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
