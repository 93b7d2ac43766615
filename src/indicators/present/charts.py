"""Chart builders: pure functions from view frames to plotly figures (no streamlit here).

* Time runs on the **period covered**: an edition is drawn at the middle of the period it
  describes (edition 2025 at mid-2024), so events line up with the edition that reflects them.
  The x axis ends at the data: from the first period's start to the last period's end.
* Methodology breaks are drawn as breaks: each era is its own trace (one legend entry per
  country all the same), so no line ever joins two editions made by different methods, and a
  dashed rule with a short label on the event band marks each change of method.
* Events sit on their own band above the plot (:mod:`chart_events`), never on a data line.
* Look (:mod:`chart_style`): Okabe-Ito colours with marker shapes, the focus country strong
  and labelled at its line's end, the legend above the plot, each index on its own scale.
* Every string from the data passes through :func:`plotly_text` (as ``_t``) before it reaches a
  figure: plotly renders a subset of HTML (links included) in names, hover text and labels.
* Our words are in the reader's language (``_``), numbers, ranks and dates by Babel; event
  titles the dataset has only in English are marked " [EN]" (:mod:`chart_events`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import N_, _
from indicators.present.chart_events import (
    PHONE_PLOT_PX,
    BandItem,
    add_band,
    add_event_markers,
    add_method_rules,
    band_height_px,
    crowd_out,
    event_items,
    event_title,
)
from indicators.present.chart_style import (
    ERA_LABELS,
    LAYOUT,
    MEASURES,
    PALETTE,
    SYMBOLS,
    Axis,
    SeriesStyle,
    date_ticks,
    era_label,
    locale_layout,
    measure_axis,
    quiet_offset,
    rank_words,
    series_style,
    shown_number,
)
from indicators.present.labels import column_label, index_label
from indicators.present.precision import shown_date, shown_period
from indicators.tables.values import is_missing
from indicators.text import plotly_text as _t

__all__ = [
    "ERA_LABELS",
    "LAYOUT",
    "MEASURES",
    "PALETTE",
    "SYMBOLS",
    "add_event_markers",
    "era_breaks",
    "events_timeline",
    "hover_text",
    "period_midpoints",
    "position_chart",
    "sub_indicator_chart",
    "within_period",
]
PLOT_PX = 300.0  # the height of the plot itself, under the event band
X_TITLE = N_("Period each edition covers")
SUB_INDICATORS = {
    "political": N_("Political"),
    "economic": N_("Economic"),
    "legal": N_("Legal"),
    "social": N_("Social"),
    "safety": N_("Safety"),
}


def period_midpoints(frame: pd.DataFrame) -> pd.Series:
    """The middle of each row's period covered, as a timestamp (edition year - 1 if unknown)."""
    start = pd.to_datetime(frame["period_start"], errors="coerce", format="ISO8601")
    end = pd.to_datetime(frame["period_end"], errors="coerce", format="ISO8601")
    fallback = pd.to_datetime(
        (frame["edition_year"].astype("Int64") - 1).astype(str) + "-07-01", errors="coerce"
    )
    return (start + (end - start) / 2).fillna(fallback)


_number = shown_number


def hover_text(frame: pd.DataFrame) -> list[str]:
    """'Kazakhstan: 141st of 180 in RSF World Press Freedom Index 2025, covering 2024' (the
    score alone where an index has no rank), then position, score and method, for every row."""
    out = []
    line = _("{country}: {standing} in {where}, covering {period}")
    score, position = _("score {score}"), _("position {position}")
    for r in frame.to_dict("records"):
        where = f"{_t(index_label(r.get('index')))} {_t(r['edition'])}".strip()
        standing = rank_words(r["rank"], r["n_ranked"]) or score.format(score=_number(r["score"]))
        details = (
            [] if is_missing(r["position"]) else [position.format(position=_number(r["position"]))]
        )
        if not is_missing(r["rank"]) and not is_missing(r["score"]):
            details.append(score.format(score=_number(r["score"])))
        details.append(_t(era_label(r["methodology"])))
        first = line.format(
            country=_t(r["country"]),
            standing=standing,
            where=where,
            period=_t(shown_period(r["period_label"], r.get("period_start"), r.get("period_end"))),
        )
        out.append(first + "<br>" + " · ".join(details))
    return out


def era_breaks(frame: pd.DataFrame) -> list[tuple[pd.Timestamp, str]]:
    """Where each methodology era after the first begins (start of its first period covered)."""
    rows = frame.assign(
        _start=pd.to_datetime(frame["period_start"], errors="coerce", format="ISO8601")
    )
    firsts = rows.groupby("methodology")["_start"].min().sort_values()
    return [(ts, str(era)) for era, ts in firsts.iloc[1:].items() if not pd.isna(ts)]


def within_period(
    events: pd.DataFrame | None, data: pd.DataFrame, margin_days: int = 366
) -> pd.DataFrame | None:
    """Events that fall inside the charted periods (so an old event does not stretch the axis)."""
    if events is None or events.empty or data.empty:
        return events
    start = pd.to_datetime(
        data["period_start"], errors="coerce", format="ISO8601"
    ).min() - pd.Timedelta(days=margin_days)
    end = pd.to_datetime(
        data["period_end"], errors="coerce", format="ISO8601"
    ).max() + pd.Timedelta(days=margin_days)
    when = pd.to_datetime(events["date"], errors="coerce")
    return events[(when >= start) & (when <= end)]


def data_x_range(data: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first period's start to the last period's end, with a small pad (1.5%)."""
    start = pd.to_datetime(data["period_start"], errors="coerce", format="ISO8601").min()
    end = pd.to_datetime(data["period_end"], errors="coerce", format="ISO8601").max()
    if pd.isna(start) or pd.isna(end):
        middles = period_midpoints(data)
        start, end = middles.min() - pd.Timedelta(days=183), middles.max() + pd.Timedelta(days=183)
    pad = max((end - start) * 0.015, pd.Timedelta(days=20))
    return start - pad, end + pad


def method_items(data: pd.DataFrame) -> list[BandItem]:
    """Each change of method, with its short label: 'RSF method 2013'."""
    items = []
    for when, era in era_breaks(data):
        edition = data.loc[data["methodology"] == era, "edition"].min()
        label = _("RSF method {edition}") if str(era).startswith("rsf") else _("method {edition}")
        items.append(
            BandItem(
                when,
                label.format(edition=_t(edition)),
                _("From edition {edition}: {method}.").format(
                    edition=_t(edition), method=_t(era_label(era))
                )
                + "<br>"
                + _("Editions made by different methods are not joined."),
                "method",
            )
        )
    return items


def _series(fig: go.Figure, rows: pd.DataFrame, measure: str, style: SeriesStyle) -> None:
    """One trace per method era of one country, all in the country's legend group."""
    shown = False
    for era, seg in rows.groupby("methodology", sort=False):
        seg = seg.dropna(subset=[measure])
        if seg.empty:
            continue
        name = _t(seg["country"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=seg["_x"],
                y=seg[measure].astype(float),
                mode="lines+markers",
                name=style.legend_name or name,
                legendgroup=style.group,
                legendrank=style.rank,
                showlegend=style.legend_name is not None and not shown,
                opacity=style.opacity,
                line={"color": style.colour, "width": style.width},
                marker={"symbol": style.symbol, "size": style.size, "color": style.colour},
                hovertext=hover_text(seg),
                hoverinfo="text",
                meta={"role": "series", "iso3": str(seg["iso3"].iloc[0]), "methodology": str(era)},
            )
        )
        shown = True


def _end_text(row: pd.Series, measure: str, index: str) -> str:
    if measure == "rank":
        return rank_words(row["rank"], row["n_ranked"])
    if measure == "score_normalised" and index == "fh_fiw_d1":
        return _("D1 {score} of 4").format(score=_number(row["score"]))
    return f"{float(row[measure]):.0f}"


def _points_px(
    data: pd.DataFrame, measure: str, axis: Axis, x_range: tuple[pd.Timestamp, pd.Timestamp]
) -> list[tuple[float, float]]:
    """Every drawn point, and the middle of every segment, in phone pixels (y up)."""
    span = max((x_range[1] - x_range[0]).total_seconds(), 1.0)
    out: list[tuple[float, float]] = []
    for _key, rows in data.dropna(subset=[measure]).groupby(["iso3", "methodology"]):
        rows = rows.sort_values("_x")
        xs = [(t - x_range[0]).total_seconds() / span * PHONE_PLOT_PX for t in rows["_x"]]
        ys = [axis.height_share(float(v)) * PLOT_PX for v in rows[measure]]
        out += list(zip(xs, ys, strict=True))
        out += [
            ((a + b) / 2, (c + d) / 2) for a, b, c, d in zip(xs, xs[1:], ys, ys[1:], strict=False)
        ]
    return out


def _label_focus(
    fig: go.Figure,
    data: pd.DataFrame,
    focus: str,
    measure: str,
    axis: Axis,
    x_range: tuple[pd.Timestamp, pd.Timestamp],
) -> None:
    """The focus country's name and last value at the end of its line, in the quietest place
    just above or below it (judged at phone width), with a short pointer to the point."""
    rows = data[data["iso3"] == focus].dropna(subset=[measure]).sort_values("_x")
    if rows.empty:
        return
    last = rows.iloc[-1]
    value = float(last[measure])
    text = f"{_t(last['country'])}: {_t(_end_text(last, measure, str(last['index'])))}"
    span = max((x_range[1] - x_range[0]).total_seconds(), 1.0)
    anchor = (
        (last["_x"] - x_range[0]).total_seconds() / span * PHONE_PLOT_PX,
        axis.height_share(value) * PLOT_PX,
    )
    size = (len(text) * 7.5, 16.0)  # bold 12 px text, generously
    dy = quiet_offset(
        _points_px(data, measure, axis, x_range), anchor, size, (PHONE_PLOT_PX, PLOT_PX)
    )
    fig.add_annotation(
        x=last["_x"],
        y=value,
        text=text,
        showarrow=True,
        arrowhead=0,
        arrowwidth=1,
        arrowcolor="rgba(0,114,178,0.6)",
        ax=-3,
        ay=-dy,
        xanchor="right",
        font={"size": 12, "color": PALETTE[0], "weight": "bold"},
        bgcolor="rgba(255,255,255,0.75)",
        name="focus-label",
    )


def position_chart(
    frame: pd.DataFrame,
    measure: str = "position",
    events: pd.DataFrame | None = None,
    countries: Sequence[str] | None = None,
) -> go.Figure:
    """A ranking measure over the periods covered: one line per country (broken at each change
    of method), the first of ``countries`` the focus; events and methods on the band above."""
    data = frame.assign(_x=period_midpoints(frame))
    present = set(data.loc[data[measure].notna(), "iso3"]) if len(data) else set()
    order = [c for c in dict.fromkeys(countries or sorted(present)) if c in present]
    index = str(data["index"].iloc[0]) if len(data) else None
    axis = measure_axis(index, measure, data)
    fig = go.Figure()
    for i in [*range(1, len(order)), 0][: len(order)]:
        name = str(data.loc[data["iso3"] == order[i], "country"].iloc[0])
        style = series_style(i, _t(name), order[i], focus=i == 0, first_other=i == len(PALETTE))
        _series(fig, data[data["iso3"] == order[i]].sort_values("edition_year"), measure, style)
    x_range = data_x_range(data) if len(data) else (pd.Timestamp("2000"), pd.Timestamp("2026"))
    if order:
        _label_focus(fig, data[data["iso3"].isin(order)], order[0], measure, axis, x_range)
    items = event_items(within_period(events, data, 0))
    band = band_height_px(crowd_out(items, x_range)) if items else 0.0
    add_band(fig, items, x_range, PLOT_PX + band)
    add_method_rules(fig, method_items(data))
    legend_rows = 0 if len(order) < 2 else 1 + (min(len(order), len(PALETTE) + 1) - 1) // 3
    fig.update_layout(
        **LAYOUT,
        height=int(PLOT_PX + band + 70 + 24 * legend_rows),
        showlegend=len(order) > 1,
        xaxis=time_axis(x_range),
        yaxis=axis.layout(),
        **locale_layout(),
    )
    return fig


def time_axis(x_range: tuple[pd.Timestamp, pd.Timestamp]) -> dict[str, object]:
    """The x axis of a chart over the periods covered (its ticks in the reader's language)."""
    axis = {"range": list(x_range), "title": {"text": _(X_TITLE)}, "showgrid": False}
    return axis | date_ticks(*x_range)


def sub_indicator_chart(frame: pd.DataFrame, events: pd.DataFrame | None = None) -> go.Figure:
    """RSF's five sub-indicator scores (2022 onwards) for one country over editions."""
    fig = go.Figure()
    data = frame[frame["methodology"] == "rsf_2022"].assign(_x=lambda d: period_midpoints(d))
    rank_template = _("{label} {score} (rank {rank}) - edition {edition}")
    for i, (name, word) in enumerate(SUB_INDICATORS.items()):
        label = column_label(f"{name}_score")
        fig.add_trace(
            go.Scatter(
                x=data["_x"],
                y=data[f"{name}_score"].astype(float),
                mode="lines+markers",
                name=_(word),
                line={"color": PALETTE[i]},
                marker={"symbol": SYMBOLS[i], "size": 8},
                hovertext=[
                    rank_template.format(
                        label=_t(label), score=_number(s), rank=_number(r), edition=_t(e)
                    )
                    for s, r, e in zip(
                        data[f"{name}_score"], data[f"{name}_rank"], data["edition"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    x_range = data_x_range(data) if len(data) else (pd.Timestamp("2021"), pd.Timestamp("2026"))
    items = event_items(within_period(events, data, 0))
    band = band_height_px(crowd_out(items, x_range)) if items else 0.0
    add_band(fig, items, x_range, PLOT_PX + band)
    fig.update_layout(
        **LAYOUT,
        height=int(PLOT_PX + band + 110),
        xaxis=time_axis(x_range),
        yaxis=measure_axis("rsf_wpfi", "score_normalised").layout()
        | {"title": {"text": _("Sub-indicator score (0-100, higher = freer)")}},
        **locale_layout(),
    )
    return fig


def events_timeline(events: pd.DataFrame) -> go.Figure:
    """The events of one country on a timeline: one row and marker shape per kind."""
    fig = go.Figure()
    for i, (kind, group) in enumerate(events.groupby("kind")):
        dates = [
            shown_date(d, p, e)
            for d, p, e in zip(
                group["date"],
                group.get("date_precision", pd.Series("day", index=group.index)),
                group.get("date_end", pd.Series(None, index=group.index, dtype=object)),
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=group["date"],
                y=[_t(kind)] * len(group),
                mode="markers",
                name=_t(kind),
                marker={
                    "size": 13,
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "color": PALETTE[i % len(PALETTE)],
                },
                hovertext=[
                    f"{_t(d)}: {_t(event_title(r))}"
                    for d, r in zip(dates, group.to_dict("records"), strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(height=360, xaxis_title=_("Date"), **LAYOUT, **locale_layout())
    if len(events):
        when = pd.to_datetime(events["date"], errors="coerce")
        pad = max((when.max() - when.min()) * 0.03, pd.Timedelta(days=30))
        fig.update_xaxes(**date_ticks(when.min() - pad, when.max() + pad))
    return fig
