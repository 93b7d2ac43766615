"""Commit: the write service, the one way anything is written into the store.

Every write goes through one function here, and each names its audit action itself:

============  =====================================================  ==========================
action        what happened                                          function
============  =====================================================  ==========================
``ingest``    files a person gave were stored (CLI ``ingest``, the   :func:`commit`,
              Upload page's files)                                   :func:`ingest`
``fetch``     editions downloaded from their publisher were stored   :func:`commit_fetch`
              (CLI ``fetch rsf --yes``, the Upload page's "Update
              from RSF")
``rollback``  an earlier version's tables were made current again    :func:`rollback`
              (CLI ``rollback``, the History page)
``seed``      the embedded data was stored into the default store    :func:`seed`
============  =====================================================  ==========================

``via`` says where the write was asked for: ``cli`` (the ``indicators`` command), ``app`` (the
web app) or ``api`` (a Python program calling this package: tests, benchmarks). The same act
gets the same action whichever way it came. Both are recorded by the store itself: the
manifest's ``action`` (a rollback's reads ``rollback to N``) and its audit record's ``via``;
the audit log's line has the action's first word. Manifests of older versions, written
before these actions, say ``ingest`` for every commit and are read as they are.

A commit is refused (:class:`~indicators.store.StaleVersion`) when the store moved since the
change was prepared: the app commits exactly what it previewed. Nothing else in the package,
the app or the command line calls a store's ``commit`` or ``rollback``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal, get_args

from indicators.pipeline.prepare import Prepared, prepare
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.store.base import Store, Version
from indicators.store.versioning import UNSET

Action = Literal["ingest", "fetch", "rollback", "seed"]
Via = Literal["cli", "app", "api"]
ACTIONS: Final[tuple[str, ...]] = get_args(Action)
VIAS: Final[tuple[str, ...]] = get_args(Via)


def _details(via: Via, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """The audit record's details of a write: where it was asked for, and what it adds."""
    if via not in VIAS:
        raise ValueError(f"via {via!r} is not one of {', '.join(VIAS)}")
    return {"via": via, **(extra or {})}


def _store(
    store: Store,
    prepared: Prepared,
    action: Action,
    *,
    user: str,
    message: str,
    via: Via,
    extra: Mapping[str, object] | None = None,
) -> Version:
    """Commit a prepared change as ``action``; refused if the store moved since it was prepared.

    The store audits the commit itself: its audit record (``user`` as the name given, the
    operating-system account, host, time, files, message, ``via`` and ``extra``) is part of
    the new version's manifest, and its line is appended to the audit log.
    """
    return store.commit(
        prepared.tables,
        user=user,
        message=message,
        action=action,
        files=prepared.file_records(),
        expected_head=prepared.base_version,
        details=_details(via, extra),
    )


def commit(
    store: Store, prepared: Prepared, *, user: str, message: str, via: Via = "api"
) -> Version:
    """Store files a person gave, as prepared (action ``ingest``); refused if the store moved."""
    return _store(store, prepared, "ingest", user=user, message=message, via=via)


def ingest(
    store: Store,
    sources: Sequence[SourceFile],
    *,
    user: str,
    message: str = "",
    options: ParseOptions | None = None,
    via: Via = "api",
) -> tuple[Prepared, Version]:
    """Prepare files and store them in one step (action ``ingest``, as :func:`commit`)."""
    prepared = prepare(store, sources, options)
    names = ", ".join(s.name for s in sources)
    version = commit(store, prepared, user=user, message=message or f"ingest {names}", via=via)
    return prepared, version


def commit_fetch(
    store: Store,
    prepared: Prepared,
    *,
    base: str,
    editions: Sequence[int],
    user: str,
    message: str = "",
    via: Via = "api",
) -> Version:
    """Store editions fetched from ``base`` (action ``fetch``, with the address and the
    editions); ``prepared`` is :func:`indicators.pipeline.fetch.fetch_and_prepare`'s change."""
    names = ", ".join(src.name for src, _ in prepared.parsed)
    return _store(
        store,
        prepared,
        "fetch",
        user=user,
        message=message or f"fetch RSF {names} from {base}",
        via=via,
        extra={"base": base, "editions": list(editions)},
    )


def rollback(
    store: Store,
    number: int,
    *,
    user: str,
    message: str = "",
    expected_head: object = UNSET,
    via: Via = "api",
) -> Version:
    """Make version ``number``'s tables current again, as a new version (action ``rollback``).

    ``expected_head`` is the version the person saw (the History page pins it); without it,
    the head read when the rollback starts is the one expected, so a commit landing meanwhile
    refuses it either way.
    """
    return store.rollback(
        number, user=user, message=message, expected_head=expected_head, details=_details(via)
    )


def seed(
    store: Store, sources: Sequence[SourceFile], *, user: str, message: str, via: Via = "api"
) -> Version:
    """Store the embedded data files (action ``seed``); refused if another seed came first."""
    prepared = prepare(store, sources)
    return _store(store, prepared, "seed", user=user, message=message, via=via)
