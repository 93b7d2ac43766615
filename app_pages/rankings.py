"""Rankings (NGO staff): positions, ranks or scores over time for one or several countries.

Every choice lives in the URL (``peers``, ``custom``, ``index``, ``view``, ``comparable``,
``era``, ``event_kinds``, and the "Compare indices" section's ``indices``), so a copied link reproduces the same figure; figures are built once
per store version and choice (``per_version``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _url
from app_pages._common import (
    chart,
    countries,
    country_display,
    country_picker,
    download,
    guarded,
    per_version,
)
from app_pages._common import table as stored
from app_pages._rankings_compare import compare_section
from app_pages._rankings_world import world_section
from indicators.i18n import N_, _, tr
from indicators.present.chart_style import MEASURES, era_label
from indicators.present.chart_text import chart_caption, chart_columns, chart_texts, table_columns
from indicators.present.charts import position_chart, sub_indicator_chart
from indicators.present.labels import event_kind_label, index_label, readable
from indicators.query.views import rankings_view
from indicators.text import escape_markdown

# The options' English names are their codes in the URL (?peers=Central+Asia): each is
# translated where it is shown.
ONLY, CUSTOM = N_("Only this country"), N_("Custom list")
PEER_GROUPS = {
    N_("Central Asia"): ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    N_("RSF zone: Eastern Europe - Central Asia"): [
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
SUB_INDICATORS = ("political", "economic", "legal", "social", "safety")


def chosen_countries(iso3: str) -> list[str]:
    """The country and the peers chosen to compare it with (``?peers=``, ``?custom=``)."""
    names = countries()
    group = _url.selectbox(_("Compare with"), [ONLY, *PEER_GROUPS, CUSTOM], "peers", format_func=tr)
    if group in PEER_GROUPS:
        return [iso3] + [c for c in PEER_GROUPS[group] if c != iso3 and c in names.index]
    if group == CUSTOM:
        extra = _url.multiselect(
            _("Countries"),
            [c for c in names.index if c != iso3],
            "custom",
            format_func=country_display,
        )
        return [iso3, *extra]
    return [iso3]


def measures_of(rankings: pd.DataFrame, index: str) -> list[str]:
    """The measures the index has data for (Freedom House publishes no rank)."""
    rows = rankings[rankings["index"] == index]
    return [m for m in MEASURES if rows[m].notna().any()]


def chosen_era(view: pd.DataFrame) -> str | None:
    """The one method asked for (``?comparable=1&era=...``), if any; offered only where the
    index has editions made by more than one method."""
    eras = list(dict.fromkeys(view.sort_values("edition_year")["methodology"]))
    if len(eras) < 2 or not _url.checkbox(_("Comparable editions only (one method)"), "comparable"):
        return None
    return _url.selectbox(_("Method"), eras, "era", default=eras[-1], format_func=era_label)


def chosen_kinds(events: pd.DataFrame) -> list[str]:
    """The event kinds to mark (``?event_kinds=``; left out of the URL while all are shown)."""
    kinds = sorted(events["kind"].dropna().unique())
    if not kinds:
        return []
    return _url.multiselect(
        _("Event markers"),
        kinds,
        "event_kinds",
        default=kinds,
        format_func=event_kind_label,
        all_means_none=True,
    )


def sub_indicators(own: pd.DataFrame, events: pd.DataFrame, key: tuple[object, ...]) -> None:
    """RSF's five sub-indicators of one country (2022 onwards): chart and table."""
    if not (own["methodology"] == "rsf_2022").any():
        st.info(_("Sub-indicators exist only for RSF editions from 2022."))
        return
    fig = per_version(("rankings-sub", *key), lambda: sub_indicator_chart(own, events))
    subs = [f"{n}_{m}" for n in SUB_INDICATORS for m in ("score", "rank")]
    rows = own.loc[own["methodology"] == "rsf_2022"]
    name = str(rows["country"].iloc[0])
    chart(
        fig,
        "sub-chart",
        title=_("{country}: RSF's five indicators").format(country=name),
        subtitle=_("Political, economic, legal, social and safety scores, 0-100 (higher = freer)"),
        source=_("Source: Reporters Without Borders, World Press Freedom Index 2022 onwards"),
        data=rows,
        shown=["country", "edition", "period_label", *subs],
    )
    st.dataframe(readable(rows[["edition", *subs]]), hide_index=True)
    st.caption(
        _(
            "RSF's five indicators since 2022: political, economic, legal, social "
            "and safety, each 0-100 (higher = freer)."
        )
    )


def page() -> None:
    """Render the rankings page."""
    iso3 = country_picker()
    st.title(_("Rankings over time"))
    rankings = stored("rankings")
    chosen = chosen_countries(iso3)
    indexes = per_version(("rankings-indexes",), lambda: sorted(rankings["index"].unique()))
    if not indexes:
        st.info(_("No rankings are loaded."))
        return
    index = _url.selectbox(
        _("Index"), indexes, "index", default="rsf_wpfi", format_func=index_label
    )
    measures = per_version(("rankings-measures", index), lambda: measures_of(rankings, index))
    measure = _url.radio(_("Show"), measures, "view", format_func=lambda m: tr(MEASURES[m][0]))
    full = per_version(
        ("rankings-view", tuple(chosen), index), lambda: rankings_view(rankings, chosen, index)
    )
    era = chosen_era(full)
    view = full if era is None else full[full["methodology"] == era]
    events = stored("events")
    events = events[events["country"].isin(chosen)]
    kinds = chosen_kinds(events)
    marked = events[events["kind"].isin(kinds)]
    key = (tuple(chosen), index, measure, era, tuple(kinds))
    if view[measure].notna().any():
        fig = per_version(
            ("rankings-chart", *key), lambda: position_chart(view, measure, marked, chosen)
        )
        chart(
            fig,
            "rankings-chart",
            **chart_texts(view, measure),
            data=view,
            shown=chart_columns(measure),
        )
    else:
        missing = _("No {index} data for the chosen countries.")
        st.info(escape_markdown(missing.format(index=index_label(index))))
    st.caption(escape_markdown(chart_caption(view, index, measure)))
    tab_table, tab_sub = st.tabs([_("Table"), _("RSF sub-indicators (2022 onwards)")])
    with tab_table:
        columns = table_columns(view)
        shown = view[columns].assign(methodology=view["methodology"].map(era_label))
        st.dataframe(readable(shown), hide_index=True)
        download(view, f"rankings_{'_'.join(chosen)}.csv", shown=columns)
    with tab_sub:
        own = view[view["iso3"] == iso3]
        sub_indicators(own, marked[marked["country"] == iso3], (iso3, index, era, tuple(kinds)))
    compare_section(rankings, iso3, marked[marked["country"] == iso3])
    world_section(rankings)


guarded(page)
