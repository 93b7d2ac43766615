"""The funders' overview: headline figures computed from the data.

The figures a country's overview and brief start from: its latest ranking with the changes over
one and five editions, and its incidents this year against last (None where no incident source
covers it, so no count, not even 0, is shown). The sentences saying them, each with its caveat,
are in :mod:`indicators.present.sentences`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.query.aggregate import IncidentFilter, filter_incidents
from indicators.query.trend import YEAR_ON_YEAR, Change, Comparison, incident_changes


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


_SUMMARY_COLUMNS = ["country", "synthetic", "year", "incident_id", "date", "date_precision"]


@dataclass(frozen=True)
class IncidentSummary:
    """Distinct incidents in the loaded sources for a country's latest year and the year before,
    and the year-on-year comparison under the rule (:mod:`indicators.query.trend`)."""

    year: int
    this: int  # every case of the year (so far)
    last: int  # every case of the year before
    compared: Change | None = None  # None: the whole year against the whole year before

    @property
    def comparison(self) -> Change:
        """The year on year comparison: given, or the two whole years."""
        whole = Comparison(YEAR_ON_YEAR, str(self.year), self.this, str(self.year - 1), self.last)
        return self.compared or whole

    @property
    def change(self) -> str:
        """The change in words under the low-baseline rule (never good or bad, never signed)."""
        return self.comparison.words


def incident_summary(
    incidents: pd.DataFrame, iso3: str, today: date, *, include_synthetic: bool = False
) -> IncidentSummary | None:
    """The year the year-on-year comparison is made for (the latest with a month over), its
    counts and that comparison; None when no incident source loaded here covers the country
    (so no count, not even 0, is shown for it)."""
    f = IncidentFilter(country=iso3, include_synthetic=include_synthetic)
    rows = filter_incidents(incidents[_SUMMARY_COLUMNS], f)
    if rows["year"].dropna().empty:
        return None
    compared = incident_changes(rows, today).year
    if isinstance(compared, Comparison):
        year = int(compared.period[-4:])  # '2025', 'January to May 2025': the year ends it
    else:  # no month is over yet in any year with cases
        year = int(min(rows["year"].max(), today.year))
    this = int(rows.loc[rows["year"] == year, "incident_id"].nunique())
    last = int(rows.loc[rows["year"] == year - 1, "incident_id"].nunique())
    return IncidentSummary(year, this, last, compared)
