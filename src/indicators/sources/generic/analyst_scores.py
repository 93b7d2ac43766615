"""An analyst file's scores: their scale and band checked, then rescaled to 0-100 (100 = best).

The rule is written once, in ``docs/analyst-files.md`` ("Normalised score"): with a stated
direction and a ``score_max``, ``100 x (score - min) / (max - min)`` (higher is better) or
``100 x (max - score) / (max - min)`` (lower is better); higher is better, no scale and every
score of the edition within 0-100: the score itself; otherwise empty, with a note. A band
(``score_low``/``score_high``, V-Dem's ``_codelow``/``_codehigh``) is rescaled by the same rule;
where lower is better the two bounds change places, so ``score_normalised_low`` is always the
lower one. Problems name the file's own columns.
"""

from __future__ import annotations

import pandas as pd

from indicators.problems import Problem
from indicators.sources.generic.analyst_messages import Notes, cell_problem, note
from indicators.sources.text_table import TextTable

GROUP = ["index", "edition"]
BOUNDS = ("score_low", "score_high")
Rows = pd.DataFrame


def check_scale(t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]) -> None:
    """The scale's top above its bottom; the score and its band within the scale."""
    low, high = rows["score_min"].fillna(0), rows["score_max"]
    for i in rows.index[(high <= low).fillna(False)]:
        problems.append(cell_problem(t, i, cols["score_max"], "scale_order", low=low[i]))
    scaled = (high > low).fillna(False)
    for field in ("score", *BOUNDS):
        if field not in cols:
            continue
        key = "outside_scale" if field == "score" else "band_outside_scale"
        outside = ((rows[field] < low) | (rows[field] > high)).fillna(False) & scaled
        for i in rows.index[outside]:
            problems.append(cell_problem(t, i, cols[field], key, low=low[i], high=high[i]))


def check_band(t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]) -> None:
    """Both bounds or neither; the lower bound not above the upper; the score inside them."""
    if not set(BOUNDS) <= set(cols):
        return
    low, high, score = rows["score_low"], rows["score_high"], rows["score"]
    for column, given, other in ((cols["score_low"], low, high), (cols["score_high"], high, low)):
        for i in rows.index[given.notna() & other.isna()]:
            problems.append(cell_problem(t, i, column, "band_half"))
    for i in rows.index[(low > high).fillna(False)]:
        found = {"high": high[i], "high_column": cols["score_high"]}
        problems.append(cell_problem(t, i, cols["score_low"], "band_order", **found))
    outside = ((score < low) | (score > high)).fillna(False) & (low <= high).fillna(False)
    names = {"low_column": cols["score_low"], "high_column": cols["score_high"]}
    for i in rows.index[outside]:
        found = {"low": low[i], "high": high[i], **names}
        problems.append(cell_problem(t, i, cols["score"], "outside_band", **found))


def derive_scores(rows: Rows, notes: Notes) -> Rows:
    """The scores as printed and normalised, the band normalised, the direction in words."""
    out = rows.copy()
    out["score_as_printed"] = out["score"]
    normalised = _normalised(out, notes)
    for column, values in zip(
        ("score_normalised", "score_normalised_low", "score_normalised_high"),
        normalised,
        strict=True,
    ):
        out[column] = values
    out["score_direction"] = out["higher"].map({True: "higher_is_freer", False: "lower_is_freer"})
    return out.drop(columns=["n_given", "score_min", "score_max", "higher"])


def _normalised(rows: Rows, notes: Notes) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Score, lower and upper bound on 0-100 with 100 = best where the file says enough to
    know (NA elsewhere); where lower is better the bounds change places."""
    score, high, low = rows["score"], rows["score_max"], rows["score_min"].fillna(0)
    up = rows["higher"].eq(True).fillna(False).astype(bool)
    down = rows["higher"].eq(False).fillna(False).astype(bool)
    scaled = (high > low).fillna(False).astype(bool)
    within = pd.Series(True, index=rows.index)
    for column in ("score", *BOUNDS):
        within &= (rows[column].between(0, 100) | rows[column].isna()).astype(bool)
    plain = up & ~scaled & within.groupby([rows[k] for k in GROUP]).transform("all").astype(bool)

    def rescaled(values: pd.Series) -> pd.Series:
        out = pd.Series(pd.NA, index=rows.index, dtype="Float64")
        out = out.mask(up & scaled, 100 * (values - low) / (high - low))
        out = out.mask(down & scaled, 100 * (high - values) / (high - low))
        return out.mask(plain, values).round(4).clip(0, 100)

    lower, upper = rescaled(rows["score_low"]), rescaled(rows["score_high"])
    reasons = {"no_direction": ~up & ~down, "beyond_100": up & ~scaled & ~plain}
    reasons["lower_no_max"] = down & ~scaled
    for key, mask in reasons.items():
        for index, edition in (
            rows.loc[mask & score.notna(), GROUP].drop_duplicates().itertuples(index=False)
        ):
            note(notes, key, index, edition)
    return rescaled(score), lower.where(~down, upper), upper.where(~down, lower)
