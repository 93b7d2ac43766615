"""Rankings charts a reader can follow, on a desktop and a phone (issue 11 items 1-4).

Each test reads the figure the page draws (AppTest on the embedded data, plus Freedom House's
real FIW workbook where a test needs an index without ranks) or the figure the chart builder
returns: legend entries, colours, the focus line, the event band, axis ranges and labels.
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.present.chart_events import (
    LANE_BUDGET,
    MARKER_PX,
    MIN_GAP_PX,
    PHONE_PLOT_PX,
    add_event_markers,
    label_px,
    short_label,
)
from indicators.present.chart_style import GREY, OTHERS, PALETTE
from indicators.present.charts import position_chart
from indicators.query.views import rankings_view
from indicators.sources.reading import SourceFile
from tests.conftest import shared_file

APP = Path(__file__).resolve().parents[1] / "app.py"
CENTRAL_ASIA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


def _page(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/rankings.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _chart(at: AppTest) -> dict[str, Any]:
    """The rankings chart: the first figure of the page."""
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _values(array: Any) -> list[Any]:
    """A figure array as a list (plotly writes number arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _series(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in fig["data"] if t.get("meta", {}).get("role") == "series"]


def _legend_entries(fig: dict[str, Any]) -> list[str]:
    if fig["layout"].get("showlegend") is False:
        return []
    return [t["name"] for t in fig["data"] if t.get("showlegend", True)]


def _events(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in fig["data"] if t.get("meta", {}).get("role") == "event"]


def test_central_asia_one_legend_entry_per_country() -> None:
    """Central Asia had 15 legend entries (country x method) plus one per event kind; now 5."""
    fig = _chart(_page(peers="Central Asia"))
    entries = _legend_entries(fig)
    assert sorted(entries) == [
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
    ]
    assert len({t["meta"]["methodology"] for t in _series(fig)}) == 3  # eras are still breaks
    by_country: dict[str, set[str]] = {}
    for t in _series(fig):
        by_country.setdefault(t["meta"]["iso3"], set()).add(t["legendgroup"])
    assert all(len(groups) == 1 for groups in by_country.values())


def test_no_colour_used_twice_among_the_first_eight() -> None:
    """The RSF zone (13 countries): eight colours for eight countries, the rest grey, one
    'Other countries' entry, and each grey line still named on hover."""
    fig = _chart(_page(peers="RSF zone: Eastern Europe - Central Asia"))
    colour: dict[str, str] = {}
    for t in _series(fig):
        colour.setdefault(t["meta"]["iso3"], t["line"]["color"])
    coloured = [c for c in colour.values() if c != GREY]
    assert len(coloured) == 8 and len(set(coloured)) == 8 and set(coloured) == set(PALETTE)
    assert sum(c == GREY for c in colour.values()) == 13 - 8
    entries = _legend_entries(fig)
    assert entries.count(OTHERS) == 1 and len(entries) == 9
    grey = [t for t in _series(fig) if t["line"]["color"] == GREY]
    assert all(t["hovertext"][0].split(":")[0] not in ("", OTHERS) for t in grey)


def test_focus_country_drawn_strongly_and_labelled() -> None:
    """Kazakhstan (the page's country) is thick, opaque, drawn last, labelled at its line end."""
    fig = _chart(_page(peers="Central Asia"))
    series = _series(fig)
    focus = [t for t in series if t["meta"]["iso3"] == "KAZ"]
    others = [t for t in series if t["meta"]["iso3"] != "KAZ"]
    assert series[-1]["meta"]["iso3"] == "KAZ"
    assert min(t["line"]["width"] for t in focus) > max(t["line"]["width"] for t in others)
    assert all(t.get("opacity", 1) == 1 for t in focus)
    assert all(t["opacity"] < 1 for t in others)
    last = max((x, y) for t in focus for x, y in zip(t["x"], _values(t["y"]), strict=True))
    label = next(a for a in fig["layout"]["annotations"] if a.get("name") == "focus-label")
    assert "Kazakhstan" in label["text"] and f"{last[1]:.0f}" in label["text"]
    assert (pd.Timestamp(label["x"]), label["y"]) == (pd.Timestamp(last[0]), last[1])


def test_one_country_has_no_legend() -> None:
    fig = _chart(_page())
    assert fig["layout"]["showlegend"] is False
    assert _legend_entries(fig) == []


def test_event_markers_on_their_own_band_never_on_a_line() -> None:
    """Events sit on a second y axis above the plot's domain; at most one legend entry."""
    fig = _chart(_page(peers="Central Asia"))
    events = _events(fig)
    assert events and all(t["yaxis"] == "y2" for t in events)
    plot, band = fig["layout"]["yaxis"]["domain"], fig["layout"]["yaxis2"]["domain"]
    assert plot[1] < band[0] and band[1] == 1
    assert sum(1 for t in events if t.get("showlegend", True)) <= 1
    assert any(
        a.get("name") == "band-title" and a["text"] == "Events"
        for a in fig["layout"]["annotations"]
    )
    hovers = " ".join(h for t in events for h in t["hovertext"])
    assert "Zhanaozen: police fire on striking oil workers" in hovers  # the full title
    assert "16 Dec 2011" in hovers and "Jan 2022" in hovers  # dates at their precision
    assert "2022-01-01" not in hovers


def test_legend_above_the_plot_outside_it() -> None:
    fig = _chart(_page(peers="Central Asia"))
    legend = fig["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["y"] >= 1 and legend["yanchor"] == "bottom"


def test_x_axis_ends_at_the_data() -> None:
    """From the first period's start (Sep 2001) to the last one's end (Dec 2025), never 2040."""
    fig = _chart(_page(peers="Central Asia"))
    start, end = (pd.Timestamp(x) for x in fig["layout"]["xaxis"]["range"])
    assert pd.Timestamp("2001-01-01") < start < pd.Timestamp("2001-09-01")
    assert pd.Timestamp("2025-12-31") < end < pd.Timestamp("2026-07-01")
    for t in _events(fig):
        assert all(start <= pd.Timestamp(x) <= end for x in t["x"])


def test_labels_are_words_not_column_names() -> None:
    at = _page()
    assert at.radio(key="view").options == ["Position", "Rank", "Score"]
    assert "RSF World Press Freedom Index" in at.selectbox(key="index").options
    assert "rsf_wpfi" not in at.selectbox(key="index").options
    kinds = at.multiselect(key="event_kinds").options
    assert "Protest or unrest" in kinds or "Protest/unrest" in kinds
    table = at.dataframe[0].value
    assert "n_ranked" not in table.columns and "Number ranked" in table.columns
    assert not table.astype(str).isin(["None", "nan", "<NA>"]).any().any()
    assert "RSF 2022- method" in set(table["Method"])
    fig = _chart(at)
    hovers = [h for t in _series(fig) for h in t["hovertext"]]
    assert any("158th of 180 in RSF World Press Freedom Index 2018" in h for h in hovers)
    assert not any("rsf_wpfi" in h for h in hovers)
    assert fig["layout"]["yaxis"]["title"]["text"] == "Position (0-100, 100 = freest)"


def test_url_reproduces_the_figure() -> None:
    """The link holds peers, index, measure and event kinds: same figure as chosen by hand."""
    linked = _page(
        country="KAZ", peers="Central Asia", index="rsf_wpfi", view="rank", event_kinds="election"
    )
    by_hand = _page()
    by_hand.selectbox(key="peers").set_value("Central Asia").run()
    by_hand.radio(key="view").set_value("rank").run()
    by_hand.multiselect(key="event_kinds").set_value(["election"]).run()
    assert _chart(linked) == _chart(by_hand)
    assert by_hand.query_params["peers"] in ("Central Asia", ["Central Asia"])
    assert by_hand.query_params["event_kinds"] in ("election", ["election"])
    assert {t["meta"]["kind"] for t in _events(_chart(linked))} <= {"election", "several"}


def test_url_holds_comparable_method_and_custom_list() -> None:
    at = _page(peers="Custom list", custom="RUS", comparable="1", era="rsf_2013_2021")
    fig = _chart(at)
    assert {t["meta"]["iso3"] for t in _series(fig)} == {"KAZ", "RUS"}
    assert {t["meta"]["methodology"] for t in _series(fig)} == {"rsf_2013_2021"}


def _rules_px(fig: go.Figure | dict[str, Any], names: str) -> list[float]:
    layout = fig["layout"] if isinstance(fig, dict) else fig.to_dict()["layout"]
    start, end = (pd.Timestamp(x) for x in layout["xaxis"]["range"])
    scale = PHONE_PLOT_PX / (end - start).total_seconds()
    return sorted(
        (pd.Timestamp(a["x"]) - start).total_seconds() * scale
        for a in layout["annotations"]
        if a.get("name") == names
    )


def _lane_boxes(fig: dict[str, Any]) -> dict[int, list[tuple[float, float]]]:
    """Each band label's box at phone width, by lane (as the layout estimates text widths)."""
    start, end = (pd.Timestamp(x) for x in fig["layout"]["xaxis"]["range"])
    scale = PHONE_PLOT_PX / (end - start).total_seconds()
    lanes: dict[int, list[tuple[float, float]]] = {}
    for t in _events(fig):
        rows = zip(t["x"], _values(t["y"]), t["text"], t["textposition"], strict=True)
        for x, lane, text, side in rows:
            px = (pd.Timestamp(x) - start).total_seconds() * scale
            width = label_px(text)
            x0 = px - MARKER_PX / 2 if side == "middle right" else px + MARKER_PX / 2 - width
            lanes.setdefault(lane, []).append((x0, x0 + width))
    return lanes


def _assert_no_overlap(lanes: dict[int, list[tuple[float, float]]]) -> None:
    for boxes in lanes.values():
        boxes.sort()
        for (_, end), (start, _) in itertools.pairwise(boxes):
            assert start - end >= MIN_GAP_PX - 1e-6, boxes
        assert boxes[0][0] >= -MARKER_PX and boxes[-1][1] <= PHONE_PLOT_PX + MARKER_PX


def test_phone_layout_nothing_overlaps() -> None:
    """At 390 px: labels in one lane keep their distance, method labels apart, legend out of
    the plot, x range within the data, a figure that fits a phone's screen."""
    fig = _chart(_page(peers="Central Asia"))
    lanes = _lane_boxes(fig)
    assert 1 <= len(lanes) <= LANE_BUDGET
    _assert_no_overlap(lanes)
    methods = _rules_px(fig, "method-label")
    assert len(methods) == 2 and methods[1] - methods[0] > 14
    assert 380 <= fig["layout"]["height"] <= 720


def test_crowded_events_merge_and_never_overlap() -> None:
    """Forty events in 2022-2025 (Kazakhstan's busiest years, many times over) still fit."""
    store = open_default_store()
    view = rankings_view(store.table("rankings"), ["KAZ"], "rsf_wpfi")
    days = pd.date_range("2022-01-03", "2025-11-20", periods=40)
    events = pd.DataFrame(
        {
            "country": "KAZ",
            "date": days.strftime("%Y-%m-%d"),
            "date_precision": "day",
            "date_end": None,
            "title": [f"<a href='x'>Event number {i} with a long title</a>" for i in range(40)],
            "kind": ["election", "statement", "law change", "protest/unrest"] * 10,
            "source_name": "public record",
        }
    )
    fig = position_chart(view, "position", events, ["KAZ"]).to_dict()
    lanes = _lane_boxes(fig)
    assert len(lanes) <= LANE_BUDGET
    _assert_no_overlap(lanes)
    texts = [s for t in _events(fig) for s in [*t["text"], *t["hovertext"]]]
    assert not any("<a" in s for s in texts) and any("&lt;a href" in s for s in texts)
    drawn = sum(h.count("Event number") for t in _events(fig) for h in t["hovertext"])
    assert drawn == 40  # every event is in a hover, merged ones included


def test_short_labels() -> None:
    assert (
        short_label("Zhanaozen: police fire on striking oil workers") == "Zhanaozen: police\u2026"
    )
    assert short_label("Snap presidential election") == "Snap presidential\u2026"
    assert short_label("Capital renamed back to Astana") == "Capital renamed back\u2026"
    assert short_label("Short") == "Short"
    assert all(len(short_label("x" * n)) <= 21 for n in range(1, 60))


def test_incident_charts_keep_add_event_markers() -> None:
    """add_event_markers(fig, events, y_range) still works on any time chart: a band above."""
    fig = go.Figure(go.Bar(x=pd.to_datetime(["2021-07-01", "2022-07-01"]), y=[3, 5]))
    events = pd.DataFrame(
        {"date": ["2022-01-01"], "date_precision": ["month"], "title": ["Unrest"], "kind": ["x"]}
    )
    add_event_markers(fig, events, (0.0, 5.0))
    spec = fig.to_dict()
    band = [t for t in spec["data"] if t.get("yaxis") == "y2"]
    assert len(band) == 1 and band[0]["name"] == "event: X"
    assert spec["layout"]["yaxis"]["domain"][1] < spec["layout"]["yaxis2"]["domain"][0]


@pytest.fixture
def with_freedom_house(isolated_default_store: Path) -> Path:
    """The app's default store: embedded data plus Freedom House's real FIW 2013-2024 workbook."""
    store = open_default_store(isolated_default_store)
    fiw = shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx")
    ingest(store, [SourceFile.from_path(fiw)], user="seed")
    return isolated_default_store


def test_freedom_house_index_opens_on_a_measure_it_has(with_freedom_house: Path) -> None:
    """FIW has no rank: the page offers its score only, and the default draws a chart."""
    at = _page()
    at.selectbox(key="index").set_value("fh_fiw").run()
    assert at.radio(key="view").options == ["Score"]
    fig = _chart(at)
    ys = [y for t in _series(fig) for y in _values(t["y"])]
    assert len(ys) == 12 and ys[-1] == 23  # 2013-2024 editions, 23 in 2024
    assert fig["layout"]["yaxis"]["title"]["text"] == "Freedom in the World score (0-100)"
    assert any("Freedom in the World total" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert "Rank (1 = freest)" not in table.columns


def test_flat_series_drawn_on_the_full_scale(with_freedom_house: Path) -> None:
    """FH's media indicator D1 is 0 every year for Kazakhstan: drawn on 0-4, not -1..1."""
    at = _page(index="fh_fiw_d1")
    fig = _chart(at)
    assert {y for t in _series(fig) for y in _values(t["y"])} == {0}
    low, high = fig["layout"]["yaxis"]["range"]
    assert low <= 0 and high >= 100
    assert fig["layout"]["yaxis"]["ticktext"] == ["0", "1", "2", "3", "4"]
    assert "0-4" in fig["layout"]["yaxis"]["title"]["text"]
