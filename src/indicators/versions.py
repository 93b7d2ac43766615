"""Comparing and restoring store versions (the CLI and the history page share these)."""

from __future__ import annotations

import pandas as pd

from indicators.store.base import TABLES, Store
from indicators.store.changes import TableChange, diff_tables


def diff_versions(store: Store, old: int, new: int) -> dict[str, TableChange]:
    """What changed in each table between two versions (either order)."""
    return {
        name: diff_tables(store.table(name, old), store.table(name, new), name) for name in TABLES
    }


def history_frame(store: Store) -> pd.DataFrame:
    """One row per version: who, when, what, which files (with SHA-256), rows changed."""
    rows = []
    for v in store.versions():
        rows.append(
            {
                "version": v.number,
                "created_at": v.created_at,
                "user": v.user,
                "action": v.action,
                "message": v.message,
                "files": "; ".join(f"{f['name']} ({f['sha256'][:12]})" for f in v.files),
                "added": sum(c["added"] for c in v.changes.values()),
                "changed": sum(c["changed"] for c in v.changes.values()),
                "removed": sum(c["removed"] for c in v.changes.values()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "version",
            "created_at",
            "user",
            "action",
            "message",
            "files",
            "added",
            "changed",
            "removed",
        ],
    )
