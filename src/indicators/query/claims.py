"""Claim checking: which editions put a country at "Nth of M"?

Claims are matched on the published ranks: a joint rank matches ("Norway 1st of 179" is RSF
2011-12, joint with Finland), and so does a split entry, named as such in the answer ("United
States 47th of 179" is RSF 2011-12's entry "United States (US territory)").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.pipeline.derive import rank_phrase
from indicators.present.labels import index_label, index_phrase


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
MOST_NAMED = 3  # co-holders of a joint rank named in the answer; beyond this, counted


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


def _others(shared: str) -> str:
    """'Finland', 'Finland and Iceland', '5 others'."""
    names = [n for n in shared.split(" | ") if n]
    if len(names) > MOST_NAMED:
        return f"{len(names)} others"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _edition_note(row: pd.Series) -> str:
    """The edition, with what a reader must know: split entry, joint rank."""
    notes = []
    if row.get("entity_kind") == "pseudo":
        notes.append(f"as its split entry '{row['country']}'")
    shared = row.get("shared_with")
    if isinstance(shared, str) and shared:
        notes.append(f"joint with {_others(shared)}")
    return str(row["edition"]) + (f" ({'; '.join(notes)})" if notes else "")


def _editions(editions: list[str]) -> str:
    """'2018', '2018 and 2019', '2017, 2018 and 2019'."""
    return editions[0] if len(editions) == 1 else ", ".join(editions[:-1]) + " and " + editions[-1]


def _in_indices(rows: pd.DataFrame) -> str:
    """ "RSF's World Press Freedom Index 2018 and 2019" (one phrase per index, in words)."""
    parts = []
    for index, group in rows.groupby("index", sort=False):
        notes = [_edition_note(row) for _, row in group.iterrows()]
        parts.append(f"{index_phrase(index)} {_editions(notes)}")
    return "; ".join(parts)


def describe_claim(result: ClaimResult, country: str, rank: int, of: int | None) -> str:
    """A plain sentence answering the claim, naming each index in words:
    "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."."""
    claim = rank_phrase(rank, of)
    if result.holds:
        return f"Yes: {country} was {claim} in {_in_indices(result.matches)}."
    if not result.same_rank_other_total.empty:
        near = "; ".join(
            f"{index_phrase(row['index'])} {_edition_note(row)} "
            f"({rank_phrase(row['rank'], row['n_ranked'])})"
            for _, row in result.same_rank_other_total.iterrows()
        )
        return f"No edition puts {country} at {claim}; the same rank occurs in {near}."
    return f"No edition in the data puts {country} at {claim}."


SHOWN = [
    "index",
    "edition",
    "period_label",
    "country",
    "rank",
    "n_ranked",
    "tied",
    "position",
    "citation",
]


def claim_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Matching editions as a reader sees them: the index in words, then the figures and the
    citation (keyed by canonical columns: ``labels.readable`` gives the headers)."""
    out = rows[[c for c in SHOWN if c in rows.columns]].copy()
    if "index" in out:
        out["index"] = out["index"].map(index_label)
    return out
