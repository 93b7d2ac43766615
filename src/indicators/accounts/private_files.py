"""Small private JSON files shared by several processes: locked, replaced atomically, mode 0600.

The users file, the sessions file and the sign-in throttle are each one JSON document beside
the others. Every read-modify-write holds an exclusive lock (``filelock``'s ``flock``, through
:func:`indicators.store.locks.file_lock`) on
``<file>.lock`` (the file itself is replaced, so it cannot carry the lock); a write goes to a
temporary file in the same folder, is flushed to disk and renamed over the old one
(:func:`indicators.store.atomic.atomic_write`), so a reader sees the old document or the new one,
never a part. Folders this module creates are 0700, files 0600.

This module never imports streamlit.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indicators.store.atomic import atomic_write
from indicators.store.locks import file_lock


class PrivateFileError(ValueError):
    """A private file cannot be read or written; the message names it and says why."""


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (0600) for the duration of the block.

    ``filelock``'s ``flock`` lock, never its soft fallback (:func:`indicators.store.locks.file_lock`):
    a lock file left by a killed process must not keep everyone out.
    """
    lock = file_lock(path.with_name(path.name + ".lock"), mode=0o600)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock.acquire()
    except OSError as exc:
        raise PrivateFileError(f"cannot lock {path}: {exc.strerror}") from exc
    try:
        yield
    finally:
        lock.release()


def read_json(path: Path) -> Any | None:
    """The JSON document in ``path``, or ``None`` when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PrivateFileError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PrivateFileError(f"{path} is not valid JSON ({exc.msg})") from exc


def stat_key(path: Path) -> tuple[int, int, int] | None:
    """What changes when ``path`` is replaced or rewritten (inode, size, mtime), or ``None``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PrivateFileError(f"cannot read {path}: {exc.strerror}") from exc
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temporary file, fsync, rename), mode 0600.

    The folder is created 0700 when missing; see :func:`indicators.store.atomic.atomic_write`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, data, mode=0o600)
    except OSError as exc:
        raise PrivateFileError(f"cannot write {path}: {exc.strerror}") from exc


def write_json(path: Path, document: Any) -> None:
    """Replace ``path`` with ``document`` as ASCII JSON (see :func:`write_private`)."""
    text = json.dumps(document, indent=1, ensure_ascii=True, sort_keys=True) + "\n"
    write_private(path, text.encode("ascii"))
