"""The PostgreSQL store's SQL side: its schema, storing objects, and wording its errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg

from indicators.store.versioning import encode_table

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
ALTER TABLE head ADD COLUMN IF NOT EXISTS digest text;
"""


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def database_error(location: str, exc: psycopg.Error) -> str:
    """One line for a failed database operation (a full disk says so; nothing was stored)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, psycopg.errors.DiskFull):
        return f"the disk of the store database {location} is full ({first}); nothing was stored"
    return f"the store database {location} failed: {first}"


def ensure_schema(conn: psycopg.Connection[Any]) -> None:
    """Create the tables if any is missing (so a role without CREATE can use a made store)."""
    found = conn.execute(
        "SELECT to_regclass('objects'), to_regclass('versions'), to_regclass('head'), "
        "(SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('head') "
        "AND attname = 'digest' AND NOT attisdropped)"
    ).fetchone()
    if found is not None and all(found):
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        conn.execute(SCHEMA)


def put_object(conn: psycopg.Connection[Any], frame: pd.DataFrame) -> str:
    """Store a table's Parquet bytes under their SHA-256 unless an intact object of that id
    exists; a damaged one (its bytes no longer match its id) is repaired with these bytes."""
    data, stored_as = encode_table(frame)
    row = conn.execute(
        "SELECT encode(sha256(data), 'hex') = id FROM objects WHERE id = %s", (stored_as,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO objects (id, data) VALUES (%s, %b) ON CONFLICT (id) DO NOTHING",
            (stored_as, data),
        )
    elif not row[0]:
        conn.execute("UPDATE objects SET data = %b WHERE id = %s", (data, stored_as))
    return stored_as
