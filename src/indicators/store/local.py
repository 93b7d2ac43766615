"""The local store: Parquet objects and JSON manifests in a folder (the embedded default).

Layout::

    STORE/HEAD                    current version number (replaced atomically)
    STORE/versions/000001.json    one manifest per version, never modified
    STORE/objects/<sha256>.parquet  immutable table snapshots named by their checksum
    STORE/lock                    commits hold an exclusive lock on this file

A commit writes objects and the manifest to temporary files, fsyncs them, renames them into
place, and only then replaces HEAD. Killing the process at any moment leaves HEAD naming either
the previous complete version or the new complete one. Manifests above HEAD are leftovers of
an interrupted commit and are ignored (and overwritten by the next commit).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from indicators.store.base import Damage, FileRecord, StoreError, Version
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path``, fsync, and rename over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


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

    def head(self) -> int | None:
        """The current version number, or None when nothing was ever committed."""
        try:
            text = self._head_file().read_bytes().decode("ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(
                f"{self._head_file()} is damaged (it should hold a version number)"
            ) from exc
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            raise StoreError(f"{self._head_file()} is damaged (it should hold a version number)")
        return int(text)

    def _manifest_path(self, number: int) -> Path:
        return self.root / "versions" / f"{number:06d}.json"

    def version(self, number: int) -> Version:
        """The manifest of one version."""
        check_version_number(number, self.head())
        try:
            raw = json.loads(self._manifest_path(number).read_bytes().decode("utf-8"))
            version = Version.from_dict(raw)
            if version.number != number or not all(
                isinstance(e, dict) and isinstance(e.get("object"), str)
                for e in version.tables.values()
            ):
                raise ValueError("inconsistent manifest")
            return version
        except FileNotFoundError as exc:
            raise StoreError(f"the manifest of version {number} is missing") from exc
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise StoreError(f"the manifest of version {number} is damaged") from exc

    def versions(self) -> list[Version]:
        """All versions, oldest first."""
        head = self.head()
        return [self.version(n) for n in range(1, (head or 0) + 1)]

    def _object_path(self, object_id: str) -> Path:
        return self.root / "objects" / f"{object_id}.parquet"

    def table(self, name: str, version: int | None = None) -> pd.DataFrame:
        """A canonical table as of a version (default: current); empty if never stored."""
        number = self.head() if version is None else version
        if number is None:
            return empty_table(name)
        entry = self.version(number).tables.get(name)
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

    def verify(self) -> list[Damage]:
        """Check the objects of the current version; return what is missing or damaged."""
        head = self.head()
        if head is None:
            return []
        tables = self.version(head).tables
        checksums: dict[str, str] = {}
        for entry in tables.values():
            path = self._object_path(entry["object"])
            if path.exists():
                checksums[entry["object"]] = object_id(path.read_bytes())
        return find_damage(tables, checksums)

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive commit lock (commits from all processes are serialised)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _put_object(self, frame: pd.DataFrame) -> str:
        data, stored_as = encode_table(frame)
        path = self._object_path(stored_as)
        if not path.exists():
            _atomic_write(path, data)
        return stored_as

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
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        with self.locked():
            head = self.head()
            check_base(expected_head, head)
            previous = self.version(head).tables if head else {}
            staged = stage_tables(tables, head, self.table, self._put_object)
            _fsync_dir(self.root / "objects")
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
            manifest = json.dumps(version.as_dict(), indent=2, ensure_ascii=False).encode()
            _atomic_write(self._manifest_path(version.number), manifest)
            _atomic_write(self._head_file(), f"{version.number}\n".encode())
            return version

    def rollback(self, number: int, *, user: str, message: str = "") -> Version:
        """Make a new version whose tables are those of version ``number`` (nothing is erased)."""
        target = self.version(number)
        with self.locked():
            head = self.head()
        restored = {name: self.table(name, number) for name in target.tables}
        plan = plan_rollback(number, restored, self.version(head).tables if head else {}, message)
        return self.commit(
            plan.tables, user=user, message=plan.message, action=plan.action, expected_head=head
        )
