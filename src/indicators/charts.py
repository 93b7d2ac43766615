"""Chart builders: pure functions from view frames to plotly figures (no streamlit here).

Methodology breaks are drawn as breaks: each era is its own trace, so no line ever joins two
editions whose scores (or ranking populations) were made by different methods.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators._values import is_missing
from indicators.normalise import rank_phrase

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
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


def hover_text(frame: pd.DataFrame) -> list[str]:
    """'141st of 180 - edition 2025, covering 2024' for every row."""
    return [
        f"{r.country}: {rank_phrase(r.rank, r.n_ranked)} - edition {r.edition}, covering "
        f"{r.period_label}<br>position {r.position}"
        + ("" if is_missing(r.score) else f", score {r.score!s}")
        for r in frame.itertuples()
    ]


def era_breaks(frame: pd.DataFrame) -> list[int]:
    """The first edition year of every methodology era after the first one present."""
    firsts = frame.groupby("methodology")["edition_year"].min().sort_values()
    return [int(y) for y in firsts.iloc[1:]]


def position_chart(
    frame: pd.DataFrame,
    measure: str = "position",
    events: pd.DataFrame | None = None,
    countries: Sequence[str] | None = None,
) -> go.Figure:
    """Line chart of a ranking measure over editions, one trace per country and era."""
    title, inverted = MEASURES[measure]
    fig = go.Figure()
    order = list(countries) if countries else sorted(frame["iso3"].unique())
    for ci, iso3 in enumerate(order):
        rows = frame[frame["iso3"] == iso3].sort_values("edition_year")
        colour = PALETTE[ci % len(PALETTE)]
        for ei, (era, seg) in enumerate(rows.groupby("methodology", sort=False)):
            seg = seg.dropna(subset=[measure])
            if seg.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=seg["edition_year"],
                    y=seg[measure].astype(float),
                    mode="lines+markers",
                    name=f"{seg['country'].iloc[0]} ({ERA_LABELS.get(str(era), era)})",
                    legendgroup=iso3,
                    showlegend=ei == 0 or len(order) == 1,
                    line={"color": colour},
                    marker={"symbol": ["circle", "square", "diamond"][ei % 3], "size": 8},
                    hovertext=hover_text(seg),
                    hoverinfo="text",
                    meta={"iso3": iso3, "methodology": str(era)},
                )
            )
    for year in era_breaks(frame):
        fig.add_vline(x=year - 0.5, line_dash="dot", line_color="#555")
        fig.add_annotation(
            x=year - 0.5,
            y=1.02,
            yref="paper",
            text="method change",
            showarrow=False,
            font={"size": 11},
        )
    fig.update_layout(
        yaxis_title=title,
        xaxis_title="Edition (year of publication)",
        hovermode="closest",
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
    )
    if inverted:
        fig.update_yaxes(autorange="reversed")
    return fig
