"""Canonical table schemas: everything that crosses a boundary is checked against these.

Parsing (renaming, coercing) happens in the adapters; this module only states what a
valid canonical table is. Validation is lazy so a person sees every problem at once.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

import pandas as pd
import pandera.pandas as pa

from indicators.pipeline.plausibility import implausible_rows
from indicators.problems import MAX_LISTED, Problem, ProblemList, ValidationFailed
from indicators.tables.values import is_missing

SUB_INDICATORS = ("political", "economic", "legal", "social", "safety")
ENTITY_KINDS = ("country", "territory", "pseudo", "historic", "group")
SCORE_DIRECTIONS = ("higher_is_freer", "lower_is_freer")

_str = pa.Column(str)
_opt_str = pa.Column(str, nullable=True)


def _opt_int() -> pa.Column:
    return pa.Column("Int64", nullable=True)


def _opt_float() -> pa.Column:
    return pa.Column("Float64", nullable=True)


RANKINGS_COLUMNS: dict[str, pa.Column] = {
    "index": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]{1,39}$")),
    "edition": _str,
    "edition_year": pa.Column("Int64", pa.Check.in_range(1900, 2100)),
    "period_start": _opt_str,
    "period_end": _opt_str,
    "period_label": _opt_str,
    "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
    "country": _str,
    "source_code": _str,
    "entity_kind": pa.Column(str, pa.Check.isin(ENTITY_KINDS)),
    "zone": _opt_str,
    "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
    "rank_as_numbered": _opt_int(),  # the file's running number where RSF published joint ranks
    "n_ranked": pa.Column("Int64", pa.Check.ge(1), nullable=True),
    "n_tied": pa.Column("Int64", pa.Check.ge(1), nullable=True),
    "tied": pa.Column("boolean"),
    "position": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
    "score": _opt_float(),
    "score_as_printed": _opt_float(),
    "score_normalised": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
    "score_direction": pa.Column(str, pa.Check.isin(SCORE_DIRECTIONS), nullable=True),
    "methodology": _str,
    "rank_previous": _opt_int(),
    "rank_change_published": _opt_int(),
    "situation": _opt_str,
    **{f"{s}_score": _opt_float() for s in SUB_INDICATORS},
    **{f"{s}_rank": _opt_int() for s in SUB_INDICATORS},
    "citation": _opt_str,
    "source_file": _str,
    "source_sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    "source_row": pa.Column("Int64", pa.Check.ge(1)),
}

RANKINGS_SCHEMA = pa.DataFrameSchema(
    RANKINGS_COLUMNS,
    checks=[
        pa.Check(
            lambda df: df["rank"].isna() | df["n_ranked"].isna() | (df["rank"] <= df["n_ranked"]),
            error="rank must not exceed the number ranked",
        ),
    ],
    unique=["index", "edition", "iso3", "source_code"],
    strict=True,
    ordered=False,
    coerce=False,
    name="rankings",
)


def empty_rankings() -> pd.DataFrame:
    """Return an empty canonical rankings table with the right columns and dtypes."""
    return conform(pd.DataFrame({c: [] for c in RANKINGS_COLUMNS}), RANKINGS_COLUMNS)


def conform(frame: pd.DataFrame, columns: dict[str, pa.Column]) -> pd.DataFrame:
    """Order columns as the schema does, add missing optional ones, and set dtypes."""
    out = pd.DataFrame(index=frame.index)
    for name, col in columns.items():
        values = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)
        dtype = str(col.dtype)
        if str(values.dtype) == dtype and dtype != "object":
            out[name] = values
        elif dtype in ("Int64", "Float64"):
            out[name] = pd.to_numeric(values, errors="coerce").astype(dtype)  # type: ignore[call-overload]
        elif dtype == "boolean":
            out[name] = values.astype("boolean")
        else:
            # pandas' "str" dtype keeps missing values missing; converting string columns
            # directly (not through Python objects) saves seconds and ~600 MB at 1M rows.
            out[name] = values.astype("str")
    return out.reset_index(drop=True)


_DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "deferred_validation", default=False
)


@contextlib.contextmanager
def deferred_validation() -> Iterator[None]:
    """Within this block adapters skip schema validation; the caller must validate the batch.

    Ingesting many files validates their concatenated rows once per table (see
    :func:`validate_batch`) instead of once per file: the same checks, one pandera pass.
    """
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> pd.DataFrame:
    """Validate lazily; turn every failure into a Problem that names the row and column.

    A rankings table is first checked for plausibility (scores in rank order and in the
    index's range, see :mod:`indicators.pipeline.plausibility`), even when validation is deferred: its
    problems name the file's own columns, so they are raised alone, before the schema's.
    """
    if schema is RANKINGS_SCHEMA:
        implausible = implausible_rows(frame, file)
        if implausible:
            raise ValidationFailed(implausible)
    if _DEFERRED.get():
        return frame
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValidationFailed(_schema_problems(exc.failure_cases, frame, file)) from exc


def validate_batch(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Validate rows from several files at once; each problem names its own row's file."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValidationFailed(_schema_problems(exc.failure_cases, frame, None)) from exc


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
            where or "(several files)", f"fails the check {case.check}", row, column, value
        )
    rest = cases.iloc[MAX_LISTED:]
    if len(rest):  # counted by column and check, without a Python object per failure
        kinds = rest.groupby([rest["column"].astype(str), rest["check"].astype(str)]).size()
        for key, n in kinds.items():
            column, check = (str(part) for part in key)  # type: ignore[attr-defined]
            problems.append(
                Problem(
                    file or "(several files)",
                    f"fails the check {check}",
                    None,
                    column,
                    omitted=int(n),
                )
            )
    return problems


DATE_PRECISIONS = ("day", "month", "year")
STATUTE_APPLIED_TO = ("target", "perpetrator")
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_provenance: dict[str, pa.Column] = {
    "source_file": _str,
    "source_sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    "source_row": pa.Column("Int64", pa.Check.ge(1)),
}

# One row per incident and statute: an incident charged under two articles has two rows with
# the same incident_id (statute_seq 1 and 2). Counts are always of distinct incident_id.
INCIDENTS_COLUMNS: dict[str, pa.Column] = {
    "incident_id": pa.Column(str, pa.Check.str_length(1, 80)),
    "statute_seq": pa.Column("Int64", pa.Check.ge(1)),
    "date": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
    "date_precision": pa.Column(str, pa.Check.isin(DATE_PRECISIONS)),
    "date_as_written": _opt_str,
    "year": pa.Column("Int64", pa.Check.in_range(1900, 2100)),
    "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
    "region_code": _opt_str,
    "region_name": _opt_str,
    "place_as_written": _opt_str,
    "target_name": _opt_str,
    "target_type": _opt_str,
    "outlet": _opt_str,
    "incident_type": _str,
    "incident_type_as_written": _opt_str,
    "statute_key": _opt_str,
    "statute_category": _opt_str,
    "statute_as_written": _opt_str,
    "statute_applied_to": pa.Column(str, pa.Check.isin(STATUTE_APPLIED_TO), nullable=True),
    "case_stage": _opt_str,
    "summary": _opt_str,
    "source_name": _str,
    "source_url": _opt_str,
    "synthetic": pa.Column("boolean"),
    **_provenance,
}

INCIDENTS_SCHEMA = pa.DataFrameSchema(
    INCIDENTS_COLUMNS,
    unique=["incident_id", "statute_seq"],
    strict=True,
    coerce=False,
    name="incidents",
)

# Aggregate figures a monitor publishes (e.g. Adil Soz's monthly counts). Kept apart from
# incident records and never added to them.
REPORTED_COUNTS_COLUMNS: dict[str, pa.Column] = {
    "source_name": _str,
    "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
    "period_start": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
    "period_end": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
    "period_kind": pa.Column(str, pa.Check.isin(("month", "year", "year to date", "range", "day"))),
    "group": _opt_str,
    "measure": _str,
    "value": pa.Column("Float64"),
    "unit": _str,
    "comparison_value": _opt_float(),
    "comparison_period": _opt_str,
    "source_url": _opt_str,
    **_provenance,
}

REPORTED_COUNTS_SCHEMA = pa.DataFrameSchema(
    REPORTED_COUNTS_COLUMNS,
    unique=["source_name", "country", "period_start", "period_end", "group", "measure"],
    strict=True,
    coerce=False,
    name="reported_counts",
)

EVENTS_COLUMNS: dict[str, pa.Column] = {
    "event_id": pa.Column(str, pa.Check.str_length(1, 80)),
    "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
    "date": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
    "date_precision": pa.Column(str, pa.Check.isin(DATE_PRECISIONS)),
    "date_end": pa.Column(str, pa.Check.str_matches(_ISO_DATE), nullable=True),
    "title": _str,
    "kind": _str,
    "description": _opt_str,
    "source_name": _opt_str,
    "source_url": _opt_str,
    **_provenance,
}

EVENTS_SCHEMA = pa.DataFrameSchema(
    EVENTS_COLUMNS, unique=["event_id"], strict=True, coerce=False, name="events"
)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "rankings": RANKINGS_SCHEMA,
    "incidents": INCIDENTS_SCHEMA,
    "reported_counts": REPORTED_COUNTS_SCHEMA,
    "events": EVENTS_SCHEMA,
}
