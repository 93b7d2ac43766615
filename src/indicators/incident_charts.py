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


def counts_over_time(
    counts: pd.DataFrame, period: str, series: str, label: str, events: pd.DataFrame | None = None
) -> go.Figure:
    """Stacked bars of incident counts per period, one colour per series value."""
    fig = go.Figure()
    for i, (name, group) in enumerate(counts.groupby(series, sort=True)):
        x = pd.to_datetime(group[period].astype(str), format="%Y" if period == "year" else "%Y-%m")
        fig.add_trace(
            go.Bar(
                x=x,
                y=group["incidents"],
                name=_t(name),
                marker={
                    "color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": ["", "/", "\\", "x", "-", "|", "+", "."][i % 8]},
                },
                hovertext=[
                    f"{_t(name)}<br>{p}: {n} incidents"
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
    fig.update_layout(
        barmode="stack", yaxis_title="Incidents (distinct)", xaxis_title=label, **LAYOUT
    )
    return fig


def ranked_bars(
    counts: pd.DataFrame,
    label_col: str,
    value_col: str = "incidents",
    title: str = "Incidents (distinct)",
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
                "colorbar": {"title": "incidents"},
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
            colorbar_title="incidents",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(height=460, **{**LAYOUT, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})
    return fig


def reported_counts_chart(reported: pd.DataFrame, events: pd.DataFrame | None = None) -> go.Figure:
    """A monitor's own figures as their own series (never added to incident records)."""
    fig = go.Figure()
    for i, (measure, group) in enumerate(reported.groupby("measure", sort=True)):
        group = group.sort_values("period_start")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["period_start"]),
                y=group["value"].astype(float),
                mode="lines+markers",
                name=_t(measure),
                line={"color": PALETTE[i % len(PALETTE)]},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)]},
                hovertext=[
                    f"{_t(measure)}: {v!s} ({s} to {e})"
                    for v, s, e in zip(
                        group["value"], group["period_start"], group["period_end"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    if len(reported) and events is not None:
        when = events["date"]
        events = events[
            (when >= reported["period_start"].min()) & (when <= reported["period_end"].max())
        ]
        top = float(reported["value"].astype(float).max())
        add_event_markers(fig, events, (0.0, top))
    fig.update_layout(yaxis_title="As reported by the monitor", xaxis_title="Month", **LAYOUT)
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
