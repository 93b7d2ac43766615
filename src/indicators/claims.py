"""Claim checking: which editions put a country at "Nth of M"?"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.labels import index_label, index_phrase
from indicators.normalise import rank_phrase


@dataclass(frozen=True)
class ClaimResult:
    """Editions matching a claim exactly, and near misses that help explain a wrong claim."""

    matches: pd.DataFrame
    same_rank_other_total: pd.DataFrame

    @property
    def holds(self) -> bool:
        """True when at least one edition matches exactly."""
        return not self.matches.empty


CLAIM_COLUMNS = [
    "index",
    "edition",
    "period_label",
    "iso3",
    "country",
    "rank",
    "n_ranked",
    "position",
    "citation",
]


def match_claim(
    rankings: pd.DataFrame, iso3: str, rank: int, of: int | None = None, index: str | None = None
) -> ClaimResult:
    """Find editions where the country's rank is ``rank`` (and the number ranked ``of``)."""
    rows = rankings[(rankings["iso3"] == iso3) & (rankings["entity_kind"] != "pseudo")]
    if index:
        rows = rows[rows["index"] == index]
    same_rank = rows[rows["rank"] == rank]
    exact = same_rank if of is None else same_rank[same_rank["n_ranked"] == of]
    near = same_rank.drop(exact.index)
    cols = [c for c in CLAIM_COLUMNS if c in rows.columns]
    order = ["index", "edition_year"]
    return ClaimResult(
        exact.sort_values(order)[cols].reset_index(drop=True),
        near.sort_values(order)[cols].reset_index(drop=True),
    )


def _editions(editions: list[str]) -> str:
    """'2018', '2018 and 2019', '2017, 2018 and 2019'."""
    return editions[0] if len(editions) == 1 else ", ".join(editions[:-1]) + " and " + editions[-1]


def _in_indices(rows: pd.DataFrame) -> str:
    """ "RSF's World Press Freedom Index 2018 and 2019" (one phrase per index, in words)."""
    parts = []
    for index, group in rows.groupby("index", sort=False):
        parts.append(f"{index_phrase(index)} {_editions([str(e) for e in group['edition']])}")
    return "; ".join(parts)


def describe_claim(result: ClaimResult, country: str, rank: int, of: int | None) -> str:
    """A plain sentence answering the claim, naming each index in words:
    "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."."""
    claim = rank_phrase(rank, of)
    if result.holds:
        return f"Yes: {country} was {claim} in {_in_indices(result.matches)}."
    if not result.same_rank_other_total.empty:
        near = "; ".join(
            f"{index_phrase(r.index)} {r.edition} ({rank_phrase(r.rank, r.n_ranked)})"
            for r in result.same_rank_other_total.itertuples()
        )
        return f"No edition puts {country} at {claim}; the same rank occurs in {near}."
    return f"No edition in the data puts {country} at {claim}."


SHOWN = ["index", "edition", "period_label", "country", "rank", "n_ranked", "position", "citation"]


def claim_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Matching editions as a reader sees them: the index in words, then the figures and the
    citation (keyed by canonical columns: ``labels.readable`` gives the headers)."""
    out = rows[[c for c in SHOWN if c in rows.columns]].copy()
    if "index" in out:
        out["index"] = out["index"].map(index_label)
    return out
