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
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from indicators.store.base import (
    TABLES,
    Damage,
    FileRecord,
    StaleVersion,
    StoreError,
    Version,
)
from indicators.store.changes import diff_tables
from indicators.store.tables import empty_table, normalise_table

_UNSET = object()


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


def table_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a table to Parquet bytes (deterministic for the same content)."""
    buf = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buf, index=False, compression="zstd")
    return buf.getvalue()


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
        head = self.head()
        if head is None or not 1 <= number <= head:
            raise StoreError(
                f"there is no version {number} (the current version is {head or 'none'})"
            )
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
        object_id = entry["object"]
        if object_id not in self._cache:
            path = self._object_path(object_id)
            try:
                data = path.read_bytes()
            except FileNotFoundError as exc:
                raise StoreError(
                    f"the stored {name} table of version {number} is missing ({path.name}); "
                    "run 'indicators check' and roll back to an intact version"
                ) from exc
            if hashlib.sha256(data).hexdigest() != object_id:
                raise StoreError(
                    f"the stored {name} table of version {number} is damaged (checksum mismatch "
                    f"in {path.name}); run 'indicators check' and roll back to an intact version"
                )
            self._cache[object_id] = normalise_table(name, pd.read_parquet(io.BytesIO(data)))
        return self._cache[object_id].copy()

    def verify(self) -> list[Damage]:
        """Check the objects of the current version; return what is missing or damaged."""
        head = self.head()
        if head is None:
            return []
        damage: list[Damage] = []
        for name, entry in self.version(head).tables.items():
            path = self._object_path(entry["object"])
            if not path.exists():
                damage.append(Damage(name, entry["object"], "missing"))
            elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["object"]:
                damage.append(Damage(name, entry["object"], "checksum mismatch"))
        return damage

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
        data = table_bytes(frame)
        object_id = hashlib.sha256(data).hexdigest()
        path = self._object_path(object_id)
        if not path.exists():
            _atomic_write(path, data)
        return object_id

    def commit(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        user: str,
        message: str,
        action: str = "ingest",
        files: list[FileRecord] | None = None,
        expected_head: object = _UNSET,
    ) -> Version:
        """Record new versions of ``tables`` as one new version, all or nothing.

        ``expected_head`` is the version the change was prepared against; when another
        commit landed since, the commit is refused with :class:`StaleVersion`.
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise StoreError(f"unknown tables: {', '.join(sorted(unknown))}")
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        with self.locked():
            head = self.head()
            if expected_head is not _UNSET and expected_head != head:
                raise StaleVersion(
                    f"the store moved from version {expected_head} to {head} while this change was "
                    "prepared; review the preview again against the current data and commit again"
                )
            previous = self.version(head).tables if head else {}
            entries = dict(previous)
            changes: dict[str, dict[str, int]] = {}
            for name, frame in tables.items():
                frame = normalise_table(name, frame)
                old = self.table(name, head) if head else empty_table(name)
                changes[name] = diff_tables(old, frame, name).counts()
                entries[name] = {"object": self._put_object(frame), "rows": len(frame)}
            _fsync_dir(self.root / "objects")
            number = (head or 0) + 1
            version = Version(
                number=number,
                parent=head,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                user=user,
                message=message,
                action=action,
                tables=entries,
                files=[f.__dict__ for f in files or []],
                changes=changes,
            )
            manifest = json.dumps(version.as_dict(), indent=2, ensure_ascii=False).encode()
            _atomic_write(self._manifest_path(number), manifest)
            _atomic_write(self._head_file(), f"{number}\n".encode())
            return version

    def rollback(self, number: int, *, user: str, message: str = "") -> Version:
        """Make a new version whose tables are those of version ``number`` (nothing is erased)."""
        target = self.version(number)
        with self.locked():
            head = self.head()
        tables = {name: self.table(name, number) for name in target.tables}
        for name in self.version(head).tables if head else {}:
            tables.setdefault(name, empty_table(name))
        return self.commit(
            tables,
            user=user,
            message=message or f"roll back to version {number}",
            action=f"rollback to {number}",
            expected_head=head,
        )
