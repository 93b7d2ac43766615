"""Every canonical table, listed once: to add a table, write its spec and add it here.

The store's table names (:data:`indicators.store.base.TABLES`), the row and batch keys
(:mod:`indicators.tables.changes`), the kinds a file can hold (``--kind``), the folders of
embedded data (:mod:`indicators.pipeline.embedded`), the readers of this project's canonical
CSVs and the pandera schemas (:mod:`indicators.pipeline.validate`) all come from this list.
"""

from __future__ import annotations

from indicators.tables.events import EVENTS
from indicators.tables.incidents import INCIDENTS
from indicators.tables.rankings import RANKINGS
from indicators.tables.reported_counts import REPORTED_COUNTS
from indicators.tables.spec import TableSpec

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (RANKINGS, INCIDENTS, REPORTED_COUNTS, EVENTS)
}


def spec_for(name: str) -> TableSpec:
    """A table's spec by its name or the name the store keeps it under."""
    if name in TABLES:
        return TABLES[name]
    for spec in TABLES.values():
        if spec.storage == name:
            return spec
    raise KeyError(f"no table named {name!r}; known: {', '.join(TABLES)}")
