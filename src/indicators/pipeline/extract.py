"""Extract: files to canonical tables, every file parsed before any is refused.

Detect (:mod:`indicators.sources.detect`), parse every sheet of the chosen format, derive the
joint ranks, ties and positions of each rankings sheet (:mod:`indicators.pipeline.derive`) and
check it for plausibility as it is read, check the reserved index ids and the overlaps between
files, and validate each table's rows of the whole batch at once
(:mod:`indicators.pipeline.validate`): adapters do not validate. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from indicators.i18n import N_, Msg, msg
from indicators.pipeline.derive import derive_rankings
from indicators.pipeline.validate import check_plausible, validate_table
from indicators.problems import Problem, ValidationFailed
from indicators.sources.column_aliases import candidates, looks_like_years
from indicators.sources.detect import choose
from indicators.sources.reading import SourceFile, TextTable, read_tables
from indicators.sources.registry import (
    RESERVED_INDEXES,
    Adapter,
    Parsed,
    ParseOptions,
)
from indicators.sources.workbook_parse import parse_sheets
from indicators.tables.registry import TABLES

GIVEN_EDITION = "edition (given)"  # the column --year adds to a one-edition file
# The kinds of table a file holds, as "holds the same {kind}" names them (translated there).
KINDS = (N_("rankings"), N_("incidents"), N_("events"))


@dataclass(frozen=True)
class IngestOptions(ParseOptions):
    """The parse options, and what ingest does to a table before an adapter reads it.

    ``year`` is the edition of a file that holds one edition and has no edition column
    (``--year``, the Upload page's Edition field): every row gets it, as a column named
    ``edition (given)`` that the adapters read like one the file had.
    """

    year: str | None = None


def given_edition(text: str) -> str:
    """The edition a person gave (``--year``, the Upload page's Edition field), checked.

    Raises ValueError saying why when it is not a plausible year (1900 to next year) or an
    edition such as 2011-12.
    """
    edition = text.strip()
    if not looks_like_years(pd.Series([edition])):
        raise ValueError(
            msg(
                "the edition {text!r} is not a year: write it as 2024 (or 2011-12 for one "
                "spanning two years), 1900 to next year",
                text=text,
            )
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
                    msg(
                        "the edition was given ({year}), but the file has an edition column",
                        year=year,
                    ),
                    1,
                    own[0],
                    own[0],
                    fix=msg("leave the edition out: the column gives each row's edition"),
                )
            ]
        )
    return replace(table, frame=table.frame.assign(**{GIVEN_EDITION: year}))


def parse_file(
    source: SourceFile, options: ParseOptions | None = None, *, validate: bool = True
) -> Parsed:
    """Detect the format of one file, parse it to a canonical table and validate it.

    ``validate=False`` leaves the schema to the caller (:func:`parse_files` validates the
    rows of all its files at once); plausibility is checked either way.
    """
    opts = options or ParseOptions()
    tables = read_tables(source)
    year = getattr(opts, "year", None)
    if year:
        tables = [_with_edition(t, year) for t in tables]
    adapter, table = choose(tables, opts)
    parsed = parse_sheets(adapter, tables, table, opts, _derived_and_checked(adapter))
    _check_reserved(source, parsed)
    parsed.detected.setdefault("format", table.format_label)
    parsed.detected.setdefault("encoding", table.encoding)
    parsed.detected.setdefault("delimiter", table.delimiter)
    parsed.detected.setdefault("decimal", table.decimal)
    if validate:
        _validate_batch([parsed], source.name)
    return parsed


def _derived_and_checked(adapter: Adapter) -> Callable[[Parsed, TextTable], None]:
    """What runs on each sheet an adapter parsed: derive (joint ranks, ties and positions, by
    the adapter's rule), then the plausibility check, while the numbers it read are known."""
    rule = getattr(adapter, "rank_rule", None)

    def check(parsed: Parsed, table: TextTable) -> None:
        if parsed.kind == "rankings":
            parsed.frame = derive_rankings(parsed.frame, rule)
        check_plausible(parsed, table)

    return check


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
                        msg(
                            "the index id '{index}' belongs to a publisher's series; a "
                            "{adapter} file cannot write into it",
                            index=str(index),
                            adapter=parsed.adapter,
                        ),
                        None,
                        "index",
                        str(index),
                        fix=msg(
                            "give your series its own index id (e.g. my_rsf_copy), or ingest "
                            "the publisher's file"
                        ),
                    )
                ]
            )


def parse_files(sources: Sequence[SourceFile], options: ParseOptions | None = None) -> list[Parsed]:
    """Parse several files, collecting the problems of all of them before failing."""
    problems: list[Problem] = []
    parsed: list[Parsed] = []
    for source in sources:
        try:  # one schema pass per table for the whole batch, below
            parsed.append(parse_file(source, options, validate=False))
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    _check_overlaps(list(zip(sources, parsed, strict=True)))
    _validate_batch(parsed)
    return parsed


def _validate_batch(parsed: list[Parsed], file: str | None = None) -> None:
    """Validate every kind's rows from all files at once; problems name each row's file
    (or ``file``, when the rows are one file's)."""
    problems: list[Problem] = []
    for kind in {p.kind for p in parsed}:
        items = [p for p in parsed if p.kind == kind]
        frame = (
            pd.concat([p.frame for p in items], ignore_index=True)
            if len(items) > 1
            else items[0].frame
        )
        try:
            validate_table(frame, TABLES[kind], file)
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
        keys = list(TABLES[p.kind].batch_keys)
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
                        msg(
                            "holds the same {kind} ({batch}) as {other}",
                            kind=Msg(p.kind),
                            batch=", ".join(map(str, batch)),
                            other=seen[k],
                        ),
                        fix=msg("ingest only one of the two files"),
                    )
                )
            seen[k] = src.name
    if problems:
        raise ValidationFailed(problems)
