"""Incident charts: counts over time, ranked bars, maps, the case chain and monitors' own
counts (pure functions from view frames to plotly figures; shared style in :mod:`charts`).

Every chart reads on a 390 px phone as on a desktop: legends sit above the plot (horizontal,
never over the plot or an axis title), long legend entries wrap, the figure is tall enough for
its legend at phone width, axes end at the data, count axes are whole numbers from 0, and
periods are shown at their precision ('2022', 'Jan 2022').

Every string from the data passes through :func:`plotly_text` (as ``_t``) before it reaches a
figure: plotly renders a subset of HTML (links included) in names, hover text and labels.
Our words are in the reader's language (``_``; the constants are English, translated where
shown), counts with the locale's grouping, date ticks and periods in its words.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.i18n import N_, _, english_data, language
from indicators.present.chart_style import count_axis, date_ticks, locale_layout, shown_count
from indicators.present.charts import LAYOUT, PALETTE, SYMBOLS, add_event_markers
from indicators.present.labels import region_label, region_short_label, value_label
from indicators.present.tables_in_words import period_shown
from indicators.text import plotly_text as _t

_CYRILLIC = re.compile("[\u0400-\u04ff]")
COUNTED = N_("Incidents in the loaded sources")
_DAY_MS = 86_400_000
BAR_SHARE = 0.8  # a bar fills this share of its period, so neighbours stay apart
SCALE = [[0, "#f7f7f7"], [1, "#0072B2"]]
PATTERNS = ("", "/", "\\", "x", "-", "|", "+", ".")
LEGEND_WRAP = 38  # characters per legend line: an entry fits a 390 px phone
LEGEND = {
    "orientation": "h",
    "traceorder": "normal",  # entries flow in rows (a grouped legend stacks them in a column)
    "yanchor": "bottom",
    "y": 1.02,
    "xanchor": "left",
    "x": 0,
    "font": {"size": 11},
}
GREYS = ("#8c8c8c", "#5f5f5f", "#b5b5b5")  # series past the eighth: grey, told apart by pattern
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}  # axes take what their labels need (automargin)
PHONE_LEGEND_PX = 340  # the legend's width on a 390 px phone
PLOT_PX = 300  # the plot's own height, beside the legend and the axes


def legend_name(text: object) -> str:
    """A legend entry that fits a phone: the words wrapped at :data:`LEGEND_WRAP` characters
    (each line made safe for plotly, joined by line breaks); the same words as filters and
    tables."""
    lines = textwrap.wrap(str(text), LEGEND_WRAP) or [""]
    return "<br>".join(_t(line) for line in lines)


def _legend_rows(names: Iterable[str], width: float = PHONE_LEGEND_PX) -> int:
    """Text lines a horizontal legend takes at phone width (entries packed left to right)."""
    rows, used, tallest = 0, width, 0
    for name in names:
        lines = name.split("<br>")
        entry = 40 + 6.2 * max(len(line) for line in lines)
        if used + entry > width:
            rows, used, tallest = rows + tallest, 0.0, 0
        used += entry
        tallest = max(tallest, len(lines))
    return rows + tallest


def phone_layout(fig: go.Figure, axis_px: int = 70) -> go.Figure:
    """Legend above the plot, margins that fit, and a height that leaves the plot
    :data:`PLOT_PX` high under the legend as a phone wraps it."""
    shown = [str(t.name or "") for t in fig.data if t.showlegend is not False and t.name]
    rows = _legend_rows(shown) if len(shown) > 1 else 0
    fig.update_layout(
        legend=LEGEND,
        margin=MARGIN,
        height=PLOT_PX + axis_px + 18 * rows,
        showlegend=len(shown) > 1,
        **locale_layout(),
    )
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True, title_standoff=8)
    return fig


def _period_bars(values: pd.Series, period: str) -> tuple[pd.Series, float]:
    """Bar centres (the middle of each year or month) and a width in ms as wide as the period."""
    start = _period_start(values, period)
    days = 365.25 if period == "year" else 30.44
    middle = start + pd.Timedelta(days=days / 2)
    return middle, days * _DAY_MS * BAR_SHARE


def _period_start(values: pd.Series, period: str) -> pd.Series:
    return pd.to_datetime(values.astype(str), format="%Y" if period == "year" else "%Y-%m")


def period_range(values: pd.Series, period: str) -> list[str]:
    """The x range from the start of the first period to the end of the last (ISO days)."""
    starts = _period_start(values, period)
    end = starts.max() + (pd.DateOffset(years=1) if period == "year" else pd.DateOffset(months=1))
    return [starts.min().date().isoformat(), end.date().isoformat()]


def series_styles(counts: pd.DataFrame, series: str) -> dict[object, tuple[str, str]]:
    """A colour and a fill pattern per series: the eight largest get the eight palette colours
    (Okabe-Ito, never one twice), the rest grey, every one its own pattern."""
    totals = counts.groupby(series, sort=True)["incidents"].sum()
    ranked = sorted(totals.index, key=lambda k: (-totals[k], str(k)))
    out: dict[object, tuple[str, str]] = {}
    for i, name in enumerate(ranked):
        colour = _line_colour(i)
        pattern = PATTERNS[1 + (i - len(PALETTE)) % (len(PATTERNS) - 1)] if colour in GREYS else ""
        out[name] = (colour, pattern)
    return out


def counts_over_time(
    counts: pd.DataFrame, period: str, series: str, label: str, events: pd.DataFrame | None = None
) -> go.Figure:
    """Stacked bars of incident counts per period, one colour per series value (``series``
    holds the words the legend shows); each bar is as wide as its period (a year or a month),
    hovers name the period at its precision and the count axis is in whole numbers."""
    fig = go.Figure()
    styles = series_styles(counts, series)
    hover = _("{name}<br>{period}: {n} in the loaded sources")
    for name, group in counts.groupby(series, sort=True):
        x, width = _period_bars(group[period], period)
        colour, pattern = styles[name]
        fig.add_trace(
            go.Bar(
                x=x,
                y=group["incidents"],
                width=[width] * len(group),
                name=legend_name(name),
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertext=[
                    hover.format(name=_t(name), period=_t(p), n=shown_count(n))
                    for p, n in zip(
                        period_shown(group[period], period), group["incidents"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    top = float(counts.groupby(period)["incidents"].sum().max()) if len(counts) else 1.0
    if len(counts) and events is not None:
        first, last = str(counts[period].min()), str(counts[period].max())
        when = events["date"].str.slice(0, len(first))
        events = events[(when >= first) & (when <= last)]
    add_event_markers(fig, events, (0.0, top))
    fig.update_layout(barmode="stack", yaxis_title=_(COUNTED), xaxis_title=label, **LAYOUT)
    fig.layout.yaxis.update(**count_axis(top))
    if len(counts):
        x_range = period_range(counts[period], period)
        ticks = date_ticks(*x_range, middle=period == "year")
        fig.update_xaxes(range=x_range, autorange=False, **ticks)
    return phone_layout(fig)


def ranked_bars(
    counts: pd.DataFrame,
    label_col: str,
    value_col: str = "incidents",
    title: str | None = None,
) -> go.Figure:
    """Horizontal bars, largest at the top: the map-free view of regions or categories (the
    labels in ``label_col`` are the words shown; ``title``: the count axis', 'Incidents')."""
    data = counts.sort_values(value_col)
    fig = go.Figure(
        go.Bar(
            x=data[value_col],
            y=[_t(label) for label in data[label_col]],
            orientation="h",
            marker={"color": PALETTE[0]},
            text=data[value_col],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(xaxis_title=_("Incidents") if title is None else title, **LAYOUT)
    top = float(data[value_col].max()) if len(data) else 1.0
    fig.update_xaxes(**count_axis(top, ticks=3), range=[0, top * 1.05], autorange=False)
    phone_layout(fig)
    fig.update_layout(height=max(200, 24 * len(data) + 80))
    return fig


def _tile_colours(values: pd.Series, top: int) -> list[str]:
    return [str(c) for c in sample_colorscale(SCALE, [float(v) / top for v in values])]


def tile_grid_map(counts: pd.DataFrame, layout: pd.DataFrame) -> go.Figure:
    """A tile-grid map laid out by the project: one square per region (drawn in the plot's
    own units, so tiles shrink with a phone's width), shaded by count and named in words."""
    data = layout.merge(counts[["region_code", "incidents"]], on="region_code", how="left")
    data["incidents"] = data["incidents"].fillna(0).astype(int)
    top = max(int(data["incidents"].max()), 1)
    fig = go.Figure()
    colours = _tile_colours(data["incidents"], top)
    hover = _("{region}: {n} in the loaded sources")
    for col, row, colour in zip(data["col"], data["row"], colours, strict=True):
        x, y = float(col), float(row)
        fig.add_shape(
            type="rect",
            x0=x - 0.46,
            x1=x + 0.46,
            y0=y - 0.46,
            y1=y + 0.46,
            fillcolor=colour,
            line={"color": "#333", "width": 1},
            layer="below",
        )
    short = [region_short_label(c) for c in data["region_code"]]
    dark = [n > top * 0.55 for n in data["incidents"]]
    fig.add_trace(
        go.Scatter(
            x=data["col"],
            y=data["row"],
            mode="text",
            name="tiles",
            text=[
                f"{_t(s)}<br>{shown_count(n)}"
                for s, n in zip(short, data["incidents"], strict=True)
            ],
            textfont={"size": 9, "color": ["#fff" if d else "#222" for d in dark]},
            hovertext=[
                hover.format(region=_t(region_label(c)), n=shown_count(n))
                for c, n in zip(data["region_code"], data["incidents"], strict=True)
            ],
            hoverinfo="text",
            showlegend=False,
            meta={"role": "tiles"},
        )
    )
    fig.add_trace(_colour_bar(top))
    fig.update_xaxes(visible=False, range=[-0.6, data["col"].max() + 0.6], fixedrange=True)
    fig.update_yaxes(
        visible=False,
        range=[data["row"].max() + 0.6, -0.6],
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        fixedrange=True,
    )
    fig.update_layout(height=420, **{**LAYOUT, "margin": {"l": 4, "r": 4, "t": 4, "b": 4}})
    fig.update_layout(showlegend=False, **locale_layout())
    return fig


def _colour_bar(top: int) -> go.Scatter:
    """An invisible point carrying the horizontal colour bar under a map (whole-number ticks)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "color": [0],
            "cmin": 0,
            "cmax": top,
            "colorscale": SCALE,
            "showscale": True,
            "colorbar": _colour_bar_layout(top),
        },
    )


def _colour_bar_layout(top: float) -> dict[str, object]:
    axis = count_axis(top)
    return {
        "title": {"text": _(COUNTED), "side": "top"},
        "orientation": "h",
        "y": -0.02,
        "yanchor": "top",
        "thickness": 12,
        "len": 1.0,
        "tickformat": axis["tickformat"],
        "dtick": axis["dtick"],
        "tick0": 0,
    }


def choropleth(counts: pd.DataFrame, geojson: dict[str, object], key: str) -> go.Figure:
    """A true choropleth from a configured boundary file (no map tiles: nothing from the internet)."""
    top = float(counts["incidents"].max()) if len(counts) else 1.0
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            locations=counts["region_code"],
            z=counts["incidents"],
            featureidkey=key,
            colorscale=SCALE,
            zmin=0,
            marker_line_color="#333",
            text=[_t(region_label(c)) for c in counts["region_code"]],
            hoverinfo="text+z",  # the region codes (data) are never shown
            colorbar=_colour_bar_layout(top),
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(height=460, **{**LAYOUT, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})
    fig.update_layout(**locale_layout())
    return fig


def _series_name(measure: object, group: object) -> str:
    """'measure (group)' as the monitor names them; in Russian and Kazakh the labels' words
    where they have them all, else the monitor's English marked " [EN]"."""
    parts = [str(measure), *([group] if isinstance(group, str) and group else [])]
    words = [value_label(p) for p in parts] if language() != "en" else parts
    if words is parts or all(_CYRILLIC.search(w) for w in words):
        return words[0] + (f" ({words[1]})" if len(words) > 1 else "")
    return english_data(parts[0] + (f" ({parts[1]})" if len(parts) > 1 else ""))


def _monthly_with_gaps(group: pd.DataFrame) -> pd.DataFrame:
    """One row per month from the series' first to its last, blank where nothing was reported
    (so a missing month is drawn as a gap, never bridged by a line)."""
    starts = pd.to_datetime(group["period_start"])
    months = pd.date_range(starts.min(), starts.max(), freq="MS")
    data = group.assign(period_start=starts).drop_duplicates("period_start")
    return data.set_index("period_start").reindex(months).rename_axis("month").reset_index()


def _line_colour(i: int) -> str:
    return PALETTE[i] if i < len(PALETTE) else GREYS[(i - len(PALETTE)) % len(GREYS)]


def reported_counts_chart(reported: pd.DataFrame, events: pd.DataFrame | None = None) -> go.Figure:
    """A monitor's own monthly figures (never added to incident records): one line per measure
    and group, with a gap wherever a month is missing; hovers name the month ('Jun 2024')."""
    fig = go.Figure()
    keyed = reported.assign(group=reported["group"].fillna(""))
    hover = _("{name}: {value} in {month}")
    for i, ((measure, group_name), group) in enumerate(
        keyed.groupby(["measure", "group"], sort=True)
    ):
        name = _series_name(measure, group_name)
        data = _monthly_with_gaps(group)
        present = data["value"].notna()
        months = period_shown(data["month"].dt.strftime("%Y-%m"), "month")
        fig.add_trace(
            go.Scatter(
                x=data["month"],
                y=[float(v) if ok else None for v, ok in zip(data["value"], present, strict=True)],
                mode="lines+markers",
                connectgaps=False,
                name=legend_name(name),
                line={"color": _line_colour(i)},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)]},
                hovertext=[
                    hover.format(name=_t(name), value=shown_count(v), month=_t(m)) if ok else ""
                    for v, m, ok in zip(data["value"], months, present, strict=True)
                ],
                hoverinfo="text",
            )
        )
    top = float(reported["value"].astype(float).max()) if len(reported) else 1.0
    if len(reported) and events is not None:
        when = events["date"]
        events = events[
            (when >= reported["period_start"].min()) & (when <= reported["period_end"].max())
        ]
        add_event_markers(fig, events, (0.0, top))
    fig.update_layout(yaxis_title=_("As reported by the monitor"), xaxis_title=_("Month"), **LAYOUT)
    fig.layout.yaxis.update(**count_axis(top))
    if len(reported):
        first, last = period_range(reported["period_start"].str.slice(0, 7), "month")
        half = pd.Timedelta(days=15)  # a point on the first or last month is drawn whole
        start, end = pd.Timestamp(first) - half, pd.Timestamp(last) - half
        x_range = [start.date().isoformat(), end.date().isoformat()]
        fig.update_xaxes(range=x_range, autorange=False, **date_ticks(start, end))
    return phone_layout(fig)


def chain_chart(chain: pd.DataFrame) -> go.Figure:
    """Cases reaching each stage: opened, charged, convicted (stages in words)."""
    fig = go.Figure(
        go.Funnel(
            y=[_t(value_label(s)) for s in chain["stage"]],
            x=chain["cases"],
            marker={"color": [PALETTE[0], PALETTE[1], PALETTE[3]]},
            hovertemplate=_("%{y}: %{x} cases") + "<extra></extra>",
        )
    )
    fig.update_layout(height=260, **{**LAYOUT, "margin": MARGIN}, **locale_layout())
    fig.update_yaxes(automargin=True)
    return fig
