"""The numbers as the file printed them: which file column each parsed number came from.

:func:`indicators.sources.base.parse_numbers` records every column it parses here
(:func:`remember_numbers`), so a later check that finds a bad value in the canonical table can
name the file's own column ("Score N", "Score 2025") rather than the canonical one
(:func:`column_read_as`, used by :mod:`indicators.pipeline.plausibility`). A record holds its
numbers weakly: it lives only as long as the parse that made it keeps them.
"""

from __future__ import annotations

import contextvars
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from indicators.tables.values import is_missing

if TYPE_CHECKING:
    from indicators.sources.text_table import TextTable


@dataclass(frozen=True)
class _Read:
    """A file column parsed to numbers (held weakly: it lives only as long as the parse)."""

    sha256: str
    column: str
    values: weakref.ref[pd.Series]
    first_row: int
    rows: tuple[int, ...] | None


_READS: contextvars.ContextVar[tuple[_Read, ...]] = contextvars.ContextVar(
    "numbers_read", default=()
)
MAX_READS = 64


def remember_numbers(table: TextTable, column: str, values: pd.Series) -> None:
    """Note that ``values`` are the numbers of the file's column ``column`` (for the messages)."""
    live = tuple(r for r in _READS.get() if r.values() is not None)[-(MAX_READS - 1) :]
    read = _Read(table.source.sha256, column, weakref.ref(values), table.first_row, table.rows)
    _READS.set((*live, read))


def column_read_as(sha256: str, rows: Sequence[int], values: Sequence[float]) -> str | None:
    """The file's column whose numbers at these spreadsheet rows are these values, if known."""
    for read in _READS.get():
        series = read.values()
        if read.sha256 != sha256 or series is None or not rows:
            continue
        labels = [r - read.first_row if read.rows is None else _at(read.rows, r) for r in rows]
        if all(
            label in series.index and _same(series[label], v)
            for label, v in zip(labels, values, strict=True)
        ):
            return read.column
    return None


def _at(rows: tuple[int, ...], row: int) -> int:
    return rows.index(row) if row in rows else -1


def _same(a: object, b: float) -> bool:
    return not is_missing(a) and abs(float(str(a)) - b) <= 1e-9 * max(1.0, abs(b))
