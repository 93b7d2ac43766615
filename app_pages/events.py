"""Events: the timeline of elections, unrest, law changes and visits, with sources.

The kinds shown live in the URL (``?kinds=election&kinds=law+change``; no parameter while every
kind is shown, an empty one when none is). Dates are shown at their precision ('1995',
'Jan 2022', a range where the event has an end) and sources as citations in text. The events
table has titles and descriptions in English only: in another language they are marked so.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import _url
from app_pages._common import (
    chart,
    country_display,
    country_picker,
    guarded,
    table,
    text_column,
)
from indicators.i18n import _, english_data, language
from indicators.present.charts import events_timeline
from indicators.present.labels import column_label, event_kind_label, readable
from indicators.present.sentences import source_line
from indicators.present.tables_in_words import EVENT_SHOWN, event_table
from indicators.text import one_line

ON_PAGE = EVENT_SHOWN[: EVENT_SHOWN.index("date_iso")]  # the page shows no ISO dates
IN_ENGLISH = ("title", "description")  # the data's own text, which it gives only in English


def marked_english(listed: pd.DataFrame) -> pd.DataFrame:
    """The events' titles and descriptions marked as English when the page is in another
    language (blank cells stay blank)."""
    if language() == "en":
        return listed
    marked = {c: listed[c].map(_mark) for c in IN_ENGLISH if c in listed}
    return listed.assign(**marked)


def _mark(text: object) -> object:
    return english_data(text) if isinstance(text, str) and text.strip() else text


def _timeline(events: pd.DataFrame) -> go.Figure:
    """The timeline, laid out for a phone too: the kinds name the rows, so no legend repeats
    them over the plot; one row of room per kind; the axis ends at the events."""
    fig = events_timeline(events)
    rows = max(events["kind"].nunique(), 1)
    fig.update_layout(showlegend=False, height=110 + 34 * rows)
    fig.update_yaxes(automargin=True)
    if len(events):
        first, last = pd.Timestamp(events["date"].min()), pd.Timestamp(events["date"].max())
        pad = max((last - first) * 0.04, pd.Timedelta(days=60))
        fig.update_xaxes(range=[first - pad, last + pad], autorange=False)
    return fig


def page() -> None:
    """Render the events timeline."""
    iso3 = country_picker()
    st.title(_("Events"))
    events = table("events")
    events = events[events["country"] == iso3].sort_values("date")
    kinds = sorted(events["kind"].unique())
    shown = _url.multiselect(
        _("Kinds of event"),
        kinds,
        "kinds",
        default=kinds,
        format_func=event_kind_label,
        all_means_none=True,
    )
    events = events[events["kind"].isin(shown)]
    listed = event_table(events)
    name = country_display(iso3)
    chart(
        _timeline(events.assign(kind=listed["kind"])),
        "events-timeline",
        title=one_line(_("Events in {country}").format(country=name)),
        subtitle=_("Elections, unrest, law changes and visits that help read the charts"),
        source=source_line(events["source_name"]),
        data=listed,
        shown=EVENT_SHOWN,
    )
    st.caption(_("The same events appear as markers on every time chart."))
    when, where = column_label("date"), column_label("source_url")
    st.dataframe(
        readable(marked_english(listed[ON_PAGE])),
        hide_index=True,
        column_config={
            when: st.column_config.TextColumn(when, width="medium"),  # ranges in full
            where: text_column(where),
        },
    )


guarded(page)
