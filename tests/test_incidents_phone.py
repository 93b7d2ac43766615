"""Incident charts on a 390 px phone (issue 11, item 4), read from the figures' layout: the
legend above the plot (horizontal, outside [0, 1]), entries short enough
for a phone, a height that leaves the plot its room under the legend, axes that end at the data,
whole-number count axes and no colour twice among the first eight series."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.present.charts import PALETTE
from indicators.present.incident_charts import (
    LEGEND_WRAP,
    PLOT_PX,
    counts_over_time,
    legend_name,
    ranked_bars,
    reported_counts_chart,
    tile_grid_map,
)

APP = Path(__file__).resolve().parents[1] / "app.py"


def _page(**params: str) -> list[dict[str, Any]]:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in {"country": "KAZ", **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/incidents.py").run()
    assert not at.exception and not at.error
    return [_decoded(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def _decoded(value: Any) -> Any:
    """A figure's JSON with plotly's packed number arrays ({'dtype', 'bdata'}) as lists."""
    if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:
        raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return raw.reshape(value["shape"]).tolist() if "shape" in value else raw.tolist()
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


@pytest.fixture(scope="module")
def figures() -> list[dict[str, Any]]:
    return _page()


def _legend_ok(layout: dict[str, Any]) -> None:
    legend = layout["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "bottom"
    assert legend["y"] > 1, "the legend sits above the plot, never over it or the x-axis title"
    assert legend["x"] == 0 and legend["xanchor"] == "left"  # from the plot's left edge
    assert legend.get("traceorder") == "normal"  # entries flow in rows, not one tall column


def _shown_names(fig: dict[str, Any]) -> list[str]:
    return [t["name"] for t in fig["data"] if t.get("showlegend", True) and t.get("name")]


def test_time_chart_legend_above_entries_wrapped_height_for_the_legend(
    figures: list[dict[str, Any]],
) -> None:
    """By statute per year: legend above the plot, every legend line within LEGEND_WRAP
    characters, the figure tall enough for the legend as a phone wraps it, x from the first
    year to the end of the last, y in whole numbers."""
    time = figures[0]
    layout = time["layout"]
    _legend_ok(layout)
    names = _shown_names(time)
    assert len(names) >= 9
    for name in names:
        assert all(len(line) <= LEGEND_WRAP for line in name.split("<br>")), name
    lines = sum(n.count("<br>") + 1 for n in names)
    assert layout["height"] >= PLOT_PX + 14 * lines  # one entry a row on a phone, at worst
    assert layout["xaxis"]["range"] == ["2014-01-01", "2026-01-01"]
    assert layout["xaxis"]["autorange"] is False
    assert layout["yaxis"]["tickformat"] == ",d" and layout["yaxis"]["rangemode"] == "tozero"
    assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]


def test_no_colour_twice_among_the_first_eight_statutes(figures: list[dict[str, Any]]) -> None:
    """Art. 129 and art. 378 (and any two of the eight largest) never share a colour; the
    rest are grey, each with its own fill pattern."""
    bars = [t for t in figures[0]["data"] if t["type"] == "bar"]
    colours = [t["marker"]["color"] for t in bars]
    palette = [c for c in colours if c in PALETTE]
    assert len(palette) == min(8, len(bars)) == len(set(palette))
    greys = [t for t in bars if t["marker"]["color"] not in PALETTE]
    patterns = [t["marker"]["pattern"]["shape"] for t in greys]
    assert len(set(patterns)) == len(patterns) and "" not in patterns


def test_monthly_chart_and_reported_chart_end_at_the_data() -> None:
    """Per month: x from the first month to the end of the last; the reported series the same
    (half a month of room either side), legends above, count axes whole."""
    figures = _page(freq="month")
    time, reported = figures[0], figures[-1]
    _legend_ok(time["layout"])
    start, end = time["layout"]["xaxis"]["range"]
    assert start.endswith("-01") and end.endswith("-01") and start >= "2014-01-01"
    assert end <= "2026-01-01"
    _legend_ok(reported["layout"])
    low, high = (pd.Timestamp(x) for x in reported["layout"]["xaxis"]["range"])
    xs = pd.to_datetime(
        pd.Series(
            [
                x
                for t in reported["data"]
                if t["type"] == "scatter" and t.get("yaxis") in (None, "y")
                for x in t["x"]
                if x is not None
            ]
        )
    )
    assert low <= xs.min() and xs.max() <= high
    assert (xs.min() - low).days <= 20 and (high - xs.max()).days <= 20
    assert reported["layout"]["yaxis"]["tickformat"] == ",d"


def test_bars_fit_a_phone(figures: list[dict[str, Any]]) -> None:
    """Region, type and target bars: a short axis title, at most 3 whole-number steps on the
    count axis, an axis ending just past the largest bar, height by the number of bars."""
    bars = [
        f
        for f in figures
        if f["data"][0]["type"] == "bar" and f["data"][0].get("orientation") == "h"
    ]
    assert len(bars) == 3
    for fig in bars:
        axis = fig["layout"]["xaxis"]
        top = max(fig["data"][0]["x"])
        assert axis["title"]["text"] == "Incidents" and axis["tickformat"] == ",d"
        assert top / axis["dtick"] <= 3 and axis["range"] == [0, top * 1.05]
        assert fig["layout"]["height"] >= 24 * len(fig["data"][0]["y"])
        assert fig["layout"]["showlegend"] is False


def test_tile_map_scales_with_the_width(figures: list[dict[str, Any]]) -> None:
    """The tile map draws its squares in the plot's units (they shrink with a phone's width,
    squares stay square), names regions in words, and puts a horizontal colour bar below."""
    tiles = next(f for f in figures if f["data"][0].get("meta", {}).get("role") == "tiles")
    layout = tiles["layout"]
    rects = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert len(rects) == len(tiles["data"][0]["x"]) == 21
    assert all(abs((s["x1"] - s["x0"]) - (s["y1"] - s["y0"])) < 1e-9 for s in rects)
    assert layout["yaxis"]["scaleanchor"] == "x"
    bar = tiles["data"][1]["marker"]["colorbar"]
    assert bar["orientation"] == "h" and bar["y"] < 0 and bar["tickformat"] == ",d"
    assert all(len(t.split("<br>")[0]) <= 11 for t in tiles["data"][0]["text"])


def test_every_incident_chart_builder_puts_its_legend_above() -> None:
    """The builders themselves (not only the page) lay out for a phone."""
    counts = pd.DataFrame(
        {"year": [2022, 2022, 2025], "s": ["a" * 60, "b", "b"], "incidents": [1, 2, 3]}
    )
    fig = counts_over_time(counts, "year", "s", "Year").to_plotly_json()
    _legend_ok(fig["layout"])
    assert fig["layout"]["xaxis"]["range"] == ["2022-01-01", "2026-01-01"]
    assert legend_name("a" * 60).count("<br>") == 1
    reported = pd.DataFrame(
        {
            "period_start": ["2024-01-01", "2024-01-01"],
            "period_end": ["2024-01-31", "2024-01-31"],
            "group": ["g1", "g2"],
            "measure": ["TOTAL", "TOTAL"],
            "value": [3.0, 4.0],
        }
    )
    _legend_ok(reported_counts_chart(reported).to_plotly_json()["layout"])
    one = ranked_bars(pd.DataFrame({"k": ["x"], "incidents": [1]}), "k").to_plotly_json()
    assert one["layout"]["xaxis"]["dtick"] == 1
    layout = pd.DataFrame(
        {"region_code": ["KZ-75"], "row": [0], "col": [0], "short": ["ALA"], "name": ["Almaty"]}
    )
    tile = tile_grid_map(pd.DataFrame({"region_code": ["KZ-75"], "incidents": [2]}), layout)
    assert tile.to_plotly_json()["data"][0]["text"] == ["Almaty<br>2"]
