"""Change: what a batch of parsed files would change in the store, writing nothing.

``prepare`` is shared by ``validate``, ``ingest``, ``fetch`` and the upload preview; a file
that fails any check raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from indicators.pipeline.extract import parse_files
from indicators.sources.reading import SourceFile
from indicators.sources.registry import (
    Parsed,
    ParseOptions,
)
from indicators.store.base import FileRecord, Store
from indicators.tables.changes import TableChange, diff_tables, merge_batch
from indicators.tables.registry import TABLES


@dataclass
class Prepared:
    """A checked change, ready to commit: the merged tables and what they change."""

    parsed: list[tuple[SourceFile, Parsed]]
    tables: dict[str, pd.DataFrame]
    changes: dict[str, TableChange]
    base_version: int | None
    notes: list[str] = field(default_factory=list)

    def file_records(self) -> list[FileRecord]:
        """Provenance records of the files in this change."""
        return [
            FileRecord(
                src.name,
                src.sha256,
                src.size,
                p.kind,
                p.adapter,
                p.detected,
                p.rows_read,
                len(p.frame),
                p.rejected(),
            )
            for src, p in self.parsed
        ]


def prepare(
    store: Store, sources: Sequence[SourceFile], options: ParseOptions | None = None
) -> Prepared:
    """Parse and check files and work out the new tables, writing nothing."""
    parsed = parse_files(sources, options)
    base = store.head()
    tables: dict[str, pd.DataFrame] = {}
    changes: dict[str, TableChange] = {}
    for kind, spec in TABLES.items():
        incoming = [p.frame for p in parsed if p.kind == kind]
        if not incoming:
            continue
        name = spec.storage  # the name the store keeps the table under
        current = store.table(name, base) if base else store.table(name)
        merged = current
        for frame in incoming:
            merged = merge_batch(merged, frame, kind)
        tables[name] = merged
        changes[name] = diff_tables(current, merged, kind)
    notes = [n for p in parsed for n in p.notes]
    return Prepared(list(zip(sources, parsed, strict=True)), tables, changes, base, notes)
