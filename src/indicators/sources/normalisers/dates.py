"""Dates as people write them in monitoring sheets, with the precision they were written at.

Accepted: ISO (``2025-04-10``, ``2025-04``, ``2025``, ``2025-04-10T18:00:00``), day-first
numeric (``10.04.2025``, ``10/04/2025``, ``04.2025``), and month names in English, Russian
(nominative and genitive) and Kazakh (``April 2025``, ``апреля 2025``, ``10 сәуір 2025``).
A trailing ``г.``/``года``/``жыл`` is ignored. Impossible dates (31 February, month 13) give None.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from indicators.i18n import N_, Msg, msg

Precision = Literal["day", "month", "year"]

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "январь", "января", "қаңтар"),
    2: ("february", "feb", "февраль", "февраля", "ақпан"),
    3: ("march", "mar", "март", "марта", "наурыз"),
    4: ("april", "apr", "апрель", "апреля", "сәуір"),
    5: ("may", "май", "мая", "мамыр"),
    6: ("june", "jun", "июнь", "июня", "маусым"),
    7: ("july", "jul", "июль", "июля", "шілде"),
    8: ("august", "aug", "август", "августа", "тамыз"),
    9: ("september", "sep", "sept", "сентябрь", "сентября", "қыркүйек"),
    10: ("october", "oct", "октябрь", "октября", "қазан"),
    11: ("november", "nov", "ноябрь", "ноября", "қараша"),
    12: ("december", "dec", "декабрь", "декабря", "желтоқсан"),
}
MONTHS: dict[str, int] = {name: n for n, names in _MONTH_NAMES.items() for name in names}

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_MONTH = r"(?P<mname>[^\W\d_]+)\.?"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME}",
        r"(?P<y>\d{4})-(?P<m>\d{1,2})",
        r"(?P<y>\d{4})",
        r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})",
        r"(?P<m>\d{1,2})[./](?P<y>\d{4})",
        rf"(?P<d>\d{{1,2}})\s+{_MONTH},?\s+(?P<y>\d{{4}})",
        rf"{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})",
        rf"{_MONTH},?\s+(?P<y>\d{{4}})",
        rf"(?P<y>\d{{4}})\s+(?:жылғы\s+)?(?P<d>\d{{1,2}})\s+{_MONTH}",
    )
)
_SUFFIX = re.compile(r"\s*(?:г\.?|года|год|ж\.?|жыл|жылы)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    """A date as written: its first day, how precise it was, and the text it came from."""

    start: date
    precision: Precision
    written: str


@dataclass(frozen=True)
class _Parts:
    year: int
    month: int | None
    day: int | None


def _parts(text: str) -> _Parts | None:
    """The year, month and day numbers a text is shaped like, before checking they exist."""
    core = _SUFFIX.sub("", " ".join(text.split()))
    for pattern in _PATTERNS:
        found = pattern.fullmatch(core)
        if not found:
            continue
        groups = found.groupdict()
        month: int | None = int(groups["m"]) if groups.get("m") else None
        if groups.get("mname") is not None:
            month = MONTHS.get(groups["mname"].casefold())
            if month is None:
                continue
        day = int(groups["d"]) if groups.get("d") else None
        return _Parts(int(groups["y"]), month, day)
    return None


# A day of each month, as a message ("30 February": "30 февраля" needs the whole phrase).
_DAY_OF_MONTH = (
    N_("{day} January"),
    N_("{day} February"),
    N_("{day} March"),
    N_("{day} April"),
    N_("{day} May"),
    N_("{day} June"),
    N_("{day} July"),
    N_("{day} August"),
    N_("{day} September"),
    N_("{day} October"),
    N_("{day} November"),
    N_("{day} December"),
)


def _impossibility(parts: _Parts) -> str | None:
    if parts.year < 1:
        return msg("year {year}", year=parts.year)
    if parts.month is not None and not 1 <= parts.month <= 12:
        return msg("month {month}", month=parts.month)
    if parts.day is not None and parts.month is not None:
        last = calendar.monthrange(parts.year, parts.month)[1]
        if not 1 <= parts.day <= last:
            return Msg(_DAY_OF_MONTH[parts.month - 1], {"day": parts.day})
    return None


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> ParsedDate | None:
    """Parse a written date; None for non-dates and impossible dates."""
    written = str(text).strip()
    if _ISO_DAY.fullmatch(written):  # the common case, without trying every pattern
        try:
            return ParsedDate(date.fromisoformat(written), "day", written)
        except ValueError:
            pass  # e.g. 2021-02-30: the patterns below give the reason
    return _parse_written(written)


def _parse_written(written: str) -> ParsedDate | None:
    parts = _parts(written)
    if parts is None or _impossibility(parts) is not None:
        return None
    precision: Precision = (
        "year" if parts.month is None else "month" if parts.day is None else "day"
    )
    start = date(parts.year, parts.month or 1, parts.day or 1)
    return ParsedDate(start, precision, written)


def date_problem(text: str, today: date) -> str | None:
    """A plain reason why a written date is unusable, or None when it is fine."""
    parts = _parts(str(text).strip())
    if parts is None:
        return msg("not a date")
    impossible = _impossibility(parts)
    if impossible is not None:
        return msg("impossible date ({impossible})", impossible=impossible)
    parsed = parse_date(text)
    if parsed is not None and parsed.start > today:
        return msg("date in the future")

    return None
