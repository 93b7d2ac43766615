"""Monitors' own aggregate figures (e.g. Adil Soz's monthly counts), kept apart from incidents.

Two Adil Soz layouts (see ``shared/data/adilsoz/COVERAGE.md``):

* ``monthly_counts.csv``: ``month, group, category, count, source_url``. Sub-categories often
  do not add up to the group total (the pages say "and others"), and the
  ``administrative cases - <kind>`` rows are subsets of ``administrative cases``: none of these
  figures is ever summed by this project.
* ``cumulative_statements.csv``: ``period_start, period_end, measure, value, comparison_value,
  comparison_period, source_url``: year-to-date, annual and multi-year figures. Amounts in
  tenge get the unit ``KZT``; everything else counts cases.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, parse_numbers
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.reported_counts import REPORTED_COUNTS

Record = Mapping[Hashable, Any]  # one row of the file, column -> cell
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _bounds(text: str) -> tuple[str, str] | None:
    """First and last day of a 'YYYY-MM' or the day of a 'YYYY-MM-DD'."""
    text = text.strip()
    if m := _DAY.match(text):
        return text, text
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return None


def _period_kind(start: str, end: str) -> str:
    if start == end:
        return "day"
    if start[:7] == end[:7]:
        return "month"
    if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
        return "year"
    if start[5:7] == "01" and start[:4] == end[:4]:
        return "year to date"
    return "range"


class AdilSozCounts:
    """Adil Soz monthly counts and cumulative statements."""

    name = "adilsoz_reported_counts"
    kind = "reported_counts"
    description = "Adil Soz monthly counts and cumulative statements (reported figures)"

    MONTHLY = frozenset({"month", "group", "category", "count", "source_url"})
    CUMULATIVE = frozenset({"period_start", "period_end", "measure", "value", "source_url"})

    def sniff(self, table: TextTable) -> float:
        """Sure for either of the two layouts."""
        cols = set(table.frame.columns)
        return 0.95 if cols >= self.MONTHLY or cols >= self.CUMULATIVE else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Parse periods and values; report every bad cell."""
        frame = table.frame
        monthly = set(frame.columns) >= self.MONTHLY
        problems: list[Problem] = []
        values = parse_numbers(
            table, "count" if monthly else "value", decimal=".", problems=problems
        )
        comparison = (
            parse_numbers(table, "comparison_value", decimal=".", problems=problems)
            if "comparison_value" in frame.columns
            else pd.Series(pd.NA, index=frame.index)
        )
        rows = []
        for pos, rec in enumerate(frame.to_dict("records")):
            period = _period(table, pos, rec, monthly, problems)
            if period is not None:
                figures = (values.iloc[pos], comparison.iloc[pos])
                rows.append(_figure(table, options, pos, rec, monthly, period, figures))
        if problems:
            raise ValidationFailed(problems)
        out = conform(pd.DataFrame.from_records(rows), REPORTED_COUNTS)
        layout = "monthly counts" if monthly else "cumulative statements"
        return Parsed(
            "reported_counts",
            self.name,
            out,
            {"source": f"Adil Soz {layout}"},
            notes=["reported figures: kept apart from incident records, never summed"],
            rows_read=len(frame),
        )


def _period(
    table: TextTable, pos: int, rec: Record, monthly: bool, problems: list[Problem]
) -> tuple[str, str] | None:
    """The first and last day a row's figure covers, or None after a problem naming the cell."""
    start_text = rec["month"] if monthly else rec["period_start"]
    end_text = rec["month"] if monthly else rec["period_end"]
    first, last = _bounds(start_text), _bounds(end_text)
    if first is None or last is None:
        bad = ("month" if monthly else "period_start") if first is None else "period_end"
        problems.append(
            Problem(
                table.source.name,
                msg("not a month (YYYY-MM) or day (YYYY-MM-DD)"),
                table.row_number(pos),
                bad,
                rec[bad],
            )
        )
        return None
    return first[0], last[1]


def _figure(
    table: TextTable,
    options: ParseOptions,
    pos: int,
    rec: Record,
    monthly: bool,
    period: tuple[str, str],
    figures: tuple[object, object],
) -> dict[str, object]:
    """One row as a canonical reported figure (``figures``: its value and comparison value)."""
    measure = rec["category"] if monthly else rec["measure"]
    return {
        "source_name": options.source_name or "Adil Soz",
        "country": options.country or "KAZ",
        "period_start": period[0],
        "period_end": period[1],
        "period_kind": _period_kind(*period),
        "group": rec.get("group") or None,
        "measure": measure,
        "value": figures[0],
        "unit": "KZT" if "tenge" in measure.lower() else "cases",
        "comparison_value": figures[1],
        "comparison_period": rec.get("comparison_period") or None,
        "source_url": rec.get("source_url") or None,
        "source_file": table.source.name,
        "source_sha256": table.source.sha256,
        "source_row": table.row_number(pos),
    }


ADAPTERS = [AdilSozCounts()]
