"""Claim checking: which editions put a country at "Nth of M"?

Claims are matched on the published ranks: a joint rank matches ("Norway 1st of 179" is RSF
2011-12, joint with Finland), and so does a split entry, named as such in the answer ("United
States 47th of 179" is RSF 2011-12's entry "United States (US territory)"). The answer in words
and the table a reader sees are in :mod:`indicators.present.sentences` and
:mod:`indicators.present.tables_in_words`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


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
    "source_code",
    "entity_kind",
    "tied",
    "n_tied",
    "shared_with",
]


def match_claim(
    rankings: pd.DataFrame, iso3: str, rank: int, of: int | None = None, index: str | None = None
) -> ClaimResult:
    """Find editions where the country's rank is ``rank`` (and the number ranked ``of``)."""
    rows = rankings[rankings["iso3"] == iso3]
    if index:
        rows = rows[rows["index"] == index]
    same_rank = _with_shared(rankings, rows[rows["rank"] == rank])
    exact = same_rank if of is None else same_rank[same_rank["n_ranked"] == of]
    near = same_rank.drop(exact.index)
    cols = [c for c in CLAIM_COLUMNS if c in same_rank.columns]
    order = ["index", "edition_year", "source_code"]
    return ClaimResult(
        exact.sort_values(order)[cols].reset_index(drop=True),
        near.sort_values(order)[cols].reset_index(drop=True),
    )


def _with_shared(rankings: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``shared_with``: the other entries at the same rank in the same edition."""
    key = ["index", "edition", "rank"]
    rows = rows.reset_index(drop=True)
    peers = rankings[[*key, "source_code", "country"]].rename(
        columns={"source_code": "peer_code", "country": "peer"}
    )
    joined = rows[[*key, "source_code"]].assign(row=range(len(rows))).merge(peers, on=key)
    others = joined[joined["peer_code"] != joined["source_code"]]
    names = others.groupby("row")["peer"].agg(lambda s: " | ".join(str(n) for n in s))
    rows["shared_with"] = names.reindex(range(len(rows))).fillna("").astype("str").to_numpy()
    return rows
