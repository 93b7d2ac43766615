"""Plausibility of ranking tables: within an edition, scores follow rank order and stay in range.

Every rankings table an adapter reads is checked with :func:`implausible_rows` before the
schema (:func:`indicators.pipeline.validate.check_plausible`, file by file), so a file that
breaks these rules is refused (nothing stored) whatever adapter read it:

* **Rank order.** Within one edition (``index``, ``edition``) a better rank never has a worse
  score, on the edition's ``score_direction``. Ties are allowed both ways: equal ranks may hold
  equal or different scores in any order, and equal scores may hold different ranks (RSF 2018:
  South Africa 28th and Cape Verde 29th, both 79.61). The rows blamed are the fewest whose
  removal restores the order (the rows outside a longest ordered subsequence).
* **Range.** The score stays within the range documented for the index and its method era
  (:data:`SCORE_RANGES`); an index not listed there (an analyst's own series) is checked for
  rank order only.

Problems name the spreadsheet row and the file's own column names ("Score N", "Score 2025"),
never the canonical ones: :mod:`indicators.sources.numbers_read` notes which file column each
parsed number came from and finds the column whose numbers are the offending scores. When a
score is about 10, 100 or more times what the range and the neighbouring ranks imply, the
likely cause is said: "decimal commas lost: 3533 where 35.33 is expected" (a file re-saved by
a tool that dropped them).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.i18n import N_, Msg, msg
from indicators.problems import Problem, ProblemList
from indicators.sources.numbers_read import column_read_as

# (index, methodology) -> (lowest, highest, what the range rests on). Checked against every
# real file in shared/data (SOURCES.md): RSF 2002-2012 has no fixed bound; its editions run
# from -10 (2011-12) to 97.5 (2002), 99.5, 107.5, 109, 109, 114.75, 97.5, 115.5, 105 and 142
# (2011-12), so the era range is -20 to 150. FIW totals go down to -4 (Add Q, see
# sources/freedom_house/adapter.py; the file's lowest is -3).
SCORE_RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    ("rsf_wpfi", "rsf_2002_2012"): (-20.0, 150.0, N_("RSF 2002-2012 points")),
    ("rsf_wpfi", "rsf_2013_2021"): (0.0, 100.0, N_("RSF 2013-2021 scores")),
    ("rsf_wpfi", "rsf_2022"): (0.0, 100.0, N_("RSF 2022 method scores")),
    ("fh_fiw", "fh_fiw_2013"): (-4.0, 100.0, N_("Freedom in the World totals")),
    ("fh_fiw_d1", "fh_fiw_d1"): (0.0, 4.0, N_("Freedom in the World D1")),
    ("fh_fotn", "fh_fotn"): (0.0, 100.0, N_("Freedom on the Net totals")),
    ("fh_fotp", "fh_fotp"): (0.0, 100.0, N_("Freedom of the Press scores")),
}
SCALES = tuple(10**k for k in range(1, 10))  # a decimal comma dropped before 1 to 9 decimals
EDITION = ["index", "edition"]
FIX_DECIMALS = N_(
    "the file lost its decimal separators (re-saved by another tool?): use the publisher's "
    "own file, or re-save it keeping the decimal commas (35,33)"
)
FIX_ORDER = N_("check this row's score and rank against the publisher's own table")
# A score outside its index's range, and a score out of rank order: without, then with the rank.
OUTSIDE = (
    N_("{column} {value} is outside the range of {label} ({lo} to {hi})"),
    N_("{column} {value} at {rank_column} {rank} is outside the range of {label} ({lo} to {hi})"),
)
OUT_OF_ORDER = (
    N_("{column} {value} breaks the rank order (the ranks around it score {around})"),
    N_(
        "{column} {value} at {rank_column} {rank} breaks the rank order (the ranks around it "
        "score {around})"
    ),
)
FIX_RANGE = N_("check the score against the publisher's own table and the index's scale")


def implausible_rows(frame: pd.DataFrame, file: str | None) -> ProblemList:
    """One problem per row whose score breaks its edition's rank order or range (none: [])."""
    problems = ProblemList()
    needed = {"index", "edition", "methodology", "rank", "score", "score_direction"}
    if frame.empty or not needed <= set(frame.columns):
        return problems
    score = frame["score"].astype("Float64")
    out_of_range = _out_of_range(frame, score)
    flagged = set(_disordered_editions(frame, score, out_of_range))
    if out_of_range.any():
        outside = frame.loc[out_of_range, EDITION].drop_duplicates()
        flagged |= set(outside.itertuples(index=False, name=None))
    if not flagged:
        return problems
    for key, group in frame.groupby(EDITION, sort=False):
        if tuple(key) in flagged:
            problems.extend(_edition_problems(group, out_of_range[group.index], file))
    return problems


def _out_of_range(frame: pd.DataFrame, score: pd.Series) -> pd.Series:
    """True where the score is outside its index's and era's range (never where none is known)."""
    values = score.to_numpy(float, na_value=np.nan)
    outside = np.zeros(len(frame), bool)
    index, era = frame["index"].to_numpy(object), frame["methodology"].to_numpy(object)
    single = _all_same(index) and _all_same(era)
    keys = [(index[0], era[0])] if single else set(zip(index, era, strict=True))
    for key in keys:
        if key not in SCORE_RANGES:
            continue
        lo, hi, _ = SCORE_RANGES[key]
        rows = np.ones(len(frame), bool) if single else (index == key[0]) & (era == key[1])
        outside |= rows & ((values < lo) | (values > hi))
    return pd.Series(outside, index=frame.index)


def _all_same(values: np.ndarray) -> bool:
    return bool((values == values[0]).all())


def _goodness(frame: pd.DataFrame, score: pd.Series) -> np.ndarray:
    """The score with higher = freer (NaN where the direction is not known)."""
    direction = frame["score_direction"].to_numpy(object)
    sign = np.where(direction == "higher_is_freer", 1.0, np.nan)
    sign = np.where(direction == "lower_is_freer", -1.0, sign)
    return score.to_numpy(float, na_value=np.nan) * sign


def _disordered_editions(
    frame: pd.DataFrame, score: pd.Series, out_of_range: pd.Series
) -> list[tuple[object, ...]]:
    """The editions where a better rank has a worse score (one vectorised pass, no groupby).

    Sorted by edition, rank and score from best to worst within a rank, a row breaks the order
    exactly when it scores better than the worst row before it in its edition.
    """
    single = _all_same(frame["index"].to_numpy(object)) and _all_same(
        frame["edition"].to_numpy(object)
    )
    codes = np.zeros(len(frame), "int64") if single else _edition_codes(frame)
    rank = frame["rank"].astype("Float64").to_numpy(float, na_value=np.nan)
    good = _goodness(frame, score)
    valid = ~np.isnan(rank) & ~np.isnan(good) & ~out_of_range.to_numpy(bool)
    c, r, g = codes[valid], rank[valid], good[valid]
    if len(g) < 2:
        return []
    order = np.lexsort((-g, r, c))
    c, g = c[order], g[order]
    if single:
        worst_before = np.minimum.accumulate(g)[:-1]
    else:
        worst_before = pd.Series(g).groupby(c).cummin().to_numpy()[:-1]
    breaks = np.flatnonzero((g[1:] > worst_before) & (c[1:] == c[:-1])) + 1
    if not len(breaks):
        return []
    positions = np.flatnonzero(valid)[order[breaks]]
    rows = frame.iloc[positions][EDITION].drop_duplicates()
    return list(rows.itertuples(index=False, name=None))


def _edition_codes(frame: pd.DataFrame) -> np.ndarray:
    return frame.groupby(EDITION, sort=False).ngroup().to_numpy("int64")


def _in_order(good: list[float]) -> list[bool]:
    """Which entries form a longest non-increasing subsequence (the rest break the order)."""
    tails: list[float] = []  # -good of the last entry of the best subsequence of each length
    ends: list[int] = []
    parent = [-1] * len(good)
    for i, g in enumerate(good):
        pos = bisect.bisect_right(tails, -g)
        parent[i] = ends[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(-g)
            ends.append(i)
        else:
            tails[pos], ends[pos] = -g, i
    kept = [False] * len(good)
    i = ends[-1] if ends else -1
    while i >= 0:
        kept[i], i = True, parent[i]
    return kept


@dataclass(frozen=True)
class _Edition:
    """One edition's scores and where they came from, for the messages."""

    file: str
    score_column: str
    rank_column: str
    lo: float
    hi: float
    label: str
    sign: float


def _edition_problems(
    group: pd.DataFrame, out_of_range: pd.Series, file: str | None
) -> list[Problem]:
    """The problems of one edition: rows out of range, then rows out of rank order."""
    ed = _describe(group, out_of_range, file)
    score = group["score"].astype(float)
    rank = group["rank"].astype(float)
    good = score * ed.sign
    order = pd.DataFrame({"rank": rank, "good": good})
    order = order[rank.notna() & good.notna() & ~out_of_range]
    order = order.sort_values(["rank", "good"], ascending=[True, False], kind="stable")
    kept_mask = pd.Series(_in_order(order["good"].tolist()), index=order.index, dtype=bool)
    kept = order.loc[kept_mask]
    offenders = set(group.index[out_of_range]) | set(order.index[~kept_mask])
    problems = []
    source_row = group["source_row"]
    for i in sorted(offenders, key=lambda j: int(source_row[j])):
        problems.append(_problem(ed, group.loc[i], kept, bool(out_of_range[i])))
    return problems


def _describe(group: pd.DataFrame, out_of_range: pd.Series, file: str | None) -> _Edition:
    first = group.iloc[0]
    lo, hi, label = SCORE_RANGES.get(
        (str(first["index"]), str(first["methodology"])), (float("-inf"), float("inf"), "")
    )
    sha = str(first["source_sha256"])
    flagged = group.loc[out_of_range] if out_of_range.any() else group
    scored = flagged[flagged["score"].notna()].head(20)
    ranked = group[group["rank"].notna()]  # named only if every rank is the file's own
    score_col = column_read_as(sha, _rows(scored), scored["score"].astype(float).tolist())
    rank_col = column_read_as(sha, _rows(ranked), ranked["rank"].astype(float).tolist())
    sign = 1.0 if first["score_direction"] == "higher_is_freer" else -1.0
    where = file or str(first["source_file"])
    return _Edition(where, score_col or "score", rank_col or "rank", lo, hi, label, sign)


def _rows(frame: pd.DataFrame) -> list[int]:
    return [int(r) for r in frame["source_row"]]


def _problem(ed: _Edition, row: pd.Series, kept: pd.DataFrame, outside: bool) -> Problem:
    value, rank = float(row["score"]), row["rank"]
    ranked = not pd.isna(rank)
    better = kept[kept["rank"] < float(rank)]["good"] if ranked else kept["good"].iloc[:0]
    worse = kept[kept["rank"] > float(rank)]["good"] if ranked else kept["good"].iloc[:0]
    upper = better.min() / ed.sign if len(better) else None  # the neighbours' scores
    lower = worse.max() / ed.sign if len(worse) else None
    facts: dict[str, object] = {"column": ed.score_column, "value": _num(value)}
    if ranked:
        facts |= {"rank_column": ed.rank_column, "rank": int(rank)}
    if outside:
        facts |= {"label": Msg(ed.label), "lo": _num(ed.lo), "hi": _num(ed.hi)}
        what = Msg(OUTSIDE[ranked], facts)
    else:
        around = [_num(v) for v in (upper, lower) if v is not None]
        facts["around"] = (
            msg("{a} and {b}", a=around[0], b=around[1]) if len(around) == 2 else "".join(around)
        )
        what = Msg(OUT_OF_ORDER[ranked], facts)
    expected = _lost_decimals(ed, value, upper, lower)
    if expected is not None:
        what = msg(
            "decimal commas lost: {value} where {expected} is expected. {what}",
            value=_num(value),
            expected=_num(expected),
            what=what,
        )
    fix = Msg(FIX_DECIMALS if expected is not None else FIX_RANGE if outside else FIX_ORDER)
    return Problem(ed.file, what, int(row["source_row"]), ed.score_column, _num(value), fix)


def _lost_decimals(
    ed: _Edition, value: float, upper: float | None, lower: float | None
) -> float | None:
    """The score the file most likely meant, when ``value`` is it times 10, 100 ... (up to 9 decimals:
    RSF's old files hold scores such as 49,66666667).

    The smallest scale whose score fits the range and lies between the neighbouring ranks'
    scores wins (one decimal before two, and so on).
    """
    if value == 0 or (upper is None and lower is None and ed.label == ""):
        return None
    for scale in SCALES:
        guess = value / scale
        good = guess * ed.sign
        if not ed.lo <= guess <= ed.hi:
            continue
        if upper is not None and good > upper * ed.sign + 1e-9:
            continue
        if lower is not None and good < lower * ed.sign - 1e-9:
            continue
        return guess
    return None


def _num(value: float | None) -> str:
    """A score as people write it: 3533, 35.33, -10 (no trailing zeros)."""
    return "" if value is None else f"{value:.10g}"
