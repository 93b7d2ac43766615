"""Replacing a file so that a crash never leaves half of it: temporary file, fsync, rename.

The one implementation of write-temp-fsync-rename, used by the store
(:mod:`indicators.store.files`), the private JSON files (:mod:`indicators.accounts.private_files`),
the mapping profiles (:mod:`indicators.accounts.profiles`) and ``indicators brief --out``.
It imports nothing from the project, so any of them can use it without loading the others.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

# Every temporary file starts with this, so leftovers of a killed process are easy to find.
TEMP_PREFIX = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data``: a reader sees the old file or the new one, never a part.

    The bytes go to a temporary file beside ``path`` (``.tmp-<name>-....tmp``, file mode
    ``mode``), are flushed and fsynced, the file is renamed over ``path`` and the folder is
    fsynced. On any failure the temporary file is removed and the error raised as it came.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}-", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
