"""The event band: events (and changes of method) on their own strip above the plot.

Markers never sit on a data line: the band is a second y axis whose domain lies above the
plot's, and a faint rule drops from each event into the plot. Each marker carries a short
label (the title cut to about 18 characters); the full title, the date at its precision, the
kind and the source are in the hover. Labels are laid out in lanes for the narrowest plot we
promise to be readable (a 390 px phone): in one lane no two label boxes come closer than
:data:`MIN_GAP_PX`, so nothing overlaps at that width, and less so on a desktop.

An event's title is data: in Russian or Kazakh it is shown from the events table's
``title_ru``/``title_kk`` where the table has one, else in English marked " [EN]"
(:func:`event_title`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import ENGLISH_MARK, _, english_data, language, n_, p_
from indicators.present.chart_style import SYMBOLS
from indicators.present.labels import event_kind_label
from indicators.present.precision import shown_date
from indicators.tables.values import is_missing
from indicators.text import one_line
from indicators.text import plotly_text as _t

PHONE_PLOT_PX = 280.0  # plot width at a 390 px viewport (page padding and margins taken off)
FONT_PX = 10
CHAR_PX = 0.6 * FONT_PX  # a generous average glyph width (measured: 0.54), so estimates err wide
MARKER_PX = 12.0
MIN_GAP_PX = 6.0
LANE_PX = 14.0
MAX_LANES = 10
LANE_BUDGET = 7  # past this many lanes, the closest events merge into one item
LABEL_CHARS = 18
BAND_GAP = 0.03  # paper share between the band and the plot
RULE = {"color": "rgba(0,0,0,0.18)", "width": 1, "dash": "dot"}
METHOD_RULE = {"color": "#555", "width": 1.2, "dash": "dash"}


def event_title(event: Mapping[Hashable, object]) -> str:
    """An event's title in the reader's language: the table's own ``title_<lang>`` where it
    has one, else the English title, marked " [EN]" outside English (once)."""
    title = "" if is_missing(event.get("title")) else str(event.get("title"))
    lang = language()
    if lang == "en" or not title:
        return title
    own = event.get(f"title_{lang}")
    if not is_missing(own) and str(own).strip():
        return str(own)
    return english_data(title)


@dataclass(frozen=True)
class BandItem:
    """One thing on the band: an event or a change of method (texts are plotly-safe)."""

    when: pd.Timestamp
    label: str
    hover: str
    kind: str  # the event kind, "method", or "several" (events merged where they crowd)
    dates: tuple[pd.Timestamp, ...] = ()  # each merged event's place (its rule in the plot)

    def rules(self) -> tuple[pd.Timestamp, ...]:
        """Where the item's rules drop into the plot: each of its events, or its own date."""
        return self.dates or (self.when,)


@dataclass(frozen=True)
class Placed:
    """A band item with its lane, the side its label is on, and its box in phone pixels."""

    item: BandItem
    lane: int
    side: str  # "right": the label reads rightwards from the marker; "left": ends at it
    x0: float
    x1: float


def short_label(title: object, limit: int = LABEL_CHARS) -> str:
    """The title cut to ``limit`` characters at a word where it can be, with an ellipsis."""
    text = " ".join(one_line(title).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    rest = text[limit - 1 :].split(" ", 1)[0]
    if len(rest) <= 3:
        cut += rest  # a word two or three letters short of the end is finished
    elif text[limit - 1] not in " ,.;:" and " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]  # a word cut in the middle goes whole
    return cut.rstrip(" ,.;:-(") + "\u2026"


def label_px(text: str) -> float:
    """The width a marker and its label take, in pixels (an estimate that errs wide)."""
    return MARKER_PX + len(text) * CHAR_PX + (3.0 if text else 0.0)


def _boxes(px: float, width: float, plot_px: float) -> list[tuple[str, float, float]]:
    """The label boxes an item at ``px`` can have, the rightward one first, inside the plot."""
    half = MARKER_PX / 2
    sides = [("right", px - half, px - half + width), ("left", px + half - width, px + half)]
    inside = [s for s in sides if s[1] >= -half and s[2] <= plot_px + half]
    return inside or [min(sides, key=lambda s: max(-s[1], s[2] - plot_px))]


def _free(lane: list[tuple[float, float]], x0: float, x1: float) -> bool:
    return all(x0 >= b1 + MIN_GAP_PX or x1 <= b0 - MIN_GAP_PX for b0, b1 in lane)


def lay_out(
    items: Sequence[BandItem],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    plot_px: float = PHONE_PLOT_PX,
) -> list[Placed]:
    """Lanes for the items, in time order: each goes in the lowest lane where its label box
    keeps :data:`MIN_GAP_PX` from every other; past :data:`MAX_LANES` an item keeps its
    marker and hover but drops its label (a marker alone is :data:`MARKER_PX` wide)."""
    start, end = x_range
    span = max((end - start).total_seconds(), 1.0)
    lanes: list[list[tuple[float, float]]] = []
    placed = []
    for item in sorted(items, key=lambda i: i.when):
        px = (item.when - start).total_seconds() / span * plot_px
        spot = _spot(lanes, _boxes(px, label_px(item.label), plot_px))
        if spot is None:
            item = BandItem(item.when, "", item.hover, item.kind, item.dates)
            spot = _spot(lanes, _boxes(px, MARKER_PX, plot_px)) or (0, "right", px, px)
        lane, side, x0, x1 = spot
        while len(lanes) <= lane:
            lanes.append([])
        lanes[lane].append((x0, x1))
        placed.append(Placed(item, lane, side, x0, x1))
    return placed


def _spot(
    lanes: list[list[tuple[float, float]]], boxes: list[tuple[str, float, float]]
) -> tuple[int, str, float, float] | None:
    for lane in range(MAX_LANES):
        taken = lanes[lane] if lane < len(lanes) else []
        for side, x0, x1 in boxes:
            if _free(taken, x0, x1):
                return lane, side, x0, x1
    return None


def merged(group: Sequence[BandItem]) -> BandItem:
    """Events that crowd one place as one item: '3 events, 2025' (each one in the hover)."""
    if len(group) == 1:
        return group[0]
    first, last = group[0].when, group[-1].when
    years = str(first.year) if first.year == last.year else f"{first.year}-{last.year % 100:02d}"
    count = len(group)
    return BandItem(
        first + (last - first) / 2,
        n_("{n} event, {years}", "{n} events, {years}", count).format(n=count, years=years),
        "<br><br>".join(g.hover for g in group),
        "several",
        tuple(d for g in group for d in g.rules()),
    )


def crowd_out(
    items: Sequence[BandItem],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    plot_px: float = PHONE_PLOT_PX,
) -> list[Placed]:
    """:func:`lay_out`, merging the two neighbouring events closest in time until the band
    needs at most :data:`LANE_BUDGET` lanes."""
    groups = [[i] for i in sorted(items, key=lambda i: i.when)]
    while True:
        placed = lay_out([merged(g) for g in groups], x_range, plot_px)
        if 1 + max((p.lane for p in placed), default=0) <= LANE_BUDGET or len(groups) < 2:
            return placed
        gaps = [groups[i + 1][0].when - groups[i][-1].when for i in range(len(groups) - 1)]
        j = gaps.index(min(gaps))
        groups[j : j + 2] = [groups[j] + groups[j + 1]]


def _short_title(title: str) -> str:
    """The band's label: the title cut short, still marked " [EN]" when it is English."""
    mark = f" {ENGLISH_MARK}"
    if not title.endswith(mark):
        return short_label(title)
    return short_label(title[: -len(mark)]) + mark


def event_items(events: pd.DataFrame | None) -> list[BandItem]:
    """Band items for event rows: drawn at the middle of what the date's precision allows
    (a year-only fact mid-year), labelled short, the whole story in the hover."""
    if events is None or events.empty:
        return []
    out = []
    for e in events.to_dict("records"):
        when = pd.to_datetime(str(e.get("date")), errors="coerce")
        if pd.isna(when):
            continue
        precision = e.get("date_precision") or "day"
        shift = {"year": 182, "month": 14}.get(str(precision), 0)
        source = e.get("source_name")
        title = event_title(e)
        hover = (
            f"{_t(title)}<br>"
            f"{_t(shown_date(e.get('date'), precision, e.get('date_end')))} · "
            f"{_t(event_kind_label(e.get('kind')))}"
            + (
                ""
                if is_missing(source) or not str(source)
                else "<br>" + _("Source: {source}").format(source=_t(source))
            )
        )
        label = _t(_short_title(title))
        out.append(BandItem(when + pd.Timedelta(days=shift), label, hover, str(e.get("kind"))))
    return out


def band_height_px(placed: Sequence[Placed]) -> float:
    """The band's height: one lane per row, plus a little room."""
    lanes = 1 + max((p.lane for p in placed), default=0)
    return lanes * LANE_PX + 8.0


def add_band(
    fig: go.Figure,
    items: Sequence[BandItem],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    plot_height_px: float,
) -> list[Placed]:
    """Draw ``items`` on a band above the plot of ``fig`` (whose plot area is about
    ``plot_height_px`` tall), with rules into the plot; returns where each went."""
    if not items:
        return []
    placed = crowd_out(items, x_range)
    share = min(0.5, band_height_px(placed) / max(plot_height_px, 1.0))
    lanes = 1 + max(p.lane for p in placed)
    fig.update_layout(
        yaxis={"domain": [0.0, 1.0 - share - BAND_GAP]},
        yaxis2={
            "domain": [1.0 - share, 1.0],
            "range": [-0.6, lanes - 0.4],
            "visible": False,
            "fixedrange": True,
            "anchor": "x",
        },
    )
    _draw_items(fig, placed)
    rules = [
        _rule(when, RULE) for p in placed for when in p.item.rules()
    ]  # one layout update: plotly validates every shape again on each add_shape
    fig.layout.shapes = (*fig.layout.shapes, *rules)
    fig.add_annotation(
        x=0,
        xref="paper",
        xanchor="right",
        xshift=-4,
        y=1.0 - share / 2,
        yref="paper",
        text=p_("chart band", "Events"),  # the band's name, at its left
        showarrow=False,
        font={"size": 11, "color": "#555"},
        name="band-title",
    )
    return placed


def _draw_items(fig: go.Figure, placed: Sequence[Placed]) -> None:
    """One trace per kind (its own marker shape), none in the legend: the band says what it is."""
    kinds = sorted({p.item.kind for p in placed} - {"several"})
    for kind in [*kinds, "several"]:
        group = [p for p in placed if p.item.kind == kind]
        if not group:
            continue
        several = kind == "several"
        fig.add_trace(
            go.Scatter(
                x=[p.item.when for p in group],
                y=[p.lane for p in group],
                yaxis="y2",
                mode="markers+text",
                text=[p.item.label for p in group],
                textposition=[
                    "middle right" if p.side == "right" else "middle left" for p in group
                ],
                textfont={"size": FONT_PX, "color": "#333"},
                name=_("event: several events")
                if several
                else _("event: {kind}").format(kind=_t(event_kind_label(kind))),
                showlegend=False,
                marker={
                    "symbol": "circle-open"
                    if several
                    else SYMBOLS[kinds.index(kind) % len(SYMBOLS)],
                    "size": 10 if several else 8,
                    "color": "#333",
                    "line": {"color": "#333", "width": 1.5},
                },
                hovertext=[p.item.hover for p in group],
                hoverinfo="text",
                cliponaxis=False,
                meta={"role": "event", "kind": kind},
            )
        )


def _rule(when: object, line: dict[str, object]) -> dict[str, object]:
    """A vertical rule through the plot at ``when`` (a shape, as a plain dict)."""
    return {
        "type": "line",
        "x0": when,
        "x1": when,
        "y0": 0,
        "y1": 1,
        "xref": "x",
        "yref": "y domain",
        "line": line,
        "layer": "below",
    }


def add_method_rules(fig: go.Figure, items: Sequence[BandItem]) -> None:
    """A dashed rule at each change of method, its short label running down the rule inside
    the plot's top (vertical, so labels of two changes never overlap unless the rules touch)."""
    fig.layout.shapes = (*fig.layout.shapes, *(_rule(i.when, METHOD_RULE) for i in items))
    for item in items:
        fig.add_annotation(
            x=item.when,
            xref="x",
            xanchor="left",
            xshift=1,
            y=1,
            yref="y domain",
            yanchor="top",
            textangle=-90,
            text=item.label,
            hovertext=item.hover,
            showarrow=False,
            font={"size": FONT_PX, "color": "#444"},
            bgcolor="rgba(255,255,255,0.7)",
            name="method-label",
        )


def figure_x_range(fig: go.Figure, events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The time span a figure draws (its x range if set, else its data and the events)."""
    fixed = fig.layout.xaxis.range
    if fixed:
        return pd.Timestamp(fixed[0]), pd.Timestamp(fixed[1])
    xs: list[object] = [x for t in fig.data if t.x is not None for x in t.x]
    stamps = pd.to_datetime(pd.Series([*xs, *events["date"]], dtype=object), errors="coerce")
    stamps = stamps.dropna()
    start, end = stamps.min(), stamps.max()
    pad = max((end - start) * 0.03, pd.Timedelta(days=30))
    return start - pad, end + pad


def add_event_markers(
    fig: go.Figure, events: pd.DataFrame | None, y_range: tuple[float, float] | None = None
) -> None:
    """Events of ``fig``'s period on a band above its plot (``y_range`` is no longer needed:
    markers sit on the band, never on the plot's scale)."""
    if events is None or events.empty:
        return
    height = float(fig.layout.height or 450)
    add_band(fig, event_items(events), figure_x_range(fig, events), height - 110.0)
