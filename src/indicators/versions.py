"""Comparing and restoring store versions (the CLI and the history page share these)."""

from __future__ import annotations

import pandas as pd

from indicators.store.base import TABLES, Damage, Store, Version, VersionState
from indicators.store.changes import TableChange, diff_tables

HISTORY_COLUMNS = [
    "version",
    "state",
    "created_at",
    "user",
    "action",
    "message",
    "files",
    "added",
    "changed",
    "removed",
]


def diff_versions(store: Store, old: int, new: int) -> dict[str, TableChange]:
    """What changed in each table between two versions (either order)."""
    return {
        name: diff_tables(store.table(name, old), store.table(name, new), name) for name in TABLES
    }


def change_summary(version: Version) -> str:
    """'rankings: +180 ~0 -0; events: unknown (...)': what a version changed, per table."""
    parts = [
        f"{t}: +{c['added']} ~{c['changed']} -{c['removed']}" for t, c in version.changes.items()
    ]
    parts += [f"{t}: {why}" for t, why in version.unknown_changes.items()]
    return "; ".join(parts)


def state_label(state: VersionState) -> str:
    """'intact', 'legacy (no digest)' or 'damaged: <why>'."""
    if state.version is None:
        return f"damaged: {state.problem}"
    return "legacy (no digest)" if state.legacy else "intact"


def history_frame(store: Store, states: list[VersionState] | None = None) -> pd.DataFrame:
    """One row per version: state, who, when, what, which files (with SHA-256), rows changed.

    A version whose manifest is damaged is listed as damaged (its other cells empty); it
    never stops the listing. ``states`` is ``store.history()`` when the caller has it already.
    """
    rows = []
    for state in store.history() if states is None else states:
        v = state.version
        if v is None:
            rows.append({"version": state.number, "state": state_label(state)})
            continue
        rows.append(
            {
                "version": v.number,
                "state": state_label(state),
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
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def restorable_versions(states: list[VersionState], damage: list[Damage]) -> list[int]:
    """The versions a rollback can restore: manifest intact and every object intact."""
    broken = {d.version for d in damage}
    return [s.number for s in states if s.version is not None and s.number not in broken]
