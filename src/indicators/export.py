"""Safe exports: CSV that a spreadsheet opens without running anything."""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Plain negative numbers stored as numbers are left alone; only text cells are changed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("str", "string"):
            out[col] = out[col].map(neutralise_cell)
    return out


def to_safe_csv(frame: pd.DataFrame) -> str:
    """CSV text (UTF-8, header row, comma-separated) with formula-like cells neutralised."""
    return str(safe_frame(frame).to_csv(index=False, lineterminator="\n"))
