"""Commit: the one write path into the store (CLI ingest, fetch, the Upload page, rollback)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from indicators.pipeline.prepare import Prepared, prepare
from indicators.sources.reading import SourceFile
from indicators.sources.registry import (
    ParseOptions,
)
from indicators.store.base import Store, Version


def commit(
    store: Store,
    prepared: Prepared,
    *,
    user: str,
    message: str,
    details: Mapping[str, object] | None = None,
) -> Version:
    """Commit a prepared change; refused if the store moved since it was prepared.

    The commit is audited by the store itself: its audit record (``user`` as the name given,
    the operating-system account, host, time, files, message and ``details`` such as
    ``{"via": "app"}``) is part of the new version's manifest, and its line is appended to
    the audit log. Callers must not write a commit line of their own.
    """
    return store.commit(
        prepared.tables,
        user=user,
        message=message,
        files=prepared.file_records(),
        expected_head=prepared.base_version,
        details=details,
    )


def ingest(
    store: Store,
    sources: Sequence[SourceFile],
    *,
    user: str,
    message: str = "",
    options: ParseOptions | None = None,
    details: Mapping[str, object] | None = None,
) -> tuple[Prepared, Version]:
    """Prepare and commit in one step (audited by the store, as :func:`commit`)."""
    prepared = prepare(store, sources, options)
    names = ", ".join(s.name for s in sources)
    version = commit(
        store, prepared, user=user, message=message or f"ingest {names}", details=details
    )
    return prepared, version
