"""Counting distinct incidents and cases: integer codes, the one implementation for every frame.

``aggregate.incident_counts`` and ``aggregate.case_chain`` count here, whatever the frame's
size and column types. Each grouping column is turned into integer codes once (Arrow's
dictionary encoding for Arrow-backed text, ``pd.factorize`` for any other dtype; -1 where the
value is missing), the codes of a row's columns are combined into one group number, and
distinct incidents are counted per group with ``np.bincount`` instead of a pandas
groupby-nunique (which hashes every id string: seconds at a million rows). Incident ids are
numbered by a single pass over the id column when it is sorted, as the store keeps it.

The result is the frame the plain pandas groupby gives (columns, dtypes, order, groups whose
every id is missing counted 0); the tests hold that groupby as the reference
(``tests/test_synthetic.py``) and compare on sorted, shuffled, filtered, small, object-typed,
categorical and messy frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Group numbers are renumbered densely once the product of the columns' widths passes this
# (so combining many wide columns cannot overflow int64).
_DENSE_SPAN = 1 << 31


def arrow_text(series: pd.Series) -> bool:
    """Whether a column is pandas' default text: Arrow-backed, NaN for missing."""
    dtype = series.dtype
    return (
        isinstance(dtype, pd.StringDtype)
        and dtype.storage == "pyarrow"
        and dtype.na_value is np.nan
    )


def _arrow(series: pd.Series) -> pa.Array:
    """The Arrow data behind an Arrow-backed text column, as one chunk."""
    arr = pa.array(series.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _encoded(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 where missing) and the distinct values, as ``pd.factorize`` gives them
    (not necessarily in the same order); for Arrow text, Arrow's dictionary encoding."""
    if not arrow_text(series):
        codes, uniques = pd.factorize(series)
        return codes.astype(np.int64, copy=False), pd.Index(uniques)
    encoded = pc.dictionary_encode(_arrow(series), null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = encoded.dictionary.to_pandas()
    missing = np.flatnonzero(values.isna().to_numpy())
    if len(missing):  # the missing value was encoded as an entry: make it -1, as factorize does
        lookup = np.arange(len(values) + 1)
        lookup[missing] = -1
        codes = lookup[codes]
    return codes, pd.Index(values)


def _month_codes(incidents: pd.DataFrame, in_month: np.ndarray) -> np.ndarray:
    """Codes of ``with_month``'s month (YYYY-MM, missing for dates known only to the year)."""
    dates, written = _encoded(incidents["date"])
    months = np.append(pd.factorize(written.str.slice(0, 7))[0], -1)  # [-1]: no date
    return np.where(in_month, months[dates], -1)


def _incident_codes(ids: pd.Series) -> np.ndarray:
    """One integer per distinct id, -1 where the id is missing; one pass when ids are sorted."""
    if arrow_text(ids) and len(ids) > 1:
        arr = _arrow(ids)
        if arr.null_count == 0:
            head, tail = arr.slice(0, len(arr) - 1), arr.slice(1)
            if pc.all(pc.less_equal(head, tail)).as_py():
                changed = pc.not_equal(head, tail).to_numpy(zero_copy_only=False)
                return np.concatenate([[0], np.cumsum(changed)])
    return pd.factorize(ids)[0].astype(np.int64, copy=False)


def _is_target(applied: pd.Series) -> np.ndarray:
    """True where the statute is applied to the target (missing counts as not)."""
    if arrow_text(applied):
        equal = pc.fill_null(pc.equal(_arrow(applied), "target"), False)
        return np.asarray(equal.to_numpy(zero_copy_only=False), dtype=bool)
    return (applied == "target").to_numpy(dtype=bool, na_value=False)


def _group_numbers(codes: Mapping[str, np.ndarray], at: np.ndarray) -> tuple[np.ndarray, int]:
    """A group number per selected row (0..n-1) for the combination of its codes, and n."""
    group = np.zeros(len(at), dtype=np.int64)
    span = 1
    for code_of in codes.values():
        code = code_of[at] + 1  # missing values (-1) form their own group, as dropna=False
        width = int(code.max()) + 1
        if span * width >= _DENSE_SPAN:
            group, uniques = pd.factorize(group)
            span = len(uniques)
        group = group * width + code
        span *= width
    if span <= max(4 * len(at), 1024):  # dense enough: number the combinations that occur
        present = np.bincount(group, minlength=span) > 0
        return (np.cumsum(present) - 1)[group], int(present.sum())
    group, uniques = pd.factorize(group)
    return group.astype(np.int64, copy=False), len(uniques)


def _distinct_per_group(incident: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Distinct incidents per group: an incident in several rows (one per statute) counts once;
    rows without an id count for none."""
    valid = incident >= 0
    if not valid.all():
        incident, group = incident[valid], group[valid]
    counts = np.bincount(group, minlength=n_groups)
    multi = np.flatnonzero(np.bincount(incident)[incident] > 1)
    if len(multi):
        pairs = pd.DataFrame({"i": incident[multi], "g": group[multi]})
        repeated = multi[pairs.duplicated().to_numpy()]
        counts -= np.bincount(group[repeated], minlength=n_groups)
    return counts


def distinct_incidents(incidents: pd.DataFrame) -> int:
    """How many distinct incident ids the rows hold (missing ids not counted)."""
    codes = _incident_codes(incidents["incident_id"])
    return int(codes.max()) + 1 if len(codes) else 0  # codes run 0..n-1, -1 where missing


def distinct_counts(
    incidents: pd.DataFrame, keys: Sequence[str], columns: list[str], target_only: bool
) -> pd.DataFrame:
    """Distinct incidents per combination of ``columns``' values, sorted by them.

    ``keys`` are the columns whose missing values drop a row (the first column of each
    grouping); a missing value of another column is a group of its own. ``target_only``
    keeps only the rows whose statute is applied to the target. ``month`` is ``with_month``'s.
    """
    keep = np.ones(len(incidents), dtype=bool)
    if target_only:
        keep &= _is_target(incidents["statute_applied_to"])
    in_month = np.ones(0, dtype=bool)
    if "month" in columns:
        in_month = (incidents["date_precision"] != "year").to_numpy(dtype=bool, na_value=False)
    codes = {
        c: _month_codes(incidents, in_month) if c == "month" else _encoded(incidents[c])[0]
        for c in columns
    }
    ids = _incident_codes(incidents["incident_id"])
    for key in keys:
        keep &= codes[key] >= 0  # rows whose grouping value is missing are left out
    at = np.flatnonzero(keep)
    group, n_groups = _group_numbers(codes, at) if len(at) else (at, 0)
    counts = _distinct_per_group(ids[at], group, n_groups)
    rows = np.empty(n_groups, dtype=np.int64)
    rows[group] = at  # one row of each group: all its rows hold the same key values
    counted = pd.DataFrame(
        {
            c: _key_values(
                incidents["date"].take(rows).str.slice(0, 7).where(in_month[rows])
                if c == "month"
                else incidents[c].take(rows)
            )
            for c in columns
        }
    )
    counted["incidents"] = counts.astype(np.int64, copy=False)
    return counted.sort_values(columns).reset_index(drop=True)


def _key_values(values: pd.Series) -> pd.Series:
    """A group's key column with the dtype a groupby gives it: its own, except that object
    values get the dtype pandas infers for them (text becomes ``str``, as a groupby's keys)."""
    values = values.reset_index(drop=True)
    return values.infer_objects() if values.dtype == object else values


def case_counts(incidents: pd.DataFrame, chain: Sequence[str]) -> pd.DataFrame:
    """Cases (target and statute) at each stage of ``chain`` or a later one.

    A case's furthest stage is >= i exactly when one of its records is at stage i or later, so
    the count at stage i is the number of distinct cases among the records at stage i or
    later. A missing statute and an empty one are the same case's statute.
    """
    types, names = pd.factorize(incidents["incident_type"])
    stage_of = np.array([*(list(chain).index(t) if t in chain else -1 for t in names), -1])
    stage = stage_of[types]
    at = np.flatnonzero(stage >= 0)
    target = pd.factorize(incidents["target_name"].take(at))[0]
    statutes, keys = pd.factorize(incidents["statute_key"].take(at))
    if "" in set(keys):  # a missing statute goes with an empty one
        statutes = np.where(statutes < 0, list(keys).index(""), statutes)
    keep = target >= 0
    case = target[keep].astype(np.int64) * (len(keys) + 1) + (statutes[keep] + 1)
    stage = stage[at][keep]
    counts = [len(pd.unique(case[stage >= i])) for i in range(len(chain))]
    return pd.DataFrame({"stage": list(chain), "cases": counts})
