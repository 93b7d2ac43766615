"""The words around a rankings chart: its title, subtitle, source line and caption, the
columns its table and downloads show, and a value as published on its own scale (pure
functions; the page escapes what it shows). The words are in the reader's language; the
constants are English, translated where shown."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

from indicators.i18n import N_, _, n_
from indicators.present.chart_style import (
    era_label,
    measure_axis,
    measure_name,
    publisher,
    shown_number,
)
from indicators.present.labels import index_label
from indicators.tables.values import is_missing

CHART_COLUMNS = ["country", "edition", "period_label", "methodology"]
TABLE_COLUMNS = ["country", "edition", "period_label", "rank", "n_ranked", "position", "score"]
TABLE_COLUMNS += ["score_normalised", "methodology", "rank_change", "citation"]
MEASURE_NOTES = {
    "position": N_(
        "Position: the share of the other ranked countries that did worse "
        "(0-100, 100 = freest), so editions ranking different numbers of countries compare."
    ),
    "rank": N_(
        "Rank: as published, 1 at the top; the axis runs to the most countries any edition ranked."
    ),
}
SCORE_NOTES = {
    "rsf_wpfi": N_(
        "Score: RSF's score on one direction (higher = freer), defined from 2013; "
        "2002-2012 scores are on another scale and are left out."
    ),
    "fh_fiw": N_("Score: Freedom House's Freedom in the World total, 0-100 (higher = freer)."),
    "fh_fiw_d1": N_(
        "Score: Freedom House's indicator D1 (free and independent media), "
        "scored 0-4 (higher = freer)."
    ),
    "fh_fotn": N_("Score: Freedom House's Freedom on the Net total, 0-100 (higher = freer)."),
    "fh_fotp": N_(
        "Score: Freedom of the Press as 100 minus Freedom House's score "
        "(FH publishes 0 = most free), so higher = freer like the other indices."
    ),
}
# The indices the app knows, in short
SHORT_INDEX = {"rsf_wpfi": "RSF", "fh_fiw": "FH", "fh_fiw_d1": "FH D1", "fh_fotn": "FOTN"}
SHORT_INDEX["fh_fotp"] = "FOTP"
SCALES = {"fh_fiw_d1": N_("of 0-4")}  # each index's score scale in words; RSF, FH: "of 100"
OF_100 = N_("of 100")
OWN_SCALE = N_("on the file's own scale")
DIRECTIONS = {"higher_is_freer": N_("higher = freer"), "lower_is_freer": N_("lower = freer")}
HOVER_NOTE = N_(
    "Hover a point for '141st of 180 in RSF World Press Freedom Index 2025, covering 2024'."
)


def editions_span(view: pd.DataFrame) -> str:
    """'2002-2026': the first and last edition charted."""
    if view.empty:
        return ""
    ordered = view.sort_values("edition_year")["edition"].astype(str)
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return first if first == last else f"{first}-{last}"


def chart_texts(view: pd.DataFrame, measure: str) -> dict[str, str]:
    """Title, subtitle and source line of the rankings chart (for the image downloads)."""
    index = str(view["index"].iloc[0]) if len(view) else ""
    countries = list(dict.fromkeys(view["country"].astype(str)))
    who = countries[0] if countries else ""
    if len(countries) > 1:
        others = len(countries) - 1
        who = n_(
            "{country} and {n} other country", "{country} and {n} other countries", others
        ).format(country=who, n=others)
    span = editions_span(view)
    word = measure_name(measure)
    return {
        "title": _("{who}: {measure} in the {index}").format(
            who=who, measure=word[:1].lower() + word[1:], index=index_label(index)
        ),
        "subtitle": _("{axis}, editions {span}; a break in a line is a change of method").format(
            axis=measure_axis(index, measure, view).title, span=span
        ),
        "source": _("Source: {publisher} {span}")
        .format(publisher=publisher(index), span=span)
        .rstrip(),
    }


def chart_columns(measure: str) -> list[str]:
    """The columns the chart draws, for its CSV."""
    return [*CHART_COLUMNS[:3], measure, *CHART_COLUMNS[3:]]


def table_columns(view: pd.DataFrame) -> list[str]:
    """The table's columns, without those the index never fills (FH has no rank)."""
    return [c for c in TABLE_COLUMNS if c in view and view[c].notna().any()]


def methods_sentence(view: pd.DataFrame) -> str:
    """The methods charted in plain words, with the editions each made."""
    parts = []
    ordered = view.sort_values("edition_year")
    for era, rows in ordered.groupby("methodology", sort=False):
        first, last = str(rows["edition"].iloc[0]), str(rows["edition"].iloc[-1])
        editions = (
            _("edition {first}").format(first=first)
            if first == last
            else _("editions {first} to {last}").format(first=first, last=last)
        )
        parts.append(f"{era_label(era)} ({editions})")
    if not parts:
        return ""
    if len(parts) == 1:
        return _("One method: {method}.").format(method=parts[0])
    return n_(
        "{n} method: {methods}. Each method is its own line: a line never "
        "joins editions made by different methods, and a dashed rule marks each change.",
        "{n} methods: {methods}. Each method is its own line: a line never "
        "joins editions made by different methods, and a dashed rule marks each change.",
        len(parts),
    ).format(n=len(parts), methods="; ".join(parts))


def chart_caption(view: pd.DataFrame, index: str, measure: str) -> str:
    """The caption under the chart: the measure, the index's methods, the events, the hover."""
    known = MEASURE_NOTES.get(measure) or SCORE_NOTES.get(index)
    note = _(known) if known else _("Score: on a 0-100 scale.")
    events = _(
        "Events are on the band above the plot (where several crowd together they share "
        "one marker; hover it for each)."
    )
    hover = _(HOVER_NOTE) if index == "rsf_wpfi" else _("Hover a point for its edition and period.")
    return " ".join(s for s in (note, methods_sentence(view), events, hover) if s)


def published_value(row: Mapping[Hashable, object], what: str) -> str:
    """The value as published, on its own scale and direction: 'rank 149 of 180', 'score 34.41
    of 100, higher = freer', 'score 4 of 0-4, higher = freer'."""
    if what == "position":
        return _rank_published(row)
    if is_missing(row["score"]):
        return ""
    index, era = str(row["index"]), str(row["methodology"])
    scale = _(SCALES.get(index, OF_100) if index in SHORT_INDEX else OWN_SCALE)
    if (index, era) == ("rsf_wpfi", "rsf_2002_2012"):
        scale = _("points, no fixed scale")
    code = str(row.get("score_direction") or "")
    known = DIRECTIONS.get(code)
    direction = _(known) if known else code.replace("_is_", " = ").replace("_", " ")
    text = _("score {score} {scale}").format(score=_number(row["score"]), scale=scale)
    text += f", {direction}" if direction else ""
    printed = row.get("score_as_printed")
    if not is_missing(printed) and _number(printed) != _number(row["score"]):
        text += " " + _("(printed at the time as {printed}, lower = freer)").format(
            printed=_number(printed)
        )
    if not is_missing(row.get("score_low")) and not is_missing(row.get("score_high")):
        text += "; " + _("band {low} to {high}").format(
            low=_number(row["score_low"]), high=_number(row["score_high"])
        )
    return text


def _rank_published(row: Mapping[Hashable, object]) -> str:
    """'rank 149 of 180', 'rank 12 (tied)'."""
    if is_missing(row["rank"]):
        return ""
    rank = int(str(row["rank"]))
    if is_missing(row["n_ranked"]):
        text = _("rank {rank}").format(rank=rank)
    else:
        text = _("rank {rank} of {total}").format(rank=rank, total=int(str(row["n_ranked"])))
    return text + (" " + _("(tied)") if row.get("tied") is True else "")


_number = shown_number
