"""The shared store: the same versions, objects and guarantees as the local store, in PostgreSQL.

Several app servers can use one database; a commit through any of them is seen by all the
others at their next read. Tables (created on first use)::

    objects(id text primary key, data bytea not null)   Parquet bytes named by their SHA-256
    versions(number int primary key, parent int, manifest jsonb not null, created_at timestamptz)
    head(singleton bool primary key, number int)          one row: the current version

A commit is one transaction: it locks the ``head`` row (``SELECT ... FOR UPDATE``), which
serialises commits from every process and server, refuses a stale commit, inserts the new
objects (``ON CONFLICT DO NOTHING``: unchanged tables are never copied), the manifest, and
moves ``head``. A crash or a killed process rolls the whole transaction back, so readers see
the previous version or the new one, never a mixture. Object ids are re-checked on every read
and by :meth:`PostgresStore.verify` (in the database, with ``sha256()``).

The connection URL may hold a password; it is never printed (see :func:`redact_url`). To keep
the store in its own schema, add ``?options=-csearch_path%3Dindicators`` to the URL (the schema
must exist). Side files that belong beside a store (the audit log, mapping profiles) stay in a
local folder, :attr:`PostgresStore.root`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from indicators.paths import default_store_dir
from indicators.store.base import Damage, FileRecord, StoreError, Version, is_database_url
from indicators.store.tables import empty_table
from indicators.store.versioning import (
    UNSET,
    check_base,
    check_table_names,
    check_version_number,
    decode_table,
    encode_table,
    find_damage,
    next_version,
    object_id,
    plan_rollback,
    stage_tables,
    timestamp,
)

SIDE_DIR_ENV = "INDICATORS_STORE_SIDE_DIR"
# Any constant: every process creating the schema at once takes this transaction lock first.
_SCHEMA_LOCK = 0x1D1CA7025

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (id text PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    number int PRIMARY KEY,
    parent int REFERENCES versions (number),
    manifest jsonb NOT NULL,
    created_at timestamptz
);
CREATE TABLE IF NOT EXISTS head (
    singleton bool PRIMARY KEY DEFAULT true CHECK (singleton),
    number int REFERENCES versions (number)
);
INSERT INTO head (singleton, number) VALUES (true, NULL) ON CONFLICT DO NOTHING;
"""


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


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
                    _ensure_schema(conn)
                    self._schema_ready = True
                yield conn
        except psycopg.Error as exc:
            raise StoreError(f"the store database {self.location} failed: {exc}") from exc

    @staticmethod
    def _head_in(conn: psycopg.Connection[Any], *, lock: bool = False) -> int | None:
        sql = "SELECT number FROM head WHERE singleton" + (" FOR UPDATE" if lock else "")
        row = conn.execute(sql).fetchone()
        if row is None:
            raise StoreError("the store's head row is missing; restore the database from a backup")
        return None if row[0] is None else int(row[0])

    @staticmethod
    def _version_in(conn: psycopg.Connection[Any], number: int, head: int | None) -> Version:
        check_version_number(number, head)
        row = conn.execute("SELECT manifest FROM versions WHERE number = %s", (number,)).fetchone()
        if row is None:
            raise StoreError(f"the manifest of version {number} is missing")
        return _manifest_version(number, row[0])

    # -- reading -------------------------------------------------------------------------
    def head(self) -> int | None:
        """The current version number, or None when nothing was ever committed."""
        with self._connect() as conn:
            return self._head_in(conn)

    def version(self, number: int) -> Version:
        """The manifest of one version."""
        with self._connect() as conn:
            return self._version_in(conn, number, self._head_in(conn))

    def versions(self) -> list[Version]:
        """All versions, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT number, manifest FROM versions "
                "WHERE number <= (SELECT coalesce(number, 0) FROM head) ORDER BY number"
            ).fetchall()
        return [_manifest_version(int(n), m) for n, m in rows]

    def table(self, name: str, version: int | None = None) -> pd.DataFrame:
        """A canonical table as of a version (default: current); empty if never stored."""
        with self._connect() as conn:
            return self._table_in(conn, name, version, self._head_in(conn))

    def _table_in(
        self, conn: psycopg.Connection[Any], name: str, version: int | None, head: int | None
    ) -> pd.DataFrame:
        number = head if version is None else version
        if number is None:
            return empty_table(name)
        entry = self._version_in(conn, number, head).tables.get(name)
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
        """Check the objects of the current version; return what is missing or damaged."""
        with self._connect() as conn:
            head = self._head_in(conn)
            if head is None:
                return []
            entries = self._version_in(conn, head, head).tables
            ids = [entry["object"] for entry in entries.values()]
            rows = conn.execute(
                "SELECT id, encode(sha256(data), 'hex') FROM objects WHERE id = ANY(%s)", (ids,)
            ).fetchall()
        return find_damage(entries, dict(rows))

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

    def commit(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        user: str,
        message: str,
        action: str = "ingest",
        files: list[FileRecord] | None = None,
        expected_head: object = UNSET,
    ) -> Version:
        """Record new versions of ``tables`` as one new version, all or nothing.

        ``expected_head`` is the version the change was prepared against; when another
        commit landed since, the commit is refused with :class:`StaleVersion`.
        """
        check_table_names(tables)
        with self._connect() as conn, conn.transaction():
            head = self._head_in(conn, lock=True)
            check_base(expected_head, head)
            previous = self._version_in(conn, head, head).tables if head else {}
            staged = stage_tables(
                tables,
                head,
                lambda name, number: self._table_in(conn, name, number, number),
                lambda frame: _put_object(conn, frame),
            )
            version = next_version(
                head,
                previous,
                staged,
                user=user,
                message=message,
                action=action,
                files=files,
                created_at=timestamp(),
            )
            conn.execute(
                "INSERT INTO versions (number, parent, manifest, created_at) "
                "VALUES (%s, %s, %s, %s)",
                (version.number, head, Jsonb(version.as_dict()), version.created_at),
            )
            conn.execute("UPDATE head SET number = %s WHERE singleton", (version.number,))
            return version

    def rollback(self, number: int, *, user: str, message: str = "") -> Version:
        """Make a new version whose tables are those of version ``number`` (nothing is erased)."""
        with self._connect() as conn:
            head = self._head_in(conn)
            target = self._version_in(conn, number, head)
            restored = {name: self._table_in(conn, name, number, head) for name in target.tables}
            current = self._version_in(conn, head, head).tables if head else {}
        plan = plan_rollback(number, restored, current, message)
        return self.commit(
            plan.tables, user=user, message=plan.message, action=plan.action, expected_head=head
        )


def _ensure_schema(conn: psycopg.Connection[Any]) -> None:
    """Create the tables if any is missing (so a role without CREATE can use a made store)."""
    found = conn.execute(
        "SELECT to_regclass('objects'), to_regclass('versions'), to_regclass('head')"
    ).fetchone()
    if found is not None and all(found):
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        conn.execute(SCHEMA)


def _put_object(conn: psycopg.Connection[Any], frame: pd.DataFrame) -> str:
    """Store a table's Parquet bytes under their SHA-256 unless an object of that id exists."""
    data, stored_as = encode_table(frame)
    if conn.execute("SELECT 1 FROM objects WHERE id = %s", (stored_as,)).fetchone() is None:
        conn.execute(
            "INSERT INTO objects (id, data) VALUES (%s, %b) ON CONFLICT (id) DO NOTHING",
            (stored_as, data),
        )
    return stored_as


def _manifest_version(number: int, manifest: object) -> Version:
    try:
        if not isinstance(manifest, dict):
            raise TypeError("not an object")
        version = Version.from_dict(manifest)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"the manifest of version {number} is damaged") from exc
    if version.number != number:
        raise StoreError(f"the manifest of version {number} is damaged (it names {version.number})")
    if not all(
        isinstance(e, dict) and isinstance(e.get("object"), str) for e in version.tables.values()
    ):
        raise StoreError(f"the manifest of version {number} is damaged (a table names no object)")
    return version
