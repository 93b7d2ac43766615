"""The local store: Parquet objects and JSON manifests in a folder (the embedded default).

Layout::

    STORE/HEAD                    current version number and its manifest's digest (replaced
                                  atomically); a bare number in stores of the previous format
    STORE/versions/000001.json    one manifest per version, never modified, chained by digests
    STORE/objects/<sha256>.parquet  immutable table snapshots named by their checksum
    STORE/lock                    commits hold an exclusive lock on this file
                                  (:func:`indicators.store.locks.file_lock`)

A commit writes objects and the manifest to temporary files, fsyncs them, renames them into
place, and only then replaces HEAD. Killing the process at any moment leaves HEAD naming either
the previous complete version or the new complete one. Manifests above HEAD are leftovers of
an interrupted commit and are ignored (and overwritten by the next commit). A commit that
fails (a full disk) removes the objects and the manifest it wrote before saying so.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.store import audit_trail
from indicators.store.base import TABLES, Damage, FileRecord, StoreError, Version, VersionState
from indicators.store.files import atomic_write, fsync_dir, write_error
from indicators.store.integrity import (
    Raw,
    check_history,
    find_damage,
    head_text,
    manifest_digest,
    object_ids,
    parse_head,
    parse_manifest,
)
from indicators.store.locks import file_lock
from indicators.store.versioning import (
    UNSET,
    check_base,
    check_carried,
    check_previous,
    check_table_names,
    check_version_number,
    decode_table,
    encode_table,
    next_version,
    object_id,
    plan_rollback,
    restorable,
    stage_tables,
    timestamp,
)
from indicators.tables.conform import empty_table

Head = tuple[int, str | None]  # the version number HEAD names, and its manifest's digest

# The SHA-256 of each object file this process hashed, with the file's (inode, size, mtime):
# shared by every handle, so repeated commits and checks do not rehash big unchanged objects.
_SUMS: dict[str, tuple[tuple[int, int, int], str]] = {}


class LocalStore:
    """A versioned store of canonical tables in a local folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._cache: dict[str, pd.DataFrame] = {}

    @property
    def location(self) -> str:
        """The store folder, for people and cache keys."""
        return str(self.root)

    # -- reading -------------------------------------------------------------------------
    def _head_file(self) -> Path:
        return self.root / "HEAD"

    def _head(self) -> Head | None:
        """What HEAD names, or None when nothing was ever committed."""
        damaged = f"{self._head_file()} is damaged (it should hold a version number)"
        try:
            text = self._head_file().read_bytes().decode("ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(damaged) from exc
        parsed = parse_head(text)
        if parsed is None:
            raise StoreError(damaged)
        return parsed

    def head(self) -> int | None:
        """The current version number, or None when nothing was ever committed."""
        head = self._head()
        return head[0] if head else None

    def _manifest_path(self, number: int) -> Path:
        return self.root / "versions" / f"{number:06d}.json"

    def _raw(self, number: int) -> Raw:
        """A manifest's JSON object, or why it cannot be read."""
        try:
            data = self._manifest_path(number).read_bytes()
        except FileNotFoundError:
            return "missing"
        except OSError as exc:
            return f"unreadable ({exc.strerror})"
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return "damaged (truncated or not JSON)"
        return raw if isinstance(raw, dict) else "damaged (not a JSON object)"

    def _manifest(self, number: int, head: Head | None) -> tuple[Version, dict[str, Any]]:
        """A manifest as a version and as stored; the current one is checked against HEAD."""
        check_version_number(number, head[0] if head else None)
        raw = self._raw(number)
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
                "one HEAD records)"
            )
        return version, raw

    def version(self, number: int) -> Version:
        """The manifest of one version."""
        return self._manifest(number, self._head())[0]

    def history(self) -> list[VersionState]:
        """Every version up to the current one with its manifest's state (see integrity)."""
        head = self._head()
        if head is None:
            return []
        raws = {n: self._raw(n) for n in range(1, head[0] + 1)}
        return check_history(head[0], head[1], raws)

    def versions(self) -> list[Version]:
        """All versions whose manifest is intact, oldest first (history() lists the others)."""
        return [s.version for s in self.history() if s.version is not None]

    def _object_path(self, object_id: str) -> Path:
        return self.root / "objects" / f"{object_id}.parquet"

    def table(self, name: str, version: int | None = None) -> pd.DataFrame:
        """A canonical table as of a version (default: current); empty if never stored."""
        head = self._head()
        number = head[0] if head and version is None else version
        if number is None:
            return empty_table(name)
        entry = self._manifest(number, head)[0].tables.get(name)
        if not entry:
            return empty_table(name)
        wanted = entry["object"]
        if wanted not in self._cache:
            path = self._object_path(wanted)
            try:
                data = path.read_bytes()
            except FileNotFoundError as exc:
                raise StoreError(
                    f"the stored {name} table of version {number} is missing ({path.name}); "
                    "run 'indicators check' and roll back to an intact version"
                ) from exc
            if object_id(data) != wanted:
                raise StoreError(
                    f"the stored {name} table of version {number} is damaged (checksum mismatch "
                    f"in {path.name}); run 'indicators check' and roll back to an intact version"
                )
            self._cache[wanted] = decode_table(name, data)
        return self._cache[wanted].copy()

    def _checksum(self, wanted: str) -> str | None:
        """The SHA-256 of an object's bytes (None if absent), remembered while the file stays."""
        path = self._object_path(wanted)
        try:
            st = path.stat()
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
            known = _SUMS.get(str(path))
            if known is None or known[0] != key:
                _SUMS[str(path)] = known = (key, object_id(path.read_bytes()))
        except FileNotFoundError:
            return None
        return known[1]

    def _checksums(self, ids: list[str]) -> dict[str, str]:
        """The SHA-256 of each of these objects that exists (see :meth:`_checksum`)."""
        found = {wanted: self._checksum(wanted) for wanted in ids}
        return {wanted: digest for wanted, digest in found.items() if digest is not None}

    def verify(self) -> list[Damage]:
        """Check every manifest and object of every version; list what is damaged.

        Also adds to the audit log the line of any commit a crash left without one.
        """
        states = self.history()
        checksums = self._checksums(sorted(object_ids(states)))
        audit_trail.reconcile(self)
        return find_damage(states, checksums)

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive commit lock (commits from all processes are serialised)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with file_lock(self.root / "lock"):
            yield

    def _put_object(self, frame: pd.DataFrame, written: list[Path]) -> str:
        data, stored_as = encode_table(frame)
        path = self._object_path(stored_as)
        present = self._checksum(stored_as)
        if present is None:
            written.append(path)  # before writing: a failed write is cleaned up too
        if present != stored_as:  # absent, or damaged: then these bytes repair it
            atomic_write(path, data)
        return stored_as

    def _parent(self, head: Head | None) -> tuple[Mapping[str, Any] | StoreError, str | None]:
        """The head's tables (or why they cannot be read) and the digest a child records.

        HEAD's digest is recorded whenever HEAD has one, even for a damaged manifest: an
        edited manifest is never vouched for by the versions after it. The head's audit
        line is completed here if a crash left it out.
        """
        if head is None:
            return {}, None
        try:
            version, raw = self._manifest(head[0], head)
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
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        with self.locked():
            head = self._head()
            check_base(expected_head, head[0] if head else None)
            previous, parent_digest = self._parent(head)
            kept = check_previous(previous, tables)
            check_carried(head[0] if head else None, kept, tables, self._checksums)
            written: list[Path] = []
            try:
                staged = stage_tables(
                    tables,
                    head[0] if head else None,
                    self.table,
                    lambda frame: self._put_object(frame, written),
                )
                version = next_version(
                    head[0] if head else None,
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
                digest = self._write_version(version, written)
            except BaseException as exc:
                self._undo(written, head)
                if isinstance(exc, OSError):
                    raise StoreError(write_error(self.root, exc)) from exc
                raise
        audit_trail.append(version, digest, self.location, self.root)
        return version

    def _write_version(self, version: Version, written: list[Path]) -> str:
        """Write the manifest, then move HEAD to it (the moment the commit lands)."""
        fsync_dir(self.root / "objects")
        raw = version.as_dict()
        digest = manifest_digest(raw)
        path = self._manifest_path(version.number)
        written.append(path)
        atomic_write(path, json.dumps(raw, indent=2, ensure_ascii=False).encode())
        atomic_write(self._head_file(), head_text(version.number, digest).encode())
        written.clear()  # HEAD moved: everything written belongs to the new version
        return digest

    def _undo(self, written: list[Path], head: Head | None) -> None:
        """Remove what a failed commit wrote, unless HEAD moved to it after all."""
        with contextlib.suppress(StoreError):
            if self._head() != head:
                return
        for path in written:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

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
        head = self.head()
        check_base(expected_head, head)
        target = restorable(self.history(), number, head)
        restored = {name: self.table(name, number) for name in target.tables if name in TABLES}
        plan = plan_rollback(number, restored, message)
        return self.commit(
            plan.tables,
            user=user,
            message=plan.message,
            action=plan.action,
            expected_head=head,
            details={**(details or {}), "to": number},
        )
