"""Writing the store's files so that a crash never leaves half a file.

``atomic_write`` and ``fsync_dir`` are :mod:`indicators.store.atomic`'s (the one implementation of
temporary file, fsync, rename), importable from here as before.
"""

from __future__ import annotations

import errno
from pathlib import Path

from indicators.store.atomic import atomic_write, fsync_dir

__all__ = ["atomic_write", "fsync_dir", "write_error"]


def write_error(root: Path, exc: OSError) -> str:
    """One line for a failed write: what happened, and that nothing was stored."""
    what = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror
    return f"cannot write to the store at {root}: {what or exc}; nothing was stored"
