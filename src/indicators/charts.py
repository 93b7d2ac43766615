"""Chart builders: pure functions from view frames to plotly figures (no streamlit here).

* Time runs on the **period covered**: an edition is drawn at the middle of the period it
  describes (edition 2025 at mid-2024), so events line up with the edition that reflects them.
* Methodology breaks are drawn as breaks: each era is its own trace, so no line ever joins two
  editions made by different methods, and a dotted line marks each change of method.
* Events are markers with a vertical rule, one trace per kind, so the legend toggles them.
* Colours are the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies;
  markers also differ by shape, so nothing relies on colour alone.
* Every string from the data passes through :func:`plotly_text` (as ``_t``) before it reaches a
  figure: plotly renders a subset of HTML (links included) in names, hover text and labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators._values import is_missing
from indicators.normalise import rank_phrase
from indicators.text import plotly_text as _t

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
            f"{_t(r.country)}: {rank_phrase(r.rank, r.n_ranked)} - edition {_t(r.edition)}, "
            f"covering {_t(r.period_label)}<br>position {r.position!s}{score}"
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
            label = f"{_t(e['date'])}: {_t(e['title'])} ({_t(kind)})" + (
                f"<br>source: {_t(source)}" if isinstance(source, str) and source else ""
            )
            texts += [label, label, ""]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=f"event: {_t(kind)}",
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
                    name=_t(f"{seg['country'].iloc[0]} ({ERA_LABELS.get(str(era), era)})"),
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
            text=f"new RSF method ({_t(edition)})",
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
                    f"{name} {s!s} (rank {r!s}) - edition {_t(e)}"
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


def events_timeline(events: pd.DataFrame) -> go.Figure:
    """The events of one country on a timeline: one row and marker shape per kind."""
    fig = go.Figure()
    for i, (kind, group) in enumerate(events.groupby("kind")):
        fig.add_trace(
            go.Scatter(
                x=group["date"],
                y=[_t(kind)] * len(group),
                mode="markers",
                name=_t(kind),
                marker={
                    "size": 13,
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "color": PALETTE[i % len(PALETTE)],
                },
                hovertext=[
                    f"{_t(d)}: {_t(t)}" for d, t in zip(group["date"], group["title"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(height=360, xaxis_title="Date", **LAYOUT)
    return fig
