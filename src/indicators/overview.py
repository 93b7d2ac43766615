"""The funders' overview: headline figures and plain sentences, computed from the data.

Every sentence names the edition it comes from and carries the caveat it needs (a rank alone
is not comparable across editions; incident counts are what monitors recorded, not all that
happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.aggregate import IncidentFilter, filter_incidents
from indicators.normalise import rank_phrase


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
        name = "RSF" if self.index == "rsf_wpfi" else self.index
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


def incidents_this_and_last_year(
    incidents: pd.DataFrame, iso3: str, year: int, *, include_synthetic: bool = False
) -> tuple[int, int]:
    """Distinct incidents recorded in ``year`` and in the year before, for one country."""
    f = IncidentFilter(country=iso3, include_synthetic=include_synthetic)
    rows = filter_incidents(incidents[_SUMMARY_COLUMNS], f)
    this = int(rows.loc[rows["year"] == year, "incident_id"].nunique())
    last = int(rows.loc[rows["year"] == year - 1, "incident_id"].nunique())
    return this, last


def latest_year_with_incidents(
    incidents: pd.DataFrame, iso3: str, today: date, *, include_synthetic: bool = False
) -> int:
    """The current year if it has records, else the latest year that does."""
    f = IncidentFilter(country=iso3, include_synthetic=include_synthetic)
    years = filter_incidents(incidents[_SUMMARY_COLUMNS], f)["year"].dropna()
    if years.empty:
        return today.year
    return int(min(years.max(), today.year))


def _direction(change: float) -> str:
    if change > 0.5:
        return "improved"
    if change < -0.5:
        return "worsened"
    return "barely changed"


def summary_sentences(h: Headline | None, incidents: tuple[int, int, int] | None) -> list[str]:
    """Two or three plain sentences for a report, with their caveats."""
    if h is None:
        return ["No ranking is stored for this country."]
    out = [
        f"In RSF's {h.edition} World Press Freedom Index (covering {h.period_label}), "
        f"{h.country} ranked {rank_phrase(h.rank, h.n_ranked)}: {round(100 - h.position)}% of the "
        f"other ranked countries were rated freer."
    ]
    if h.position_change is not None and h.previous_edition:
        moved = f"{abs(h.rank_change or 0)} places {'up' if (h.rank_change or 0) > 0 else 'down'}"
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
        year, this, last = incidents
        out.append(
            f"Monitors recorded {this} incident{'s' if this != 1 else ''} against journalists, "
            f"bloggers and activists in {year} in this dataset ({last} in {year - 1}); these are "
            "the cases in the sources loaded here, not a census of all that happened."
        )
    return out
