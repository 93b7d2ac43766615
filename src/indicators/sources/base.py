"""What every source adapter provides, and the shared helpers adapters use to parse cells."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import pandas as pd

from indicators.i18n import Msg, msg
from indicators.problems import Problem
from indicators.sources.countries import CountryIndex, default_index
from indicators.sources.numbers_read import remember_numbers
from indicators.sources.reading import TextTable
from indicators.tables.registry import TABLES

KINDS = tuple(TABLES)  # what a file can hold: one kind per canonical table
EMPTY_CELLS = ("", "NA", "N/A", "n/a", "-", "—", "None")  # cells parse_numbers reads as no number


@dataclass(frozen=True)
class ParseOptions:
    """Choices a person can make when detection is not sure."""

    kind: str | None = None
    adapter: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    index_id: str | None = None
    country: str | None = None  # default country for files that hold one country's records
    source_name: str | None = None  # who published the records, when the file does not say
    today: date = field(default_factory=date.today)
    countries: CountryIndex | None = None

    def country_index(self) -> CountryIndex:
        """The country lookup to use (the embedded one unless given)."""
        return self.countries or default_index()


@dataclass
class Parsed:
    """An adapter's result: a canonical table and what was detected about the file."""

    kind: str
    adapter: str
    frame: pd.DataFrame
    detected: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int | None = None  # set when one input row does not make one output row

    def rejected(self) -> int:
        """Input rows left out (reported in the notes), as the adapter counted them."""
        if self.rows_rejected is not None:
            return self.rows_rejected
        return max(self.rows_read - len(self.frame), 0)


class Adapter(Protocol):
    """A source format: it says how sure it is that a table is its format, and parses it."""

    name: str
    kind: str
    description: str
    # Optional: ``owned_indexes`` (index ids only this adapter may write: a publisher's series),
    # ``writes_owned_indexes`` (may write them anyway: our own canonical export) and, for
    # rankings, ``rank_rule`` (a :class:`indicators.tables.rankings.RankRule`; none: ranks as given, ties counted).

    def sniff(self, table: TextTable) -> float:
        """Confidence from 0 to 1 that the table is in this format, from its columns."""
        ...

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Parse to the canonical table, or raise ValidationFailed listing every problem."""
        ...


def find_column(columns: Iterable[str], patterns: Iterable[str]) -> str | None:
    """Return the first column whose name matches one of the regular expressions (any case)."""
    cols = list(columns)
    for pattern in patterns:
        rx = re.compile(pattern, re.IGNORECASE)
        for c in cols:
            if rx.fullmatch(c.strip()):
                return c
    return None


def parse_numbers(
    table: TextTable,
    column: str,
    *,
    decimal: str,
    problems: list[Problem],
    integer: bool = False,
    label: str | None = None,
    empty: Iterable[str] = EMPTY_CELLS,
) -> pd.Series:
    """Parse a text column to numbers; add one Problem per cell that is not a number."""
    raw = table.frame[column].astype(str).str.strip()
    missing = raw.isin(list(empty))
    text = raw.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if integer:
        frac = values.notna() & (values % 1 != 0)
        for i in values.index[frac]:
            problems.append(
                Problem(
                    table.source.name,
                    msg("must be a whole number"),
                    table.row_number(int(i)),
                    label or column,
                    raw[i],
                    fix=msg("ranks are whole numbers: 1, 2, 3 ..."),
                )
            )
        bad = bad | frac
        huge = values.notna() & ~frac & (values.abs() > 2**53)
        for i in values.index[huge][:200]:
            problems.append(
                Problem(
                    table.source.name,
                    msg("is far too large for this column"),
                    table.row_number(int(i)),
                    label or column,
                    raw[i],
                    fix=msg("check the cell: ranks and counts are small whole numbers"),
                )
            )
        bad = bad | huge
    for i in values.index[bad & ~(values.notna())][:200]:
        problems.append(
            Problem(
                table.source.name,
                msg("is not a number"),
                table.row_number(int(i)),
                label or column,
                raw[i],
                fix=msg("write a plain number such as 42 or 42.5"),
            )
        )
    out = values.where(~bad)
    parsed = out.astype("Int64") if integer else out.astype("Float64")
    remember_numbers(table, column, parsed)  # so a later check can name the file's column
    return parsed


def resolve_countries(
    table: TextTable,
    column: str,
    options: ParseOptions,
    problems: list[Problem],
    label: str | None = None,
) -> pd.DataFrame:
    """Resolve a column of codes or names; return iso3, country, entity_kind, source_code."""
    index = options.country_index()
    raw = table.frame[column].astype(str).str.strip()
    cache: dict[str, object] = {}
    rows = []
    for pos, value in enumerate(raw.tolist()):
        if value not in cache:
            cache[value] = index.resolve(value)
        entity = cache[value]
        if entity is None:
            problems.append(
                Problem(
                    table.source.name,
                    msg("unknown country"),
                    table.row_number(pos),
                    label or column,
                    value,
                    fix=msg(
                        "use an ISO3 code (e.g. KAZ) or an English or Russian name; variants can "
                        "be added to data/countries/aliases.csv"
                    ),
                )
            )
            rows.append((None, None, None, value))
        else:
            rows.append((entity.iso3, entity.name, entity.kind, value))  # type: ignore[attr-defined]
    return pd.DataFrame(
        rows, columns=["iso3", "country", "entity_kind", "source_code"], index=raw.index
    )


def missing_columns_problem(
    file: str, kind: str, expected: Iterable[str], found: Iterable[str]
) -> Problem:
    """A problem that lists what columns were expected and (the first 40 of) what the file has.

    ``kind`` is a message (marked with ``N_`` where it is written), translated where shown."""
    columns = [repr(c) for c in found]
    shown: str = ", ".join(columns[:40])
    if len(columns) > 40:
        shown = msg("{columns} and {n} more", columns=shown, n=len(columns) - 40)
    return Problem(
        file,
        msg(
            "the file does not have the columns {kind} files need: expected {expected}; "
            "found {found}",
            kind=Msg(kind),
            expected=", ".join(expected),
            found=shown,
        ),
        1,
        fix=msg("rename the columns, or give an explicit column mapping"),
    )


RowCheck = Callable[[pd.DataFrame], pd.Series]
