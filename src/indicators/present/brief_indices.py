"""The brief's chart with several indices: where the store holds another index for the country
(Freedom House, Freedom on the Net, an analyst's V-Dem file), the brief draws them with RSF's
position on one 0-100, higher = freer chart, the same chart and rule as the Rankings page's
"Compare indices" (:mod:`indicators.present.aligned`), up to the brief's edition year; with RSF
alone it keeps RSF's position chart. On paper the legend stays: it names the indices."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import _
from indicators.present.aligned import (
    aligned_chart,
    available_series,
    default_series,
    sources_line,
)

RSF_POSITION = "rsf_wpfi:position"


def indices_rows(rankings: pd.DataFrame, iso3: str, edition_year: int) -> pd.DataFrame:
    """The country's rows of every index, editions up to ``edition_year``."""
    own = rankings[(rankings["iso3"] == iso3) & (rankings["edition_year"] <= edition_year)]
    return own.reset_index(drop=True)


def brief_series(rows: pd.DataFrame, iso3: str) -> tuple[str, ...]:
    """The series the brief draws together: the Rankings page's default choice when it holds
    an index besides RSF (RSF's position first), else none (the brief keeps RSF's chart)."""
    chosen = [c for c in default_series(available_series(rows, iso3)) if c != RSF_POSITION]
    if not any(not c.startswith("rsf_wpfi:") for c in chosen):
        return ()
    return (RSF_POSITION, *(c for c in chosen if not c.startswith("rsf_wpfi:")))


def indices_figure(
    rows: pd.DataFrame, iso3: str, series: tuple[str, ...], events: pd.DataFrame
) -> go.Figure:
    """The aligned chart of ``series``, legend below the plot (it names each index)."""
    fig = aligned_chart(rows, iso3, series, events)
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "x": 0, "xanchor": "left"})
    return fig


def indices_caption() -> str:
    """The rule in one sentence, for the caption (the methods text says it in full)."""
    return _(
        "Each index is rescaled to 0-100, higher = freer: RSF's position as it is, a score by "
        "its published scale, reversed where lower is freer. Each index breaks at its own "
        'method changes. See "Several indices on one chart" in the methods.'
    )


def indices_sources(rows: pd.DataFrame, series: tuple[str, ...]) -> str:
    """Who publishes each index drawn ('Sources: Reporters Without Borders; Freedom House')."""
    drawn = {code.partition(":")[0] for code in series}
    return sources_line(rows[rows["index"].isin(drawn)])
