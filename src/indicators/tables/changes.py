"""Pure functions that merge an ingest into a table and describe what changed.

Which columns identify a row, and which identify the batch a new file replaces as a whole,
are each table's spec (:mod:`indicators.tables.registry`): a new RSF 2025 file replaces every
RSF 2025 row; a monthly incident file adds and updates incidents, never deleting others.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.tables.registry import spec_for
from indicators.tables.values import is_missing

# Provenance, not data: a file re-read from another copy changes none of its rows.
IGNORED_IN_DIFF = {"source_file", "source_sha256", "source_row", "citation"}


@dataclass(frozen=True)
class TableChange:
    """Rows added, changed and removed in one table between two versions."""

    added: pd.DataFrame
    changed: pd.DataFrame  # key columns, column, old, new
    removed: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """How many rows were added, changed and removed."""
        keys = self.changed.columns.difference(["column", "old", "new"]).tolist()
        n_changed = len(self.changed.drop_duplicates(keys)) if len(self.changed) else 0
        return {"added": len(self.added), "changed": n_changed, "removed": len(self.removed)}


def merge_batch(current: pd.DataFrame, incoming: pd.DataFrame, table: str) -> pd.DataFrame:
    """Replace, in ``current``, every batch that ``incoming`` holds; keep all other rows."""
    batch = list(spec_for(table).batch_keys)
    if current.empty:
        return incoming.reset_index(drop=True)
    replaced = current.set_index(batch).index.isin(incoming.set_index(batch).index)
    merged = pd.concat([current[~replaced], incoming], ignore_index=True)
    return merged.sort_values(_row_keys(table), kind="stable").reset_index(drop=True)


def diff_tables(old: pd.DataFrame, new: pd.DataFrame, table: str) -> TableChange:
    """Compare two versions of a table by row key: added, removed, and changed cells."""
    keys = _row_keys(table)
    empty = new.head(0) if len(new.columns) else old.head(0)
    if old.empty and new.empty:
        return TableChange(empty, pd.DataFrame(columns=[*keys, "column", "old", "new"]), empty)
    old_i = old.set_index(keys)
    new_i = new.set_index(keys)
    added = new_i[~new_i.index.isin(old_i.index)].reset_index()
    removed = old_i[~old_i.index.isin(new_i.index)].reset_index()
    common = new_i.index.intersection(old_i.index)
    records = []
    compare = [c for c in new_i.columns if c in old_i.columns and c not in IGNORED_IN_DIFF]
    if len(common):
        a = old_i.loc[common, compare]
        b = new_i.loc[common, compare]
        for col in compare:
            left, right = a[col], b[col]
            differs = ~((left == right).fillna(False) | (left.isna() & right.isna()))
            for key in differs.index[differs.to_numpy()]:
                key_t = key if isinstance(key, tuple) else (key,)
                records.append(
                    {
                        **dict(zip(keys, key_t, strict=True)),
                        "column": col,
                        "old": _plain(left[key]),
                        "new": _plain(right[key]),
                    }
                )
    changed = pd.DataFrame(records, columns=[*keys, "column", "old", "new"])
    return TableChange(added, changed, removed)


def _row_keys(table: str) -> list[str]:
    """The columns that identify a row of the table (as a list, to index frames with)."""
    return list(spec_for(table).row_keys)


def _plain(value: object) -> object:
    if is_missing(value):
        return None
    return value


def describe_changes(change: TableChange, table: str, limit: int = 20) -> list[str]:
    """Plain lines for people: 'added: KAZ rsf_wpfi 2026', 'changed: ... rank 142 -> 141'."""
    keys = _row_keys(table)
    lines = [
        f"added: {' '.join(str(r[k]) for k in keys)}"
        for r in change.added.head(limit).to_dict("records")
    ]
    lines += [
        f"removed: {' '.join(str(r[k]) for k in keys)}"
        for r in change.removed.head(limit).to_dict("records")
    ]
    for r in change.changed.head(limit).to_dict("records"):
        lines.append(
            f"changed: {' '.join(str(r[k]) for k in keys)} {r['column']}: {r['old']} -> {r['new']}"
        )
    return lines
