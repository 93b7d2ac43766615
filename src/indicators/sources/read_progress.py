"""Which file is being read: a hook a progress bar listens to (the readers call ``reading``)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

_WATCHER: contextvars.ContextVar[Callable[[Any], None] | None] = contextvars.ContextVar(
    "read_watcher", default=None
)


@contextlib.contextmanager
def watch_reads(watcher: Callable[[Any], None]) -> Iterator[None]:
    """Within this block ``watcher(source)`` is called each time a file's reading starts
    (a workbook's once per sheet), so a progress bar follows the files as they are read."""
    token = _WATCHER.set(watcher)
    try:
        yield
    finally:
        _WATCHER.reset(token)


def reading(source: object) -> None:
    """Tell the watcher, if any, that ``source`` (a ``SourceFile``) is being read."""
    watcher = _WATCHER.get()
    if watcher is not None:
        watcher(source)
