"""Rankings (NGO staff): positions, ranks or scores over time for one or several countries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import chart, countries, country_picker, download, guarded, table, url_choice
from app_pages._rankings_world import world_section
from indicators.charts import ERA_LABELS, position_chart, sub_indicator_chart
from indicators.text import one_line
from indicators.views import rankings_view

PEER_GROUPS = {
    "Central Asia": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    "RSF zone: Eastern Europe - Central Asia": [
        "ARM",
        "AZE",
        "BLR",
        "GEO",
        "KAZ",
        "KGZ",
        "MDA",
        "RUS",
        "TJK",
        "TKM",
        "TUR",
        "UKR",
        "UZB",
    ],
}
MEASURE_LABELS = {"position": "Position", "rank": "Rank", "score_normalised": "Score"}


def chosen_countries(iso3: str) -> list[str]:
    """The country and the peers chosen to compare it with."""
    names = countries()
    group = st.selectbox(
        "Compare with", ["Only this country", *PEER_GROUPS, "Custom list"], key="peers"
    )
    if group in PEER_GROUPS:
        return [iso3] + [c for c in PEER_GROUPS[group] if c != iso3 and c in names.index]
    if group == "Custom list":
        extra = st.multiselect(
            "Countries",
            [c for c in names.index if c != iso3],
            format_func=lambda c: one_line(names[c]),
            key="custom",
        )
        return [iso3, *extra]
    return [iso3]


def chosen_view(rankings: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """The rankings of the chosen countries in the chosen index (and method, if asked)."""
    indexes = sorted(rankings["index"].unique())
    index = st.selectbox(
        "Index",
        indexes,
        index=indexes.index("rsf_wpfi") if "rsf_wpfi" in indexes else 0,
        key="index",
    )
    view = rankings_view(rankings, chosen, index)
    eras = list(dict.fromkeys(view.sort_values("edition_year")["methodology"]))
    if st.checkbox("Comparable editions only (one method)", key="comparable") and eras:
        era = st.selectbox(
            "Method",
            eras,
            index=len(eras) - 1,
            format_func=lambda e: one_line(ERA_LABELS.get(e, e)),
            key="era",
        )
        view = view[view["methodology"] == era]
    return view


TABLE_COLUMNS = ["country", "edition", "period_label", "rank", "n_ranked", "position", "score"]
TABLE_COLUMNS += ["score_normalised", "methodology", "rank_change", "citation"]


def sub_indicators(own: pd.DataFrame, events: pd.DataFrame) -> None:
    """RSF's five sub-indicators of one country (2022 onwards): chart and table."""
    if not (own["methodology"] == "rsf_2022").any():
        st.info("Sub-indicators exist only for RSF editions from 2022.")
        return
    chart(sub_indicator_chart(own, events), "sub-chart")
    subs = [
        f"{n}_{m}"
        for n in ("political", "economic", "legal", "social", "safety")
        for m in ("score", "rank")
    ]
    st.dataframe(own.loc[own["methodology"] == "rsf_2022", ["edition", *subs]], hide_index=True)
    st.caption(
        "RSF's five indicators since 2022: political, economic, legal, social "
        "and safety, each 0-100 (higher = freer)."
    )


def page() -> None:
    """Render the rankings page."""
    iso3 = country_picker()
    st.title("Rankings over time")
    rankings = table("rankings")
    chosen = chosen_countries(iso3)
    measure = url_choice("view", list(MEASURE_LABELS), "Show")
    view = chosen_view(rankings, chosen)
    events = table("events")
    events = events[events["country"].isin(chosen)]
    kinds = sorted(events["kind"].unique())
    shown = st.multiselect(
        "Event markers", kinds, default=kinds, format_func=one_line, key="event_kinds"
    )
    chart(
        position_chart(view, measure, events[events["kind"].isin(shown)], chosen), "rankings-chart"
    )
    st.caption(
        "Position: share of the other ranked countries that did worse (0-100, 100 = freest). "
        "Rank: as published, 1 at the top. Score: RSF's score on one direction (higher = freer), "
        "defined from 2013; 2002-2012 points are not on a 0-100 scale and are left out. Each "
        "method is its own line: lines never cross a method change. Hover a point for "
        "'141st of 180 - edition 2025, covering 2024'."
    )
    tab_table, tab_sub = st.tabs(["Table", "RSF sub-indicators (2022 onwards)"])
    with tab_table:
        st.dataframe(view[TABLE_COLUMNS], hide_index=True)
        download(view, f"rankings_{'_'.join(chosen)}.csv")
    with tab_sub:
        sub_indicators(view[view["iso3"] == iso3], events[events["country"] == iso3])
    world_section(rankings)


guarded(page)
