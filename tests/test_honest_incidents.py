"""Honest incident figures (issue 11, item 1): no count where no source is loaded, no trend read
into small counts, reported series never joined across groups or gaps, whole-number axes and
bars as wide as their period."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import parse_files
from indicators.present.incident_charts import count_axis, counts_over_time, reported_counts_chart
from indicators.present.sentences import incident_sentence
from indicators.query.overview import IncidentSummary, incident_summary
from indicators.query.trend import LOW_BASELINE, TOO_FEW, too_few
from indicators.sources.reading import SourceFile
from indicators.tables.changes import merge_batch
from tests.conftest import shared_file
from tests.pages import open_page as _run

APP = Path(__file__).resolve().parents[1] / "app.py"
YEAR_MS = 365.25 * 86_400_000


@pytest.fixture
def world_rankings(isolated_default_store: Path) -> None:
    """The default store plus RSF's real 2025 and 2026 editions (every country, Germany too)."""
    store = open_default_store(isolated_default_store)
    files = [SourceFile.from_path(shared_file("rsf", f"{y}.csv")) for y in (2025, 2026)]
    parsed = pd.concat([p.frame for p in parse_files(files)], ignore_index=True)
    merged = merge_batch(store.table("rankings"), parsed, "rankings")
    store.commit({"rankings": merged}, user="test", message="RSF world editions for a test")


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


# The low-baseline rule, at its boundary.


def test_rule_boundary_below_in_either_period() -> None:
    """9 cases in either year is too few to call a trend; 10 in both is not."""
    assert LOW_BASELINE == 10
    assert too_few(9, 10) and too_few(10, 9) and too_few(0, 0) and too_few(4, 6)
    assert not too_few(10, 10) and not too_few(10, 250)


def change_in_words(this: int, last: int, last_label: str) -> str:
    """The Overview's change for two whole years (this one in the year after ``last_label``)."""
    return IncidentSummary(int(last_label) + 1, this, last).change


def test_rule_words_below_and_at_the_baseline() -> None:
    """Below the baseline the change is not stated; at or above it, it is stated in words."""
    assert change_in_words(4, 6, "2024") == f"{TOO_FEW} (4 in 2025 against 6 in 2024)"
    assert change_in_words(9, 30, "2024") == f"{TOO_FEW} (9 in 2025 against 30 in 2024)"
    assert (
        change_in_words(12, 10, "2024")
        == "moderate increase: 20% more (12 in 2025 against 10 in 2024)"
    )
    assert (
        change_in_words(10, 12, "2024")
        == "limited change: 17% fewer (10 in 2025 against 12 in 2024)"
    )
    assert (
        change_in_words(10, 10, "2024")
        == "limited change: the same number (10 in 2025 against 10 in 2024)"
    )


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_rule_never_signs_a_change(this: int, last: int) -> None:
    """No change is ever given as a signed number (a +/- reads as good or bad news)."""
    words = change_in_words(this, last, "2024")
    assert not any(c in words for c in "+-")
    assert words.startswith(TOO_FEW) == (min(this, last) < LOW_BASELINE)


def test_summary_none_without_records_and_sentence_says_so() -> None:
    """A country no incident source covers gets no summary, and the sentence says so (no 0)."""
    frame = pd.DataFrame(
        {"country": ["KAZ"], "synthetic": [False], "year": [2025], "incident_id": ["a"]}
        | {"date": ["2025-03-01"], "date_precision": ["day"]}
    )
    assert incident_summary(frame, "DEU", date(2026, 6, 1)) is None
    sentence = incident_sentence("Germany", None)
    assert "No incident records are loaded for Germany" in sentence
    assert "0" not in sentence
    small = incident_sentence("Kazakhstan", IncidentSummary(2025, 4, 6))
    assert TOO_FEW in small and "loaded sources" in small


# Chart figures from hand-made counts.


def test_single_year_bars_are_one_year_wide() -> None:
    """Two single-year bars three years apart are each under a year wide, not three years."""
    counts = pd.DataFrame({"year": [2022, 2025], "statute": ["a", "a"], "incidents": [1, 2]})
    fig = counts_over_time(counts, "year", "statute", "Year").to_plotly_json()
    widths = fig["data"][0]["width"]
    assert all(0.5 * YEAR_MS < w <= YEAR_MS for w in widths)


def test_count_axes_whole_numbers() -> None:
    """Count axes start at 0 with integer ticks (never 0.5 incidents)."""
    for top, step in ((1, 1), (2, 1), (6, 1), (7, 2), (12, 2), (13, 5), (31, 10), (999, 200)):
        axis = count_axis(top)
        assert axis["dtick"] == step, (top, axis)
        assert axis["tickformat"] == ",d" and axis["rangemode"] == "tozero"
    counts = pd.DataFrame({"year": [2024], "statute": ["a"], "incidents": [1]})
    layout = counts_over_time(counts, "year", "statute", "Year").to_plotly_json()["layout"]
    assert layout["yaxis"]["dtick"] == 1 and layout["yaxis"]["tickformat"] == ",d"


def test_reported_one_line_per_group_with_gaps() -> None:
    """TOTAL in two groups is two lines; a missing month is a blank point, never bridged."""
    rows = [
        ("2024-01-01", "2024-01-31", "g1", 3.0),
        ("2024-02-01", "2024-02-29", "g1", 4.0),
        ("2024-04-01", "2024-04-30", "g1", 5.0),
        ("2024-01-01", "2024-01-31", "g2", 7.0),
    ]
    reported = pd.DataFrame(rows, columns=["period_start", "period_end", "group", "value"])
    reported["measure"] = "TOTAL"
    fig = reported_counts_chart(reported).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == ["TOTAL (g1)", "TOTAL (g2)"]
    g1 = fig["data"][0]
    assert list(g1["y"]) == [3.0, 4.0, None, 5.0] and g1["connectgaps"] is False


# The pages.


@pytest.mark.usefixtures("world_rankings")
def test_overview_germany_shows_no_incident_count() -> None:
    """?country=DEU: no incident tile and no '0 incidents'; the page says none are loaded."""
    at = _run(country="DEU")
    assert not any("ncident" in m.label for m in at.metric)
    text = _texts(at)
    assert "No incident records are loaded for Germany" in text
    assert "recorded 0" not in text and "Incidents recorded" not in text


@pytest.mark.usefixtures("world_rankings")
def test_incidents_germany_draws_no_empty_chart() -> None:
    """?country=DEU on the Incidents page: the sentence and no chart at all (no empty axes)."""
    at = _run("app_pages/incidents.py", country="DEU")
    assert "No incident records are loaded for Germany" in _texts(at)
    assert _figures(at) == []


def test_overview_kazakhstan_small_change_not_coloured() -> None:
    """Kazakhstan's incident tile: the change under 10 cases is 'too few', grey, no arrow."""
    at = _run(country="KAZ")
    tile = next(m for m in at.metric if "loaded sources" in m.label)
    shown = tile.proto.delta.replace("\\", "").replace("\u2060", "")  # Markdown, as read
    assert shown.startswith(TOO_FEW), tile.proto.delta
    assert tile.proto.color == Metric.MetricColor.GRAY
    assert tile.proto.direction == Metric.MetricDirection.NONE
    assert "loaded sources" in _texts(at)


def test_incidents_kazakhstan_axes_bars_and_reported_lines() -> None:
    """Kazakhstan: integer count axis, bars a year wide, reported TOTAL one line per group."""
    at = _run("app_pages/incidents.py", country="KAZ")
    figures = _figures(at)
    time = figures[0]
    assert time["layout"]["yaxis"]["tickformat"] == ",d"
    assert isinstance(time["layout"]["yaxis"]["dtick"], int)
    bars = [t for t in time["data"] if t["type"] == "bar"]
    assert bars and all(w <= YEAR_MS for t in bars for w in t["width"])
    reported = figures[-1]
    names = [t["name"] for t in reported["data"] if not t["name"].startswith("event: ")]
    totals = [n for n in names if n.startswith("TOTAL")]
    assert len(totals) == len(set(totals)) >= 2
    assert "TOTAL (all groups)" in totals
    for trace in reported["data"]:
        if trace["name"] in totals:
            assert trace["connectgaps"] is False
            months = pd.to_datetime(pd.Series(trace["x"]))
            assert (months.diff().dropna() <= pd.Timedelta(days=31)).all()
