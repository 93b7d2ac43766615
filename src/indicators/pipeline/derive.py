"""Derive: joint ranks, ties and comparable positions for every ranking source, rank changes.

Adapters emit the ranks their file gives and what they know of the source's rule
(:class:`indicators.tables.rankings.RankRule`); :func:`derive_rankings`, run once on every
rankings table right after its adapter (:func:`indicators.pipeline.extract.parse_file`),
computes the rest for every adapter alike. Pure functions over pandas objects; nothing here
knows about the app, and the one file read is the project's table of publisher code changes
(``data/reference/rsf_code_changes.csv``).

Position (0-100, 100 = freest) is the share of the *other* ranked entries that did worse,
with entries tied at the same rank counted as half worse:

    position = 100 * (worse + 0.5 * tied_others) / (n_ranked - 1)

where ``worse = n_ranked - rank - tied_others`` under competition ranking (1, 1, 3 ...).
Without ties this is ``100 * (n_ranked - rank) / (n_ranked - 1)``: 141st of 180 is 21.8 and
116th of 139 is 16.7, so 2025 is the better *position* although 141 is the worse *rank*.

Joint ranks as published: up to the 2011-12 edition RSF printed joint ranks (Finland and Norway
joint 1st in 2011-12), but its CSV files number tied entries one after another (1, 2, 3). For
those editions the rank is the shared one, by standard competition ranking on the published
score (equal score, equal rank; the next rank skips: 1, 1, 3), and the file's running number is
kept as ``rank_as_numbered``. From 2013 RSF's files give distinct ranks to equal rounded scores
(2018: South Africa 28th, Cape Verde 29th, both 79.61) and those ranks stay as published. The
rule and its last edition are the RSF adapter's (``RsfCsv.rank_rule``), applied here.

Rank change follows an entry across a change of the publisher's code (Kosovo XKO -> XKX and the
OECS XCD -> CSS in RSF 2023: ``data/reference/rsf_code_changes.csv``). It is computed from the
published ranks; RSF's ``Rank evolution`` was computed from its files' running numbers, so the
check against it uses those.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.paths import embedded_data_dir
from indicators.tables.rankings import RankRule

CODE_CHANGES_FILE = "rsf_code_changes.csv"


EDITION = ["index", "edition"]


def derive_rankings(frame: pd.DataFrame, rule: RankRule | None = None) -> pd.DataFrame:
    """A conformed rankings table with what is computed from its ranks, edition by edition.

    Where ``rule.joint_until`` says the published ranks are joint, the rank becomes the shared
    one (:func:`joint_ranks`) and the file's number is kept as ``rank_as_numbered``. ``n_tied``
    is counted from the ranks of each edition (``index``, ``edition``), or kept as the file
    gives it (``rule.ties_given``); ``tied`` is True where more than one entry shares the rank;
    ``position`` is computed where the rank and the number ranked are known.
    """
    rule = rule or RankRule()
    out = frame.copy()
    editions = [out[c] for c in EDITION]
    if rule.joint_until is not None:
        running = out["rank_as_numbered"].fillna(out["rank"])
        shared = out["edition_year"].le(rule.joint_until).fillna(False).astype(bool)
        joint = joint_ranks(running, out["score"], editions)
        out["rank"] = joint.where(shared, out["rank"])
        out["rank_as_numbered"] = running.where(shared, out["rank_as_numbered"])
    n_tied = out["n_tied"].astype("Int64") if rule.ties_given else tie_sizes(out["rank"], editions)
    out["n_tied"] = n_tied
    out["tied"] = (n_tied.fillna(1) > 1).astype("boolean")
    out["position"] = percentile_position(out["rank"], out["n_ranked"], n_tied)
    return out


def joint_ranks(
    running: pd.Series, score: pd.Series, editions: Sequence[pd.Series] = ()
) -> pd.Series:
    """The published joint ranks of a file that numbers tied entries one after another.

    Entries of one edition (``editions``: the columns that tell editions apart; none: all one
    edition) with the same score share the best running number of their group (standard
    competition ranking: 1, 1, 3 ...); an entry without a score keeps its running number. The
    file's order is kept (a score out of rank order is the plausibility check's to refuse).
    """
    group = _group_codes([*editions, score])
    numbers = running.to_numpy(dtype="float64", na_value=np.nan)
    known = (group >= 0) & ~np.isnan(numbers)
    best = np.full(max(int(group.max(initial=-1)) + 1, 1), np.inf)
    np.minimum.at(best, group[known], numbers[known])
    shared = np.where(known, best[np.maximum(group, 0)], numbers)
    return pd.Series(shared, index=running.index).astype("Int64")


def tie_sizes(ranks: pd.Series, editions: Sequence[pd.Series] = ()) -> pd.Series:
    """For each entry, how many entries of the same edition share its rank (1 = not tied).

    ``editions``: the columns that tell editions apart (none: all one edition). An entry
    without a rank has none.
    """
    group = _group_codes([*editions, ranks])
    known = group >= 0
    counts = np.bincount(group[known], minlength=max(int(group.max(initial=-1)) + 1, 1))
    sizes = np.where(known, counts[np.maximum(group, 0)], np.nan)
    return pd.Series(sizes, index=ranks.index).astype("Int64")


def _group_codes(keys: Sequence[pd.Series]) -> np.ndarray:
    """One code per row for its combination of the keys' values; -1 where a key is missing."""
    codes = np.zeros(len(keys[0]), dtype=np.int64)
    missing = np.zeros(len(keys[0]), dtype=bool)
    for key in keys:
        part, uniques = pd.factorize(key)  # -1 where missing
        missing |= part < 0
        codes, _ = pd.factorize(codes * (len(uniques) + 1) + part)
    return np.where(missing, -1, codes)


def percentile_position(rank: pd.Series, n_ranked: pd.Series, n_tied: pd.Series) -> pd.Series:
    """Comparable position 0-100 (100 = freest): share of the other entries that did worse.

    Empty where the rank or the number ranked is unknown; an entry without ``n_tied`` counts
    as untied.
    """
    rank_f = rank.to_numpy(dtype="float64", na_value=np.nan)
    n_f = n_ranked.to_numpy(dtype="float64", na_value=np.nan)
    tied_others = n_tied.to_numpy(dtype="float64", na_value=1.0) - 1
    worse = n_f - rank_f - tied_others
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = 100 * (worse + 0.5 * tied_others) / (n_f - 1)
    pos = np.where(n_f > 1, pos, 100.0).clip(0, 100).round(2)
    unknown = np.isnan(rank_f) | np.isnan(n_f)
    return pd.Series(np.where(unknown, np.nan, pos), index=rank.index).astype("Float64")


@lru_cache(maxsize=4)
def code_changes(folder: Path | None = None) -> dict[tuple[str, str], str]:
    """Publisher code changes: (index, old code) -> the code the same entry has now.

    Read from ``rsf_code_changes.csv`` in the reference folder (each row cited there); chains
    (A -> B -> C) resolve to the last code.
    """
    path = (folder or embedded_data_dir() / "reference") / CODE_CHANGES_FILE
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    direct = {
        (str(index), str(old)): str(new)
        for index, old, new in zip(rows["index"], rows["old_code"], rows["new_code"], strict=True)
    }
    resolved: dict[tuple[str, str], str] = {}
    for (index, old), new in direct.items():
        seen = {old}
        while (index, new) in direct and new not in seen:
            seen.add(new)
            new = direct[(index, new)]
        resolved[(index, old)] = new
    return resolved


def entry_keys(table: pd.DataFrame) -> pd.Series:
    """The entry each row belongs to across code changes: its source code, or the code it
    became (Kosovo's XKO rows are the entry XKX)."""
    keys = table["source_code"].astype(str)
    for (index, old), new in code_changes().items():
        keys = keys.mask((keys == old) & (table["index"] == index), new)
    return keys


def with_rank_change(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank_change`` (previous rank minus this rank; positive = improved) from the data.

    The previous edition is the one before in the same index, for the same entry, followed
    across code changes (:func:`entry_keys`). The change is computed from the published ranks.
    Also adds ``rank_change_checked``: True where the change on the file's own numbering
    (``rank_as_numbered``, else ``rank``: what RSF computed its ``Rank evolution`` from) equals
    the publisher's figure, False where they differ, missing where either is unknown.
    """
    out = table.copy()
    numbered = out["rank_as_numbered"] if "rank_as_numbered" in out else out["rank"]
    work = pd.DataFrame(
        {
            "index": out["index"],
            "iso3": out["iso3"],
            "entry": entry_keys(out),
            "edition_year": out["edition_year"],
            "rank": out["rank"],
            "numbered": numbered.fillna(out["rank"]),
        }
    ).reset_index(drop=True)  # by position: a concatenation may repeat index labels
    key = ["index", "iso3", "entry"]
    ordered = work.sort_values([*key, "edition_year"])
    groups = ordered.groupby(key, sort=False)
    prev_edition = groups["edition_year"].shift(1)
    edition_order = (
        out[["index", "edition_year"]].drop_duplicates().sort_values(["index", "edition_year"])
    )
    edition_order["expected_prev"] = edition_order.groupby("index")["edition_year"].shift(1)
    expected = ordered.merge(edition_order, on=["index", "edition_year"], how="left")[
        "expected_prev"
    ].to_numpy()
    consecutive = prev_edition.to_numpy() == expected
    change = (groups["rank"].shift(1) - ordered["rank"]).where(consecutive)
    as_numbered = (groups["numbered"].shift(1) - ordered["numbered"]).where(consecutive)
    out["rank_change"] = _by_position(change, out.index)
    as_numbered = _by_position(as_numbered, out.index)
    published = out["rank_change_published"]
    known = as_numbered.notna() & published.notna()
    out["rank_change_checked"] = (as_numbered == published).where(known).astype("boolean")
    return out


def _by_position(values: pd.Series, index: pd.Index) -> pd.Series:
    """Values computed on positions 0..n-1 (in any order), back on the table's own index."""
    ordered = values.sort_index().astype("Int64")
    return pd.Series(ordered.array, index=index, dtype="Int64")


def rank_change_agreement(table: pd.DataFrame) -> dict[str, int]:
    """How far the computed change agrees with the publisher's: rows with a published value,
    of those how many could be computed, agree and disagree (on the file's numbering), and how
    many differ from the change on the published ranks (joint ranks)."""
    checked = with_rank_change(table)
    published = checked["rank_change_published"].notna()
    return {
        "published": int(published.sum()),
        "compared": int(checked["rank_change_checked"].notna().sum()),
        "agree": int(checked["rank_change_checked"].eq(True).sum()),
        "disagree": int(checked["rank_change_checked"].eq(False).sum()),
        "not_computed": int((published & checked["rank_change"].isna()).sum()),
        "differ_on_published_ranks": int(
            (checked["rank_change"] != checked["rank_change_published"]).fillna(False).sum()
        ),
    }


def rank_change_discrepancies(table: pd.DataFrame) -> pd.DataFrame:
    """Rows where the change computed from the data differs from the publisher's figure."""
    checked = with_rank_change(table)
    return checked[checked["rank_change_checked"].eq(False).fillna(False)]


def comparable_only(table: pd.DataFrame, methodology: str) -> pd.DataFrame:
    """Keep the editions of one methodology era, whose scores can be compared directly."""
    return table[table["methodology"] == methodology]
