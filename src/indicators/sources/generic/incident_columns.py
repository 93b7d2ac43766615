"""Column tools of the columnar incident builder: Arrow text columns, codes, date classes.

Each distinct value of a column is given a code (:func:`_encode`), resolved once, and mapped
back to the rows (:func:`_take`, :func:`_resolve_once`). Dates are grouped into *date classes*
(:func:`_date_classes`) inside which every place and statute resolves the same way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.sources.generic.incident_common import _text
from indicators.sources.reading import TextTable
from indicators.sources.reference import Reference, parse_iso
from indicators.tables.incidents import INCIDENTS

# Every character Python's str.strip() removes (str.isspace()): trimming exactly these with
# Arrow gives the same text as _text() does cell by cell.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NONE = type(None)


def _text_column(values: pd.Series | None, n: int) -> pa.Array:
    """A raw column as Arrow text: what :func:`_text` gives each cell (null for None)."""
    if values is None:
        return pa.nulls(n, pa.large_string())
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is np.nan:
        arr = pa.array(values.array)  # missing cells are NaN, which _text reads as None
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    else:
        objects = values.to_numpy(dtype=object)
        kinds = set(map(type, objects))
        plain = kinds <= {str, _NONE, float} and all(v != v for v in objects if type(v) is float)
        if not plain:  # numbers, pd.NA, str subclasses...: exactly as _text does, cell by cell
            return pa.array([_text(v) for v in objects], type=pa.large_string())
        arr = pa.array(objects, type=pa.large_string(), from_pandas=True)
    arr = pc.utf8_trim(arr.cast(pa.large_string()), characters=WHITESPACE)
    empty = pc.equal(pc.utf8_length(arr), 0)
    return pc.if_else(empty, pa.scalar(None, pa.large_string()), arr)


def _encode(arr: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for null) and the distinct values of a text column."""
    enc = pc.dictionary_encode(arr)
    codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, enc.dictionary.to_pylist()


def _take(values: Sequence[object], codes: np.ndarray, type_: pa.DataType) -> pa.Array:
    """``values[code]`` for each code, null where the code is -1."""
    table = pa.array([*values, None], type=type_)
    return table.take(pa.array(np.where(codes < 0, len(values), codes)))


@lru_cache(maxsize=32)
def _boundaries(ref: Reference, tables: tuple[str, ...]) -> tuple[tuple[date, ...], ...]:
    """Every date on which a row of these reference tables starts or stops being in force."""
    starts: set[date] = set()
    ends: set[date] = set()
    for name in tables:
        frame = getattr(ref, name)
        for column, found in (("valid_from", starts), ("valid_to", ends)):
            if column in frame.columns:
                found.update(d for d in map(parse_iso, frame[column].astype(str)) if d)
    return tuple(sorted(starts)), tuple(sorted(ends))


# The reference tables each normaliser reads (its ``_index``): its date classes come from these.
PLACE_TABLES = ("regions", "places")
STATUTE_TABLES = ("statute_codes", "statutes")


def _date_classes(
    ref: Reference, tables: tuple[str, ...], days: list[date | None]
) -> tuple[np.ndarray, list[date | None]]:
    """Class id of each day (one more entry, 0, for 'no date') and one day of each class.

    The normalisers use the date only through ``valid_on(valid_from, valid_to, day)``, that is
    ``valid_from <= day`` and ``day <= valid_to`` for rows of their own reference tables; these
    comparisons are fixed by how many start dates are on or before the day and how many end
    dates are before it. So a place or statute resolves to the same key on every day of a
    class; only the wording of a reason (which names the day) differs, and rows that get a
    reason (an error or a note) go through the row-by-row code.
    """
    starts, ends = _boundaries(ref, tables)
    ids: dict[tuple[int, int] | None, int] = {}
    first: list[date | None] = []
    out = np.zeros(len(days) + 1, dtype=np.int64)
    for i, d in enumerate(days):
        cls = None if d is None else (bisect_right(starts, d), bisect_left(ends, d))
        if cls not in ids:
            ids[cls] = len(ids)
            first.append(d)
        out[i] = ids[cls]
    return out, first


def _resolve_once(
    rows: np.ndarray,
    parts: tuple[np.ndarray, ...],
    fn: Callable[[tuple[int, ...]], object | None],
    out: np.ndarray,
    values: list[Any],
) -> np.ndarray:
    """Call ``fn`` once per distinct combination of codes in ``rows``; None = unresolved."""
    failed = np.zeros(len(out), dtype=bool)
    if not rows.any():
        return failed
    picked = [p[rows] + 1 for p in parts]  # codes from -1: shifted to start at 0
    key = np.zeros(int(rows.sum()), dtype=np.int64)
    for codes in picked:
        key = key * (int(codes.max()) + 1) + codes
    inverse, uniques = pd.factorize(key)
    first = np.zeros(len(uniques), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]  # a row holding each combination
    results = [fn(tuple(int(c[i]) - 1 for c in picked)) for i in first]
    index = np.full(len(uniques), -1, dtype=np.int64)
    for i, result in enumerate(results):
        if result is not None:
            index[i] = len(values)
            values.append(result)
    where = np.flatnonzero(rows)
    out[where] = index[inverse]
    failed[where] = out[where] < 0
    return failed


def _canonical(values: dict[str, object], n: int) -> pd.DataFrame:
    """The canonical frame :func:`conform` would make of these columns, built directly.

    (``conform`` turns every text column into Python objects and back; at a million rows that
    costs seconds.) Text columns are Arrow-backed ``str``, numbers ``Int64``, flags ``boolean``.
    """
    data: dict[str, object] = {}
    for column in INCIDENTS.columns:
        name, dtype = column.name, column.dtype
        value = values[name]
        if dtype in ("Int64", "Float64", "boolean"):
            data[name] = pd.array(value, dtype=dtype)  # type: ignore[call-overload]
        elif isinstance(value, pa.Array):
            data[name] = value.to_pandas().array
        else:
            data[name] = (
                pa.array([value], pa.large_string())
                .take(pa.array(np.zeros(n, dtype=np.int64)))
                .to_pandas()
                .array
            )
    return pd.DataFrame(data)


def _row_numbers(table: TextTable, positions: np.ndarray) -> np.ndarray:
    """``table.row_number(pos)`` for many positions at once."""
    numbers = table.first_row + positions
    if table.rows is not None:
        known = positions < len(table.rows)
        numbers = np.where(
            known, np.array([*table.rows, 0])[np.minimum(positions, len(table.rows))], numbers
        )
    return numbers
