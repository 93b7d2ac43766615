"""Incidents: counts by statute, region, type and target over time, with the records themselves.

Every choice lives in the URL (``?cats=...&statutes=...&regions=...&targets=...&by=...&freq=...
&reported=...``, repeated parameters for several values), so a copied link reproduces the view.
Tables show words (statutes, regions, kinds in words, dates at their precision, blank cells
blank) and the sources as text, never as links.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TypedDict

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from app_pages import _url
from app_pages._common import (
    chart,
    country_display,
    country_picker,
    download,
    download_later,
    guarded,
    include_synthetic,
    per_version,
    table,
    text_column,
    today,
    url_choice,
    year_range,
)
from indicators.i18n import N_, _, english_data, language, number, p_, tr
from indicators.present import incident_charts as charts
from indicators.present.geo import configured_geojson, load_geojson, tile_layout
from indicators.present.labels import (
    column_label,
    readable,
    region_label,
    region_labels,
    sorted_regions,
    statute_label,
    value_label,
)
from indicators.present.sentences import source_line
from indicators.present.tables_in_words import (
    INCIDENT_SHOWN,
    counts_table,
    incident_table,
    reported_table,
    series_in_words,
)
from indicators.query import aggregate, trend
from indicators.query.aggregate import FilterOptions, IncidentFilter
from indicators.text import escape_markdown, one_line


@st.cache_data(show_spinner=False)
def _geojson(path: str, country: str, on: date) -> tuple[dict[str, object], list[str]]:
    """The boundary file's features and names (data, no text of ours: the same in any language)."""
    from pathlib import Path

    return load_geojson(Path(path), country, on)


LISTED = 1_000  # incidents shown in the table; the download holds them all


class Words(TypedDict):
    """A chart's subtitle and source line, the same for every chart of the matching incidents."""

    subtitle: str
    source: str


def _options(incidents: pd.DataFrame, iso3: str) -> FilterOptions:
    synthetic = include_synthetic()
    return per_version(
        ("incident-filters", iso3, synthetic),
        lambda: aggregate.filter_options(incidents, iso3, include_synthetic=synthetic),
    )


def _filters(options: FilterOptions, iso3: str) -> IncidentFilter:
    """The sidebar's filters, each kept in the URL under its key (repeated for several)."""
    this_year = today().year
    start, end = year_range(options.years or (this_year, this_year))
    regions = options.regions
    pick = partial(_url.multiselect, container=st.sidebar)
    cats = pick(_("Statute category"), options.categories, "cats", format_func=value_label)
    chosen = pick(_("Statute"), options.statutes, "statutes", format_func=statute_label)
    picked = pick(
        _("Region"),
        sorted_regions(regions),
        "regions",
        format_func=lambda c: region_label(c) if c in region_labels() else regions[c],
    )
    targets = pick(_("Target type"), options.target_types, "targets", format_func=value_label)
    return IncidentFilter(
        country=iso3,
        start=date(start, 1, 1),
        end=date(end, 12, 31),
        statutes=chosen or None,
        categories=cats or None,
        regions=picked or None,
        target_types=targets or None,
        include_synthetic=include_synthetic(),
    )


AXIS_TITLES = {"year": N_("Year"), "month": N_("Month")}
TIME_TITLES = {
    ("statute", "year"): N_("Incidents by statute, per year"),
    ("statute", "month"): N_("Incidents by statute, per month"),
    ("category", "year"): N_("Incidents by kind of statute, per year"),
    ("category", "month"): N_("Incidents by kind of statute, per month"),
}


def counts_over_time_section(
    rows: pd.DataFrame, events: pd.DataFrame, iso3: str, words: Words
) -> None:
    """Counts by statute or category, per year or month, with events, table and download."""
    by_what = {
        "statute": p_("break down by", "statute"),
        "category": p_("break down by", "category"),
    }
    by = url_choice("by", by_what, _("Break down by"))
    freq = url_choice("freq", {"year": p_("per", "year"), "month": p_("per", "month")}, _("Per"))
    counts = aggregate.incident_counts(rows, [by, freq])
    column = "statute_key" if by == "statute" else "statute_category"
    drawn = counts.assign(series=series_in_words(counts, column))
    shown_table = counts_table(counts)
    shown = [column, freq, "incidents"]
    chart(
        charts.counts_over_time(drawn, freq, "series", _(AXIS_TITLES[freq]), events),
        "incidents-time",
        title=_(TIME_TITLES[by, freq]),
        **words,
        data=shown_table,
        shown=shown,
    )
    if freq == "month":
        undated = aggregate.undated_in_month(rows)
        text = _("{n} incidents are dated only to the year and are not in the monthly bars.")
        st.caption(text.format(n=undated if language() == "en" else number(undated)))
    with st.expander(_("Table of these counts")):
        st.dataframe(readable(shown_table[shown]), hide_index=True)
        download(shown_table, f"incidents_by_{by}_{freq}_{iso3}.csv", shown=shown)


CHANGE_LABELS = {
    "kind": N_("Comparison"),
    "period": N_("Period"),
    "this": N_("Cases"),
    "compared_with": N_("Compared with"),
    "last": N_("Cases then"),
    "change": N_("Change"),
}


KINDS = {trend.MONTH_ON_MONTH: N_("Month on month"), trend.YEAR_ON_YEAR: N_("Year on year")}


def _tr(text: str) -> str:
    """The query layer's words in the reader's language (text already translated is kept)."""
    return tr(text) if text else text


def _change_row(c: trend.Change) -> dict[str, object]:
    kind = _(KINDS[c.kind]) if c.kind in KINDS else c.kind.capitalize()
    if not isinstance(c, trend.Comparison):
        return {"kind": kind, "change": _tr(c.change)}
    row = {k: getattr(c, k) for k in CHANGE_LABELS}
    words = {k: _tr(row[k]) for k in ("period", "compared_with", "change")}
    return {**row, **words, "kind": kind}


def changes_section(rows: pd.DataFrame, f: IncidentFilter) -> None:
    """Month on month and year on year as words under the low-baseline rule, with the rule
    beside them (a table, never a coloured delta), from the page's own filtered rows (counted
    once per store version, filters and day: 0.1 s on a million rows)."""
    st.subheader(_("Change in the number of cases"))
    on = today()
    key = ("incident-changes", repr(f), on)
    changes = per_version(key, lambda: trend.incident_changes(rows, on, f.start))
    frame = pd.DataFrame([_change_row(c) for c in changes], columns=list(CHANGE_LABELS))
    headings = {k: _(v) for k, v in CHANGE_LABELS.items()}
    st.dataframe(readable(frame, headings), hide_index=True)
    notes = [_tr(c.note) for c in changes if isinstance(c, trend.Comparison)]
    st.caption(escape_markdown(" ".join([*filter(None, notes), _tr(trend.RULE)])))


def by_region_section(rows: pd.DataFrame, iso3: str, words: Words) -> None:
    """Incidents by region: a choropleth (with a boundary file) or tile map, and bars."""
    by_region = aggregate.incident_counts(rows, ["region"])
    shown_table = counts_table(by_region)
    st.subheader(_("By region"))
    layout = tile_layout(iso3)
    geo = configured_geojson()
    title = _("Incidents by region")
    if geo is not None:
        shape, unmatched = _geojson(str(geo), iso3, today())
        chart(
            charts.choropleth(by_region, shape, "id"), "incidents-choropleth", title=title, **words
        )
        if unmatched:
            st.caption(
                _("Boundary features not matched to a region: {names}").format(
                    names=escape_markdown(", ".join(unmatched))
                )
            )
    elif layout is not None:
        chart(charts.tile_grid_map(by_region, layout), "incidents-tiles", title=title, **words)
        tiles = _(
            "A tile map: one square per region, roughly in place; no boundary file "
            "is needed. Regions are those in force on each incident's date."
        )
        st.caption(tiles)
    shown = ["region_name", "incidents"]
    chart(
        charts.ranked_bars(shown_table, "region_name"),
        "incidents-regions",
        title=title,
        **words,
        data=shown_table,
        shown=shown,
    )
    with st.expander(_("Table: incidents by region")):
        st.dataframe(readable(shown_table[shown]), hide_index=True)


def by_type_section(rows: pd.DataFrame, words: Words) -> None:
    """Incidents by incident type and by target type."""
    st.subheader(_("By incident type and target"))
    by_type = counts_table(aggregate.incident_counts(rows, ["type"]))
    by_target = counts_table(aggregate.incident_counts(rows, ["target"]))
    for frame, column, key, title in (
        (by_type, "incident_type", "incidents-types", _("Incidents by kind of incident")),
        (by_target, "target_type", "incidents-targets", _("Incidents by kind of target")),
    ):
        chart(
            charts.ranked_bars(frame, column),
            key,
            title=title,
            **words,
            data=frame,
            shown=[column, "incidents"],
        )
    with st.expander(_("Table: incidents by type and by target")):
        st.dataframe(readable(by_type), hide_index=True)
        st.dataframe(readable(by_target), hide_index=True)


LISTING = INCIDENT_SHOWN[: INCIDENT_SHOWN.index("date_iso")]  # the page shows no ISO date


def listing_section(rows: pd.DataFrame, total: int, iso3: str) -> None:
    """The most recent incidents (dates at their precision, sources as text) and the download
    of all of them (readable columns first, then the ISO date and the provenance)."""
    st.subheader(_("The incidents"))
    listing = incident_table(aggregate.latest_incidents(rows, LISTED))
    if total > LISTED:
        some = _(
            "The {listed} most recent of {total} incidents are listed; "
            "the download below holds all of them."
        )
        st.caption(some.format(listed=number(LISTED), total=number(total)))
    st.dataframe(readable(listing[LISTING]), hide_index=True, column_config=_addresses())
    download_later(
        lambda: readable(incident_table(aggregate.latest_incidents(rows))),
        f"incidents_{iso3}.csv",
        _("Download the incident list (CSV)"),
        rows=total,
    )


def _addresses() -> dict[str, ColumnConfig]:
    """The source addresses' column (headed as ``readable`` heads it) as text, never links."""
    heading = column_label("source_url")
    return {heading: text_column(heading)}


def reported_section(events: pd.DataFrame, iso3: str) -> None:
    """A monitor's own monthly counts, as their own series (never added to the records)."""
    reported = table("reported_counts")
    reported = reported[(reported["country"] == iso3) & (reported["period_kind"] == "month")]
    if reported.empty:
        return
    st.subheader(_("What monitors reported (their own counts)"))
    measures = sorted(reported["measure"].unique())
    label = _("Reported series")
    picked_measures = _url.multiselect(
        label,
        measures,
        "reported",
        default=measures[:3],
        format_func=lambda m: english_data(value_label(m)),
    )
    picked = reported[reported["measure"].isin(picked_measures)]
    shown_table = reported_table(picked)
    shown = ["period_label", "group", "measure", "value", "unit", "source_name", "source_url"]
    chart(
        charts.reported_counts_chart(picked, events),
        "reported-chart",
        title=_("What the monitor reported, per month"),
        subtitle=_("The monitor's own published figures, never added to the incident records"),
        source=source_line(picked["source_name"]),
        data=shown_table,
        shown=shown,
    )
    with st.expander(_("Table: reported figures, with their sources")):
        st.dataframe(readable(shown_table[shown]), hide_index=True, column_config=_addresses())
    apart = _(
        "These are the monitor's published monthly figures, shown as their own series. "
        "They are never added to the incident records above (which are a sample)."
    )
    st.caption(apart)


def page() -> None:
    """Render the incidents page (no count and no chart where no incident source is loaded)."""
    iso3 = country_picker()
    st.title(_("Incidents against journalists, bloggers, activists and outlets"))
    incidents = table("incidents")
    events = table("events")
    events = events[events["country"] == iso3]
    options = _options(incidents, iso3)
    name = country_display(iso3)
    if options.years is None:
        st.info(
            escape_markdown(_("No incident records are loaded for {country}.").format(country=name))
        )
        not_zero = _(
            "This is not a count of zero: none of the incident sources loaded here covers "
            "this country, so no incident figures or charts are shown for it."
        )
        st.caption(not_zero)
        reported_section(events, iso3)
        return
    f = _filters(options, iso3)
    rows = aggregate.filter_incidents(incidents, f)
    total = rows["incident_id"].nunique()
    matching = _(
        "{n} distinct incidents match the filters. These are the cases in the loaded "
        "sources, not all that happened. By statute, only statutes applied to the target count."
    )
    st.caption(matching.format(n=number(total)))
    if total == 0:
        st.info(_("No incident in the loaded sources matches these filters; no chart is drawn."))
    else:
        period = f"{f.start.year if f.start else ''}-{f.end.year if f.end else ''}"
        caveat = _("{country}, {period}: the cases in the loaded sources, not all that happened")
        subtitle = one_line(caveat.format(country=name, period=period))
        changes_section(rows, f)
        words = Words(subtitle=subtitle, source=source_line(rows["source_name"]))
        _sections(rows, events, total, iso3, words)
    reported_section(events, iso3)


def _sections(
    rows: pd.DataFrame, events: pd.DataFrame, total: int, iso3: str, words: Words
) -> None:
    """Every view of the matching incidents (there is at least one); ``words`` are the charts'
    subtitle and source line, worked out once."""
    counts_over_time_section(rows, events, iso3, words)
    left, right = st.columns(2)
    with left:
        by_region_section(rows, iso3, words)
    with right:
        by_type_section(rows, words)
    st.subheader(_("From case to conviction"))
    chain = aggregate.case_chain(rows)
    in_words = chain.assign(stage=chain["stage"].map(value_label))
    chart(
        charts.chain_chart(chain),
        "incidents-chain",
        title=_("Cases that reached each stage"),
        **words,
        data=in_words,
        shown=["stage", "cases"],
    )
    st.dataframe(readable(in_words), hide_index=True)
    st.caption(_("Cases (person and statute) that reached each stage, where the records say so."))
    listing_section(rows, total, iso3)


guarded(page)
