"""Incident charts: counts over time, ranked bars, maps, the case chain and monitors' own
counts (pure functions from view frames to plotly figures; shared style in :mod:`charts`).

Every string from the data passes through :func:`plotly_text` (as ``_t``) before it reaches a
figure: plotly renders a subset of HTML (links included) in names, hover text and labels.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import LAYOUT, PALETTE, SYMBOLS, add_event_markers
from indicators.text import plotly_text as _t

COUNTED = "Incidents in the loaded sources (distinct)"
_DAY_MS = 86_400_000
BAR_SHARE = 0.8  # a bar fills this share of its period, so neighbours stay apart


def count_axis(top: float) -> dict[str, object]:
    """A count axis from 0 in whole numbers: integer tick steps (1, 2, 5 x 10^k), never 0.5."""
    steps = (m * 10**k for k in range(15) for m in (1, 2, 5))
    step = next(s for s in steps if top / s <= 6)
    return {"rangemode": "tozero", "tickformat": ",d", "dtick": step, "tick0": 0}


def _period_bars(values: pd.Series, period: str) -> tuple[pd.Series, float]:
    """Bar centres (the middle of each year or month) and a width in ms as wide as the period."""
    start = pd.to_datetime(values.astype(str), format="%Y" if period == "year" else "%Y-%m")
    days = 365.25 if period == "year" else 30.44
    middle = start + pd.Timedelta(days=days / 2)
    return middle, days * _DAY_MS * BAR_SHARE


def counts_over_time(
    counts: pd.DataFrame, period: str, series: str, label: str, events: pd.DataFrame | None = None
) -> go.Figure:
    """Stacked bars of incident counts per period, one colour per series value; each bar is as
    wide as its period (a year or a month) and the count axis is in whole numbers."""
    fig = go.Figure()
    for i, (name, group) in enumerate(counts.groupby(series, sort=True)):
        x, width = _period_bars(group[period], period)
        fig.add_trace(
            go.Bar(
                x=x,
                y=group["incidents"],
                width=[width] * len(group),
                name=_t(name),
                marker={
                    "color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": ["", "/", "\\", "x", "-", "|", "+", "."][i % 8]},
                },
                hovertext=[
                    f"{_t(name)}<br>{p}: {n} incidents in the loaded sources"
                    for p, n in zip(group[period], group["incidents"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    top = float(counts.groupby(period)["incidents"].sum().max()) if len(counts) else 1.0
    if len(counts) and events is not None:
        first, last = str(counts[period].min()), str(counts[period].max())
        when = events["date"].str.slice(0, len(first))
        events = events[(when >= first) & (when <= last)]
    add_event_markers(fig, events, (0.0, top))
    fig.update_layout(barmode="stack", yaxis_title=COUNTED, xaxis_title=label, **LAYOUT)
    fig.update_yaxes(**count_axis(top))
    return fig


def ranked_bars(
    counts: pd.DataFrame,
    label_col: str,
    value_col: str = "incidents",
    title: str = COUNTED,
) -> go.Figure:
    """Horizontal bars, largest at the top: the map-free view of regions or categories."""
    data = counts.sort_values(value_col)
    fig = go.Figure(
        go.Bar(
            x=data[value_col],
            y=[_t(label) for label in data[label_col]],
            orientation="h",
            marker={"color": PALETTE[0]},
            text=data[value_col],
            textposition="auto",
        )
    )
    fig.update_layout(
        xaxis_title=title, **{**LAYOUT, "margin": {"l": 180, "r": 20, "t": 20, "b": 40}}
    )
    fig.update_xaxes(**count_axis(float(data[value_col].max()) if len(data) else 1.0))
    return fig


def tile_grid_map(counts: pd.DataFrame, layout: pd.DataFrame) -> go.Figure:
    """A tile-grid map laid out by the project: one square per region, shaded by count."""
    data = layout.merge(counts[["region_code", "incidents"]], on="region_code", how="left")
    data["incidents"] = data["incidents"].fillna(0).astype(int)
    top = max(int(data["incidents"].max()), 1)
    fig = go.Figure(
        go.Scatter(
            x=data["col"],
            y=data["row"],
            mode="markers+text",
            marker={
                "symbol": "square",
                "size": 58,
                "color": data["incidents"],
                "cmin": 0,
                "cmax": top,
                "colorscale": [[0, "#f7f7f7"], [1, "#0072B2"]],
                "line": {"color": "#333", "width": 1},
                "colorbar": {"title": "incidents (loaded sources)"},
            },
            text=[f"{_t(s)}<br>{n}" for s, n in zip(data["short"], data["incidents"], strict=True)],
            textfont={"size": 10},
            hovertext=[
                f"{_t(n)}: {c} incidents"
                for n, c in zip(data["name"], data["incidents"], strict=True)
            ],
            hoverinfo="text",
        )
    )
    fig.update_xaxes(visible=False, range=[-0.6, data["col"].max() + 0.6])
    fig.update_yaxes(visible=False, autorange="reversed", range=[-0.6, data["row"].max() + 0.6])
    fig.update_layout(height=420, **{**LAYOUT, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}})
    return fig


def choropleth(counts: pd.DataFrame, geojson: dict[str, object], key: str) -> go.Figure:
    """A true choropleth from a configured boundary file (no map tiles: nothing from the internet)."""
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            locations=counts["region_code"],
            z=counts["incidents"],
            featureidkey=key,
            colorscale=[[0, "#f7f7f7"], [1, "#0072B2"]],
            marker_line_color="#333",
            text=[_t(n) for n in counts["region_name"]] if "region_name" in counts else None,
            hoverinfo="text+z",  # the region codes (data) are never shown
            colorbar_title="incidents (loaded sources)",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(height=460, **{**LAYOUT, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})
    return fig


def _series_name(measure: object, group: object) -> str:
    return f"{measure} ({group})" if isinstance(group, str) and group else str(measure)


def _monthly_with_gaps(group: pd.DataFrame) -> pd.DataFrame:
    """One row per month from the series' first to its last, blank where nothing was reported
    (so a missing month is drawn as a gap, never bridged by a line)."""
    starts = pd.to_datetime(group["period_start"])
    months = pd.date_range(starts.min(), starts.max(), freq="MS")
    data = group.assign(period_start=starts).drop_duplicates("period_start")
    return data.set_index("period_start").reindex(months).rename_axis("month").reset_index()


def reported_counts_chart(reported: pd.DataFrame, events: pd.DataFrame | None = None) -> go.Figure:
    """A monitor's own monthly figures (never added to incident records): one line per measure
    and group, with a gap wherever a month is missing."""
    fig = go.Figure()
    keyed = reported.assign(group=reported["group"].fillna(""))
    for i, ((measure, group_name), group) in enumerate(
        keyed.groupby(["measure", "group"], sort=True)
    ):
        name = _t(_series_name(measure, group_name))
        data = _monthly_with_gaps(group)
        present = data["value"].notna()
        fig.add_trace(
            go.Scatter(
                x=data["month"],
                y=[float(v) if ok else None for v, ok in zip(data["value"], present, strict=True)],
                mode="lines+markers",
                connectgaps=False,
                name=name,
                line={"color": PALETTE[i % len(PALETTE)]},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)]},
                hovertext=[
                    f"{name}: {v!s} ({_t(s)} to {_t(e)})" if ok else ""
                    for v, s, e, ok in zip(
                        data["value"],
                        data["month"].dt.date,
                        data["period_end"],
                        present,
                        strict=True,
                    )
                ],
                hoverinfo="text",
            )
        )
    top = float(reported["value"].astype(float).max()) if len(reported) else 1.0
    if len(reported) and events is not None:
        when = events["date"]
        events = events[
            (when >= reported["period_start"].min()) & (when <= reported["period_end"].max())
        ]
        add_event_markers(fig, events, (0.0, top))
    fig.update_layout(yaxis_title="As reported by the monitor", xaxis_title="Month", **LAYOUT)
    fig.update_yaxes(**count_axis(top))
    return fig


def chain_chart(chain: pd.DataFrame) -> go.Figure:
    """Cases reaching each stage: opened, charged, convicted."""
    fig = go.Figure(
        go.Funnel(
            y=chain["stage"].str.replace("_", " "),
            x=chain["cases"],
            marker={"color": [PALETTE[0], PALETTE[1], PALETTE[3]]},
        )
    )
    fig.update_layout(height=260, **{**LAYOUT, "margin": {"l": 160, "r": 20, "t": 10, "b": 10}})
    return fig
