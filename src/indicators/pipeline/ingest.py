"""From files to a store version: detect each file's format, parse, check, merge, commit.

``prepare`` does everything except writing, so ``validate`` and the upload preview share it
with ``ingest``; a file that fails any check raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators.pipeline.change import BATCH_KEYS, TableChange, diff_tables, merge_batch
from indicators.problems import Problem, ValidationFailed
from indicators.sources.column_aliases import candidates, looks_like_years
from indicators.sources.reading import SourceFile, TextTable, read_tables
from indicators.sources.registry import (
    ADAPTERS,
    MAPPING_ADAPTERS,
    RESERVED_INDEXES,
    Adapter,
    Parsed,
    ParseOptions,
    by_name,
)
from indicators.sources.workbook_parse import parse_sheets
from indicators.store.base import TABLES, FileRecord, Store, Version
from indicators.tables.schemas import SCHEMAS, deferred_validation, validate_batch

SURE = 1.0  # the highest score a sniff gives (see Adapter.sniff)
GIVEN_EDITION = "edition (given)"  # the column --year adds to a one-edition file


@dataclass(frozen=True)
class IngestOptions(ParseOptions):
    """The parse options, and what ingest does to a table before an adapter reads it.

    ``year`` is the edition of a file that holds one edition and has no edition column
    (``--year``, the Upload page's Edition field): every row gets it, as a column named
    ``edition (given)`` that the adapters read like one the file had.
    """

    year: str | None = None


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


def _choose(tables: list[TextTable], options: ParseOptions) -> tuple[Adapter, TextTable]:
    if options.adapter:
        adapter = by_name(options.adapter)
        # The surest table; among equally sure ones the largest (not a notes sheet), then the first.
        chosen = max(
            range(len(tables)), key=lambda i: (adapter.sniff(tables[i]), tables[i].frame.size, -i)
        )
        return adapter, tables[chosen]
    best = _best_sniff(tables, options)
    if best[0] <= 0 and (options.mapping or options.kind):
        kind = options.kind or "rankings"
        if kind in MAPPING_ADAPTERS:  # an explicit kind is read as that kind, never asked again
            return _choose(tables, replace(options, adapter=MAPPING_ADAPTERS[kind]))
    if best[0] <= 0:
        raise ValidationFailed([_unknown_kind(tables[0], options)])
    return ADAPTERS[best[1]], tables[best[2]]


def _unknown_kind(first: TextTable, options: ParseOptions) -> Problem:
    kinds = sorted({a.kind for a in ADAPTERS if not options.kind or a.kind == options.kind})
    fix = "check the header row, say the kind with --kind, or give a column mapping"
    if options.kind:
        fix = f"check the header row: the {options.kind} formats are those in the README"
    return Problem(
        first.source.name,
        "cannot tell what this file holds ("
        + " or ".join(kinds)
        + "); its columns are "
        + ", ".join(repr(c) for c in first.frame.columns[:30]),
        1,
        fix=fix,
    )


def given_edition(text: str) -> str:
    """The edition a person gave (``--year``, the Upload page's Edition field), checked.

    Raises ValueError saying why when it is not a plausible year (1900 to next year) or an
    edition such as 2011-12.
    """
    edition = text.strip()
    if not looks_like_years(pd.Series([edition])):
        raise ValueError(
            f"the edition {text!r} is not a year: write it as 2024 (or 2011-12 for one "
            "spanning two years), 1900 to next year"
        )
    return edition


def _with_edition(table: TextTable, year: str) -> TextTable:
    """The table with every row in edition ``year``; refused when it has an edition column."""
    own = candidates(table.frame)["year"]
    if own:
        raise ValidationFailed(
            [
                Problem(
                    table.source.name,
                    f"the edition was given ({year}), but the file has an edition column",
                    1,
                    own[0],
                    own[0],
                    fix="leave the edition out: the column gives each row's edition",
                )
            ]
        )
    return replace(table, frame=table.frame.assign(**{GIVEN_EDITION: year}))


def _best_sniff(tables: list[TextTable], options: ParseOptions) -> tuple[float, int, int]:
    """The highest sniff score, its adapter and its table; the first pair wins a tie.

    A sniff scores from 0 to 1, so a sure score (1.0) cannot be beaten: the adapters after it
    are not asked (for an RSF edition that is every adapter but the first; their sniffs took
    a tenth of the ingest of the 24 editions).
    """
    best: tuple[float, int, int] = (0.0, -1, -1)
    for ti, table in enumerate(tables):
        for ai, adapter in enumerate(ADAPTERS):
            if options.kind and adapter.kind != options.kind:
                continue
            score = adapter.sniff(table)
            if score > best[0]:
                best = (score, ai, ti)
                if score >= SURE:
                    return best
    return best


def parse_file(source: SourceFile, options: ParseOptions | None = None) -> Parsed:
    """Detect the format of one file and parse it to a canonical table."""
    opts = options or ParseOptions()
    tables = read_tables(source)
    year = getattr(opts, "year", None)
    if year:
        tables = [_with_edition(t, year) for t in tables]
    adapter, table = _choose(tables, opts)
    parsed = parse_sheets(adapter, tables, table, opts)
    _check_reserved(source, parsed)
    parsed.detected.setdefault("format", table.format_label)
    parsed.detected.setdefault("encoding", table.encoding)
    parsed.detected.setdefault("delimiter", table.delimiter)
    parsed.detected.setdefault("decimal", table.decimal)
    return parsed


def _check_reserved(source: SourceFile, parsed: Parsed) -> None:
    if parsed.kind != "rankings":
        return
    for index in parsed.frame["index"].unique():
        owners = RESERVED_INDEXES.get(str(index))
        if owners and parsed.adapter not in owners:
            raise ValidationFailed(
                [
                    Problem(
                        source.name,
                        f"the index id '{index}' belongs to a publisher's series; a "
                        f"{parsed.adapter} file cannot write into it",
                        None,
                        "index",
                        str(index),
                        fix="give your series its own index id (e.g. my_rsf_copy), or ingest the publisher's file",
                    )
                ]
            )


def parse_files(sources: Sequence[SourceFile], options: ParseOptions | None = None) -> list[Parsed]:
    """Parse several files, collecting the problems of all of them before failing."""
    problems: list[Problem] = []
    parsed: list[Parsed] = []
    with deferred_validation():  # one schema pass per table for the whole batch, below
        for source in sources:
            try:
                parsed.append(parse_file(source, options))
            except ValidationFailed as exc:
                problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    _check_overlaps(list(zip(sources, parsed, strict=True)))
    _validate_batch(parsed)
    return parsed


def _validate_batch(parsed: list[Parsed]) -> None:
    """Validate every kind's rows from all files at once; problems name each row's file."""
    problems: list[Problem] = []
    for kind in {p.kind for p in parsed}:
        items = [p for p in parsed if p.kind == kind]
        frame = (
            pd.concat([p.frame for p in items], ignore_index=True)
            if len(items) > 1
            else items[0].frame
        )
        try:
            validate_batch(frame, SCHEMAS[kind])
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)


def _check_overlaps(items: list[tuple[SourceFile, Parsed]]) -> None:
    """Refuse two files of one ingest that hold the same batch (an edition, an incident id).

    The keys shared by two files are found column-wise first; only those rows go through the
    loop that words the problems (at a million incidents the loop alone took seconds).
    """
    distinct: list[tuple[SourceFile, Parsed, pd.DataFrame]] = []
    for src, p in items:
        keys = BATCH_KEYS.get(p.kind)
        if keys:
            distinct.append((src, p, p.frame[keys].drop_duplicates()))
    shared: dict[str, pd.DataFrame] = {}
    for kind in {p.kind for _, p, _ in distinct}:
        frames = [d for _, p, d in distinct if p.kind == kind]
        if len(frames) > 1:
            every = pd.concat(frames, ignore_index=True)
            shared[kind] = every[every.duplicated(keep=False)].drop_duplicates()
    seen: dict[tuple[str, tuple[object, ...]], str] = {}
    problems = []
    for src, p, batches in distinct:
        suspects = shared.get(p.kind)
        if suspects is None or suspects.empty:
            continue
        keys = list(batches.columns)
        in_shared = batches.set_index(keys).index.isin(suspects.set_index(keys).index)
        for batch in batches[in_shared].itertuples(index=False):
            k = (p.kind, tuple(batch))
            if k in seen and seen[k] != src.name:
                problems.append(
                    Problem(
                        src.name,
                        f"holds the same {p.kind} ({', '.join(map(str, batch))}) as {seen[k]}",
                        fix="ingest only one of the two files",
                    )
                )
            seen[k] = src.name
    if problems:
        raise ValidationFailed(problems)


def prepare(
    store: Store, sources: Sequence[SourceFile], options: ParseOptions | None = None
) -> Prepared:
    """Parse and check files and work out the new tables, writing nothing."""
    parsed = parse_files(sources, options)
    base = store.head()
    tables: dict[str, pd.DataFrame] = {}
    changes: dict[str, TableChange] = {}
    for kind in TABLES:
        incoming = [p.frame for p in parsed if p.kind == kind]
        if not incoming:
            continue
        current = store.table(kind, base) if base else store.table(kind)
        merged = current
        for frame in incoming:
            merged = merge_batch(merged, frame, kind)
        tables[kind] = merged
        changes[kind] = diff_tables(current, merged, kind)
    notes = [n for p in parsed for n in p.notes]
    return Prepared(list(zip(sources, parsed, strict=True)), tables, changes, base, notes)


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
