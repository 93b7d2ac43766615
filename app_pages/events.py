"""Events: the timeline of elections, unrest, law changes and visits, with sources."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages._common import chart, country_picker, download, guarded, table
from indicators.charts import LAYOUT, PALETTE, SYMBOLS


def page() -> None:
    """Render the events timeline."""
    iso3 = country_picker()
    st.title("Events")
    events = table("events")
    events = events[events["country"] == iso3].sort_values("date")
    kinds = sorted(events["kind"].unique())
    shown = st.multiselect("Kinds", kinds, default=kinds, key="event_page_kinds")
    events = events[events["kind"].isin(shown)]
    fig = go.Figure()
    for i, (kind, group) in enumerate(events.groupby("kind")):
        fig.add_trace(
            go.Scatter(
                x=group["date"],
                y=[kind] * len(group),
                mode="markers",
                name=str(kind),
                marker={
                    "size": 13,
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "color": PALETTE[i % len(PALETTE)],
                },
                hovertext=[f"{d}: {t}" for d, t in zip(group["date"], group["title"], strict=True)],
                hoverinfo="text",
            )
        )
    fig.update_layout(height=360, xaxis_title="Date", **LAYOUT)
    chart(fig, "events-timeline")
    st.caption("The same events appear as markers on every time chart.")
    st.dataframe(
        events[["date", "date_end", "kind", "title", "description", "source_name", "source_url"]],
        hide_index=True,
        column_config={"source_url": st.column_config.LinkColumn("source")},
    )
    download(events, f"events_{iso3}.csv")


guarded(page)
