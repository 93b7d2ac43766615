"""The audit record of every commit: inside its manifest, and a line in the audit log.

The record (who ran the commit, on which machine, when, what, which files) is written into
the new version's manifest, so it lands with the commit or not at all. The line in the audit
log is appended after the head moved; a process killed between the two leaves a commit whose
line is missing, and :func:`complete_log` adds it the next time the store commits or is
checked (``indicators check``, ``indicators audit``), marked ``"reconciled": true``. The log
line names the manifest's digest, which is how a commit's line is recognised.

The user a person gives (``--user``, the signed-in analyst) is a label: the record also
holds the operating-system account that ran the process, which a person cannot choose.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import pwd
import socket
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from indicators.store import audit
from indicators.store.base import FileRecord, Store, Version
from indicators.store.integrity import manifest_digest

log = logging.getLogger(__name__)


def os_account() -> str:
    """The operating-system account running this process (not what the person says)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return f"uid {os.getuid()}"


def audit_record(
    files: list[FileRecord] | None, details: Mapping[str, object] | None
) -> dict[str, Any]:
    """What a new manifest records about who made it besides the name given (plain JSON:
    values of other types are kept as their text)."""
    record = {
        "os_account": os_account(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "files": [f"{f.name} {f.sha256}" for f in files or []],
        **{str(k): v for k, v in (details or {}).items()},
    }
    plain: dict[str, Any] = json.loads(json.dumps(record, default=str))
    return plain


def log_action(version: Version) -> str:
    """The audit log's action for a version: 'ingest', 'fetch', 'rollback' or 'seed' (named
    by the write service, :mod:`indicators.pipeline.commit`; the first word of a rollback's
    'rollback to N')."""
    return version.action.split(" ", 1)[0] or "commit"


def log_line(version: Version, digest: str, location: str) -> dict[str, Any]:
    """The details of a version's audit line (everything its manifest's record holds)."""
    return {
        **version.audit,
        "version": version.number,
        "message": version.message,
        "created_at": version.created_at,
        "store": location,
        "manifest": digest,
    }


def append(version: Version, digest: str, location: str, root: str | Path) -> bool:
    """Write a committed version's audit line; False (and a warning) if the log cannot be
    written: the record is in the manifest, and :func:`complete_log` adds the line later."""
    try:
        audit.record(
            log_action(version),
            version.user,
            log_line(version, digest, location),
            store_root=root,
        )
    except audit.AuditError as exc:
        log.warning(
            "version %s is stored but its audit line is not written yet: %s", version.number, exc
        )
        return False
    return True


def logged_digests(root: str | Path) -> set[str]:
    """The manifest digests the audit log already has a line for."""
    found: set[str] = set()
    for event in audit.read(store_root=root):
        details = event.get("details")
        if isinstance(details, dict) and isinstance(details.get("manifest"), str):
            found.add(details["manifest"])
    return found


def complete_log(versions: Iterable[tuple[Version, str]], location: str, root: str | Path) -> int:
    """Append the audit line of every (version, digest) the log has none for; how many.

    Legacy versions (no audit record in their manifest) are left alone. Call with the
    store's commit lock held, so two processes never add the same line.
    """
    pending = [(v, d) for v, d in versions if not v.legacy]
    if not pending:
        return 0
    try:
        logged = logged_digests(root)
    except audit.AuditError as exc:
        log.warning("the audit log cannot be read to complete it: %s", exc)
        return 0
    added = 0
    for version, digest in pending:
        if digest in logged:
            continue
        try:
            audit.record(
                log_action(version),
                version.user,
                {**log_line(version, digest, location), "reconciled": True},
                store_root=root,
            )
        except audit.AuditError as exc:
            log.warning("the audit log cannot be completed: %s", exc)
            return added
        added += 1
    return added


def reconcile(store: Store) -> int:
    """Complete the audit log of ``store`` from its manifests (under its commit lock); how
    many lines were added. A store that cannot be locked (read-only) is left as it is."""
    pending = [s.version for s in store.history() if s.version is not None]
    if not any(not v.legacy for v in pending):
        return 0
    try:
        with store.locked():
            return complete_log(
                ((v, manifest_digest(v.as_dict())) for v in pending), store.location, store.root
            )
    except OSError as exc:
        log.warning("the audit log of %s cannot be completed: %s", store.location, exc)
        return 0
