"""How the command line prints tables and data (through :mod:`indicators.cli.terminal`).

Tables for people are stripped of terminal controls cell by cell, so the columns stay
aligned; ``--format csv`` and ``json`` are data, written unchanged unless to a terminal.
"""

from __future__ import annotations

import sys

import pandas as pd

from indicators.cli.terminal import strip_controls, write_data
from indicators.present.export import to_safe_csv


def _plain_cells(frame: pd.DataFrame) -> pd.DataFrame:
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(
                lambda v: strip_controls(v) if isinstance(v, str) else v
            )
    cleaned.columns = [strip_controls(str(c)) for c in cleaned.columns]
    return cleaned


def emit(frame: pd.DataFrame, fmt: str) -> None:
    """Print a table for people (``table``) or write it as data (``csv``, ``json``)."""
    out = sys.stdout
    if fmt == "csv":
        write_data(to_safe_csv(frame), out)
    elif fmt == "json":
        write_data(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n", out)
    elif frame.empty:
        out.write("(no rows)\n")
    else:
        with pd.option_context(
            "display.max_rows",
            500,
            "display.max_columns",
            20,
            "display.width",
            160,
            "display.max_colwidth",
            40,
        ):
            out.write(_plain_cells(frame).to_string(index=False) + "\n")
