"""The funders' overview: headline figures and plain sentences, computed from the data.

Every sentence names the edition it comes from and carries the caveat it needs (a rank alone
is not comparable across editions; incident counts are the cases in the loaded sources, not all
that happened, and no count at all is given where no source is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.pipeline.derive import rank_phrase
from indicators.present.labels import index_label
from indicators.query.aggregate import IncidentFilter, filter_incidents
from indicators.query.trend import LOW_BASELINE, TOO_FEW, change_in_words, too_few


@dataclass(frozen=True)
class Headline:
    """A country's latest ranking and how it moved."""

    country: str
    index: str
    edition: str
    period_label: str
    rank: int
    n_ranked: int
    position: float
    previous_edition: str | None
    position_change: float | None  # against the previous edition, in position points
    rank_change: int | None  # previous rank minus this rank (positive = improved)
    five_edition_edition: str | None
    five_edition_change: float | None
    methodology: str
    citation: str

    @property
    def phrase(self) -> str:
        """'141st of 180, RSF 2025'."""
        name = "RSF" if self.index == "rsf_wpfi" else index_label(self.index)
        return f"{rank_phrase(self.rank, self.n_ranked)}, {name} {self.edition}"


def headline(rankings: pd.DataFrame, iso3: str, index: str = "rsf_wpfi") -> Headline | None:
    """The latest edition for a country with its changes over one and five editions."""
    rows = rankings[
        (rankings["iso3"] == iso3)
        & (rankings["index"] == index)
        & (rankings["entity_kind"] != "pseudo")
        & rankings["rank"].notna()
    ]
    rows = rows.sort_values("edition_year")
    if rows.empty:
        return None
    last = rows.iloc[-1]
    prev = rows.iloc[-2] if len(rows) > 1 else None
    five = rows.iloc[-6] if len(rows) > 5 else None
    return Headline(
        country=str(last["country"]),
        index=index,
        edition=str(last["edition"]),
        period_label=str(last["period_label"]),
        rank=int(last["rank"]),
        n_ranked=int(last["n_ranked"]),
        position=float(last["position"]),
        previous_edition=None if prev is None else str(prev["edition"]),
        position_change=None
        if prev is None
        else round(float(last["position"] - prev["position"]), 1),
        rank_change=None if prev is None else int(prev["rank"] - last["rank"]),
        five_edition_edition=None if five is None else str(five["edition"]),
        five_edition_change=None
        if five is None
        else round(float(last["position"] - five["position"]), 1),
        methodology=str(last["methodology"]),
        citation=str(last["citation"]),
    )


_SUMMARY_COLUMNS = ["country", "synthetic", "year", "incident_id"]


@dataclass(frozen=True)
class IncidentSummary:
    """Distinct incidents in the loaded sources for a country's latest year and the year before."""

    year: int
    this: int
    last: int

    @property
    def change(self) -> str:
        """The change in words under the low-baseline rule (never good or bad)."""
        return change_in_words(self.this, self.last, str(self.year - 1))


def incident_summary(
    incidents: pd.DataFrame, iso3: str, today: date, *, include_synthetic: bool = False
) -> IncidentSummary | None:
    """The latest year with records (at most this year) and its counts; None when no incident
    source loaded here covers the country (so no count, not even 0, is shown for it)."""
    f = IncidentFilter(country=iso3, include_synthetic=include_synthetic)
    rows = filter_incidents(incidents[_SUMMARY_COLUMNS], f)
    years = rows["year"].dropna()
    if years.empty:
        return None
    year = int(min(years.max(), today.year))
    this = int(rows.loc[rows["year"] == year, "incident_id"].nunique())
    last = int(rows.loc[rows["year"] == year - 1, "incident_id"].nunique())
    return IncidentSummary(year, this, last)


def no_incidents_sentence(country: str) -> str:
    """What is said instead of a count for a country no loaded incident source covers."""
    return (
        f"No incident records are loaded for {country}, so no incident count is shown: "
        "that is not the same as no incidents."
    )


def incident_sentence(country: str, s: IncidentSummary | None) -> str:
    """The plain sentence on incidents: counts of the loaded sources, with the trend caveat."""
    if s is None:
        return no_incidents_sentence(country)
    before = f"{s.last} in {s.year - 1}" if s.last else f"none loaded for {s.year - 1}"
    trend = (
        f"Fewer than {LOW_BASELINE} cases in a year are {TOO_FEW}."
        if too_few(s.this, s.last)
        else f"That is {s.change}, a change in what was recorded, not necessarily in what happened."
    )
    return (
        f"The sources loaded here record {s.this} incident{'s' if s.this != 1 else ''} against "
        f"journalists, bloggers and activists in {country} in {s.year} ({before}). {trend} "
        "These are the cases in the loaded sources, not a census of all that happened."
    )


def _direction(change: float) -> str:
    if change > 0.5:
        return "improved"
    if change < -0.5:
        return "worsened"
    return "barely changed"


def places_moved(change: int | None) -> str:
    """'8 places down', '1 place up', 'the same rank' (rank change: + = up)."""
    n = int(change or 0)
    if n == 0:
        return "the same rank"
    return f"{abs(n)} place{'' if abs(n) == 1 else 's'} {'up' if n > 0 else 'down'}"


def summary_sentences(h: Headline | None, incidents: str | None = None) -> list[str]:
    """Two or three plain sentences for a report, with their caveats."""
    if h is None:
        return ["No ranking is stored for this country."]
    out = [
        f"In RSF's {h.edition} World Press Freedom Index (covering {h.period_label}), "
        f"{h.country} ranked {rank_phrase(h.rank, h.n_ranked)}: {round(100 - h.position)}% of the "
        f"other ranked countries were rated freer."
    ]
    if h.position_change is not None and h.previous_edition:
        moved = places_moved(h.rank_change)
        out.append(
            f"Its position {_direction(h.position_change)} since the {h.previous_edition} edition "
            f"({moved})"
            + (
                f", and {_direction(h.five_edition_change)} over five editions (since "
                f"{h.five_edition_edition})"
                if h.five_edition_change is not None
                else ""
            )
            + ". Positions compare editions with different numbers of countries; RSF's scores "
            "changed method in 2013 and 2022 and are only compared within one method."
        )
    if incidents is not None:
        out.append(incidents)
    return out
