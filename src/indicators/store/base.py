"""The store interface: versions with provenance, atomic commits, rollback, checksums, locks.

A version is a manifest naming, for each canonical table, the checksum of the stored object
that holds it. Objects are immutable and addressed by their SHA-256, so an unchanged table is
never copied, a rollback is a new manifest pointing at old objects, and damage is detectable.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

TABLES = ("rankings", "incidents", "reported_counts", "events")


class StoreError(Exception):
    """A store operation could not be done; the message says why and what to do."""


class StaleVersion(StoreError):
    """A commit was prepared against a version that is no longer the current one."""


@dataclass(frozen=True)
class FileRecord:
    """Provenance of one ingested file."""

    name: str
    sha256: str
    size: int
    kind: str
    adapter: str
    detected: dict[str, str]
    rows_read: int
    rows_kept: int
    rows_rejected: int = 0


@dataclass(frozen=True)
class Version:
    """One version of the store, as its manifest records it."""

    number: int
    parent: int | None
    created_at: str
    user: str
    message: str
    action: str
    tables: dict[str, dict[str, Any]]
    files: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The manifest as a plain dictionary (for JSON)."""
        return {
            "version": self.number,
            "parent": self.parent,
            "created_at": self.created_at,
            "user": self.user,
            "message": self.message,
            "action": self.action,
            "tables": self.tables,
            "files": self.files,
            "changes": self.changes,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Version:
        """Rebuild a version from its manifest dictionary."""
        return cls(
            int(d["version"]),
            d.get("parent"),
            d["created_at"],
            d["user"],
            d["message"],
            d.get("action", "ingest"),
            d["tables"],
            d.get("files", []),
            d.get("changes", {}),
        )


@dataclass(frozen=True)
class Damage:
    """A stored object that is missing or whose checksum does not match."""

    table: str
    object_id: str
    problem: str


class Store(Protocol):
    """What every store backend provides."""

    def head(self) -> int | None:
        """The current version number, or None for an empty store."""
        ...

    def versions(self) -> list[Version]:
        """Every version, oldest first."""
        ...

    def version(self, number: int) -> Version:
        """One version's manifest."""
        ...

    def table(self, name: str, version: int | None = None) -> pd.DataFrame:
        """A canonical table as of a version (the current one by default)."""
        ...

    def commit(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        user: str,
        message: str,
        action: str = "ingest",
        files: list[FileRecord] | None = None,
        expected_head: object = None,
    ) -> Version:
        """Atomically record new versions of the given tables; refuse if head moved."""
        ...

    def verify(self) -> list[Damage]:
        """Check every object the current version needs; list what is missing or damaged."""
        ...

    def rollback(self, number: int, *, user: str, message: str = "") -> Version:
        """Make a new version whose tables are those of version ``number``."""
        ...

    def locked(self) -> AbstractContextManager[None]:
        """Hold the store's commit lock."""
        ...

    @property
    def root(self) -> Path:
        """A local folder for side files (audit log, mapping profiles)."""
        ...

    @property
    def location(self) -> str:
        """Where the store is, for people and cache keys (never a password)."""
        ...


def is_database_url(location: object) -> bool:
    """Whether a store location is a PostgreSQL connection URL."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))
