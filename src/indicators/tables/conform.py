"""Bring a frame into a table's shape: its columns, in its order, with its dtypes.

Shaping only, never checking: a value that does not fit its column's check is left for
:mod:`indicators.pipeline.validate`. Used by every adapter on its way out and by the store on
every read, so it needs nothing but pandas.
"""

from __future__ import annotations

import pandas as pd

from indicators.tables.registry import spec_for
from indicators.tables.spec import TableSpec


def conform(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Order columns as the spec does, add missing optional ones, and set dtypes."""
    out = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        name, dtype = column.name, column.dtype
        values = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)
        if dtype != "str" and str(values.dtype) == dtype:
            out[name] = values
        elif dtype in ("Int64", "Float64"):
            out[name] = pd.to_numeric(values, errors="coerce").astype(dtype)
        elif dtype == "boolean":
            out[name] = values.astype("boolean")
        else:
            # pandas' "str" dtype keeps missing values missing; converting string columns
            # directly (not through Python objects) saves seconds and ~600 MB at 1M rows.
            out[name] = values.astype("str")
    return out.reset_index(drop=True)


def normalise_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Conform a frame to its table's columns and dtypes."""
    return conform(frame, spec_for(name))


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the right columns."""
    return normalise_table(name, pd.DataFrame())
