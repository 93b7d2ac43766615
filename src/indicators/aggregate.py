"""Incident aggregations: pure functions the CLI and the app share.

Counting rules (also on the app's methods page):

* A count is a number of **distinct incidents** (``incident_id``). An incident recorded under
  two statutes counts once under each statute, and once in every other breakdown.
* Counts by statute or statute category count only statutes **applied to the target** (the
  journalist, blogger, outlet...), not statutes applied to an attacker, unless asked.
* Monthly series use only incidents dated to the month or day; incidents known only to the year
  are counted in yearly series and reported apart as ``undated_in_month``.
* Monitors' reported counts are a separate table and are never added to incident counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

BY_COLUMNS = {
    "statute": ["statute_key"],
    "category": ["statute_category"],
    "region": ["region_code", "region_name"],
    "year": ["year"],
    "month": ["month"],
    "type": ["incident_type"],
    "target": ["target_type"],
    "country": ["country"],
    "source": ["source_name"],
}
CHAIN = ("criminal_case_opened", "charged", "convicted")


@dataclass(frozen=True)
class IncidentFilter:
    """What a person narrowed the incidents to; None means no restriction."""

    country: str | None = None
    start: date | None = None
    end: date | None = None
    statutes: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    regions: Sequence[str] | None = None
    target_types: Sequence[str] | None = None
    incident_types: Sequence[str] | None = None
    include_synthetic: bool = False


def filter_incidents(incidents: pd.DataFrame, f: IncidentFilter) -> pd.DataFrame:
    """Rows matching every given criterion (dates compare on the incident's start date)."""
    mask = pd.Series(True, index=incidents.index)
    if not f.include_synthetic:
        mask &= ~incidents["synthetic"].fillna(False).astype(bool)
    if f.country:
        mask &= incidents["country"] == f.country
    if f.start:
        mask &= incidents["date"] >= f.start.isoformat()
    if f.end:
        mask &= incidents["date"] <= f.end.isoformat()
    for column, wanted in (
        ("statute_key", f.statutes),
        ("statute_category", f.categories),
        ("region_code", f.regions),
        ("target_type", f.target_types),
        ("incident_type", f.incident_types),
    ):
        if wanted:
            mask &= incidents[column].isin(list(wanted))
    return incidents[mask]


def with_month(incidents: pd.DataFrame) -> pd.DataFrame:
    """Add ``month`` (YYYY-MM) where the date is known to the month or day."""
    month = incidents["date"].str.slice(0, 7).where(incidents["date_precision"] != "year")
    return incidents.assign(month=month)


def incident_counts(
    incidents: pd.DataFrame, by: Sequence[str], *, target_statutes_only: bool = True
) -> pd.DataFrame:
    """Distinct incidents per group; ``by`` names come from BY_COLUMNS (e.g. statute, year)."""
    unknown = [b for b in by if b not in BY_COLUMNS]
    if unknown:
        raise ValueError(f"cannot count by {unknown}; choose from {', '.join(BY_COLUMNS)}")
    rows = with_month(incidents) if "month" in by else incidents
    if target_statutes_only and ({"statute", "category"} & set(by)):
        rows = rows[rows["statute_applied_to"] == "target"]
    columns = [c for b in by for c in BY_COLUMNS[b]]
    if not columns:
        return pd.DataFrame({"incidents": [rows["incident_id"].nunique()]})
    counted = (
        rows.dropna(subset=[BY_COLUMNS[b][0] for b in by])
        .groupby(columns, dropna=False, observed=True)["incident_id"]
        .nunique()
        .rename("incidents")
        .reset_index()
    )
    return counted.sort_values(columns).reset_index(drop=True)


def per_100k(counts: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Add incidents per 100,000 inhabitants by region (population: region_code, year, population).

    Uses the population of the same year where given, else the latest year before it.
    """
    pop = population.sort_values("year")
    out = counts.copy()
    if "year" in out.columns:
        merged = pd.merge_asof(
            out.sort_values("year").astype({"year": "int64"}),
            pop.astype({"year": "int64"}),
            on="year",
            by="region_code",
        )
    else:
        latest = pop.groupby("region_code", as_index=False).last()
        merged = out.merge(latest[["region_code", "population"]], on="region_code", how="left")
    merged["per_100k"] = (100_000 * merged["incidents"] / merged["population"]).round(2)
    return merged


def case_chain(incidents: pd.DataFrame) -> pd.DataFrame:
    """How many cases (target and statute) reached each stage: opened, charged, convicted.

    A case counts at every stage up to the furthest one recorded for it, so a conviction
    recorded without an 'opened' record still counts as opened and charged.
    """
    rows = incidents[incidents["incident_type"].isin(CHAIN) & incidents["target_name"].notna()]
    if rows.empty:
        return pd.DataFrame({"stage": list(CHAIN), "cases": [0] * len(CHAIN)})
    stage = rows["incident_type"].map({s: i for i, s in enumerate(CHAIN)})
    furthest = stage.groupby([rows["target_name"], rows["statute_key"].fillna("")]).max()
    counts = [int((furthest >= i).sum()) for i in range(len(CHAIN))]
    return pd.DataFrame({"stage": list(CHAIN), "cases": counts})


def undated_in_month(incidents: pd.DataFrame) -> int:
    """How many distinct incidents are dated only to the year (absent from monthly series)."""
    return int(incidents.loc[incidents["date_precision"] == "year", "incident_id"].nunique())
