"""Dates shown at their precision (indicators.present.precision)."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.present.precision import shown_date, shown_dates


@pytest.mark.parametrize(
    ("value", "precision", "end", "expected"),
    [
        ("1995-01-01", "year", None, "1995"),
        ("2022-01-01", "month", None, "Jan 2022"),
        ("2011-12-16", "day", None, "16 Dec 2011"),
        ("2022-01-05", "day", "2022-01-11", "5-11 Jan 2022"),
        ("2021-12-30", "day", "2022-01-02", "30 Dec 2021 - 2 Jan 2022"),
        ("2021-12-01", "month", "2022-01-01", "Dec 2021 - Jan 2022"),
        ("2022-01-05", "day", "2022-01-05", "5 Jan 2022"),
        (None, "day", None, ""),
        ("early 2022", "day", None, "early 2022"),
    ],
)
def test_shown_date(value: object, precision: str, end: object, expected: str) -> None:
    assert shown_date(value, precision, end) == expected


def test_shown_dates_reads_the_frames_own_precision() -> None:
    frame = pd.DataFrame(
        {"date": ["1995-01-01", "2022-01-01"], "date_precision": ["year", "month"]}
    )
    assert list(shown_dates(frame)) == ["1995", "Jan 2022"]
