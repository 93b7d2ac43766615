"""Several indices on one chart, directions aligned: each drawn on 0-100 with higher = freer.

A *series* is an index and what of it is drawn: ``rsf_wpfi:position`` (RSF's rank as a
position), ``rsf_wpfi:score``, ``fh_fiw:score``, ``fh_fiw_d1:score``, ``fh_fotn:score``,
``fh_fotp:score`` or ``<an analyst's index>:score``. Nothing is rescaled here: a score series
draws ``score_normalised`` (each adapter's rule: RSF by method era, FH's FiW total as is, D1 x 25,
Freedom of the Press 100 - score, an analyst's file by its own scale and direction) with its band
``score_normalised_low``/``_high`` where the source gives one; a position series draws
``position``. The rule in words is the methods text's "Several indices on one chart", shown
under the chart; the hover and the table give each value as published, on its own scale and
direction, beside the value drawn.

* Each edition sits at the middle of the period it covers (a period named by a plain year,
  as an analyst's yearly value is, at the middle of that year); the x axis runs from the
  first period's start to the last period's end.
* Each index's line breaks at each of its changes of method (one trace per method, no line
  across a break), and a dashed rule labelled "RSF method 2013" marks the change.
* Events sit on the band above the plot, as on every time chart (:mod:`chart_events`).
* Every text from the data passes through :func:`plotly_text` (as ``_t``).
* Our words are in the reader's language (``_``; the constants are English, marked ``N_``
  and translated where shown), numbers by Babel.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import N_, _, number
from indicators.present.chart_events import (
    BandItem,
    add_band,
    add_method_rules,
    band_height_px,
    crowd_out,
    event_items,
)
from indicators.present.chart_style import (
    LAYOUT,
    PALETTE,
    SYMBOLS,
    Axis,
    era_label,
    locale_layout,
    publisher,
    shown_number,
)
from indicators.present.chart_text import SHORT_INDEX, published_value
from indicators.present.charts import (
    PLOT_PX,
    data_x_range,
    period_midpoints,
    time_axis,
    within_period,
)
from indicators.present.labels import index_label, readable
from indicators.present.precision import shown_period
from indicators.tables.values import is_missing
from indicators.text import plotly_text as _t

MEASURES = {"position": "position", "score": "score_normalised"}
DEFAULT_SERIES = ("rsf_wpfi:position", "fh_fiw:score", "fh_fiw_d1:score", "fh_fotn:score")
KNOWN_SERIES: tuple[str, ...] = ("rsf_wpfi:position", "rsf_wpfi:score", "fh_fiw:score")
KNOWN_SERIES += ("fh_fiw_d1:score", "fh_fotn:score", "fh_fotp:score")
SERIES_NAMES = {
    "rsf_wpfi:position": N_("RSF position"),
    "rsf_wpfi:score": N_("RSF score"),
    "fh_fiw:score": N_("Freedom in the World"),
    "fh_fiw_d1:score": N_("Free media (FH D1)"),
    "fh_fotn:score": N_("Freedom on the Net"),
    "fh_fotp:score": N_("Freedom of the Press"),
}
Y_TITLE = N_("Rescaled: 0-100, higher = freer")
TABLE_COLUMNS = ["series_name", "edition", "period_label", "value_as_published", "aligned"]
TABLE_COLUMNS += ["aligned_low", "aligned_high", "method"]
USED = ["index", "edition", "edition_year", "period_start", "period_end", "period_label"]
USED += ["iso3", "country", "rank", "n_ranked", "tied", "position", "score", "score_as_printed"]
USED += ["score_low", "score_high", "score_normalised", "score_normalised_low"]
USED += ["score_normalised_high", "score_direction", "methodology", "citation"]
USED += ["source_file", "source_sha256", "source_row"]
NO_VALUE = N_("no value on a 0-100 scale is stored")
NOT_DRAWN = {
    ("rsf_wpfi", "rsf_2002_2012"): N_(
        "RSF's 2002-2012 points have no fixed scale to rescale "
        "(its position is drawn for those editions)"
    )
}


def sources_line(rows: pd.DataFrame) -> str:
    """'Sources: Reporters Without Borders, ...; vdem_freexp (an analyst's file, vdem.csv)'."""
    names = []
    for index, group in rows.groupby("index", sort=False):
        key = str(index)
        own = _("{index} (an analyst's file, {file})").format(
            index=index_label(key), file=group["source_file"].iloc[0]
        )
        names.append(publisher(key) if key in SHORT_INDEX else own)
    return _("Sources: {names}").format(names="; ".join(names)) if names else ""


def series_code(index: str, what: str) -> str:
    """'rsf_wpfi', 'position' -> 'rsf_wpfi:position'."""
    return f"{index}:{what}"


def series_name(code: str) -> str:
    """The legend's name of a series: 'RSF position'; an analyst's index by its own name."""
    if code in SERIES_NAMES:
        return _(SERIES_NAMES[code])
    index, _sep, what = code.partition(":")
    return index_label(index) if what == "score" else f"{index_label(index)} ({what})"


def available_series(rankings: pd.DataFrame, iso3: str) -> list[str]:
    """Every series the store can draw for the country: RSF's and FH's in their usual order,
    then each other index (position before score)."""
    rows = rankings[rankings["iso3"] == iso3]
    found = []
    for index, group in rows.groupby("index", sort=True):
        for what, column in MEASURES.items():
            if group[column].notna().any():
                found.append(series_code(str(index), what))
    known = [c for c in KNOWN_SERIES if c in found]
    return known + [c for c in found if c not in known]


def default_series(available: Sequence[str]) -> list[str]:
    """The series drawn unless chosen: RSF's position, FH's FiW total, its D1 and FOTN; where
    that is one series alone (only RSF is loaded), RSF's score is drawn beside its position."""
    chosen = [c for c in DEFAULT_SERIES if c in available]
    if len(chosen) < 2 and "rsf_wpfi:score" in available:
        chosen = [c for c in KNOWN_SERIES if c in {*chosen, "rsf_wpfi:score"}]
    return chosen


_number = shown_number


def _periods(rows: pd.DataFrame) -> pd.DataFrame:
    """Every row with a period: a label that is a plain year is that year; without either,
    the year before the edition (as a yearly index's edition covers)."""
    start, end = rows["period_start"].astype(object), rows["period_end"].astype(object)
    label = rows["period_label"].astype(str)
    plain = label.str.fullmatch(r"\d{4}").fillna(False).astype(bool) & start.isna()
    start, end = start.mask(plain, label + "-01-01"), end.mask(plain, label + "-12-31")
    before = (rows["edition_year"].astype("Int64") - 1).astype(str)
    start, end = start.fillna(before + "-01-01"), end.fillna(before + "-12-31")
    return rows.assign(period_start=start, period_end=end)


def aligned_rows(rankings: pd.DataFrame, iso3: str, series: Sequence[str]) -> pd.DataFrame:
    """The rows the chart draws, one per series and edition, in the order of ``series``:
    ``aligned`` (0-100, higher = freer) with its band ``aligned_low``/``aligned_high``, the
    value as published in words, and the row's provenance."""
    own = rankings.loc[rankings["iso3"] == iso3, [c for c in USED if c in rankings]]
    parts = []
    for code in dict.fromkeys(series):
        index, _sep, what = code.partition(":")
        if what not in MEASURES:
            continue
        rows = own[own["index"] == index].sort_values("edition_year")
        column = MEASURES[what]
        rows = rows[rows[column].notna()]
        if rows.empty:
            continue
        none = pd.Series(pd.NA, index=rows.index, dtype="Float64")
        band = what == "score"
        published = [published_value(r, what) for r in rows.to_dict("records")]
        parts.append(
            rows.assign(
                series=code,
                series_name=series_name(code),
                aligned=rows[column].astype("Float64"),
                aligned_low=rows["score_normalised_low"] if band else none,
                aligned_high=rows["score_normalised_high"] if band else none,
                value_as_published=published,
                method=rows["methodology"].map(era_label),
            )
        )
    if not parts:
        return pd.DataFrame(columns=[*rankings.columns, "series", *TABLE_COLUMNS])
    out = _periods(pd.concat(parts, ignore_index=True))
    for column in ("aligned_low", "aligned_high"):
        out[column] = out[column].astype("Float64")
    return out.assign(_x=period_midpoints(out))


def aligned_table(rankings: pd.DataFrame, iso3: str, series: Sequence[str]) -> pd.DataFrame:
    """The rows drawn, with the value as published and as drawn, under readable headers."""
    rows = aligned_rows(rankings, iso3, series)
    return readable(rows[TABLE_COLUMNS].reset_index(drop=True))


def aligned_notes(rankings: pd.DataFrame, iso3: str, series: Sequence[str]) -> list[str]:
    """What the chart leaves out and why: a chosen series with no data for the country, the
    editions of a series that have no rescaled value, and the indices not loaded."""
    own = rankings[rankings["iso3"] == iso3]
    notes = []
    for code in dict.fromkeys(series):
        index, _sep, what = code.partition(":")
        rows = own[own["index"] == index]
        if what not in MEASURES or rows.empty:
            notes.append(_("{series}: no data for this country.").format(series=series_name(code)))
            continue
        missing = rows[rows[MEASURES[what]].isna()]
        for era, group in missing.groupby("methodology", sort=False) if what == "score" else ():
            editions = group.sort_values("edition_year")["edition"].astype(str)
            span = (
                editions.iloc[0]
                if len(group) == 1
                else _("{first} to {last}").format(first=editions.iloc[0], last=editions.iloc[-1])
            )
            why = _(NOT_DRAWN.get((index, str(era)), NO_VALUE))
            notes.append(
                _("{series}, editions {span}: not drawn; {why}.").format(
                    series=series_name(code), span=span, why=why
                )
            )
    absent = [index_label(i) for i in SHORT_INDEX if i not in set(rankings["index"])]
    if absent:
        notes.append(
            _(
                "Not loaded, so not offered: {indices}. They (and an index of your "
                "own, such as a V-Dem indicator with its _codelow and _codehigh band) can be "
                "loaded from the publishers' files on the Upload page."
            ).format(indices="; ".join(absent))
        )
    return notes


def _hover(rows: pd.DataFrame) -> list[str]:
    """Index, edition, period, the value as published and as drawn, the method."""
    out = []
    columns = ["series_name", "index", "edition", "period_label", "period_start", "period_end"]
    columns.append("value_as_published")
    covering, published = _("covering {period}"), _("as published: {value}")
    drawn, band_words = _("drawn: {value} of 100, higher = freer"), _("band {low} to {high}")
    for r in rows[[*columns, "aligned", "aligned_low", "aligned_high", "method"]].to_dict(
        "records"
    ):
        band = ""
        if not is_missing(r["aligned_low"]) and not is_missing(r["aligned_high"]):
            low, high = _tenths(r["aligned_low"]), _tenths(r["aligned_high"])
            band = f" ({band_words.format(low=low, high=high)})"
        period = shown_period(r["period_label"], r["period_start"], r["period_end"])
        out.append(
            f"{_t(r['series_name'])}: {_t(index_label(r['index']))} {_t(r['edition'])}<br>"
            f"{covering.format(period=_t(period))}<br>"
            f"{published.format(value=_t(r['value_as_published']))}<br>"
            f"{drawn.format(value=_tenths(r['aligned']))}{band}<br>"
            f"{_t(r['method'])}"
        )
    return out


def _tenths(value: object) -> str:
    """A drawn value to one decimal: '34.4' ('34,4' in Russian and Kazakh)."""
    return number(float(str(value)), 1)


def _band(fig: go.Figure, seg: pd.DataFrame, code: str, colour: str) -> None:
    """The band of one method era as a filled area (each run of editions that have one);
    a lone edition's band is an error bar on its marker (see :func:`_line`)."""
    has = seg["aligned_low"].notna() & seg["aligned_high"].notna()
    for _run_key, run in seg[has].groupby((~has).cumsum()[has]):
        if len(run) < 2:
            continue
        for bound in ("low", "high"):
            fig.add_trace(
                go.Scatter(
                    x=run["_x"],
                    y=run[f"aligned_{bound}"].astype(float),
                    mode="lines",
                    line={"width": 0, "color": colour},
                    fill="tonexty" if bound == "high" else None,
                    fillcolor=_faint(colour),
                    legendgroup=code,
                    showlegend=False,
                    hoverinfo="skip",
                    meta={"role": "band", "series": code, "bound": bound},
                )
            )


def _faint(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.2)"


def _lone_band(seg: pd.DataFrame) -> dict[str, object] | None:
    """Error bars for editions whose band has no neighbour to form an area with."""
    has = seg["aligned_low"].notna() & seg["aligned_high"].notna()
    runs = (~has).cumsum()
    lone = has & runs.map(runs[has].value_counts()).eq(1)
    if not lone.any():
        return None
    value = seg["aligned"].astype(float)
    up = (seg["aligned_high"].astype(float) - value).where(lone)
    down = (value - seg["aligned_low"].astype(float)).where(lone)
    return {"type": "data", "array": list(up), "arrayminus": list(down), "thickness": 1.5}


def _line(fig: go.Figure, rows: pd.DataFrame, i: int) -> None:
    """One series: a trace per method era (one legend entry), its band beneath it."""
    code = str(rows["series"].iloc[0])
    colour, symbol = PALETTE[i % len(PALETTE)], SYMBOLS[i % len(SYMBOLS)]
    for j, (era, seg) in enumerate(rows.groupby("methodology", sort=False)):
        _band(fig, seg, code, colour)
        fig.add_trace(
            go.Scatter(
                x=seg["_x"],
                y=seg["aligned"].astype(float),
                mode="lines+markers",
                name=_t(seg["series_name"].iloc[0]),
                legendgroup=code,
                legendrank=i + 1,
                showlegend=j == 0,
                line={"color": colour, "width": 2.5},
                marker={"symbol": symbol, "size": 8, "color": colour},
                error_y=_lone_band(seg),
                hovertext=list(seg["_hover"]),
                hoverinfo="text",
                meta={"role": "series", "series": code, "methodology": str(era)},
            )
        )


def method_breaks(rows: pd.DataFrame) -> list[BandItem]:
    """Each change of method of each index drawn ('RSF method 2013'), at the start of the
    first period the new method covers; an index's first method is no change."""
    items: dict[tuple[str, pd.Timestamp], BandItem] = {}
    starts = pd.to_datetime(rows["period_start"], errors="coerce", format="ISO8601")
    for index, group in rows.assign(_start=starts).groupby("index", sort=False):
        firsts = group.groupby("methodology")["_start"].min().sort_values()
        for era, when in firsts.iloc[1:].items():
            edition = group.loc[group["methodology"] == era].sort_values("edition_year")
            first = _t(edition["edition"].iloc[0])
            who = _t(SHORT_INDEX.get(str(index), index_label(index)))
            items[(str(index), when)] = BandItem(
                when,
                _("{index} method {edition}").format(index=who, edition=first),
                _("{index}: from edition {edition}, {method}.").format(
                    index=who, edition=first, method=_t(era_label(era))
                )
                + "<br>"
                + _("Editions made by different methods are not joined."),
                "method",
            )
    return list(items.values())


def aligned_chart(
    rankings: pd.DataFrame,
    iso3: str,
    series: Sequence[str],
    events: pd.DataFrame | None = None,
) -> go.Figure:
    """The chosen series of one country on one 0-100 scale, higher = freer (see the module)."""
    rows = aligned_rows(rankings, iso3, series)
    fig = go.Figure()
    hover = _hover(rows) if len(rows) else []
    rows = rows.assign(_hover=hover) if len(rows) else rows
    drawn = list(dict.fromkeys(rows["series"])) if len(rows) else []
    for i, code in enumerate(drawn):
        _line(fig, rows[rows["series"] == code], i)
    x_range = data_x_range(rows) if len(rows) else (pd.Timestamp("2000"), pd.Timestamp("2026"))
    items = event_items(within_period(events, rows, 0)) if len(rows) else []
    band = band_height_px(crowd_out(items, x_range)) if items else 0.0
    add_band(fig, items, x_range, PLOT_PX + band)
    add_method_rules(fig, method_breaks(rows) if len(rows) else [])
    legend_rows = (len(drawn) + 1) // 2
    fig.update_layout(
        **LAYOUT,
        height=int(PLOT_PX + band + 70 + 24 * legend_rows),
        showlegend=bool(drawn),
        xaxis=time_axis(x_range),
        yaxis=Axis(_(Y_TITLE), 0.0, 100.0).layout(),
        **locale_layout(),
    )
    return fig
