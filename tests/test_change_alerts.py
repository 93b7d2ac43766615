"""Change alerts that respect small numbers (issue 13, item 3): ACLED's bands on whole
percentages, "limited change: too few cases to call a trend" below 10 cases in either period,
the periods compared (month on month, year on year, a year not over by its months so far), and
the words on the Incidents page, the Overview's tile and the brief, never a coloured delta."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.present.brief import DataVersion, gather
from indicators.present.brief_html import make_html
from indicators.query.overview import IncidentSummary, incident_summary
from indicators.query.trend import (
    LARGE_DECREASE,
    LARGE_INCREASE,
    LEVELS,
    LIMITED,
    LOW_BASELINE,
    MODERATE_INCREASE,
    MONTH_ON_MONTH,
    RULE,
    TOO_FEW,
    YEAR_ON_YEAR,
    Comparison,
    NoComparison,
    change_level,
    incident_changes,
    month_on_month,
    percent_change,
    year_on_year,
)
from indicators.text import escape_markdown
from tests.pages import open_page

TODAY = date(2026, 6, 15)
TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5"/></svg>'
INCREASES = {LARGE_INCREASE, MODERATE_INCREASE}


# The rule at every band edge, computed by hand.


@pytest.mark.parametrize(
    ("this", "last", "percent", "level"),
    [
        (11, 10, 10, MODERATE_INCREASE),  # exactly +10%: moderate
        (110, 100, 10, MODERATE_INCREASE),
        (109, 100, 9, LIMITED),  # +9%: limited
        (125, 100, 25, MODERATE_INCREASE),  # exactly +25%: still moderate
        (126, 100, 26, LARGE_INCREASE),  # +26%: large
        (15, 12, 25, MODERATE_INCREASE),
        (75, 100, -25, LIMITED),  # exactly -25%: limited
        (15, 20, -25, LIMITED),
        (74, 100, -26, LARGE_DECREASE),  # -26%: large decrease
        (10, 10, 0, LIMITED),
        (20, 10, 100, LARGE_INCREASE),
        (10, 20, -50, LARGE_DECREASE),
        (219, 200, 10, MODERATE_INCREASE),  # 9.5% rounds half away from zero to 10
        (2189, 2000, 9, LIMITED),  # 9.45% rounds to 9
        (199, 200, -1, LIMITED),  # -0.5% rounds to -1
    ],
)
def test_bands_at_their_edges(this: int, last: int, percent: int, level: str) -> None:
    assert percent_change(this, last) == percent
    assert change_level(this, last) == level


def test_low_baseline_nine_against_ten() -> None:
    """9 cases in either period is too few, whatever the percentage; 10 in both is not."""
    assert LOW_BASELINE == 10
    assert change_level(9, 10) == change_level(10, 9) == LIMITED
    assert change_level(9, 100) == change_level(100, 9) == LIMITED  # -91% and +1011%
    assert change_level(0, 0) == change_level(30, 0) == LIMITED
    assert change_level(10, 20) == LARGE_DECREASE and change_level(20, 10) == LARGE_INCREASE
    nine = Comparison(YEAR_ON_YEAR, "2025", 9, "2024", 10)
    assert nine.percent is None and nine.change == TOO_FEW
    assert (
        nine.words == "limited change: too few cases to call a trend (9 in 2025 against 10 in 2024)"
    )
    ten = Comparison(YEAR_ON_YEAR, "2025", 10, "2024", 10)
    assert ten.words == "limited change: the same number (10 in 2025 against 10 in 2024)"


def test_words_name_the_band_the_percentage_and_both_counts() -> None:
    c = Comparison(MONTH_ON_MONTH, "December 2023", 13, "November 2023", 10)
    assert c.words == "large increase: 30% more (13 in December 2023 against 10 in November 2023)"
    assert c.sentence == f"Month on month, {c.words}."
    assert Comparison(YEAR_ON_YEAR, "2025", 10, "2024", 12).change == "limited change: 17% fewer"
    assert Comparison(YEAR_ON_YEAR, "2025", 1999, "2024", 2000).change == (
        "limited change: less than 1% fewer"
    )
    none = NoComparison(YEAR_ON_YEAR, "2019 is outside the years counted here (from 2020)")
    assert (
        none.sentence
        == "Year on year, no comparison: 2019 is outside the years counted here (from 2020)."
    )
    with pytest.raises(ValueError, match="negative"):
        percent_change(-1, 10)


# Properties.

counts = st.integers(0, 5_000)


@given(counts, counts)
def test_percent_is_the_rounded_fraction(this: int, last: int) -> None:
    """The integer percentage is (this - last) / last x 100, rounded half away from zero."""
    if last == 0:
        assert percent_change(this, last) is None
        return
    exact = Fraction(100 * (this - last), last)
    magnitude = int(abs(exact) + Fraction(1, 2))
    assert percent_change(this, last) == (magnitude if exact >= 0 else -magnitude)


@given(counts, counts, st.text(max_size=12), st.text(max_size=12))
def test_level_is_a_function_of_the_two_counts(this: int, last: int, a: str, b: str) -> None:
    """Neither the kind nor the period labels change the band, and it is one of the four."""
    level = change_level(this, last)
    assert level in LEVELS
    assert Comparison(YEAR_ON_YEAR, a, this, b, last).level == level
    assert Comparison(MONTH_ON_MONTH, b, this, a, last).level == level


@given(counts, counts)
def test_swapping_never_gives_an_increase_for_a_decrease(this: int, last: int) -> None:
    """Swapped, an increase is never again an increase, and a large decrease is a large
    increase (below -25% one way is above +33% the other)."""
    level, swapped = change_level(this, last), change_level(last, this)
    if level in INCREASES:
        assert swapped not in INCREASES
    if level == LARGE_DECREASE:
        assert swapped == LARGE_INCREASE
    if this == last:
        assert level == LIMITED


@given(st.integers(0, LOW_BASELINE - 1), counts, st.booleans())
def test_below_the_minimum_always_limited(small: int, other: int, first: bool) -> None:
    this, last = (small, other) if first else (other, small)
    assert change_level(this, last) == LIMITED
    c = Comparison(YEAR_ON_YEAR, "2025", this, "2024", last)
    assert c.words.startswith(TOO_FEW) and c.percent is None


@given(counts, counts)
def test_words_are_never_signed(this: int, last: int) -> None:
    """No + or - anywhere in the words (a signed number reads as good or bad news)."""
    words = Comparison(YEAR_ON_YEAR, "2025", this, "2024", last).words
    assert not any(c in words for c in "+-")


@given(st.integers(LOW_BASELINE, 5_000), st.integers(LOW_BASELINE, 5_000))
def test_more_cases_never_a_lower_band(this: int, last: int) -> None:
    """With the same baseline, one case more never moves the change to a lower band."""
    order = [LARGE_DECREASE, LIMITED, MODERATE_INCREASE, LARGE_INCREASE]
    assert order.index(change_level(this + 1, last)) >= order.index(change_level(this, last))


# The periods compared.


def test_month_on_month_the_latest_month_over() -> None:
    """The month not yet over is left out; the month before a month with cases may have none."""
    mom = month_on_month({"2023-11": 10, "2023-12": 13}, TODAY)
    assert isinstance(mom, Comparison)
    assert (mom.period, mom.this, mom.compared_with, mom.last) == (
        "December 2023", 13, "November 2023", 10,
    )  # fmt: skip
    assert mom.level == LARGE_INCREASE
    ongoing = month_on_month({"2026-05": 12, "2026-06": 40}, TODAY)
    assert isinstance(ongoing, Comparison)
    assert (ongoing.period, ongoing.this, ongoing.compared_with, ongoing.last) == (
        "May 2026", 12, "April 2026", 0,
    )  # fmt: skip
    assert ongoing.change == TOO_FEW
    january = month_on_month({"2020-01": 12}, TODAY, start=date(2020, 1, 1))
    assert january == NoComparison(
        MONTH_ON_MONTH, "December 2019 is outside the years counted here (from 2020)"
    )
    assert isinstance(month_on_month({"2026-06": 5}, TODAY), NoComparison)


def test_year_on_year_whole_years() -> None:
    """A year whose latest month is December is compared whole, cases dated to the year too."""
    yoy = year_on_year({2022: 20, 2023: 26}, {"2022-12": 20, "2023-12": 20}, TODAY)
    assert isinstance(yoy, Comparison) and yoy.note == ""
    assert (yoy.period, yoy.this, yoy.compared_with, yoy.last) == ("2023", 26, "2022", 20)
    assert yoy.change == "large increase: 30% more"
    # A later year over with cases dated only to the year is the one compared.
    later = year_on_year({2023: 12, 2024: 15}, {"2023-05": 12}, TODAY)
    assert isinstance(later, Comparison)
    assert (later.period, later.this, later.last, later.level) == (
        "2024",
        15,
        12,
        MODERATE_INCREASE,
    )
    # In January no month of this year is over: last year is compared whole.
    jan = year_on_year({2025: 12, 2026: 3}, {"2025-12": 12, "2026-01": 3}, date(2026, 1, 10))
    assert isinstance(jan, Comparison) and jan.period == "2025"


def test_year_not_over_by_its_months_so_far() -> None:
    """2026 up to May (the latest month over with cases) against January to May 2025, saying
    so; a case dated only to the year and July 2025's cases are left out."""
    monthly = {"2025-01": 5, "2025-03": 6, "2025-07": 30, "2026-02": 8, "2026-05": 4}
    yearly = {2025: 41 + 3, 2026: 12 + 2}
    yoy = year_on_year(yearly, monthly, TODAY)
    assert isinstance(yoy, Comparison)
    assert (yoy.period, yoy.this, yoy.compared_with, yoy.last) == (
        "January to May 2026", 12, "January to May 2025", 11,
    )  # fmt: skip
    assert yoy.change == "limited change: 9% more"
    assert "2026 is not over" in yoy.note and "same months of 2025" in yoy.note
    assert "dated only to the year are left out" in yoy.note
    only = year_on_year({2025: 10, 2026: 12}, {"2025-01": 10, "2026-01": 12}, date(2026, 3, 1))
    assert isinstance(only, Comparison)
    assert (only.period, only.compared_with) == ("January 2026", "January 2025")
    # A past year whose cases here end in April: not over in the data.
    stopped = year_on_year({2024: 30, 2025: 9}, {"2024-02": 12, "2025-04": 9}, TODAY)
    assert isinstance(stopped, Comparison)
    assert (stopped.period, stopped.this, stopped.last) == ("January to April 2025", 9, 12)
    assert "2025 is not over in the data" in stopped.note
    first = year_on_year({2020: 40}, {"2020-12": 40}, TODAY, start=date(2020, 1, 1))
    assert first == NoComparison(YEAR_ON_YEAR, "2019 is outside the years counted here (from 2020)")


def _row(n: int, day: str, precision: str = "day", **extra: object) -> dict[str, object]:
    return {
        "incident_id": f"hand-{n:03d}",
        "statute_seq": 1,
        "date": day,
        "date_precision": precision,
        "date_as_written": day,
        "year": int(day[:4]),
        "country": "KAZ",
        "region_code": "KZ-75",
        "region_name": "Almaty",
        "place_as_written": "Almaty",
        "target_name": f"Hand-made journalist {n}",
        "target_type": "journalist",
        "incident_type": "detention",
        "incident_type_as_written": "detained",
        "statute_key": "KAZ-CC2014-274",
        "statute_category": "false_information",
        "statute_as_written": "dissemination of false information",
        "statute_applied_to": "target",
        "summary": f"A hand-made case number {n}.",
        "source_name": "Hand-made monitor",
        "source_url": "https://example.org/cases",
        "synthetic": False,
        "source_file": "hand-made.csv",
        "source_sha256": "0" * 64,
        "source_row": n,
    } | extra


def hand_made_rows() -> list[dict[str, object]]:
    """2022: 10 cases in June and 10 in December; 2023: 10 in November and 13 in December,
    4 of December's against bloggers. Month on month: 13 against 10 (large increase, 30%
    more); year on year: 23 against 20 (moderate increase, 15% more)."""
    days = ["2022-06-10"] * 10 + ["2022-12-05"] * 10 + ["2023-11-20"] * 10 + ["2023-12-02"] * 13
    rows = [_row(n, day) for n, day in enumerate(days)]
    for row in rows[-4:]:
        row["target_type"] = "blogger"
    # One more statute row of the last case: it is still one case.
    rows.append(rows[-1] | {"statute_seq": 2, "statute_key": "KAZ-CC2014-174"})
    return rows


def hand_made_incidents(template: pd.DataFrame) -> pd.DataFrame:
    """The hand-made rows with the stored table's columns and types."""
    frame = pd.DataFrame(hand_made_rows()).reindex(columns=template.columns)
    return frame.astype(template.dtypes.to_dict())


def test_incident_changes_count_distinct_cases() -> None:
    """Counting goes through aggregate.incident_counts: two statute rows are one case, a case
    dated only to the year is in the year's count but in no month."""
    rows = pd.DataFrame([*hand_made_rows(), _row(99, "2023-01-01", precision="year")])
    month, year = incident_changes(rows, TODAY)
    assert isinstance(month, Comparison) and isinstance(year, Comparison)
    assert (month.this, month.last, month.level) == (13, 10, LARGE_INCREASE)
    assert (year.period, year.this, year.last) == ("2023", 24, 20)
    assert year.change == "moderate increase: 20% more"


def test_no_count_before_the_first_year_counted() -> None:
    """Cases from 2023 on only: 2022 is not counted as 0, even when the years asked for begin
    earlier; the Overview's summary says the same."""
    rows = pd.DataFrame([r for r in hand_made_rows() if str(r["date"]) >= "2023"])
    for start in (None, date(2020, 1, 1)):
        year = incident_changes(rows, TODAY, start).year
        assert year == NoComparison(
            YEAR_ON_YEAR, "2022 is outside the years counted here (from 2023)"
        )
    summary = incident_summary(rows, "KAZ", TODAY)
    assert summary is not None and summary.change.startswith("no comparison: 2022 is outside")


@pytest.fixture
def hand_made_store(isolated_default_store: Path) -> None:
    """The default store with its incident table replaced by the hand-made cases."""
    store = open_default_store(isolated_default_store)
    incidents = hand_made_incidents(store.table("incidents"))
    store.commit({"incidents": incidents}, user="test", message="hand-made incidents")


def _change_table(at: AppTest) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if "Change" in t.value.columns)


def _no_coloured_delta(at: AppTest) -> None:
    """No metric of incidents shows a coloured or arrowed delta (the Overview's position tile,
    a ranking and not a count of cases, is app_pages/overview.py's own)."""
    for metric in at.metric:
        if metric.proto.delta and "ncident" in metric.label:
            assert metric.proto.color == Metric.MetricColor.GRAY, metric.label
            assert metric.proto.direction == Metric.MetricDirection.NONE, metric.label


@pytest.mark.usefixtures("hand_made_store")
def test_incidents_page_says_the_changes_in_words() -> None:
    """The page's table: December 2023 against November 2023, 2023 against 2022, in words,
    with the rule beside it; no metric with a coloured delta."""
    at = open_page("app_pages/incidents.py", country="KAZ")
    assert "Change in the number of cases" in [h.value for h in at.subheader]
    table = _change_table(at)
    assert list(table.columns) == [
        "Comparison", "Period", "Cases", "Compared with", "Cases then", "Change",
    ]  # fmt: skip
    rows = table.astype(str).values.tolist()
    assert rows == [
        [
            "Month on month",
            "December 2023",
            "13",
            "November 2023",
            "10",
            "large increase: 30% more",
        ],
        ["Year on year", "2023", "23", "2022", "20", "moderate increase: 15% more"],
    ]
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED" in captions and "too few cases to call a trend" in captions
    _no_coloured_delta(at)


@pytest.mark.usefixtures("hand_made_store")
def test_incidents_page_changes_follow_the_filters() -> None:
    """Journalists only: 9 in December 2023 is too few; the years from 2023 only: no count is
    given for 2022."""
    journalists = _change_table(open_page("app_pages/incidents.py", targets="journalist"))
    assert journalists.astype(str).values.tolist()[0][1:] == [
        "December 2023", "9", "November 2023", "10", TOO_FEW,
    ]  # fmt: skip
    later = _change_table(open_page("app_pages/incidents.py", **{"from": "2023"}))
    assert later.astype(str).values.tolist()[1][-1] == (
        "no comparison: 2022 is outside the years counted here (from 2023)"
    )


def test_incidents_page_without_a_source_shows_no_change() -> None:
    """Uzbekistan (no incident source loaded): no change table, no count."""
    at = open_page("app_pages/incidents.py", country="UZB")
    assert "Change in the number of cases" not in [h.value for h in at.subheader]
    assert not [t for t in at.dataframe if "Change" in t.value.columns]


@pytest.mark.usefixtures("hand_made_store")
def test_overview_tile_follows_the_rule_without_colour() -> None:
    """The Overview's incident tile: 23 in 2023, its change in the same words, grey."""
    at = open_page(country="KAZ")
    tile = next(m for m in at.metric if "loaded sources" in m.label)
    assert tile.value == "23" and "2023" in tile.label
    words = "moderate increase: 15% more (23 in 2023 against 20 in 2022)"
    assert tile.proto.delta == escape_markdown(words)  # Markdown, shown as these words
    _no_coloured_delta(at)


def test_summary_carries_the_year_on_year_comparison() -> None:
    summary = incident_summary(pd.DataFrame(hand_made_rows()), "KAZ", TODAY)
    assert summary == IncidentSummary(
        2023, 23, 20, Comparison(YEAR_ON_YEAR, "2023", 23, "2022", 20)
    )
    assert summary.change == "moderate increase: 15% more (23 in 2023 against 20 in 2022)"


def test_brief_states_the_same_words(isolated_default_store: Path) -> None:
    """The brief's incidents section: both changes in words; the rule in its caveat."""
    store = open_default_store(isolated_default_store)
    incidents = hand_made_incidents(store.table("incidents"))
    brief = gather(
        store.table("rankings"), incidents, store.table("events"), "KAZ",
        version=DataVersion(1, "2026-06-01"), today=TODAY,
    )  # fmt: skip
    assert [c.sentence for c in brief.incidents.changes] == [
        "Month on month, large increase: 30% more (13 in December 2023 against 10 in "
        "November 2023).",
        "Year on year, moderate increase: 15% more (23 in 2023 against 20 in 2022).",
    ]
    page = make_html(brief, datetime(2026, 6, 15, tzinfo=UTC), svg=TINY_SVG)
    section = page[page.index('<section class="incidents">') :]
    for words in (
        "<td>Month on month</td><td>13 in December 2023 against 10 in November 2023</td>"
        "<td>large increase: 30% more</td>",
        "<td>Year on year</td><td>23 in 2023 against 20 in 2022</td>"
        "<td>moderate increase: 15% more</td>",
        "limited change: too few cases to call a trend",
    ):
        assert words in section
    assert "Year on year, moderate increase: 15% more" in page  # the plain sentence too
    assert "ACLED" in RULE and "ACLED" in brief.incidents.note
