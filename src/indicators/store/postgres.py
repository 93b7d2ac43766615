"""The shared store: the same versions, objects and guarantees as the local store, in PostgreSQL.

Several app servers can use one database; a commit through any of them is seen by all the
others at their next read. Tables (created on first use)::

    objects(id text primary key, data bytea not null)   Parquet bytes named by their SHA-256
    versions(number int primary key, parent int, manifest jsonb not null, created_at timestamptz)
    head(singleton bool primary key, number int, digest text)   one row: the current version
                                                           and its manifest's digest

A commit is one transaction: it locks the ``head`` row (``SELECT ... FOR UPDATE``), which
serialises commits from every process and server, refuses a stale commit, inserts the new
objects (``ON CONFLICT DO NOTHING``: unchanged tables are never copied), the manifest, and
moves ``head``. A crash or a killed process rolls the whole transaction back, so readers see
the previous version or the new one, never a mixture. Object ids are re-checked on every read
and by :meth:`PostgresStore.verify` (in the database, with ``sha256()``). Manifests are
chained by digests as in the local store (:mod:`indicators.store.integrity`): each manifest
records its parent's, the ``head`` row the current one's. A database made by the previous
format gets the ``digest`` column on first use; its manifests are reported as legacy.

The connection URL may hold a password; it is never printed (see :func:`redact_url`). To keep
the store in its own schema, add ``?options=-csearch_path%3Dindicators`` to the URL (the schema
must exist). Side files that belong beside a store (the audit log, mapping profiles) stay in a
local folder, :attr:`PostgresStore.root`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from indicators.paths import default_store_dir
from indicators.store import audit_trail
from indicators.store.base import (
    TABLES,
    Damage,
    FileRecord,
    StoreError,
    Version,
    VersionState,
    is_database_url,
)
from indicators.store.integrity import (
    Raw,
    check_history,
    find_damage,
    manifest_digest,
    object_ids,
    parse_manifest,
)
from indicators.store.postgres_sql import database_error, ensure_schema, put_object, redact_url
from indicators.store.versioning import (
    UNSET,
    check_base,
    check_carried,
    check_previous,
    check_table_names,
    check_version_number,
    decode_table,
    next_version,
    object_id,
    plan_rollback,
    restorable,
    stage_tables,
    timestamp,
)
from indicators.tables.conform import empty_table

Head = tuple[int, str | None]  # the current version number, and its manifest's digest

SIDE_DIR_ENV = "INDICATORS_STORE_SIDE_DIR"

# The SHA-256 of each object this process had the database compute, with the row's xmin
# (which changes whenever the row is rewritten), per database: repeated commits do not
# rehash big unchanged objects.
_SUMS: dict[tuple[str, str], tuple[str, str]] = {}


class PostgresStore:
    """A versioned store of canonical tables in a PostgreSQL database."""

    def __init__(self, url: str, *, side_dir: str | Path | None = None) -> None:
        if not is_database_url(url):
            raise StoreError(f"{redact_url(url)} is not a postgresql:// URL")
        self.url = url
        self._side_dir = Path(side_dir) if side_dir is not None else None
        self._cache: dict[str, pd.DataFrame] = {}
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r})"

    @property
    def location(self) -> str:
        """The database URL without its password (safe to show and to use as a cache key)."""
        return redact_url(self.url)

    @property
    def root(self) -> Path:
        """A local folder for the side files of the store (audit log, mapping profiles).

        ``side_dir`` if given, else ``$INDICATORS_STORE_SIDE_DIR``, else the default store
        folder. Several servers share these files only if this folder is shared.
        """
        if self._side_dir is not None:
            return self._side_dir
        return Path(os.environ.get(SIDE_DIR_ENV) or default_store_dir())

    # -- connections ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for one operation (never kept: safe across fork and threads)."""
        try:
            conninfo = self.url
            if "connect_timeout=" not in conninfo:  # libpq waits for ever by default
                conninfo += ("&" if "?" in conninfo else "?") + "connect_timeout=15"
            conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the store database {self.location}: {exc}"
            ) from exc
        try:
            with conn:
                if not self._schema_ready:
                    ensure_schema(conn)
                    self._schema_ready = True
                yield conn
        except psycopg.Error as exc:
            raise StoreError(database_error(self.location, exc)) from exc

    @staticmethod
    def _head_in(conn: psycopg.Connection[Any], *, lock: bool = False) -> Head | None:
        sql = "SELECT number, digest FROM head WHERE singleton" + (" FOR UPDATE" if lock else "")
        row = conn.execute(sql).fetchone()
        if row is None:
            raise StoreError("the store's head row is missing; restore the database from a backup")
        return None if row[0] is None else (int(row[0]), row[1])

    @staticmethod
    def _raw_in(conn: psycopg.Connection[Any], number: int) -> Raw:
        row = conn.execute("SELECT manifest FROM versions WHERE number = %s", (number,)).fetchone()
        if row is None:
            return "missing"
        return row[0] if isinstance(row[0], dict) else "damaged (not a JSON object)"

    def _version_in(
        self, conn: psycopg.Connection[Any], number: int, head: Head | None
    ) -> tuple[Version, dict[str, Any]]:
        """A manifest as a version and as stored; the current one is checked against head."""
        check_version_number(number, head[0] if head else None)
        raw = self._raw_in(conn, number)
        if raw == "missing":
            raise StoreError(f"the manifest of version {number} is missing")
        try:
            if isinstance(raw, str):
                raise ValueError(raw)
            version = parse_manifest(number, raw)
        except ValueError as exc:
            raise StoreError(f"the manifest of version {number} is damaged ({exc})") from exc
        if head and number == head[0] and head[1] and manifest_digest(raw) != head[1]:
            raise StoreError(
                f"the manifest of version {number} is damaged (edited: its digest is not the "
                "one the head row records)"
            )
        return version, raw

    def _history_in(self, conn: psycopg.Connection[Any], head: Head | None) -> list[VersionState]:
        if head is None:
            return []
        rows = conn.execute(
            "SELECT number, manifest FROM versions WHERE number <= %s", (head[0],)
        ).fetchall()
        raws: dict[int, Raw] = {
            int(n): m if isinstance(m, dict) else "damaged (not a JSON object)" for n, m in rows
        }
        return check_history(head[0], head[1], raws)

    def _checksums_in(self, conn: psycopg.Connection[Any], ids: list[str]) -> dict[str, str]:
        """The SHA-256 of each of these objects that exists (computed in the database, once
        per version of its row)."""
        rows = conn.execute(
            "SELECT id, xmin::text FROM objects WHERE id = ANY(%s)", (ids,)
        ).fetchall()
        stale = [i for i, x in rows if _SUMS.get((self.location, i), ("",))[0] != x]
        if stale:
            for i, x, digest in conn.execute(
                "SELECT id, xmin::text, encode(sha256(data), 'hex') FROM objects "
                "WHERE id = ANY(%s)",
                (stale,),
            ).fetchall():
                _SUMS[(self.location, i)] = (x, digest)
        return {i: _SUMS[(self.location, i)][1] for i, _ in rows}

    # -- reading -------------------------------------------------------------------------
    def head(self) -> int | None:
        """The current version number, or None when nothing was ever committed."""
        with self._connect() as conn:
            head = self._head_in(conn)
        return head[0] if head else None

    def version(self, number: int) -> Version:
        """The manifest of one version."""
        with self._connect() as conn:
            return self._version_in(conn, number, self._head_in(conn))[0]

    def history(self) -> list[VersionState]:
        """Every version up to the current one with its manifest's state (see integrity)."""
        with self._connect() as conn:
            return self._history_in(conn, self._head_in(conn))

    def versions(self) -> list[Version]:
        """All versions whose manifest is intact, oldest first (history() lists the others)."""
        return [s.version for s in self.history() if s.version is not None]

    def table(self, name: str, version: int | None = None) -> pd.DataFrame:
        """A canonical table as of a version (default: current); empty if never stored."""
        with self._connect() as conn:
            return self._table_in(conn, name, version, self._head_in(conn))

    def _table_in(
        self, conn: psycopg.Connection[Any], name: str, version: int | None, head: Head | None
    ) -> pd.DataFrame:
        number = head[0] if head and version is None else version
        if number is None:
            return empty_table(name)
        entry = self._version_in(conn, number, head)[0].tables.get(name)
        if not entry:
            return empty_table(name)
        wanted = entry["object"]
        if wanted not in self._cache:
            with conn.cursor(binary=True) as cur:
                row = cur.execute("SELECT data FROM objects WHERE id = %s", (wanted,)).fetchone()
            if row is None:
                raise StoreError(
                    f"the stored {name} table of version {number} is missing (object "
                    f"{wanted[:12]}); run 'indicators check' and roll back to an intact version"
                )
            data = bytes(row[0])
            if object_id(data) != wanted:
                raise StoreError(
                    f"the stored {name} table of version {number} is damaged (checksum mismatch "
                    f"in object {wanted[:12]}); run 'indicators check' and roll back to an "
                    "intact version"
                )
            self._cache[wanted] = decode_table(name, data)
        return self._cache[wanted].copy()

    def verify(self) -> list[Damage]:
        """Check every manifest and object of every version; list what is damaged.

        Also adds to the audit log the line of any commit a crash left without one.
        """
        with self._connect() as conn:
            states = self._history_in(conn, self._head_in(conn))
            rows = conn.execute(
                "SELECT id, encode(sha256(data), 'hex') FROM objects WHERE id = ANY(%s)",
                (sorted(object_ids(states)),),
            ).fetchall()
        audit_trail.reconcile(self)
        return find_damage(states, dict(rows))

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the commit lock (the head row) on a connection of its own until the block ends.

        As with the local store, do not commit from inside this block: the commit would wait
        for the lock this block holds.
        """
        with self._connect() as conn, conn.transaction():
            self._head_in(conn, lock=True)
            yield

    def _parent(
        self, conn: psycopg.Connection[Any], head: Head | None
    ) -> tuple[Mapping[str, Any] | StoreError, str | None]:
        """The head's tables (or why they cannot be read) and the digest a child records
        (the head row's, whenever it has one; see the local store)."""
        if head is None:
            return {}, None
        try:
            version, raw = self._version_in(conn, head[0], head)
        except StoreError as exc:
            return exc, head[1]
        digest = head[1] or manifest_digest(raw)
        audit_trail.complete_log([(version, digest)], self.location, self.root)
        return version.tables, digest

    def commit(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        user: str,
        message: str,
        action: str = "ingest",
        files: list[FileRecord] | None = None,
        expected_head: object = UNSET,
        details: Mapping[str, object] | None = None,
    ) -> Version:
        """Record new versions of ``tables`` as one new version, all or nothing.

        ``expected_head`` is the version the change was prepared against; when another
        commit landed since, the commit is refused with :class:`StaleVersion`. The audit
        record (with ``details``) is part of the new manifest; its audit log line follows.
        """
        check_table_names(tables)
        with self._connect() as conn, conn.transaction():
            head = self._head_in(conn, lock=True)
            number = head[0] if head else None
            check_base(expected_head, number)
            previous, parent_digest = self._parent(conn, head)
            kept = check_previous(previous, tables)
            check_carried(number, kept, tables, lambda ids: self._checksums_in(conn, ids))
            staged = stage_tables(
                tables,
                number,
                lambda name, n: self._table_in(conn, name, n, head),
                lambda frame: put_object(conn, frame),
            )
            version = next_version(
                number,
                kept,
                staged,
                user=user,
                message=message,
                action=action,
                files=files,
                created_at=timestamp(),
                parent_digest=parent_digest,
                audit=audit_trail.audit_record(files, details),
            )
            raw = version.as_dict()
            conn.execute(
                "INSERT INTO versions (number, parent, manifest, created_at) "
                "VALUES (%s, %s, %s, %s)",
                (version.number, number, Jsonb(raw), version.created_at),
            )
            conn.execute(
                "UPDATE head SET number = %s, digest = %s WHERE singleton",
                (version.number, manifest_digest(raw)),
            )
        audit_trail.append(version, manifest_digest(raw), self.location, self.root)
        return version

    def rollback(
        self,
        number: int,
        *,
        user: str,
        message: str = "",
        expected_head: object = UNSET,
        details: Mapping[str, object] | None = None,
    ) -> Version:
        """Make a new version whose tables are those of version ``number`` (nothing is erased).

        Only version ``number`` must be intact: the current version's tables and manifest
        are not read (what they held is recorded as unknown in the new version's changes).
        """
        with self._connect() as conn:
            head = self._head_in(conn)
            current = head[0] if head else None
            check_base(expected_head, current)
            target = restorable(self._history_in(conn, head), number, current)
            restored = {
                name: self._table_in(conn, name, number, head)
                for name in target.tables
                if name in TABLES
            }
        plan = plan_rollback(number, restored, message)
        return self.commit(
            plan.tables,
            user=user,
            message=plan.message,
            action=plan.action,
            expected_head=current,
            details={**(details or {}), "to": number},
        )
