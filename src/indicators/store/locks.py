"""Locks between processes: ``filelock``'s ``flock`` lock, never its soft fallback.

The one way the project locks a file: the store's commit lock (``<store>/lock``), the audit
log while a line is appended or read, and the private JSON files
(:mod:`indicators.accounts.private_files`). An ``flock`` lock is released by the kernel when its
holder dies, so a killed process never keeps the others out; a soft lock (a marker file) would,
which is why the fallback is refused. Like :mod:`indicators.store.atomic` it imports nothing
from the project.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, lock_descriptor, unlock_descriptor


def file_lock(path: Path, *, mode: int | None = None) -> FileLock:
    """An exclusive lock on ``path`` (created when missing, ``mode`` if given, else per umask).

    Use it as a context manager. The file stays in place on release, so waiters share one
    inode.
    """
    if mode is None:
        return FileLock(path, fallback_to_soft=False, preserve_lock_file=True)
    return FileLock(path, mode=mode, fallback_to_soft=False, preserve_lock_file=True)


@contextlib.contextmanager
def locked_descriptor(fd: int) -> Iterator[None]:
    """Hold an exclusive lock on an open file (``fd`` stays the caller's) for the block.

    The same ``flock`` as :func:`file_lock` takes, so the two exclude each other on one file.
    """
    lock_descriptor(fd)
    try:
        yield
    finally:
        unlock_descriptor(fd)
