"""``indicators history | diff | rollback | check | audit``: inspecting and repairing the store.

``check`` verifies every manifest and object of every version and names each damaged one;
``history`` lists a damaged version as damaged instead of failing; ``rollback`` works when the
current version is damaged, as long as the version restored is intact. Every commit's audit
record is part of its manifest; ``check`` and ``audit`` complete the audit log from them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd

from indicators.cli.output import emit
from indicators.cli.terminal import write_data
from indicators.pipeline.commit import rollback
from indicators.pipeline.embedded import open_default_store
from indicators.query.versions import (
    change_summary,
    diff_versions,
    restorable_versions,
    state_label,
)
from indicators.store import Store, audit
from indicators.store.audit_trail import reconcile
from indicators.store.base import Damage, Version, VersionState
from indicators.store.factory import open_store
from indicators.tables.changes import describe_changes

USER_HELP = (
    "a label for who is making the change, recorded with it (default: your login name); "
    "the audit record also holds the operating-system account, which this does not change"
)


def store_from_args(args: argparse.Namespace) -> Store:
    """--store DIR or URL, else the configured default store (INDICATORS_DATABASE_URL or local)."""
    return open_store(args.store) if args.store else open_default_store(via="cli")


def _history_row(state: VersionState, damage: list[Damage]) -> dict[str, Any]:
    v = state.version
    if v is None:
        return {"version": state.number, "state": state_label(state)}
    files = "; ".join(
        f"{f['name']} ({f['sha256'][:12]}, {f['rows_kept']}/{f['rows_read']} rows)" for f in v.files
    )
    return {
        "version": v.number,
        "state": state_label(state, damage),
        "created_at": v.created_at,
        "user": v.user,
        "action": v.action,
        "message": v.message,
        "changes": change_summary(v),
        "files": files,
    }


def cmd_history(args: argparse.Namespace) -> int:
    """List the store's versions with their provenance; a version whose manifest or objects
    are damaged is listed as damaged (every object is checked once, as 'check' does)."""
    store = store_from_args(args)
    states = store.history()
    damage = store.verify()
    rows = [_history_row(s, damage) for s in states]
    if args.format == "json":
        records = [
            {**s.version.as_dict(), "state": row["state"]} if s.version is not None else row
            for s, row in zip(states, rows, strict=True)
        ]
        write_data(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    else:
        emit(pd.DataFrame(rows).fillna(""), args.format)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """Show what changed between two versions."""
    for name, change in diff_versions(store_from_args(args), args.v1, args.v2).items():
        counts = change.counts()
        if not any(counts.values()):
            continue
        print(
            f"{name}: {counts['added']} added, {counts['changed']} changed, "
            f"{counts['removed']} removed"
        )
        for line in describe_changes(change, name, limit=args.limit):
            print(f"  {line}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """Make a new version whose tables are those of version V (nothing is erased; audited)."""
    version: Version = rollback(
        store_from_args(args), args.version, user=args.user, message=args.message, via="cli"
    )
    print(f"version {version.number} restores version {args.version} ({change_summary(version)})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Verify every manifest and object of every version; exit 1 naming what is damaged."""
    store = store_from_args(args)
    damage = store.verify()
    states = store.history()
    legacy = [s.number for s in states if s.legacy]
    if legacy:
        print(
            f"versions {_ranges(legacy)} were written before manifests were chained (legacy): "
            "their manifests cannot be checked against a digest; their objects were checked"
        )
    if not damage:
        print(
            f"store {store.location}: {len(states)} version(s) checked, every manifest and "
            f"object intact (current version {store.head()})"
        )
        return 0
    for d in damage:
        print(d.describe(), file=sys.stderr)
    print(_recovery(damage, states), file=sys.stderr)
    return 1


def _recovery(damage: list[Damage], states: list[VersionState]) -> str:
    good = restorable_versions(states, damage)
    if not good:
        return "No version is intact: restore the store from a backup."
    return (
        f"Intact versions: {_ranges(good)}. Recover with 'indicators rollback V' to one of them "
        "(the damaged versions stay in the history)."
    )


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    for n in numbers:
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


def cmd_audit(args: argparse.Namespace) -> int:
    """Complete the audit log from the manifests, then list its last events."""
    store = store_from_args(args)
    added = reconcile(store)
    events = audit.read(store_root=store.root)[-args.limit :]
    if added:
        print(f"{added} commit(s) had no audit line (a crash); added from their manifests")
    if args.format == "json":
        write_data(json.dumps(events, indent=1, ensure_ascii=True) + "\n")
        return 0
    rows = [
        {
            "timestamp": e.get("timestamp"),
            "action": e.get("action"),
            "user": e.get("user"),
            "os_account": (e.get("details") or {}).get("os_account", ""),
            "version": (e.get("details") or {}).get("version", ""),
            "message": (e.get("details") or {}).get("message", ""),
        }
        for e in events
    ]
    emit(pd.DataFrame(rows), args.format)
    return 0


def add_store_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_store: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    formats: tuple[str, ...],
    default_user: str,
) -> None:
    """Add history, diff, rollback, check and audit to the ``indicators`` parser."""
    p = with_store(sub.add_parser("history", help="the store's versions with provenance"))
    p.add_argument("--format", choices=formats, default="table")
    p.set_defaults(func=cmd_history)
    p = with_store(sub.add_parser("diff", help="what changed between two versions"))
    p.add_argument("v1", type=int)
    p.add_argument("v2", type=int)
    p.add_argument("--limit", type=int, default=50, help="rows to list per kind of change")
    p.set_defaults(func=cmd_diff)
    p = with_store(sub.add_parser("rollback", help="restore version V as a new version"))
    p.add_argument("version", type=int)
    p.add_argument("--user", default=default_user, help=USER_HELP)
    p.add_argument("--message", "-m", default="", help="why")
    p.set_defaults(func=cmd_rollback)
    p = with_store(
        sub.add_parser("check", help="verify every version's manifest and stored tables")
    )
    p.set_defaults(func=cmd_check)
    p = with_store(sub.add_parser("audit", help="the audit log (completed from the manifests)"))
    p.add_argument("--limit", type=int, default=50, help="how many of the last events")
    p.add_argument("--format", choices=formats, default="table")
    p.set_defaults(func=cmd_audit)
