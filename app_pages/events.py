"""Events: the timeline of elections, unrest, law changes and visits, with sources."""

from __future__ import annotations

import streamlit as st

from app_pages._common import chart, country_picker, download, guarded, table, text_column
from indicators.charts import events_timeline
from indicators.text import one_line


def page() -> None:
    """Render the events timeline."""
    iso3 = country_picker()
    st.title("Events")
    events = table("events")
    events = events[events["country"] == iso3].sort_values("date")
    kinds = sorted(events["kind"].unique())
    shown = st.multiselect(
        "Kinds", kinds, default=kinds, format_func=one_line, key="event_page_kinds"
    )
    events = events[events["kind"].isin(shown)]
    chart(events_timeline(events), "events-timeline")
    st.caption("The same events appear as markers on every time chart.")
    st.dataframe(
        events[["date", "date_end", "kind", "title", "description", "source_name", "source_url"]],
        hide_index=True,
        column_config={"source_url": text_column("source")},
    )
    download(events, f"events_{iso3}.csv")


guarded(page)
