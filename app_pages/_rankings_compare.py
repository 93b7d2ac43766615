"""Rankings page, "Compare indices": several indices of the page's country on one chart.

Each index is drawn on 0-100 with higher = freer (:mod:`indicators.present.aligned`), the rule
written under the chart (the methods text's "Several indices on one chart"). The choice lives
in the URL as repeated ``?indices=rsf_wpfi:position&indices=fh_fiw:score``; a value that names
no stored series is ignored. Figures and tables are built once per store version and choice.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _url
from app_pages._common import chart, download, per_version
from indicators.i18n import _
from indicators.present.aligned import (
    TABLE_COLUMNS,
    aligned_chart,
    aligned_notes,
    aligned_rows,
    aligned_table,
    available_series,
    default_series,
    series_name,
    sources_line,
)
from indicators.present.methods import localized, section
from indicators.text import escape_markdown

RULE = "Several indices on one chart"


def compare_section(rankings: pd.DataFrame, iso3: str, events: pd.DataFrame) -> None:
    """The chosen indices of one country on one chart, its table, and the rule in words."""
    st.header(_("Compare indices"))
    options = per_version(("compare-series", iso3), lambda: available_series(rankings, iso3))
    if not options:
        st.info(_("No index has data for this country."))
        return
    picked = _url.multiselect(
        _("Indices"),
        options,
        "indices",
        default=default_series(options),
        format_func=series_name,
    )
    chosen = [c for c in options if c in picked]  # the options' order: each keeps its colour
    key = (iso3, tuple(chosen))
    notes = per_version(("compare-notes", *key), lambda: aligned_notes(rankings, iso3, chosen))
    if not chosen:
        st.info(_("Choose one or more indices to draw them on one chart."))
    rows = _draw(rankings, iso3, chosen, events) if chosen else None
    if notes:
        st.caption(escape_markdown(" ".join(notes)))
    st.markdown(localized(section(RULE)))  # the project's own words (methods.md), never data
    if rows is not None and not rows.empty:
        table = per_version(
            ("compare-table", iso3, tuple(chosen)), lambda: aligned_table(rankings, iso3, chosen)
        )
        st.dataframe(table, hide_index=True)
        download(rows, f"compare_indices_{iso3}.csv", shown=TABLE_COLUMNS)


def _draw(
    rankings: pd.DataFrame, iso3: str, chosen: list[str], events: pd.DataFrame
) -> pd.DataFrame:
    """The chart with its title, subtitle, source line and downloads; the rows it draws."""
    key = (iso3, tuple(chosen), tuple(sorted(events["kind"].dropna().unique())))
    fig = per_version(
        ("compare-chart", *key), lambda: aligned_chart(rankings, iso3, chosen, events)
    )
    rows = per_version(("compare-rows", *key[:2]), lambda: aligned_rows(rankings, iso3, chosen))
    if rows.empty:
        st.info(_("None of the chosen indices has data for this country."))
        return rows
    name = str(rows["country"].iloc[0])
    chart(
        fig,
        "compare-chart",
        title=_("{country}: several indices on one scale").format(country=name),
        subtitle=_(
            "Each index rescaled to 0-100, higher = freer, by its own rule (below); "
            "a break in a line is a change of that index's method"
        ),
        source=sources_line(rows),
        data=rows,
        shown=TABLE_COLUMNS,
    )
    return rows
