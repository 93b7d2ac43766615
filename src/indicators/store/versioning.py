"""What a new version holds, decided once for every store backend (pure: no I/O).

The local and the PostgreSQL stores differ only in how they keep bytes and serialise commits
(files, fsync, rename and flock; or a transaction holding the head row). What a version *means*
must not differ between them: which tables it names and with which object ids, what changed,
who made it and from which parent, when a commit is stale, what a rollback records, and which
stored objects count as damaged. Those rules live here, so the two backends cannot drift apart
and each can be read as "the I/O around these functions".

Nothing here reads or writes a store; :func:`timestamp` (the clock) is the only outside input.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd

from indicators.i18n import N_, Msg, msg
from indicators.store.base import (
    TABLES,
    FileRecord,
    StaleVersion,
    StoreError,
    Version,
    VersionState,
)
from indicators.tables.changes import diff_tables
from indicators.tables.conform import empty_table, normalise_table

# The default of ``commit(expected_head=...)``: "not given". None cannot mean that, because
# None is a real head (the empty store), and a commit prepared against it must be checked.
UNSET: Final = object()


# -- objects ------------------------------------------------------------------------------------
def table_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a table to Parquet bytes (deterministic for the same content).

    Deterministic bytes are what make content addressing work: the same table committed twice
    gets the same object id, so an unchanged table is never stored twice.
    """
    buf = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buf, index=False, compression="zstd")
    return buf.getvalue()


def object_id(data: bytes) -> str:
    """The id of a stored object: the SHA-256 of its bytes, so damage is detectable on read."""
    return hashlib.sha256(data).hexdigest()


def encode_table(frame: pd.DataFrame) -> tuple[bytes, str]:
    """A table's stored bytes and the object id they are stored under."""
    data = table_bytes(frame)
    return data, object_id(data)


def decode_table(name: str, data: bytes) -> pd.DataFrame:
    """A stored object's bytes back as a canonical table (columns and dtypes conformed)."""
    return normalise_table(name, pd.read_parquet(io.BytesIO(data)))


# A carried table that is not there, or damaged (check_carried).
_CARRIED = {
    "missing": N_(
        "version {head}'s {name} table is missing; roll back to an intact version first "
        "('indicators rollback V'); nothing was stored"
    ),
    "damaged": N_(
        "version {head}'s {name} table is damaged; roll back to an intact version first "
        "('indicators rollback V'); nothing was stored"
    ),
}


def _text(error: Exception) -> str:
    """An error's message as raised (a Msg stays one, to be translated where it is shown)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, str) else str(error)


# -- checks before a read or a commit ---------------------------------------------------------


def check_version_number(number: int, head: int | None) -> None:
    """Refuse a version number that was never committed (versions above head are leftovers)."""
    if head is None or not 1 <= number <= head:
        raise StoreError(
            msg(
                "there is no version {number} (the current version is {head})",
                number=number,
                head=head,
            )
            if head
            else msg("there is no version {number} (the current version is none)", number=number)
        )


def check_table_names(names: Iterable[str]) -> None:
    """Refuse tables the store does not know, before any lock is taken or byte written."""
    unknown = set(names) - set(TABLES)
    if unknown:
        raise StoreError(msg("unknown tables: {tables}", tables=", ".join(sorted(unknown))))


def check_base(expected_head: object, head: int | None) -> None:
    """Refuse a commit prepared against another version than the current ``head``.

    Called with the commit lock held, so no other commit can land between this check and the
    new version: a preview someone approved is never applied on top of data they did not see.
    """
    if expected_head is not UNSET and expected_head != head:
        raise StaleVersion(
            msg(
                "the store moved from version {before} to {head} while this change was "
                "prepared; review the preview again against the current data and commit again",
                before=str(expected_head),
                head=str(head),
            )
        )


# -- the next version ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StagedTable:
    """One incoming table once stored: its object, its row count and what it changed."""

    object_id: str
    rows: int
    change: dict[str, int] | None  # added / changed / removed (TableChange.counts()), or
    unknown: str = ""  # ... None, and why: the parent's copy of the table cannot be read


def stage_tables(
    tables: Mapping[str, pd.DataFrame],
    head: int | None,
    read: Callable[[str, int], pd.DataFrame],
    put: Callable[[pd.DataFrame], str],
) -> dict[str, StagedTable]:
    """Store each incoming table (conformed) and count what it changes against ``head``.

    ``read(name, head)`` and ``put(frame)`` are the backend's I/O; per table the old version
    is read and compared before the new one is written, in the order the backends rely on.
    A head table that cannot be read (damaged, missing) does not stop the commit, which
    stores whole tables: its change is recorded as unknown, with the reason.
    """
    staged: dict[str, StagedTable] = {}
    for name, frame in tables.items():
        frame = normalise_table(name, frame)
        change, unknown = None, ""
        try:
            old = read(name, head) if head else empty_table(name)
            change = diff_tables(old, frame, name).counts()
        except StoreError as exc:
            unknown = f"unknown: the {name} table of version {head} cannot be read ({exc})"
        staged[name] = StagedTable(put(frame), len(frame), change, unknown)
    return staged


def check_previous(
    previous: Mapping[str, dict[str, Any]] | StoreError, tables: Iterable[str]
) -> Mapping[str, dict[str, Any]]:
    """The head's tables a commit keeps, or the head manifest's error when it is needed.

    A commit that stores every table (a rollback) keeps nothing from the head, so it goes on
    even when the head's manifest is damaged: that is how a damaged store is recovered.
    """
    if not isinstance(previous, StoreError):
        return previous
    if set(TABLES) <= set(tables):
        return {}
    raise StoreError(
        msg(
            "{previous}; only a rollback can be stored on top of it: run 'indicators check' and "
            "'indicators rollback V' to an intact version",
            previous=_text(previous),
        )
    )


def check_carried(
    head: int | None,
    kept: Mapping[str, dict[str, Any]],
    tables: Iterable[str],
    checksums: Callable[[list[str]], Mapping[str, str]],
) -> None:
    """Refuse a commit that would carry a damaged or missing object over from ``head``.

    The tables a commit does not store keep the head's objects; if one of those is damaged,
    the new version would be damaged too, silently. ``checksums(ids)`` is the backend's
    SHA-256 of each stored object it finds (an id absent from it is missing). Called with the
    commit lock held and before anything is written. A rollback stores every table, so it
    carries nothing over and still works from a damaged head.
    """
    carried = {name: entry["object"] for name, entry in kept.items() if name not in set(tables)}
    if not carried:
        return
    found = checksums(sorted(set(carried.values())))
    for name, wanted in sorted(carried.items()):
        if found.get(wanted) != wanted:
            facts = {"head": head, "name": name}
            raise StoreError(Msg(_CARRIED["missing" if wanted not in found else "damaged"], facts))


def timestamp() -> str:
    """The creation time a new version records (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def next_version(
    head: int | None,
    previous: Mapping[str, dict[str, Any]],
    staged: Mapping[str, StagedTable],
    *,
    user: str,
    message: str,
    action: str,
    files: list[FileRecord] | None,
    created_at: str,
    parent_digest: str | None,
    audit: dict[str, Any],
) -> Version:
    """The version a commit on top of ``head`` makes (its manifest, as both backends store it).

    Tables not in ``staged`` keep the objects of ``previous`` (the head's tables): a commit
    that changes one table points at the same objects as its parent for all the others.
    ``parent_digest`` chains the new manifest to its parent's; ``audit`` is the commit's
    audit record (see :mod:`indicators.store.audit_trail`).
    """
    tables = dict(previous)
    for name, table in staged.items():
        tables[name] = {"object": table.object_id, "rows": table.rows}
    return Version(
        number=(head or 0) + 1,
        parent=head,
        created_at=created_at,
        user=user,
        message=message,
        action=action,
        tables=tables,
        files=[f.__dict__ for f in files or []],
        changes={n: t.change for n, t in staged.items() if t.change is not None},
        parent_digest=parent_digest,
        audit=audit,
        unknown_changes={n: t.unknown for n, t in staged.items() if t.change is None},
    )


# -- rollback -------------------------------------------------------------------------------
def restorable(states: Iterable[VersionState], number: int, head: int | None) -> Version:
    """Version ``number``'s manifest, if a rollback may restore it (its manifest is intact)."""
    check_version_number(number, head)
    for state in states:
        if state.number == number and state.version is not None:
            return state.version
        if state.number == number:
            raise StoreError(
                msg(
                    "version {number} cannot be restored: its manifest is {problem}; "
                    "choose another version ('indicators check' names the damaged ones)",
                    number=number,
                    problem=state.problem,
                )
            )
    raise StoreError(msg("the manifest of version {number} is missing", number=number))


@dataclass(frozen=True)
class Rollback:
    """The commit that rolls back: the tables to store, and how the new version records it."""

    tables: dict[str, pd.DataFrame]
    message: str
    action: str


def plan_rollback(number: int, restored: dict[str, pd.DataFrame], message: str = "") -> Rollback:
    """The commit that makes version ``number``'s tables current again, as a new version.

    ``restored`` holds the tables of version ``number``. Every table is committed (those
    version ``number`` had not, empty), so the rollback really restores that version and
    needs nothing from the current version: it works when the head's tables or manifest are
    damaged. Nothing is erased: the versions after ``number`` stay.
    """
    tables = {name: restored.get(name, empty_table(name)) for name in TABLES}
    return Rollback(tables, message or f"roll back to version {number}", f"rollback to {number}")
