"""Which schema each stored table follows, and how to bring a frame into that shape."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from indicators.tables.schemas import (
    EVENTS_COLUMNS,
    INCIDENTS_COLUMNS,
    RANKINGS_COLUMNS,
    REPORTED_COUNTS_COLUMNS,
    conform,
)

COLUMNS: dict[str, dict[str, pa.Column]] = {
    "rankings": RANKINGS_COLUMNS,
    "incidents": INCIDENTS_COLUMNS,
    "reported_counts": REPORTED_COUNTS_COLUMNS,
    "events": EVENTS_COLUMNS,
}


def normalise_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Conform a frame to its table's columns and dtypes."""
    return conform(frame, COLUMNS[name])


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the right columns."""
    return normalise_table(name, pd.DataFrame())
