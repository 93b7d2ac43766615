"""A workbook read whole: every sheet holding the chosen format is parsed, and every sheet named.

Detection (``ingest``) chooses an adapter and the surest of the tables
:func:`indicators.sources.reading.read_tables` gives. A workbook of ten editions, one per sheet, holds
ten such tables: :func:`parse_sheets` parses each of them with that adapter and joins them, and
says in ``detected["sheets"]`` what was found in every sheet and which were read, so no sheet
is left unread without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Adapter, Parsed, ParseOptions
from indicators.sources.numbers_read import numbers_read
from indicators.sources.text_table import TextTable
from indicators.text import one_line

SheetCheck = Callable[[Parsed, TextTable], None]
"""A check of one table's parse that raises ValidationFailed (plausibility, in the pipeline)."""


def same_format(
    adapter: Adapter, tables: list[TextTable], chosen: TextTable, options: ParseOptions
) -> list[TextTable]:
    """The chosen table and every other sheet the adapter is as sure of, in sheet order.

    With a column mapping, a sheet is read only when it holds every mapped column.
    """
    sure = adapter.sniff(chosen)
    mapped = set(options.mapping.values())
    return [
        t
        for t in tables
        if t is chosen
        or (
            t.sheet is not None
            and sure > 0
            and adapter.sniff(t) >= sure
            and mapped.issubset(t.frame.columns)
        )
    ]


def _in_sheet(problem: Problem, sheet: str | None) -> Problem:
    return replace(problem, problem=f"sheet '{sheet}': {problem.problem}")


def parse_sheets(
    adapter: Adapter,
    tables: list[TextTable],
    chosen: TextTable,
    options: ParseOptions,
    check: SheetCheck | None = None,
) -> Parsed:
    """Parse every table of the chosen format (one, unless a workbook holds several) as one.

    ``check`` runs on each table's parse while the numbers it read are known (so its problems
    can name the file's columns, see :mod:`indicators.sources.numbers_read`). When several
    sheets are read, each problem names its sheet ("sheet '2014': ..."), every sheet's
    problems are reported together, and the notes say which sheet they are about.
    """
    read = same_format(adapter, tables, chosen, options)
    if len(read) == 1:
        parsed = _parse(adapter, chosen, options, check)
        return _with_sheets(parsed, chosen, {chosen.sheet: parsed})
    results: dict[str | None, Parsed] = {}
    problems: list[Problem] = []
    for table in read:
        try:
            results[table.sheet] = _parse(adapter, table, options, check)
        except ValidationFailed as exc:
            problems += [_in_sheet(p, table.sheet) for p in exc.problems]
    if problems:
        raise ValidationFailed(problems)
    return _with_sheets(_joined(list(results.items())), chosen, results)


def _parse(
    adapter: Adapter, table: TextTable, options: ParseOptions, check: SheetCheck | None
) -> Parsed:
    with numbers_read():
        parsed = adapter.parse(table, options)
        if check is not None:
            check(parsed, table)
    return parsed


def _joined(results: list[tuple[str | None, Parsed]]) -> Parsed:
    """One Parsed of several sheets': rows joined, editions listed, notes naming their sheet."""
    first = results[0][1]
    frames = [p.frame for _, p in results if len(p.frame)]
    frame = pd.concat(frames, ignore_index=True) if frames else first.frame
    detected = dict(first.detected)
    editions = [p.detected.get("edition", "") for _, p in results]
    if any(editions):
        detected["edition"] = ", ".join(e for e in dict.fromkeys(editions) if e)
    rejected = [p.rows_rejected for _, p in results]
    return Parsed(
        kind=first.kind,
        adapter=first.adapter,
        frame=frame,
        detected=detected,
        notes=[f"sheet '{sheet}': {note}" for sheet, p in results for note in p.notes],
        rows_read=sum(p.rows_read for _, p in results),
        rows_rejected=None
        if all(r is None for r in rejected)
        else sum(p.rejected() for _, p in results),
    )


def _with_sheets(parsed: Parsed, chosen: TextTable, results: dict[str | None, Parsed]) -> Parsed:
    """The parse with ``detected["sheets"]``: every sheet, what it holds, whether it was read."""
    if not chosen.workbook:
        return parsed
    said = []
    for name, found in chosen.workbook:
        if name in results:
            edition = results[name].detected.get("edition", "")
            status = f"read as {results[name].kind}" + (f", edition {edition}" if edition else "")
        else:
            status = "not read (not this format)"
        said.append(f"sheet '{one_line(name)}': {one_line(found)}, {status}")
    parsed.detected["sheets"] = "; ".join(said)
    return parsed
