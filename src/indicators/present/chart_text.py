"""The words around a rankings chart: its title, subtitle, source line and caption, and the
columns its table and downloads show (pure functions; the page escapes what it shows)."""

from __future__ import annotations

import pandas as pd

from indicators.present.chart_style import MEASURES, era_label, measure_axis, publisher
from indicators.present.labels import index_label

CHART_COLUMNS = ["country", "edition", "period_label", "methodology"]
TABLE_COLUMNS = ["country", "edition", "period_label", "rank", "n_ranked", "position", "score"]
TABLE_COLUMNS += ["score_normalised", "methodology", "rank_change", "citation"]
MEASURE_NOTES = {
    "position": "Position: the share of the other ranked countries that did worse "
    "(0-100, 100 = freest), so editions ranking different numbers of countries compare.",
    "rank": "Rank: as published, 1 at the top; the axis runs to the most countries any "
    "edition ranked.",
}
SCORE_NOTES = {
    "rsf_wpfi": "Score: RSF's score on one direction (higher = freer), defined from 2013; "
    "2002-2012 scores are on another scale and are left out.",
    "fh_fiw": "Score: Freedom House's Freedom in the World total, 0-100 (higher = freer).",
    "fh_fiw_d1": "Score: Freedom House's indicator D1 (free and independent media), "
    "scored 0-4 (higher = freer).",
    "fh_fotn": "Score: Freedom House's Freedom on the Net total, 0-100 (higher = freer).",
    "fh_fotp": "Score: Freedom of the Press as 100 minus Freedom House's score "
    "(FH publishes 0 = most free), so higher = freer like the other indices.",
}
HOVER_NOTE = (
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
        who += f" and {len(countries) - 1} other countr{'ies' if len(countries) > 2 else 'y'}"
    word = MEASURES[measure][0].lower()
    span = editions_span(view)
    return {
        "title": f"{who}: {word} in the {index_label(index)}",
        "subtitle": f"{measure_axis(index, measure, view).title}, editions {span}; "
        "a break in a line is a change of method",
        "source": f"Source: {publisher(index)} {span}".rstrip(),
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
        editions = f"edition {first}" if first == last else f"editions {first} to {last}"
        parts.append(f"{era_label(era)} ({editions})")
    if not parts:
        return ""
    if len(parts) == 1:
        return f"One method: {parts[0]}."
    return (
        f"{len(parts)} methods: {'; '.join(parts)}. Each method is its own line: a line never "
        "joins editions made by different methods, and a dashed rule marks each change."
    )


def chart_caption(view: pd.DataFrame, index: str, measure: str) -> str:
    """The caption under the chart: the measure, the index's methods, the events, the hover."""
    note = MEASURE_NOTES.get(measure) or SCORE_NOTES.get(index, "Score: on a 0-100 scale.")
    events = (
        "Events are on the band above the plot (where several crowd together they share "
        "one marker; hover it for each)."
    )
    hover = HOVER_NOTE if index == "rsf_wpfi" else "Hover a point for its edition and period."
    return " ".join(s for s in (note, methods_sentence(view), events, hover) if s)
