"""Checks and row building shared by the Freedom House adapters (see ``freedom_house.py``).

Columns are found by role (a regular expression, any case); cell checks collect every problem
before failing; the canonical rows carry no ranks (Freedom House publishes scores only).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from indicators.i18n import N_, Msg, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import (
    ParseOptions,
    find_column,
    missing_columns_problem,
    parse_numbers,
    resolve_countries,
)
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS

# Column roles: each role is found by regular expression (any case), as in the RSF adapter.
Roles = dict[str, str]
STATUSES = ("F", "PF", "NF")
ENTITY = ("iso3", "country", "source_code", "entity_kind")
MAX_PROBLEMS = 200
MISSING = ("", "NA", "N/A", "n/a", "-", "—", "None")  # what parse_numbers reads as empty


def find_roles(table: TextTable, roles: Roles) -> dict[str, str | None]:
    return {role: find_column(table.frame.columns, (rx,)) for role, rx in roles.items()}


def count_columns(table: TextTable, patterns: tuple[str, ...]) -> int:
    """How many of the patterns name a column of the table."""
    return sum(find_column(table.frame.columns, (p,)) is not None for p in patterns)


def require_columns(table: TextTable, roles: Roles, label: str) -> dict[str, str]:
    """The column of each role; fail listing expected and found columns if any is missing."""
    found, name = find_roles(table, roles), table.source.name
    if not all(found.values()):
        expected = [rx.replace("\\", "") for rx in roles.values()]
        problem = missing_columns_problem(name, label, expected, table.frame.columns)
        raise ValidationFailed([dataclasses.replace(problem, row=table.first_row - 1)])
    if table.frame.empty:
        raise ValidationFailed([Problem(name, msg("the sheet has a header but no rows"))])
    return {role: col for role, col in found.items() if col}


@dataclass
class Checks:
    """Cell checks on one table, collecting every problem before failing."""

    table: TextTable
    problems: list[Problem] = field(default_factory=list)

    def flag(self, mask: pd.Series, col: str, what: str) -> None:
        """One problem (file, spreadsheet row, column, value) per row where mask is True."""
        t = self.table
        for i in mask.index[mask.fillna(False).astype(bool)][:MAX_PROBLEMS]:
            self.problems.append(
                Problem(t.source.name, what, t.row_number(int(i)), col, t.frame.loc[i, col])
            )

    def numbers(
        self, col: str, span: tuple[int, int], *, integer: bool = False, required: bool = True
    ) -> pd.Series:
        """Parse a number column; problems for non-numbers, values out of range, empty cells."""
        raw = self.table.frame[col].str.strip()
        values = parse_numbers(
            self.table, col, decimal=".", problems=self.problems, integer=integer
        )
        lo, hi = span
        self.flag(
            (values < lo) | (values > hi), col, msg("must be from {lo} to {hi}", lo=lo, hi=hi)
        )
        if required:
            self.flag(raw.isin(MISSING), col, msg("is empty"))
        return values

    def statuses(self, col: str) -> pd.Series:
        """Freedom status F, PF or NF; a problem for anything else."""
        status = self.table.frame[col].str.strip()
        self.flag(~status.isin(STATUSES), col, msg("status must be F, PF or NF"))
        return status

    def entities(self, col: str, edition: pd.Series, options: ParseOptions) -> pd.DataFrame:
        """Resolve countries; a problem when one edition names the same country twice."""
        entities = resolve_countries(self.table, col, options, self.problems)
        keys = pd.DataFrame({"edition": edition, "name": entities["source_code"]})
        self.flag(keys.duplicated(keep=False), col, msg("appears twice in one edition"))
        return entities

    def done(self) -> None:
        """Raise every problem found so far, if any."""
        if self.problems:
            raise ValidationFailed(self.problems)


def off_band(status: pd.Series, score: pd.Series, bands: dict[str, tuple[int, int]]) -> pd.Series:
    """True where the status does not match the score bands."""
    bad = pd.Series(False, index=status.index)
    for label, (lo, hi) in bands.items():
        bad |= (status == label) & ((score < lo) | (score > hi)).fillna(False)
    return bad


def bad_sum(table: TextTable, total: pd.Series, parts: tuple[str, ...]) -> pd.Series:
    """True where the part columns do not add up to the total (all False if a part is absent)."""
    cols = [find_column(table.frame.columns, (p,)) for p in parts]
    if not all(cols):
        return pd.Series(False, index=total.index)
    frame = table.frame.loc[total.index, cols].apply(pd.to_numeric, errors="coerce")
    return (frame.sum(axis=1, min_count=len(cols)) != total).fillna(False)


def guard_direction(name: str, score: pd.Series, status: pd.Series, higher_is_freer: bool) -> None:
    """Fail loudly if Free entries do not score on the freer side of Not Free ones."""
    free = score[status == "F"].astype(float).median()
    not_free = score[status == "NF"].astype(float).median()
    if pd.isna(free) or pd.isna(not_free) or (free > not_free) == higher_is_freer:
        return
    template = (
        N_(
            "Free entries do not score higher than Not Free ones (medians {free} and "
            "{not_free}): the score direction has changed or the columns are misaligned"
        )
        if higher_is_freer
        else N_(
            "Free entries do not score lower than Not Free ones (medians {free} and "
            "{not_free}): the score direction has changed or the columns are misaligned"
        )
    )
    fix = msg("check the file against Freedom House's methodology before ingesting")
    problem = Problem(name, Msg(template, {"free": free, "not_free": not_free}), fix=fix)

    raise ValidationFailed([problem])


def year_labels(years: pd.Series, template: str) -> pd.Series:
    return years.map(lambda y: template.format(y=int(y)))


def calendar_periods(years: pd.Series) -> dict[str, pd.Series]:
    """Period columns for calendar years."""
    return {
        "period_start": year_labels(years, "{y}-01-01"),
        "period_end": year_labels(years, "{y}-12-31"),
        "period_label": year_labels(years, "{y}"),
    }


def series_columns(
    index: str,
    methodology: str,
    score: pd.Series,
    normalised: pd.Series,
    direction: str = "higher_is_freer",
) -> dict[str, object]:
    """The columns that differ between one index series and another."""
    return {
        "index": index,
        "methodology": methodology,
        "score": score,
        "score_as_printed": score,
        "score_normalised": normalised,
        "score_direction": direction,
    }


def canonical_rows(
    table: TextTable, common: dict[str, object], series: list[dict[str, object]]
) -> pd.DataFrame:
    """Canonical rows: each series plus the shared columns, no ranks, provenance."""
    empty = dict.fromkeys(("rank", "n_ranked"), pd.NA)  # ties and positions: derive's
    source = {
        "source_file": table.source.name,
        "source_sha256": table.source.sha256,
        "source_row": [table.row_number(int(i)) for i in table.frame.index],
    }
    frames = [
        conform(
            pd.DataFrame({**common, **s, **empty, **source}, index=table.frame.index),
            RANKINGS,
        )
        for s in series
    ]
    return pd.concat(frames, ignore_index=True)


def common_columns(
    entities: pd.DataFrame, edition: pd.Series, status: pd.Series, citation: str
) -> dict[str, object]:
    """Columns shared by every series of a file: entity, edition, status, citation."""
    return {
        **{c: entities[c] for c in ENTITY},
        "edition": edition.astype(str),
        "edition_year": edition,
        "situation": status,
        "citation": year_labels(edition, citation),
    }


def rows_note(what: str, table: TextTable, mask: pd.Series) -> list[str]:
    """A note naming how many rows (and which spreadsheet rows) a mask selects; none if zero."""
    rows = [table.row_number(int(i)) for i in mask.index[mask]]
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
    return [f"{len(rows)} {what} (rows {shown})"]
