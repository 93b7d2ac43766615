"""Incidents: counts by statute, region, type and target over time, with the records themselves."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages._common import (
    chart,
    countries,
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
from indicators.aggregate import (
    FilterOptions,
    IncidentFilter,
    case_chain,
    filter_incidents,
    filter_options,
    incident_counts,
    latest_incidents,
    undated_in_month,
)
from indicators.geo import configured_geojson, load_geojson, tile_layout
from indicators.incident_charts import (
    chain_chart,
    choropleth,
    counts_over_time,
    ranked_bars,
    reported_counts_chart,
    tile_grid_map,
)
from indicators.labels import (
    region_label,
    region_labels,
    sorted_regions,
    statute_label,
    statute_labels,
    value_label,
)
from indicators.text import escape_markdown, one_line


@st.cache_data(show_spinner=False)
def _geojson(path: str, country: str, on: date) -> tuple[dict[str, object], list[str]]:
    from pathlib import Path

    return load_geojson(Path(path), country, on)


LISTED = 1_000  # incidents shown in the table; the download holds them all


def _options(incidents: pd.DataFrame, iso3: str) -> FilterOptions:
    synthetic = include_synthetic()
    return per_version(
        ("incident-filters", iso3, synthetic),
        lambda: filter_options(incidents, iso3, include_synthetic=synthetic),
    )


def _filters(options: FilterOptions, iso3: str) -> IncidentFilter:
    synthetic = include_synthetic()
    this_year = today().year
    start, end = year_range(options.years or (this_year, this_year))
    regions = options.regions
    with st.sidebar:
        cats = st.multiselect(
            "Statute category",
            options.categories,
            format_func=lambda c: one_line(value_label(c)),
            key="cats",
        )
        chosen = st.multiselect(
            "Statute",
            options.statutes,
            key="statutes",
            format_func=lambda k: one_line(statute_label(k)),  # as the legend names it
        )
        picked = st.multiselect(
            "Region",
            sorted_regions(regions),
            key="regions",
            format_func=lambda c: one_line(region_label(c) if c in region_labels() else regions[c]),
        )
        targets = st.multiselect(
            "Target type",
            options.target_types,
            format_func=lambda t: one_line(value_label(t)),
            key="targets",
        )
    return IncidentFilter(
        country=iso3,
        start=date(start, 1, 1),
        end=date(end, 12, 31),
        statutes=chosen or None,
        categories=cats or None,
        regions=picked or None,
        target_types=targets or None,
        include_synthetic=synthetic,
    )


def counts_over_time_section(rows: pd.DataFrame, events: pd.DataFrame, iso3: str) -> None:
    """Counts by statute or category, per year or month, with events, table and download."""
    by = url_choice("by", ["statute", "category"], "Break down by")
    freq = url_choice("freq", ["year", "month"], "Per")
    counts = incident_counts(rows, [by, freq])
    series = "statute_key" if by == "statute" else "statute_category"
    if by == "statute":
        labels = statute_labels()
        counts.insert(1, "statute", counts["statute_key"].map(lambda k: labels.get(k, k)))
        series = "statute"
    chart(counts_over_time(counts, freq, series, freq.capitalize(), events), "incidents-time")
    if freq == "month":
        st.caption(
            f"{undated_in_month(rows)} incidents are dated only to the year and are not in "
            "the monthly bars."
        )
    with st.expander("Table of these counts"):
        st.dataframe(counts, hide_index=True)
        download(counts, f"incidents_by_{by}_{freq}_{iso3}.csv")


def by_region_section(rows: pd.DataFrame, iso3: str) -> None:
    """Incidents by region: a choropleth (with a boundary file) or tile map, and bars."""
    by_region = incident_counts(rows, ["region"])
    st.subheader("By region")
    layout = tile_layout(iso3)
    geo = configured_geojson()
    if geo is not None:
        shape, unmatched = _geojson(str(geo), iso3, today())
        chart(choropleth(by_region, shape, "id"), "incidents-choropleth")
        if unmatched:
            st.caption(
                "Boundary features not matched to a region: "
                + escape_markdown(", ".join(unmatched))
            )
    elif layout is not None:
        chart(tile_grid_map(by_region, layout), "incidents-tiles")
        st.caption(
            "A tile map: one square per region, roughly in place; no boundary file "
            "is needed. Regions are those in force on each incident's date."
        )
    chart(ranked_bars(by_region, "region_name"), "incidents-regions")
    with st.expander("Table: incidents by region"):
        st.dataframe(by_region, hide_index=True)


def by_type_section(rows: pd.DataFrame) -> None:
    """Incidents by incident type and by target type."""
    st.subheader("By incident type and target")
    by_type = incident_counts(rows, ["type"])
    by_target = incident_counts(rows, ["target"])
    chart(ranked_bars(by_type, "incident_type"), "incidents-types")
    chart(ranked_bars(by_target, "target_type"), "incidents-targets")
    with st.expander("Table: incidents by type and by target"):
        st.dataframe(by_type, hide_index=True)
        st.dataframe(by_target, hide_index=True)


LISTING = ["date", "place_as_written", "region_name", "target_name", "target_type"]
LISTING += ["incident_type", "statute_as_written", "source_name", "source_url"]


def listing_section(rows: pd.DataFrame, total: int, iso3: str) -> None:
    """The most recent incidents (addresses as text) and the download of all of them."""
    st.subheader("The incidents")
    listing = latest_incidents(rows, LISTED)
    if total > LISTED:
        st.caption(
            f"The {LISTED:,} most recent of {total:,} incidents are listed; "
            "the download below holds all of them."
        )
    st.dataframe(
        listing[LISTING], hide_index=True, column_config={"source_url": text_column("source")}
    )
    download_later(
        lambda: latest_incidents(rows),
        f"incidents_{iso3}.csv",
        "Download the incident list (CSV)",
        rows=total,
    )


REPORTED = ["period_start", "period_end", "group", "measure", "value", "unit", "source_url"]


def reported_section(events: pd.DataFrame, iso3: str) -> None:
    """A monitor's own monthly counts, as their own series (never added to the records)."""
    reported = table("reported_counts")
    reported = reported[(reported["country"] == iso3) & (reported["period_kind"] == "month")]
    if reported.empty:
        return
    st.subheader("What monitors reported (their own counts)")
    measures = sorted(reported["measure"].unique())
    shown = st.multiselect(
        "Reported series", measures, default=measures[:3], format_func=one_line, key="reported"
    )
    picked = reported[reported["measure"].isin(shown)]
    chart(reported_counts_chart(picked, events), "reported-chart")
    with st.expander("Table: reported figures, with their sources"):
        st.dataframe(
            picked[REPORTED],
            hide_index=True,
            column_config={"source_url": text_column("source")},
        )
    st.caption(
        "These are the monitor's published monthly figures, shown as their own series. "
        "They are never added to the incident records above (which are a sample)."
    )


def page() -> None:
    """Render the incidents page (no count and no chart where no incident source is loaded)."""
    iso3 = country_picker()
    st.title("Incidents against journalists, bloggers, activists and outlets")
    incidents = table("incidents")
    events = table("events")
    events = events[events["country"] == iso3]
    options = _options(incidents, iso3)
    if options.years is None:
        name = countries().get(iso3, iso3)
        st.info(escape_markdown(f"No incident records are loaded for {name}."))
        st.caption(
            "This is not a count of zero: none of the incident sources loaded here covers this "
            "country, so no incident figures or charts are shown for it."
        )
        reported_section(events, iso3)
        return
    rows = filter_incidents(incidents, _filters(options, iso3))
    total = rows["incident_id"].nunique()
    st.caption(
        f"{total:,} distinct incidents match the filters. These are the cases in the loaded "
        "sources, not all that happened. By statute, only statutes applied to the target count."
    )
    if total == 0:
        st.info("No incident in the loaded sources matches these filters; no chart is drawn.")
    else:
        _sections(rows, events, total, iso3)
    reported_section(events, iso3)


def _sections(rows: pd.DataFrame, events: pd.DataFrame, total: int, iso3: str) -> None:
    """Every view of the matching incidents (there is at least one)."""
    counts_over_time_section(rows, events, iso3)
    left, right = st.columns(2)
    with left:
        by_region_section(rows, iso3)
    with right:
        by_type_section(rows)
    st.subheader("From case to conviction")
    chain = case_chain(rows)
    chart(chain_chart(chain), "incidents-chain")
    st.dataframe(chain, hide_index=True)
    st.caption("Cases (person and statute) that reached each stage, where the records say so.")
    listing_section(rows, total, iso3)


guarded(page)
