"""The embedded default store: the project's curated data, ingested on first use.

The default store is built from the files in ``data/`` (through the same adapters and checks
as any upload) the first time it is opened. When the embedded files change in a new release
and nobody has committed to that store by hand, the store is brought up to date by a new
version; a store analysts have written to is left alone.

Opening a store that is already seeded (every start but the first) reads the embedded files
only to compare their checksum: the readers and the ingest are imported when a seed is due,
so the app's read path does not load them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.paths import embedded_data_dir
from indicators.store.base import StaleVersion, Store
from indicators.store.factory import configured_database_url, open_store
from indicators.tables.registry import TABLES

if TYPE_CHECKING:
    from indicators.pipeline.commit import Via

EMBEDDED_USER = "embedded data"
EMBEDDED_FOLDERS = tuple(spec.embedded_folder for spec in TABLES.values())


def embedded_files(root: Path | None = None) -> list[Path]:
    """The project's own data files that make up the default store."""
    base = root or embedded_data_dir()
    return [p for folder in EMBEDDED_FOLDERS for p in sorted((base / folder).glob("*.csv"))]


def fingerprint(paths: list[Path]) -> str:
    """One checksum over the embedded files' names and contents."""
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode())
        digest.update(hashlib.sha256(p.read_bytes()).digest())
    return digest.hexdigest()


def seed(store: Store, root: Path | None = None, *, via: Via = "api") -> None:
    """Store the embedded files into ``store`` (action ``seed``) if it is empty or holds only
    older embedded data; ``via`` is the program that opened the store (``cli``, ``app``)."""
    files = embedded_files(root)
    mark = f"embedded data {fingerprint(files)[:16]}"
    with store.locked():
        head = store.head()
    if head is not None:
        history = store.versions()  # intact versions only
        if len(history) != head:
            return  # a damaged version: never reseed over it (an analyst recovers it)
        if any(v.user != EMBEDDED_USER for v in history) or history[-1].message == mark:
            return
    from indicators.pipeline import commit  # the ingest code stays off the read path
    from indicators.sources.reading import SourceFile

    sources = [SourceFile.from_path(p) for p in files]
    try:
        commit.seed(store, sources, user=EMBEDDED_USER, message=mark, via=via)
    except StaleVersion:
        return  # another server seeded the shared store at the same moment


def open_default_store(location: str | Path | None = None, *, via: Via = "api") -> Store:
    """Open the configured store (a PostgreSQL URL in ``INDICATORS_DATABASE_URL``, else the local
    folder), seeding it from the embedded data when it is empty or holds only older embedded data
    (the seed is audited with ``via``: the program opening the store)."""
    store = open_store(location or configured_database_url())
    seed(store, via=via)
    return store
