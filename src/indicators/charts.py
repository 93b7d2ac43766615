"""Chart builders: pure functions from view frames to plotly figures (no streamlit here).

* Time runs on the **period covered**: an edition is drawn at the middle of the period it
  describes (edition 2025 at mid-2024), so events line up with the edition that reflects them.
* Methodology breaks are drawn as breaks: each era is its own trace, so no line ever joins two
  editions made by different methods, and a dotted line marks each change of method.
* Events are markers with a vertical rule, one trace per kind, so the legend toggles them.
* Colours are the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies;
  markers also differ by shape, so nothing relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators._values import is_missing
from indicators.normalise import rank_phrase

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
ERA_LABELS = {
    "rsf_2002_2012": "RSF 2002-2012 method",
    "rsf_2013_2021": "RSF 2013-2021 method",
    "rsf_2022": "RSF 2022- method",
}
MEASURES = {
    "position": ("Position (0-100, 100 = freest)", False),
    "rank": ("Rank (1 = freest)", True),
    "score_normalised": ("Score (0-100, higher = freer)", False),
}
LAYOUT = {
    "hovermode": "closest",
    "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.18},
    "template": "plotly_white",
    "font": {"family": "sans-serif"},
}


def period_midpoints(frame: pd.DataFrame) -> pd.Series:
    """The middle of each row's period covered, as a timestamp (edition year - 1 if unknown)."""
    start = pd.to_datetime(frame["period_start"], errors="coerce")
    end = pd.to_datetime(frame["period_end"], errors="coerce")
    fallback = pd.to_datetime(
        (frame["edition_year"].astype("Int64") - 1).astype(str) + "-07-01", errors="coerce"
    )
    return (start + (end - start) / 2).fillna(fallback)


def hover_text(frame: pd.DataFrame) -> list[str]:
    """'Kazakhstan: 141st of 180 - edition 2025, covering 2024' for every row."""
    out = []
    for r in frame.itertuples():
        score = "" if is_missing(r.score) else f", score {r.score!s}"
        out.append(
            f"{r.country}: {rank_phrase(r.rank, r.n_ranked)} - edition {r.edition}, "
            f"covering {r.period_label}<br>position {r.position!s}{score}"
        )
    return out


def era_breaks(frame: pd.DataFrame) -> list[tuple[pd.Timestamp, str]]:
    """Where each methodology era after the first begins (start of its first period covered)."""
    rows = frame.assign(_start=pd.to_datetime(frame["period_start"], errors="coerce"))
    firsts = rows.groupby("methodology")["_start"].min().sort_values()
    return [(ts, str(era)) for era, ts in firsts.iloc[1:].items() if not pd.isna(ts)]


def within_period(
    events: pd.DataFrame | None, data: pd.DataFrame, margin_days: int = 366
) -> pd.DataFrame | None:
    """Events that fall inside the charted periods (so an old event does not stretch the axis)."""
    if events is None or events.empty or data.empty:
        return events
    start = pd.to_datetime(data["period_start"], errors="coerce").min() - pd.Timedelta(
        days=margin_days
    )
    end = pd.to_datetime(data["period_end"], errors="coerce").max() + pd.Timedelta(days=margin_days)
    when = pd.to_datetime(events["date"], errors="coerce")
    return events[(when >= start) & (when <= end)]


def add_event_markers(
    fig: go.Figure, events: pd.DataFrame | None, y_range: tuple[float, float]
) -> None:
    """One legend entry per event kind: a marker at the top and a thin rule down the chart."""
    if events is None or events.empty:
        return
    low, high = y_range
    for i, (kind, group) in enumerate(events.groupby("kind", sort=True)):
        xs: list[object] = []
        ys: list[float | None] = []
        texts: list[str] = []
        for e in group.to_dict("records"):
            when = pd.Timestamp(str(e["date"]))
            xs += [when, when, None]
            ys += [low, high, None]
            source = e.get("source_name")
            label = f"{e['date']!s}: {e['title']!s} ({kind!s})" + (
                f"<br>source: {source!s}" if isinstance(source, str) and source else ""
            )
            texts += [label, label, ""]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=f"event: {kind}",
                legendgroup=f"event-{kind}",
                line={"color": "#888", "width": 1, "dash": "dot"},
                marker={
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "size": [0, 11, 0] * len(group),
                    "color": "#444",
                },
                hovertext=texts,
                hoverinfo="text",
                meta={"role": "event", "kind": str(kind)},
            )
        )


def position_chart(
    frame: pd.DataFrame,
    measure: str = "position",
    events: pd.DataFrame | None = None,
    countries: Sequence[str] | None = None,
) -> go.Figure:
    """A ranking measure over the periods covered: one trace per country and era, with breaks."""
    title, inverted = MEASURES[measure]
    fig = go.Figure()
    data = frame.assign(_x=period_midpoints(frame))
    order = list(countries) if countries else sorted(data["iso3"].unique())
    for ci, iso3 in enumerate(order):
        rows = data[data["iso3"] == iso3].sort_values("edition_year")
        colour = PALETTE[ci % len(PALETTE)]
        for ei, (era, seg) in enumerate(rows.groupby("methodology", sort=False)):
            seg = seg.dropna(subset=[measure])
            if seg.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=seg["_x"],
                    y=seg[measure].astype(float),
                    mode="lines+markers",
                    name=f"{seg['country'].iloc[0]} ({ERA_LABELS.get(str(era), era)})",
                    legendgroup=iso3,
                    line={"color": colour},
                    marker={"symbol": SYMBOLS[ei % len(SYMBOLS)], "size": 8, "color": colour},
                    hovertext=hover_text(seg),
                    hoverinfo="text",
                    meta={"role": "series", "iso3": iso3, "methodology": str(era)},
                )
            )
    values = data[measure].dropna().astype(float)
    y_range = (float(values.min()), float(values.max())) if len(values) else (0.0, 100.0)
    if measure == "position":
        y_range = (0.0, 100.0)
    for i, (when, era) in enumerate(era_breaks(data)):
        fig.add_vline(x=when, line_dash="dash", line_color="#555", line_width=1)
        edition = data.loc[data["methodology"] == era, "edition"].min()
        fig.add_annotation(
            x=when,
            y=1.03 + 0.06 * (i % 2),
            yref="paper",
            showarrow=False,
            font={"size": 11},
            xanchor="left",
            text=f"new RSF method ({edition})",
        )
    events = within_period(events, data)
    add_event_markers(fig, events, y_range)
    fig.update_layout(
        yaxis_title=title,
        xaxis_title="Period covered (editions are published the year after)",
        **LAYOUT,
    )
    if inverted:
        fig.update_yaxes(autorange="reversed")
    return fig


def sub_indicator_chart(frame: pd.DataFrame, events: pd.DataFrame | None = None) -> go.Figure:
    """RSF's five sub-indicator scores (2022 onwards) for one country over editions."""
    fig = go.Figure()
    data = frame[frame["methodology"] == "rsf_2022"].assign(_x=lambda d: period_midpoints(d))
    for i, name in enumerate(("political", "economic", "legal", "social", "safety")):
        fig.add_trace(
            go.Scatter(
                x=data["_x"],
                y=data[f"{name}_score"].astype(float),
                mode="lines+markers",
                name=name.capitalize(),
                line={"color": PALETTE[i]},
                marker={"symbol": SYMBOLS[i], "size": 8},
                hovertext=[
                    f"{name} {s!s} (rank {r!s}) - edition {e}"
                    for s, r, e in zip(
                        data[f"{name}_score"], data[f"{name}_rank"], data["edition"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    add_event_markers(fig, within_period(events, data, 0), (0.0, 100.0))
    fig.update_layout(
        yaxis_title="Sub-indicator score (0-100, higher = freer)",
        xaxis_title="Period covered",
        **LAYOUT,
    )
    return fig


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
                name=str(name),
                marker={
                    "color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": ["", "/", "\\", "x", "-", "|", "+", "."][i % 8]},
                },
                hovertemplate=f"{name}<br>%{{x|%Y{'-%m' if period == 'month' else ''}}}: "
                "%{y} incidents<extra></extra>",
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
            y=data[label_col].astype(str),
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
            text=[f"{s}<br>{n}" for s, n in zip(data["short"], data["incidents"], strict=True)],
            textfont={"size": 10},
            hovertext=[
                f"{n}: {c} incidents" for n, c in zip(data["name"], data["incidents"], strict=True)
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
            text=counts.get("region_name"),
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
                name=str(measure),
                line={"color": PALETTE[i % len(PALETTE)]},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)]},
                hovertext=[
                    f"{measure}: {v!s} ({s} to {e})"
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
