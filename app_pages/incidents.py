"""Incidents: counts by statute, region, type and target over time, with the records themselves.

Every choice lives in the URL (``?cats=...&statutes=...&regions=...&targets=...&by=...&freq=...
&reported=...``, repeated parameters for several values), so a copied link reproduces the view.
Tables show words (statutes, regions, kinds in words, dates at their precision, blank cells
blank) and the sources as text, never as links.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import _url
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
from indicators.present.geo import configured_geojson, load_geojson, tile_layout
from indicators.present.incident_charts import (
    chain_chart,
    choropleth,
    counts_over_time,
    ranked_bars,
    reported_counts_chart,
    tile_grid_map,
)
from indicators.present.labels import (
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
from indicators.query.aggregate import (
    FilterOptions,
    IncidentFilter,
    case_chain,
    filter_incidents,
    filter_options,
    incident_counts,
    latest_incidents,
    undated_in_month,
)
from indicators.query.trend import RULE, Change, Comparison, incident_changes
from indicators.text import escape_markdown, one_line

CAVEAT = "The cases in the loaded sources, not all that happened"


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
    """The sidebar's filters, each kept in the URL under its key (repeated for several)."""
    this_year = today().year
    start, end = year_range(options.years or (this_year, this_year))
    regions = options.regions
    side = st.sidebar
    cats = _url.multiselect(
        "Statute category", options.categories, "cats", format_func=value_label, container=side
    )
    chosen = _url.multiselect(
        "Statute", options.statutes, "statutes", format_func=statute_label, container=side
    )
    picked = _url.multiselect(
        "Region",
        sorted_regions(regions),
        "regions",
        format_func=lambda c: region_label(c) if c in region_labels() else regions[c],
        container=side,
    )
    targets = _url.multiselect(
        "Target type", options.target_types, "targets", format_func=value_label, container=side
    )
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


def _sources(rows: pd.DataFrame) -> str:
    """The sources behind the matching records, named as they cite themselves."""
    return source_line(rows["source_name"])


def counts_over_time_section(
    rows: pd.DataFrame, events: pd.DataFrame, iso3: str, words: tuple[str, str]
) -> None:
    """Counts by statute or category, per year or month, with events, table and download."""
    subtitle, source = words
    by = url_choice("by", ["statute", "category"], "Break down by")
    freq = url_choice("freq", ["year", "month"], "Per")
    counts = incident_counts(rows, [by, freq])
    column = "statute_key" if by == "statute" else "statute_category"
    drawn = counts.assign(series=series_in_words(counts, column))
    shown_table = counts_table(counts)
    shown = [column, freq, "incidents"]
    chart(
        counts_over_time(drawn, freq, "series", freq.capitalize(), events),
        "incidents-time",
        title=f"Incidents by {'statute' if by == 'statute' else 'kind of statute'}, per {freq}",
        subtitle=subtitle,
        source=source,
        data=shown_table,
        shown=shown,
    )
    if freq == "month":
        st.caption(
            f"{undated_in_month(rows)} incidents are dated only to the year and are not in "
            "the monthly bars."
        )
    with st.expander("Table of these counts"):
        st.dataframe(readable(shown_table[shown]), hide_index=True)
        download(shown_table, f"incidents_by_{by}_{freq}_{iso3}.csv", shown=shown)


CHANGE_LABELS = {
    "kind": "Comparison",
    "period": "Period",
    "this": "Cases",
    "compared_with": "Compared with",
    "last": "Cases then",
    "change": "Change",
}


def _change_row(c: Change) -> dict[str, object]:
    if not isinstance(c, Comparison):
        return {"kind": c.kind.capitalize(), "change": c.change}
    return {**{k: getattr(c, k) for k in CHANGE_LABELS}, "kind": c.kind.capitalize()}


def changes_section(rows: pd.DataFrame, f: IncidentFilter) -> None:
    """Month on month and year on year as words under the low-baseline rule, with the rule
    beside them (a table, never a coloured delta), from the page's own filtered rows (counted
    once per store version, filters and day: 0.1 s on a million rows)."""
    st.subheader("Change in the number of cases")
    on = today()
    key = ("incident-changes", repr(f), on)
    changes = per_version(key, lambda: incident_changes(rows, on, f.start))
    frame = pd.DataFrame([_change_row(c) for c in changes], columns=list(CHANGE_LABELS))
    st.dataframe(readable(frame, CHANGE_LABELS), hide_index=True)
    notes = [c.note for c in changes if isinstance(c, Comparison) and c.note]
    st.caption(escape_markdown(" ".join([*notes, RULE])))


def by_region_section(rows: pd.DataFrame, iso3: str, words: tuple[str, str]) -> None:
    """Incidents by region: a choropleth (with a boundary file) or tile map, and bars."""
    subtitle, source = words
    by_region = incident_counts(rows, ["region"])
    shown_table = counts_table(by_region)
    st.subheader("By region")
    layout = tile_layout(iso3)
    geo = configured_geojson()
    title = "Incidents by region"
    if geo is not None:
        shape, unmatched = _geojson(str(geo), iso3, today())
        chart(
            choropleth(by_region, shape, "id"),
            "incidents-choropleth",
            title=title,
            subtitle=subtitle,
            source=source,
        )
        if unmatched:
            st.caption(
                "Boundary features not matched to a region: "
                + escape_markdown(", ".join(unmatched))
            )
    elif layout is not None:
        chart(
            tile_grid_map(by_region, layout),
            "incidents-tiles",
            title=title,
            subtitle=subtitle,
            source=source,
        )
        st.caption(
            "A tile map: one square per region, roughly in place; no boundary file "
            "is needed. Regions are those in force on each incident's date."
        )
    shown = ["region_name", "incidents"]
    chart(
        ranked_bars(shown_table, "region_name"),
        "incidents-regions",
        title=title,
        subtitle=subtitle,
        source=source,
        data=shown_table,
        shown=shown,
    )
    with st.expander("Table: incidents by region"):
        st.dataframe(readable(shown_table[shown]), hide_index=True)


def by_type_section(rows: pd.DataFrame, words: tuple[str, str]) -> None:
    """Incidents by incident type and by target type."""
    subtitle, source = words
    st.subheader("By incident type and target")
    by_type = counts_table(incident_counts(rows, ["type"]))
    by_target = counts_table(incident_counts(rows, ["target"]))
    for frame, column, key, title in (
        (by_type, "incident_type", "incidents-types", "Incidents by kind of incident"),
        (by_target, "target_type", "incidents-targets", "Incidents by kind of target"),
    ):
        chart(
            ranked_bars(frame, column),
            key,
            title=title,
            subtitle=subtitle,
            source=source,
            data=frame,
            shown=[column, "incidents"],
        )
    with st.expander("Table: incidents by type and by target"):
        st.dataframe(readable(by_type), hide_index=True)
        st.dataframe(readable(by_target), hide_index=True)


LISTING = INCIDENT_SHOWN[: INCIDENT_SHOWN.index("date_iso")]  # the page shows no ISO date


def listing_section(rows: pd.DataFrame, total: int, iso3: str) -> None:
    """The most recent incidents (dates at their precision, sources as text) and the download
    of all of them (readable columns first, then the ISO date and the provenance)."""
    st.subheader("The incidents")
    listing = incident_table(latest_incidents(rows, LISTED))
    if total > LISTED:
        st.caption(
            f"The {LISTED:,} most recent of {total:,} incidents are listed; "
            "the download below holds all of them."
        )
    st.dataframe(
        readable(listing[LISTING]),
        hide_index=True,
        column_config={"Source address": text_column("Source address")},
    )
    download_later(
        lambda: readable(incident_table(latest_incidents(rows))),
        f"incidents_{iso3}.csv",
        "Download the incident list (CSV)",
        rows=total,
    )


def reported_section(events: pd.DataFrame, iso3: str) -> None:
    """A monitor's own monthly counts, as their own series (never added to the records)."""
    reported = table("reported_counts")
    reported = reported[(reported["country"] == iso3) & (reported["period_kind"] == "month")]
    if reported.empty:
        return
    st.subheader("What monitors reported (their own counts)")
    measures = sorted(reported["measure"].unique())
    picked_measures = _url.multiselect(
        "Reported series", measures, "reported", default=measures[:3], format_func=value_label
    )
    picked = reported[reported["measure"].isin(picked_measures)]
    shown_table = reported_table(picked)
    shown = ["period_label", "group", "measure", "value", "unit", "source_name", "source_url"]
    chart(
        reported_counts_chart(picked, events),
        "reported-chart",
        title="What the monitor reported, per month",
        subtitle="The monitor's own published figures, never added to the incident records",
        source=_sources(picked),
        data=shown_table,
        shown=shown,
    )
    with st.expander("Table: reported figures, with their sources"):
        st.dataframe(
            readable(shown_table[shown]),
            hide_index=True,
            column_config={"Source address": text_column("Source address")},
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
    name = str(countries().get(iso3, iso3))
    if options.years is None:
        st.info(escape_markdown(f"No incident records are loaded for {name}."))
        st.caption(
            "This is not a count of zero: none of the incident sources loaded here covers this "
            "country, so no incident figures or charts are shown for it."
        )
        reported_section(events, iso3)
        return
    f = _filters(options, iso3)
    rows = filter_incidents(incidents, f)
    total = rows["incident_id"].nunique()
    st.caption(
        f"{total:,} distinct incidents match the filters. These are the cases in the loaded "
        "sources, not all that happened. By statute, only statutes applied to the target count."
    )
    if total == 0:
        st.info("No incident in the loaded sources matches these filters; no chart is drawn.")
    else:
        period = f"{f.start.year if f.start else ''}-{f.end.year if f.end else ''}"
        subtitle = one_line(f"{name}, {period}: {CAVEAT.lower()}")
        changes_section(rows, f)
        _sections(rows, events, total, iso3, (subtitle, _sources(rows)))
    reported_section(events, iso3)


def _sections(
    rows: pd.DataFrame, events: pd.DataFrame, total: int, iso3: str, words: tuple[str, str]
) -> None:
    """Every view of the matching incidents (there is at least one); ``words`` are the charts'
    subtitle and source line, worked out once."""
    counts_over_time_section(rows, events, iso3, words)
    left, right = st.columns(2)
    with left:
        by_region_section(rows, iso3, words)
    with right:
        by_type_section(rows, words)
    st.subheader("From case to conviction")
    chain = case_chain(rows)
    in_words = chain.assign(stage=chain["stage"].map(value_label))
    chart(
        chain_chart(chain),
        "incidents-chain",
        title="Cases that reached each stage",
        subtitle=words[0],
        source=words[1],
        data=in_words,
        shown=["stage", "cases"],
    )
    st.dataframe(readable(in_words), hide_index=True)
    st.caption("Cases (person and statute) that reached each stage, where the records say so.")
    listing_section(rows, total, iso3)


guarded(page)
