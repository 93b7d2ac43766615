"""The store interface: versions with provenance, atomic commits, rollback, checksums, locks.

A version is a manifest naming, for each canonical table, the checksum of the stored object
that holds it. Objects are immutable and addressed by their SHA-256, so an unchanged table is
never copied, a rollback is a new manifest pointing at old objects, and damage is detectable.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from indicators.tables.registry import TABLES as _SPECS

TABLES = tuple(spec.storage for spec in _SPECS.values())  # the tables a version names


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
    # Written since manifests are chained (absent from legacy manifests): the digest of the
    # parent's manifest, the audit record of the commit, and the tables whose changes could
    # not be counted because the parent's copy was unreadable (table -> why).
    parent_digest: str | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    unknown_changes: dict[str, str] = field(default_factory=dict)

    @property
    def legacy(self) -> bool:
        """Whether this manifest was written before manifests were chained (no audit record)."""
        return not self.audit

    def as_dict(self) -> dict[str, Any]:
        """The manifest as a plain dictionary (for JSON)."""
        d: dict[str, Any] = {
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
        if not self.legacy:
            d["parent_digest"] = self.parent_digest
            d["audit"] = self.audit
            d["unknown_changes"] = self.unknown_changes
        return d

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
            d.get("parent_digest"),
            d.get("audit") or {},
            d.get("unknown_changes") or {},
        )


@dataclass(frozen=True)
class Damage:
    """A stored object that is missing or whose checksum does not match, or a damaged manifest.

    ``table`` is the table's name, or ``"manifest"`` when the version's manifest itself is
    damaged (then ``object_id`` is empty); ``version`` is the version that needs it.
    """

    table: str
    object_id: str
    problem: str
    version: int | None = None

    def _verb(self) -> str:
        """'has a checksum mismatch', 'is missing', 'is damaged (...)': the problem as a verb."""
        if self.problem == "checksum mismatch":
            return "has a checksum mismatch"
        return f"is {self.problem}"

    def summary(self) -> str:
        """What is damaged, without the version: 'events table has a checksum mismatch'."""
        if self.table == "manifest":
            return f"manifest {self._verb()}"
        return f"{self.table} table {self._verb()}"

    def describe(self) -> str:
        """One line for people: 'version 2: events table (object 1a2b3c4d5e6f) is missing'."""
        where = f"version {self.version}: " if self.version is not None else ""
        if self.table == "manifest":
            return f"{where}{self.summary()}"
        return f"{where}{self.table} table (object {self.object_id[:12]}) {self._verb()}"


@dataclass(frozen=True)
class VersionState:
    """One version as ``history()`` finds it: its manifest, or why it cannot be trusted.

    ``problem`` is None for a manifest that is intact (its digest matches the one recorded
    after it) or legacy (written before manifests were chained, so nothing records its
    digest); ``version`` is None when the manifest cannot be read at all.
    """

    number: int
    version: Version | None
    problem: str | None = None

    @property
    def legacy(self) -> bool:
        """Whether nothing records this manifest's digest (a store of the previous format)."""
        return self.problem is None and self.version is not None and self.version.legacy


class Store(Protocol):
    """What every store backend provides."""

    def head(self) -> int | None:
        """The current version number, or None for an empty store."""
        ...

    def versions(self) -> list[Version]:
        """Every version whose manifest can be read, oldest first (damaged ones are left out)."""
        ...

    def history(self) -> list[VersionState]:
        """Every version up to the current one, each with its manifest's state (never raises
        for a damaged manifest: it is listed with its problem)."""
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
        details: Mapping[str, object] | None = None,
    ) -> Version:
        """Atomically record new versions of the given tables with their audit record;
        refuse if head moved."""
        ...

    def verify(self) -> list[Damage]:
        """Check every manifest and object of every version; list what is missing or damaged.

        Also completes the audit log with any commit whose line a crash left out."""
        ...

    def rollback(
        self,
        number: int,
        *,
        user: str,
        message: str = "",
        expected_head: object = None,
        details: Mapping[str, object] | None = None,
    ) -> Version:
        """Make a new version whose tables are those of version ``number`` (audited)."""
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
