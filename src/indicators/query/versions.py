"""Comparing and restoring store versions (the CLI and the history page share these)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from indicators.store.base import TABLES, Damage, Store, Version, VersionState
from indicators.tables.changes import TableChange, diff_tables

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


def state_label(state: VersionState, damage: Iterable[Damage] = ()) -> str:
    """'intact', 'legacy (no digest)', 'damaged (truncated or not JSON)' (its manifest) or
    'damaged: events table has a checksum mismatch' (its objects, as ``verify()`` found)."""
    if state.version is None:
        problem = state.problem or "unreadable"
        return problem if problem.startswith("damaged") else f"damaged: manifest {problem}"
    found = [d.summary() for d in damage if d.version == state.number]
    if found:
        return "damaged: " + "; ".join(found)
    return "legacy (no digest)" if state.legacy else "intact"


def _counts(v: Version) -> dict[str, str]:
    return {k: str(sum(c[k] for c in v.changes.values())) for k in ("added", "changed", "removed")}


def history_frame(
    store: Store,
    states: list[VersionState] | None = None,
    damage: list[Damage] | None = None,
) -> pd.DataFrame:
    """One row per version: state, who, when, what, which files (with SHA-256), rows changed.

    The state merges the manifest's (``store.history()``) with the objects' (``damage``,
    ``store.verify()`` once when not given): a version with a damaged object is damaged.
    A version whose manifest is damaged shows its state and blank cells; it never stops
    the listing. Every cell but the version number is text, so nothing shows as None.
    """
    states = store.history() if states is None else states
    damage = store.verify() if damage is None else damage
    rows = []
    for state in states:
        v = state.version
        row: dict[str, object] = dict.fromkeys(HISTORY_COLUMNS, "")
        row.update(version=state.number, state=state_label(state, damage))
        if v is not None:
            files = "; ".join(f"{f['name']} ({f['sha256'][:12]})" for f in v.files)
            row.update(created_at=v.created_at, user=v.user, action=v.action, message=v.message)
            row.update(files=files, **_counts(v))
        rows.append(row)
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def restorable_versions(states: list[VersionState], damage: list[Damage]) -> list[int]:
    """The versions a rollback can restore: manifest intact and every object intact."""
    broken = {d.version for d in damage}
    return [s.number for s in states if s.version is not None and s.number not in broken]
