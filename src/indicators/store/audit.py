"""The audit log: one JSON line per write (who, what, when), appended and never rewritten.

The log is ``$INDICATORS_AUDIT_LOG``, else ``audit.log`` in the store's folder. Each event is
one line of JSON::

    {"timestamp": "2025-05-02T09:14:03.120512+00:00", "action": "users.add",
     "user": "admin", "details": {"name": "alice", "role": "analyst"}}

(shown wrapped here; in the file it is a single line). Lines are written with ``O_APPEND``,
under an exclusive ``flock`` on the log (:func:`indicators.store.locks.locked_descriptor`, which
a reader takes too) and followed by ``fsync``, so events from several processes never
interleave and a finished :func:`record` survives a crash. Values, including cells taken from
uploaded files, are kept as JSON strings (escaped, ASCII only) and never interpreted; anything
that is not plain JSON (dates, paths, numbers of other types) is stored as its text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.paths import default_store_dir
from indicators.store.locks import locked_descriptor

AUDIT_FILE_NAME = "audit.log"


class AuditError(Exception):
    """The audit log cannot be written or read; the message says why."""


def audit_log_path(store_root: str | Path | None = None) -> Path:
    """``$INDICATORS_AUDIT_LOG``, else ``<store root>/audit.log`` (default store if not given)."""
    override = os.environ.get("INDICATORS_AUDIT_LOG")
    if override:
        return Path(override)
    root = Path(store_root) if store_root is not None else default_store_dir()
    return root / AUDIT_FILE_NAME


def _resolve(path: str | Path | None, store_root: str | Path | None) -> Path:
    return Path(path) if path is not None else audit_log_path(store_root)


def _event_line(
    action: str, user: str, details: Mapping[str, Any] | None, moment: datetime
) -> bytes:
    if not isinstance(action, str) or not action.strip():
        raise AuditError("an audit event needs an action")
    if not isinstance(user, str):
        raise AuditError("an audit event needs a user name")
    if details is not None and not isinstance(details, Mapping):
        raise AuditError("audit details must be a mapping of names to values")
    event = {
        "timestamp": moment.astimezone(UTC).isoformat(),
        "action": action,
        "user": user,
        "details": {str(k): v for k, v in (details or {}).items()},
    }
    # ensure_ascii: every line is pure ASCII, so no character in a value (newline, U+2028,
    # control or bidi characters) can break the one-event-per-line layout or a terminal.
    text = json.dumps(event, ensure_ascii=True, default=str, allow_nan=False)
    return (text + "\n").encode("ascii")


def record(
    action: str,
    user: str,
    details: Mapping[str, Any] | None = None,
    *,
    path: str | Path | None = None,
    store_root: str | Path | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Append one event to the audit log and fsync it; return the event as written."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    try:
        line = _event_line(action, user, details, moment)
    except ValueError as exc:  # NaN or infinity in details
        raise AuditError(f"audit details cannot be written as JSON: {exc}") from exc
    target = _resolve(path, store_root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise AuditError(f"cannot open the audit log {target}: {exc.strerror}") from exc
    try:
        with locked_descriptor(fd):
            line = _append(fd, line)
    except OSError as exc:
        raise AuditError(f"cannot write the audit log {target}: {exc.strerror}") from exc
    finally:
        os.close(fd)
    event: dict[str, Any] = json.loads(line)
    return event


def _append(fd: int, line: bytes) -> bytes:
    """Write ``line`` at the end of the locked log and fsync it; return what was written.

    A crash in the middle of an earlier write may have left a line without its newline: the
    new line then starts on a fresh one, so that event stays readable as damaged and this one
    is whole.
    """
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        line = b"\n" + line
    view = memoryview(line)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)
    return line


def read(
    path: str | Path | None = None,
    *,
    store_root: str | Path | None = None,
    strict: bool = False,
) -> list[dict[str, Any]]:
    """Every event in the log, oldest first (an absent log holds none).

    A last line without its newline (a write cut short by a crash) is always left out. Another
    line that is not a JSON object is skipped, or raises :class:`AuditError` naming the line
    when ``strict``.
    """
    target = _resolve(path, store_root)
    try:
        fd = os.open(target, os.O_RDONLY)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AuditError(f"cannot read the audit log {target}: {exc.strerror}") from exc
    try:
        with locked_descriptor(fd), os.fdopen(os.dup(fd), "rb") as fh:  # no half-written line
            data = fh.read()
    except OSError as exc:
        raise AuditError(f"cannot read the audit log {target}: {exc.strerror}") from exc
    finally:
        os.close(fd)
    events: list[dict[str, Any]] = []
    for number, raw in enumerate(data.split(b"\n")[:-1], start=1):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            event = None
        if isinstance(event, dict):
            events.append(event)
        elif strict:
            raise AuditError(f"line {number} of the audit log {target} is not a JSON event")
    return events
