"""The embedded default store: the project's curated data, ingested on first use.

The default store is built from the files in ``data/`` (through the same adapters and checks
as any upload) the first time it is opened. When the embedded files change in a new release
and nobody has committed to that store by hand, the store is brought up to date by a new
version; a store analysts have written to is left alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from indicators.ingest import ingest
from indicators.paths import default_store_dir, embedded_data_dir
from indicators.reading import SourceFile
from indicators.store.local import LocalStore

EMBEDDED_USER = "embedded data"
EMBEDDED_FOLDERS = ("rankings", "incidents", "reported_counts", "events")


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


def seed(store: LocalStore, root: Path | None = None) -> None:
    """Ingest the embedded files into ``store`` if it is empty or holds only older embedded data."""
    files = embedded_files(root)
    mark = f"embedded data {fingerprint(files)[:16]}"
    with store.locked():
        head = store.head()
    if head is not None:
        history = store.versions()
        if any(v.user != EMBEDDED_USER for v in history) or history[-1].message == mark:
            return
    sources = [SourceFile.from_path(p) for p in files]
    ingest(store, sources, user=EMBEDDED_USER, message=mark)


def open_default_store(path: Path | None = None) -> LocalStore:
    """Open the default store, seeding it from the embedded data when needed."""
    store = LocalStore(path or default_store_dir())
    seed(store)
    return store
