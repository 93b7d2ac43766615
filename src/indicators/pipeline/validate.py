"""Validate: every canonical table checked against its spec, once, before anything is stored.

Adapters return conformed, unchecked tables. :mod:`indicators.pipeline.extract` checks each
file's rankings for plausibility as it is read (:func:`check_plausible`: its problems name the
file's own columns) and then validates each table's rows of the whole batch in one pass
(:func:`validate_table`). The pandera schema of a table is built from its spec
(:mod:`indicators.tables.spec`) here, the only module that imports pandera, so reading and
charting stored tables never load it. Validation is lazy, so a person sees every problem at
once: the first ``MAX_LISTED`` one by one, the rest counted.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from indicators.i18n import msg
from indicators.pipeline.plausibility import implausible_rows
from indicators.problems import MAX_LISTED, Problem, ProblemList, ValidationFailed
from indicators.sources.base import Parsed
from indicators.sources.text_table import TextTable
from indicators.tables.spec import Check, Column, TableSpec
from indicators.tables.values import is_missing


@cache
def schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema a spec describes (built once): its columns and no others, each with
    its dtype and check, unique row keys, and the spec's checks on whole rows."""
    return pa.DataFrameSchema(
        {column.name: _column(column) for column in spec.columns},
        checks=[pa.Check(c.holds, error=c.error) for c in spec.checks] or None,
        unique=list(spec.row_keys),
        strict=True,
        ordered=False,
        coerce=False,
        name=spec.name,
    )


def _column(column: Column) -> pa.Column:
    dtype = str if column.dtype == "str" else column.dtype
    checks = _check(column.check) if column.check else None
    return pa.Column(dtype, checks, nullable=column.nullable)


def _check(check: Check) -> pa.Check:
    """pandera's built-in check of that name (``in_range(0, 100)`` ...)."""
    return getattr(pa.Check, check.kind)(*check.args)


def check_plausible(parsed: Parsed, table: TextTable) -> None:
    """Refuse a rankings table whose scores break rank order or range (the file's columns named).

    Run on each table an adapter parsed (each sheet of a workbook), while the numbers it
    read are still known, so the problems name the file's own columns.
    """
    if parsed.kind != "rankings":
        return
    implausible = implausible_rows(parsed.frame, table.source.name)
    if implausible:
        raise ValidationFailed(implausible)


def validate_table(frame: pd.DataFrame, spec: TableSpec, file: str | None = None) -> pd.DataFrame:
    """Validate rows of a table lazily; every failure becomes a Problem naming row and column.

    ``file`` names the file in each problem; without it (rows of several files) each problem
    names its own row's ``source_file``.
    """
    try:
        return schema(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValidationFailed(_schema_problems(exc.failure_cases, frame, file)) from exc


def _schema_problems(cases: pd.DataFrame, frame: pd.DataFrame, file: str | None) -> ProblemList:
    """Every failed check as a problem: the first ``MAX_LISTED`` one by one, the rest counted."""
    problems = ProblemList()
    for case in cases.head(MAX_LISTED).itertuples(index=False):
        idx = getattr(case, "index", None)
        row: int | None = None
        where = file
        if idx is not None and not is_missing(idx) and "source_row" in frame.columns:
            try:
                row = int(frame.loc[idx, "source_row"])
                where = file or str(frame.loc[idx, "source_file"])
            except (KeyError, TypeError, ValueError):
                row = None
        column = case.column if isinstance(case.column, str) else None
        value = "" if is_missing(case.failure_case) else str(case.failure_case)
        problems.add(
            where or msg("(several files)"),
            msg("fails the check {check}", check=str(case.check)),
            row,
            column,
            value,
        )
    rest = cases.iloc[MAX_LISTED:]
    if len(rest):  # counted by column and check, without a Python object per failure
        kinds = rest.groupby([rest["column"].astype(str), rest["check"].astype(str)]).size()
        for key, n in kinds.items():
            column, check = (str(part) for part in key)  # type: ignore[attr-defined]
            problems.append(
                Problem(
                    file or msg("(several files)"),
                    msg("fails the check {check}", check=check),
                    None,
                    column,
                    omitted=int(n),
                )
            )
    return problems
