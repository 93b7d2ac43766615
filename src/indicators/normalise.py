"""Normalisation: comparable positions, one score direction, methodology eras, rank changes.

Pure functions over pandas objects; nothing here reads files or knows about the app.

Position (0-100, 100 = freest) is the share of the *other* ranked entries that did worse,
with entries tied at the same rank counted as half worse:

    position = 100 * (worse + 0.5 * tied_others) / (n_ranked - 1)

where ``worse = n_ranked - rank - tied_others`` under competition ranking (1, 1, 3 ...).
Without ties this is ``100 * (n_ranked - rank) / (n_ranked - 1)``: 141st of 180 is 21.8 and
116th of 139 is 16.7, so 2025 is the better *position* although 141 is the worse *rank*.
"""

from __future__ import annotations

import pandas as pd

from indicators._values import is_missing


def tie_sizes(ranks: pd.Series) -> pd.Series:
    """For each entry, how many entries of the same edition share its rank (1 = not tied)."""
    counts = ranks.map(ranks.value_counts())
    return counts.astype("Int64")


def percentile_position(rank: pd.Series, n_ranked: pd.Series, n_tied: pd.Series) -> pd.Series:
    """Comparable position 0-100 (100 = freest): share of the other entries that did worse."""
    rank_f = rank.astype("Float64")
    n_f = n_ranked.astype("Float64")
    tied_others = n_tied.astype("Float64").fillna(1) - 1
    worse = n_f - rank_f - tied_others
    denom = (n_f - 1).where(n_f > 1)
    pos = 100 * (worse + 0.5 * tied_others) / denom
    pos = pos.where(n_f > 1, 100.0)
    return pos.clip(lower=0, upper=100).round(2).astype("Float64")


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 11th, 141st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(rank: object, n_ranked: object) -> str:
    """'141st of 180', or '' when the rank is unknown."""
    if is_missing(rank):
        return ""
    r = int(str(rank))
    if is_missing(n_ranked):
        return ordinal(r)
    return f"{ordinal(r)} of {int(str(n_ranked))}"


def with_rank_change(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank_change`` (previous rank minus this rank; positive = improved) from the data.

    The previous edition is the one before in the same index, for the same entity. Also adds
    ``rank_change_checked``: True where the computed change equals the publisher's own figure,
    False where they differ, missing where either is unknown.
    """
    out = table.copy()
    key = ["index", "iso3", "source_code"]
    ordered = out.sort_values([*key, "edition_year"])
    previous = ordered.groupby(key, sort=False)["rank"].shift(1)
    prev_edition = ordered.groupby(key, sort=False)["edition_year"].shift(1)
    edition_order = (
        out[["index", "edition_year"]].drop_duplicates().sort_values(["index", "edition_year"])
    )
    edition_order["expected_prev"] = edition_order.groupby("index")["edition_year"].shift(1)
    expected = ordered.merge(edition_order, on=["index", "edition_year"], how="left")[
        "expected_prev"
    ].to_numpy()
    consecutive = prev_edition.to_numpy() == expected
    change = (previous - ordered["rank"]).where(consecutive)
    out["rank_change"] = change.reindex(out.index).astype("Int64")
    published = out["rank_change_published"]
    known = out["rank_change"].notna() & published.notna()
    out["rank_change_checked"] = (out["rank_change"] == published).where(known).astype("boolean")
    return out


def rank_change_discrepancies(table: pd.DataFrame) -> pd.DataFrame:
    """Rows where the change computed from the data differs from the publisher's figure."""
    checked = with_rank_change(table)
    return checked[checked["rank_change_checked"].eq(False).fillna(False)]


def comparable_only(table: pd.DataFrame, methodology: str) -> pd.DataFrame:
    """Keep the editions of one methodology era, whose scores can be compared directly."""
    return table[table["methodology"] == methodology]
