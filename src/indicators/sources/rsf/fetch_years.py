"""Which RSF editions a fetch asks for, and where RSF serves them.

RSF serves every edition of the World Press Freedom Index at the same address,
``<base><YEAR>.csv`` (see ``shared/data/SOURCES.md``). There is no ``2011.csv``: the combined
2011-12 edition is ``2012.csv``.
"""

from __future__ import annotations

import os
import re
from datetime import date

from indicators.i18n import N_, Msg, msg

DEFAULT_RSF_BASE = "https://rsf.org/sites/default/files/import_classement/"
BASE_ENV = "INDICATORS_RSF_BASE"
FIRST_EDITION = 2002
MISSING_YEAR = 2011  # RSF published one combined 2011-12 edition, served as 2012.csv

_NO_2011 = N_(
    "there is no 2011 edition: RSF published one combined 2011-12 edition, served as 2012.csv; "
    "ask for 2012 (or 2011-12)"
)
_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


# -- which editions ----------------------------------------------------------------------------


def all_editions(today: date) -> list[int]:
    """Every edition RSF has published by ``today``'s year, as file years (no 2011)."""
    return [y for y in range(FIRST_EDITION, today.year + 1) if y != MISSING_YEAR]


def _check_year(year: int, today: date) -> None:
    if year < FIRST_EDITION:
        raise ValueError(
            msg(
                "edition {year} does not exist: RSF's index starts with {first}",
                year=year,
                first=FIRST_EDITION,
            )
        )
    if year > today.year:
        raise ValueError(
            msg(
                "edition {year} is in the future (this year is {this_year}); "
                "RSF publishes each edition in the spring of its year",
                year=year,
                this_year=today.year,
            )
        )


def _parse_range(part: str, match: re.Match[str], today: date) -> list[int]:
    start, end_text = int(match.group(1)), match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end < start:
        raise ValueError(msg("the range {part!r} ends before it starts", part=part))
    _check_year(start, today)
    _check_year(end, today)
    years = [y for y in range(start, end + 1) if y != MISSING_YEAR]
    if not years:
        raise ValueError(Msg(_NO_2011))
    return years


def _parse_part(part: str, today: date) -> list[int]:
    if part == "all":
        return all_editions(today)
    if _YEAR.match(part):
        year = int(part)
        if year == MISSING_YEAR:
            raise ValueError(Msg(_NO_2011))
        _check_year(year, today)
        return [year]
    match = _RANGE.match(part)
    if match:
        return _parse_range(part, match, today)
    raise ValueError(
        msg(
            "{part!r} is not an edition: use a year (2025), a range (2019-2022), a list "
            "(2019,2021-2022), 2011-12 for the combined edition, or all",
            part=part,
        )
    )


def parse_editions(text: str, today: date) -> list[int]:
    """Turn '2025-2026', '2019,2021-2022', '2011-12' or 'all' into sorted file years.

    The combined 2011-12 edition is file year 2012; a range across 2011 skips it. 2011 alone,
    years before 2002 and years after ``today.year`` are refused with a ValueError.
    """
    cleaned = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    if not cleaned:
        raise ValueError(msg("no editions given: use e.g. 2025-2026, 2019,2021 or all"))

    years: set[int] = set()
    for raw in cleaned.split(","):
        part = raw.strip()
        if not part:
            raise ValueError(f"empty item in the list of editions {text!r}")
        years.update(_parse_part(part, today))
    return sorted(years)


# -- where they are ----------------------------------------------------------------------------


def resolve_base(base: str | None = None) -> str:
    """The base address: the argument, else $INDICATORS_RSF_BASE, else RSF's own."""
    chosen = base or os.environ.get(BASE_ENV) or DEFAULT_RSF_BASE
    return chosen.strip()


def edition_url(base: str, year: int) -> str:
    """The address of one edition's CSV under ``base``."""
    return base.rstrip("/") + f"/{year}.csv"


def file_name(year: int) -> str:
    """The name a fetched edition is recorded under."""
    return f"{year}.csv"
