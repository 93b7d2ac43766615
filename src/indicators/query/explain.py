"""Why a rank moved: the part a country's own score explains, and the part the others do.

Between two editions of one index and one method, a country's rank changes for two reasons:
its own score changed, and the other countries' scores (and how many were ranked) changed.
The split places the country's *new* score among the other countries' *previous* scores:

* ``own`` = previous rank - the rank the new score would have had among the others' previous
  scores (what the country's own change explains);
* ``others`` = that rank - the new rank (what the others' changes and the change in the number
  ranked explain).

The two parts add up to the change by construction. An equal score is placed as the previous
edition placed it (others ranked ahead of the country with the same score stay ahead, the
rest behind), so a country whose score did not change is explained entirely by the others,
ties included. Positive numbers are places gained, as in ``rank_change``.

Across a method change (RSF 2013, 2022) scores are on different scales: a new score cannot be
placed among old ones, and the split is refused with the reason. It is also refused when the
store does not hold every country of the previous edition (the embedded data holds one zone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.i18n import Msg, msg, tr
from indicators.pipeline.derive import entry_keys

DEFAULT_INDEX = "rsf_wpfi"


class CannotExplain(ValueError):
    """The split cannot be made honestly; the message says why in a reader's words (in
    English as ``str(exc)``, in the reader's language as :meth:`reason`)."""

    def reason(self) -> str:
        """Why, in the reader's language."""
        return tr(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class RankSplit:
    """A country's rank change between two editions, split into its two parts."""

    index: str
    iso3: str
    country: str
    edition: str
    against: str
    rank: int
    rank_against: int
    n_ranked: int
    n_ranked_against: int
    rank_if_only_own: int  # the new score placed among the others' previous scores
    score: float
    score_against: float

    @property
    def change(self) -> int:
        """Places gained (negative: places lost)."""
        return self.rank_against - self.rank

    @property
    def own(self) -> int:
        """Places the country's own score change explains (gained, negative: lost)."""
        return self.rank_against - self.rank_if_only_own

    @property
    def others(self) -> int:
        """Places the other countries' changes and the number ranked explain."""
        return self.rank_if_only_own - self.rank

    def record(self) -> dict[str, object]:
        """The split as one flat record (CSV, JSON)."""
        return {
            "index": self.index,
            "iso3": self.iso3,
            "country": self.country,
            "edition": self.edition,
            "against": self.against,
            "rank_against": self.rank_against,
            "n_ranked_against": self.n_ranked_against,
            "rank": self.rank,
            "n_ranked": self.n_ranked,
            "score_against": self.score_against,
            "score": self.score,
            "rank_if_only_own_score_changed": self.rank_if_only_own,
            "places_gained": self.change,
            "explained_by_own_score": self.own,
            "explained_by_others": self.others,
        }


def _editions(rankings: pd.DataFrame) -> pd.DataFrame:
    """One row per edition of the index: its year, method and how many it ranked."""
    return (
        rankings.groupby(["edition", "edition_year", "methodology"], as_index=False)
        .agg(n_ranked=("n_ranked", "max"), rows=("iso3", "size"))
        .sort_values("edition_year")
        .reset_index(drop=True)
    )


def _pick_editions(
    editions: pd.DataFrame, holding: set[str], edition: str | None, against: str | None
) -> tuple[pd.Series, pd.Series]:
    known = editions["edition"].astype(str).tolist()
    for asked in (edition, against):
        if asked is not None and asked not in known:
            raise CannotExplain(
                msg(
                    "there is no edition {asked}; the editions are {editions}",
                    asked=asked,
                    editions=", ".join(known),
                )
            )
    with_country = editions[editions["edition"].isin(holding)]
    if with_country.empty:
        raise CannotExplain(msg("the country is not ranked in any stored edition"))
    new = editions[editions["edition"] == (edition or with_country["edition"].iloc[-1])].iloc[0]
    if against is None:
        before = editions[editions["edition_year"] < new["edition_year"]]
        if before.empty:
            raise CannotExplain(
                msg(
                    "{edition} is the first stored edition: nothing before it",
                    edition=str(new["edition"]),
                )
            )
        old = before.iloc[-1]
    else:
        old = editions[editions["edition"] == against].iloc[0]
    if old["edition_year"] >= new["edition_year"]:
        raise CannotExplain(
            msg(
                "edition {old} is not before edition {new}",
                old=str(old["edition"]),
                new=str(new["edition"]),
            )
        )
    return new, old


def _method_refusal(new: pd.Series, old: pd.Series) -> Msg | None:
    if new["methodology"] == old["methodology"]:
        return None
    return msg(
        "the index changed its method between {old} and {new}: the scores are on different "
        "scales, so a new score cannot be placed among the old ones (the ranks are shown with "
        "a break)",
        old=str(old["edition"]),
        new=str(new["edition"]),
    )


def _main_rows(rows: pd.DataFrame, edition: str) -> pd.DataFrame:
    """One row per country in an edition: its country entry before a split entry."""
    mine = rows[rows["edition"] == edition]
    order = mine.assign(_split=mine["entity_kind"] != "country").sort_values(["_split", "rank"])
    return order.drop_duplicates("iso3").drop(columns="_split").set_index("iso3")


def _ranks_among(previous: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """For each country, the rank its new score would have had among the other entries'
    previous scores; an equal score stays behind those ranked ahead of it before."""
    scored = previous[previous["score"].notna()]
    higher = bool((scored["score_direction"] == "higher_is_freer").all())
    values = scored["score"].to_numpy(float) * (1 if higher else -1)
    new = pairs["score"].to_numpy(float) * (1 if higher else -1)
    own_old = pairs["score_against"].to_numpy(float) * (1 if higher else -1)
    ordered = np.sort(values)
    ahead = len(ordered) - np.searchsorted(ordered, new, side="right")
    ahead -= own_old > new  # the country itself is not one of the others
    tied = scored[["score", "rank"]].merge(
        pairs[["score", "rank_against"]].reset_index(), on="score", how="inner"
    )
    per_country = tied[tied["rank"] < tied["rank_against"]].groupby("iso3").size()
    equal_ahead = per_country.reindex(pairs.index, fill_value=0).to_numpy()
    return (1 + ahead + equal_ahead).astype(int)


def _pair_frame(ranked: _Ranked, new: pd.Series, old: pd.Series) -> pd.DataFrame:
    """Every country ranked and scored in both editions, with its split."""
    now = _main_rows(ranked.rows, new["edition"])
    before = _main_rows(ranked.rows, old["edition"])
    both = now.index.intersection(before.index)
    both = both.rename("iso3")
    pairs = pd.DataFrame(
        {
            "country": now.loc[both, "country"],
            "rank": now.loc[both, "rank"].astype(int),
            "n_ranked": now.loc[both, "n_ranked"].astype(int),
            "score": now.loc[both, "score"].astype(float),
            "rank_against": before.loc[both, "rank"].astype(int),
            "n_ranked_against": before.loc[both, "n_ranked"].astype(int),
            "score_against": before.loc[both, "score"].astype(float),
        },
        index=both,
    )
    pairs = pairs[pairs["score"].notna() & pairs["score_against"].notna()]
    pairs["rank_if_only_own"] = _ranks_among(
        ranked.rows[ranked.rows["edition"] == old["edition"]], pairs
    )
    return pairs


def _complete(editions: pd.DataFrame, edition: str) -> None:
    row = editions[editions["edition"] == edition].iloc[0]
    if row["rows"] < row["n_ranked"]:
        raise CannotExplain(
            msg(
                "the store holds {rows} of the {n_ranked} countries ranked in {edition}: "
                "placing a score among the others needs them all (ingest the publisher's whole "
                "edition, for example with indicators fetch rsf)",
                rows=int(row["rows"]),
                n_ranked=int(row["n_ranked"]),
                edition=str(edition),
            )
        )


@dataclass(frozen=True)
class _Ranked:
    rows: pd.DataFrame  # the index's ranked rows, with their entry across code changes
    editions: pd.DataFrame


def _ranked(rankings: pd.DataFrame, index: str) -> _Ranked:
    rows = rankings[(rankings["index"] == index) & rankings["rank"].notna()].copy()
    if rows.empty:
        raise CannotExplain(msg("no ranks of the index {index} are stored", index=str(index)))
    rows["entry"] = entry_keys(rows).to_numpy()
    rows["edition"] = rows["edition"].astype(str)
    return _Ranked(rows, _editions(rows))


def explain_rank(
    rankings: pd.DataFrame,
    iso3: str,
    *,
    edition: str | None = None,
    against: str | None = None,
    index: str = DEFAULT_INDEX,
) -> RankSplit:
    """Split ``iso3``'s rank change from ``against`` (default: the edition before) to
    ``edition`` (default: the latest holding the country). Raises :class:`CannotExplain`."""
    ranked = _ranked(rankings, index)
    holding = set(ranked.rows.loc[ranked.rows["iso3"] == iso3, "edition"])
    new, old = _pick_editions(ranked.editions, holding, edition, against)
    return _split(ranked, index, iso3, new, old)


def _split(ranked: _Ranked, index: str, iso3: str, new: pd.Series, old: pd.Series) -> RankSplit:
    refusal = _method_refusal(new, old)
    if refusal:
        raise CannotExplain(refusal)
    for edition in (new["edition"], old["edition"]):
        holds = (ranked.rows["edition"] == edition) & (ranked.rows["iso3"] == iso3)
        if not holds.any():
            raise CannotExplain(
                msg("the country is not ranked in edition {edition}", edition=str(edition))
            )
    _complete(ranked.editions, old["edition"])
    pairs = _pair_frame(ranked, new, old)
    if iso3 not in pairs.index:
        raise CannotExplain(
            msg("a score is missing in one of the two editions: ranks alone cannot be split")
        )
    return _record_split(index, iso3, new, old, pairs.loc[pairs.index == iso3].iloc[0])


def _record_split(
    index: str, iso3: str, new: pd.Series, old: pd.Series, row: pd.Series
) -> RankSplit:
    return RankSplit(
        index=index,
        iso3=iso3,
        country=str(row["country"]),
        edition=str(new["edition"]),
        against=str(old["edition"]),
        rank=int(row["rank"]),
        rank_against=int(row["rank_against"]),
        n_ranked=int(row["n_ranked"]),
        n_ranked_against=int(row["n_ranked_against"]),
        rank_if_only_own=int(row["rank_if_only_own"]),
        score=float(row["score"]),
        score_against=float(row["score_against"]),
    )


def every_split(rankings: pd.DataFrame, index: str = DEFAULT_INDEX) -> pd.DataFrame:
    """The split for every country and every pair of consecutive editions of one method
    (pairs that cannot be split are left out): the same computation as :func:`explain_rank`."""
    ranked = _ranked(rankings, index)
    editions = ranked.editions
    records: list[dict[str, object]] = []
    for i in range(1, len(editions)):
        old, new = editions.iloc[i - 1], editions.iloc[i]
        if _method_refusal(new, old) or old["rows"] < old["n_ranked"]:
            continue
        pairs = _pair_frame(ranked, new, old)
        records.extend(
            _record_split(index, str(iso3), new, old, row).record()
            for iso3, row in pairs.iterrows()
        )
    return pd.DataFrame.from_records(records)
