"""Which column of the file each parsed number came from, so a later check can name it.

A check that runs on the canonical table (scores in rank order, see
:mod:`indicators.pipeline.plausibility`) names the file's own columns ("Score N", "Score 2025"),
never the canonical ones: :func:`remember_numbers` (called by
:func:`indicators.sources.base.parse_numbers`) notes the numbers of each file column it parsed,
and :func:`column_read_as` finds the column whose numbers are the ones a check blames.

The numbers are kept only within :func:`numbers_read` (around one adapter's parse and the
checks of its result, :func:`indicators.sources.workbook_parse.parse_sheets`); outside it
nothing is kept.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from indicators.tables.values import is_missing

if TYPE_CHECKING:
    from indicators.sources.text_table import TextTable

MAX_READS = 64  # columns kept at most (an analyst's file with every sub-indicator has ~20)


@dataclass(frozen=True)
class _Read:
    """A file column parsed to numbers."""

    sha256: str
    column: str
    values: pd.Series
    first_row: int
    rows: tuple[int, ...] | None


_READS: contextvars.ContextVar[tuple[_Read, ...] | None] = contextvars.ContextVar(
    "numbers_read", default=None
)


@contextlib.contextmanager
def numbers_read() -> Iterator[None]:
    """Within this block, the numbers adapters parse are kept for :func:`column_read_as`."""
    token = _READS.set(())
    try:
        yield
    finally:
        _READS.reset(token)


def remember_numbers(table: TextTable, column: str, values: pd.Series) -> None:
    """Note that ``values`` are the numbers of the file's column ``column`` (for the messages)."""
    reads = _READS.get()
    if reads is None:
        return  # no check will ask
    read = _Read(table.source.sha256, column, values, table.first_row, table.rows)
    _READS.set((*reads[-(MAX_READS - 1) :], read))


def column_read_as(sha256: str, rows: Sequence[int], values: Sequence[float]) -> str | None:
    """The file's column whose numbers at these spreadsheet rows are these values, if known."""
    for read in _READS.get() or ():
        series = read.values
        if read.sha256 != sha256 or not rows:
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
