"""Dates shown at the precision they have: a year, a month, a day or a range.

Stored dates are ISO days (``1995-01-01``) with a ``date_precision`` of ``year``, ``month`` or
``day``; events may also have a ``date_end``. A reader must never see "1995-01-01" for a
fact known only to the year: every chart, hover, table and export shows :func:`shown_date`.
In Russian and Kazakh the dates are Babel's (:func:`indicators.i18n.format_date`): "январь
2022", "5-11 января 2022", "5 қаңтар 2022".
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from indicators.i18n import format_date, language
from indicators.tables.values import is_missing

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(?:" + "|".join(MONTHS) + r") \d{4}"
_MONTH_SPAN = re.compile(f"{_MONTH} - {_MONTH}")  # a period label of ours: 'Sep 2001 - Sep 2002'


def _parse(value: object) -> date | None:
    if is_missing(value):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _one(day: date, precision: str) -> str:
    if language() != "en":
        return format_date(day, precision)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def shown_date(value: object, precision: object = "day", end: object = None) -> str:
    """'1995', 'Jan 2022', '16 Dec 2011', '5-11 Jan 2022' or 'Dec 2021 - Jan 2022'; '' if none.

    A value that is not an ISO date is returned as written (it is data, not ours to reword).
    """
    start = _parse(value)
    if start is None:
        return "" if is_missing(value) else str(value)
    kind = str(precision) if precision in ("year", "month", "day") else "day"
    first = _one(start, kind)
    last_day = _parse(end)
    if last_day is None or last_day <= start:
        return first
    last = _one(last_day, kind)
    if last == first:
        return first
    if kind == "day" and (start.year, start.month) == (last_day.year, last_day.month):
        return f"{start.day}-{last}"
    return f"{first} - {last}"


def shown_period(label: object, start: object, end: object) -> str:
    """A period covered as its label says it ('2024', 'Sep 2001 - Sep 2002'); in Russian and
    Kazakh a label of months in English words is said again from the period's own dates
    ('сентябрь 2001 - сентябрь 2002'). Any other label is data, shown as written."""
    text = "" if is_missing(label) else str(label)
    if language() == "en" or not _MONTH_SPAN.fullmatch(text):
        return text
    return shown_date(start, "month", end) or text


def shown_dates(frame: pd.DataFrame, column: str = "date") -> pd.Series:
    """:func:`shown_date` for every row of ``frame`` (uses ``date_precision``, ``date_end``)."""
    precision = frame.get("date_precision", pd.Series("day", index=frame.index))
    end = frame.get("date_end", pd.Series(None, index=frame.index, dtype=object))
    return pd.Series(
        [shown_date(v, p, e) for v, p, e in zip(frame[column], precision, end, strict=True)],
        index=frame.index,
        dtype=object,
    )


SMALL = 5_000  # up to this many rows, dates are shown row by row (no grouping pays off)


def at_precision(frame: pd.DataFrame, column: str = "date") -> pd.Series:
    """:func:`shown_dates` for every row ('1995', 'Jan 2022', '16 Dec 2011',
    '23 Mar 2019 - 17 Sep 2022'), worked out once per distinct date, precision and end (a
    million incidents share a few thousand)."""
    keys = [c for c in (column, "date_precision", "date_end") if c in frame.columns]
    if len(frame) <= SMALL:
        return shown_dates(frame, column)
    plain = frame[keys].astype(object).where(frame[keys].notna(), "")
    distinct = plain.drop_duplicates()
    found = shown_dates(distinct.replace("", None), column)
    table = distinct.assign(_shown=found.to_numpy())
    shown = plain.merge(table, on=keys, how="left")["_shown"]
    return pd.Series(shown.to_numpy(), index=frame.index, dtype=object)
