"""The look every chart shares: colours, marker shapes, the layout, and each index's own scale.

* Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
  deficiencies), each with its own marker shape, so nothing relies on colour alone. The first
  eight series get eight different colours; any further series are grey, named on hover.
* The focus series is drawn strongly (thick, full colour, on top), the others muted.
* The legend sits above the plot, outside it, horizontal: it never covers the plot or the
  axis titles, on a desktop or a phone (plotly grows the top margin to make room).
* Every index is drawn on its own scale, labelled in that scale, over the scale's full range
  (a flat series of zeros is drawn from 0 to 4 or 0 to 100, never from -1 to 1).
* Words are in the reader's language: the constants here are English (marked with ``N_``) and
  translated where they are shown; numbers, ranks and date ticks are Babel's
  (:func:`shown_number`, :func:`rank_words`, :func:`date_ticks`, :func:`locale_layout`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.i18n import N_, _, language, number, ordinal, place
from indicators.present.labels import humanize, index_label, measure_label
from indicators.tables.values import is_missing

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
GREY = "#9a9a9a"
OTHERS = N_("Other countries")
FONT = "sans-serif"
LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 1.0,
    "yanchor": "bottom",
    "bgcolor": "rgba(255,255,255,0)",
    "font": {"size": 12},
    "itemwidth": 30,
}
LAYOUT = {
    "hovermode": "closest",
    "margin": {"l": 60, "r": 16, "t": 16, "b": 48, "autoexpand": True},
    "legend": LEGEND,
    "template": "plotly_white",
    "font": {"family": FONT},
}

ERA_LABELS = {
    "rsf_2002_2012": N_("RSF 2002-2012 method"),
    "rsf_2013_2021": N_("RSF 2013-2021 method"),
    "rsf_2022": N_("RSF 2022- method"),
    "fh_fiw_2013": N_("Freedom in the World method (2013 onwards)"),
    "fh_fiw_d1": N_("Freedom in the World indicator D1"),
    "fh_fotn": N_("Freedom on the Net method"),
    "fh_fotp": N_("Freedom of the Press method"),
}
MEASURES = {  # the words of the "Show" choice, and whether 1 (the top) is drawn at the top
    "position": (N_("Position"), False),
    "rank": (N_("Rank"), True),
    "score_normalised": (N_("Score"), False),
}
PUBLISHERS = {
    "rsf_wpfi": N_("Reporters Without Borders, World Press Freedom Index"),
    "fh_fiw": N_("Freedom House, Freedom in the World"),
    "fh_fiw_d1": N_("Freedom House, Freedom in the World (indicator D1)"),
    "fh_fotn": N_("Freedom House, Freedom on the Net"),
    "fh_fotp": N_("Freedom House, Freedom of the Press"),
}
# An index's score on its own scale: axis title, and tick labels where the stored 0-100 value
# is a publisher's smaller scale multiplied (FH's D1 is scored 0-4 and stored as D1 x 25).
SCORE_SCALES: dict[str, tuple[str, tuple[str, ...]]] = {
    "rsf_wpfi": (N_("RSF score (0-100, higher = freer)"), ()),
    "fh_fiw": (N_("Freedom in the World score (0-100)"), ()),
    "fh_fiw_d1": (N_("Free media, indicator D1 (0-4)"), ("0", "1", "2", "3", "4")),
    "fh_fotn": (N_("Freedom on the Net score (0-100)"), ()),
    "fh_fotp": (N_("Press freedom (0-100, 100 = freest)"), ()),
}


def era_label(era: object) -> str:
    """A method in words: 'rsf_2022' -> 'RSF 2022- method'; an unknown one humanized."""
    known = ERA_LABELS.get(str(era))
    return _(known) if known else humanize(era)


def measure_name(measure: str) -> str:
    """The word of the "Show" choice for a measure: 'Position', 'Rank', 'Score'."""
    return _(MEASURES[measure][0]) if measure in MEASURES else measure_label(measure)


def publisher(index: str) -> str:
    """Who publishes an index, for source lines: 'Reporters Without Borders, World Press ...'."""
    known = PUBLISHERS.get(index)
    return _(known) if known else index_label(index)


def shown_number(value: object) -> str:
    """A value as the charts write it: '34.41', '3' ('' when missing); in Russian and Kazakh
    with the locale's decimal sign and grouping ('34,41')."""
    if is_missing(value):
        return ""
    amount = float(str(value))
    text = f"{amount:g}"
    if language() == "en":
        return text
    if "e" in text:
        return number(amount)
    return number(amount, len(text.partition(".")[2]))


def shown_count(n: object) -> str:
    """A count as the hovers write it: '1234' in English (as ever), '1 234' in Russian and
    Kazakh; a value that is no number as it is."""
    if language() == "en":
        return str(n)
    try:
        return shown_number(n)
    except (TypeError, ValueError):
        return str(n)


def rank_words(rank: object, n_ranked: object) -> str:
    """'141st of 180' ('141-е место из 180'), '141st' without the count, '' without a rank."""
    if is_missing(rank):
        return ""
    r = int(str(rank))
    return ordinal(r) if is_missing(n_ranked) else place(r, int(str(n_ranked)))


def locale_layout() -> dict[str, object]:
    """Layout settings for the reader's language: plotly's own numbers (count ticks, bar
    labels, colour bars) with a decimal comma and a space between thousands in Russian and
    Kazakh; nothing in English."""
    return {} if language() == "en" else {"separators": ", "}


TICKS_MAX = 6  # date ticks on an axis drawn in Russian or Kazakh (they must fit a phone)


def date_ticks(start: object, end: object, *, middle: bool = False) -> dict[str, object]:
    """Date ticks in the reader's language for an x axis from ``start`` to ``end``: plotly
    writes month names in English only, so in Russian and Kazakh the ticks are ours (years,
    or months such as 'янв. 2022'; ``middle``: a year's tick at mid-year, under its bar).
    Nothing in English (plotly's own ticks, as before)."""
    lang = language()
    first, last = pd.Timestamp(str(start)), pd.Timestamp(str(end))
    if lang == "en" or pd.isna(first) or pd.isna(last) or last <= first:
        return {}
    years = (last - first).days / 365.25
    if years >= 3:
        step = next(s for s in (1, 2, 5, 10, 20, 50) if years / s <= TICKS_MAX)
        shift = pd.DateOffset(months=6 if middle else 0)
        marks = [
            pd.Timestamp(year=y, month=1, day=1) + shift for y in range(first.year, last.year + 1)
        ]
        marks = [m for m in marks if first <= m <= last and m.year % step == 0]
        return {
            "tickvals": [m.date().isoformat() for m in marks],
            "ticktext": [str(m.year) for m in marks],
        }
    from babel.dates import format_date as babel_date

    months = years * 12
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= TICKS_MAX)
    starts = pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")
    marks = [m for m in starts if first <= m and (m.month - 1) % step == 0]
    text = [str(babel_date(m.date(), "LLL y", locale=lang)) for m in marks]
    return {"tickvals": [m.date().isoformat() for m in marks], "ticktext": text}


@dataclass(frozen=True)
class Axis:
    """A measure's y axis: title, full range (low, high), and tick labels where needed."""

    title: str
    low: float
    high: float
    reversed: bool = False
    tickvals: tuple[float, ...] = ()
    ticktext: tuple[str, ...] = field(default=())

    def height_share(self, value: float) -> float:
        """Where ``value`` sits on the plot, 0 at the bottom and 1 at the top."""
        share = (value - self.low) / ((self.high - self.low) or 1.0)
        return 1.0 - share if self.reversed else share

    def layout(self) -> dict[str, object]:
        """The plotly ``yaxis`` settings: the full range, padded, top-down for ranks."""
        pad = (self.high - self.low) * 0.03
        lo, hi = self.low - pad, self.high + pad
        out: dict[str, object] = {
            "title": {"text": self.title},
            "range": [hi, lo] if self.reversed else [lo, hi],
            "autorange": False,
            "zeroline": False,
        }
        if self.tickvals:
            out |= {"tickvals": list(self.tickvals), "ticktext": list(self.ticktext)}
        return out


def measure_axis(index: str | None, measure: str, data: pd.DataFrame | None = None) -> Axis:
    """The y axis of ``measure`` for ``index``: its own scale over the scale's full range.

    Position and scores are 0-100 by construction; a rank runs from 1 to the most countries
    any charted edition ranked.
    """
    if measure == "rank":
        counted = (
            pd.to_numeric(data["n_ranked"], errors="coerce")
            if data is not None and "n_ranked" in data
            else None
        )
        most = float(counted.max()) if counted is not None and counted.notna().any() else 0.0
        most = max(most, 10.0)
        marks = (1.0, *(float(t) for t in range(50, int(most) - 24, 50)), most)
        return Axis(
            measure_label("rank"),
            1.0,
            most,
            reversed=True,
            tickvals=marks,
            ticktext=tuple(f"{t:.0f}" for t in marks),
        )
    if measure == "score_normalised":
        title, ticks = SCORE_SCALES.get(index or "", ("", ()))
        title = _(title) if title else measure_label(measure)
        if ticks:
            step = 100 / (len(ticks) - 1)
            return Axis(
                title,
                0.0,
                100.0,
                tickvals=tuple(i * step for i in range(len(ticks))),
                ticktext=ticks,
            )
        return Axis(title, 0.0, 100.0)
    return Axis(measure_label(measure), 0.0, 100.0)


def count_axis(top: float, ticks: int = 6) -> dict[str, object]:
    """A count axis from 0 in whole numbers: integer tick steps (1, 2, 5 x 10^k), never 0.5,
    at most ``ticks`` steps up to ``top``."""
    steps = (m * 10**k for k in range(15) for m in (1, 2, 5))
    step = next(s for s in steps if top / s <= ticks)
    return {"rangemode": "tozero", "tickformat": ",d", "dtick": step, "tick0": 0}


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is drawn."""

    colour: str
    symbol: str
    width: float
    size: int
    opacity: float
    legend_name: str | None  # None: no legend entry of its own
    group: str
    rank: int


def series_style(i: int, name: str, key: str, *, focus: bool, first_other: bool) -> SeriesStyle:
    """Style of the ``i``-th series (0 = the focus): its own colour and shape for the first
    eight, grey beyond (one shared 'Other countries' legend entry, given to the first)."""
    if i < len(PALETTE):
        return SeriesStyle(
            colour=PALETTE[i],
            symbol=SYMBOLS[i],
            width=3.5 if focus else 1.6,
            size=8 if focus else 6,
            opacity=1.0 if focus else 0.6,
            legend_name=name,
            group=key,
            rank=i + 1,
        )
    return SeriesStyle(
        colour=GREY,
        symbol="circle",
        width=1.0,
        size=4,
        opacity=0.5,
        legend_name=_(OTHERS) if first_other else None,
        group="others",
        rank=len(PALETTE) + 1,
    )


def quiet_offset(
    points: list[tuple[float, float]],
    anchor: tuple[float, float],
    size: tuple[float, float],
    plot: tuple[float, float],
) -> float:
    """How far above (+) or below (-) ``anchor`` to put a label of ``size`` (width, height)
    that ends at the anchor, so that it covers the fewest ``points`` (pixels, y up, in a plot
    of ``plot`` = (width, height)); the nearest of the quietest places wins."""
    width, height = size
    x, y = anchor
    best: tuple[int, float] = (len(points) + 1, 0.0)
    for dy in (14.0, -14.0, 28.0, -28.0, 44.0, -44.0, 62.0, -62.0):
        low, high = y + dy - height / 2, y + dy + height / 2
        if low < 0 or high > plot[1]:
            continue
        hits = sum(
            1 for px, py in points if x - width - 4 <= px <= x + 2 and low - 3 <= py <= high + 3
        )
        if hits < best[0]:
            best = (hits, dy)
    return best[1]
