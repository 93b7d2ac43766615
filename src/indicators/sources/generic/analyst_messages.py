"""Every message the analyst ranking adapter gives about a cell, with its fix, and its notes.

``docs/analyst-files.md`` lists them; a test keeps the two in step. :func:`cell_problem` makes
a message into a problem at one cell (the file's row number, column name and value).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import cast

from indicators.i18n import N_, Msg
from indicators.problems import Problem
from indicators.sources.text_table import TextTable

Notes = dict[str, list[str]]

_COUNTRY_FIX = N_(
    "use an ISO3 code (e.g. KAZ) or an English or Russian name; variants can be added "
    "to data/countries/variants.csv"
)
_YEAR_FIX = N_("write the year of the edition, e.g. 2024 (or 2011-12 for one spanning two years)")
# Every message this module gives about a cell, and its fix; docs/analyst-files.md lists them.
# fmt: off
MESSAGES: dict[str, tuple[str, str]] = {
    "no_rows": (
        N_("the file has a header but no rows"),
        N_("check that the right file or sheet was chosen"),
    ),
    "unknown_country": (
        N_("unknown country"),
        _COUNTRY_FIX,
    ),
    "empty_country": (
        N_("the country is empty"),
        _COUNTRY_FIX,
    ),
    "name_vs_code": (
        N_("the country name is {name} but the code {code} is {code_name}"),
        N_("correct the name or the code so they agree"),
    ),
    "empty_year": (
        N_("the year is empty"),
        _YEAR_FIX,
    ),
    "not_a_year": (
        N_("is not a year"),
        _YEAR_FIX,
    ),
    "early_year": (
        N_("the year is before 1900"),
        _YEAR_FIX,
    ),
    "future_year": (
        N_("the year is in the future (after {year})"),
        _YEAR_FIX,
    ),
    "direction": (
        N_("does not say whether a higher score is better"),
        N_("write yes or no (да or нет), or higher or lower (выше or ниже)"),
    ),
    "index_id": (
        N_("the index id {index_id!r} is not valid"),
        N_("use 2-40 lowercase letters, digits or _, starting with a letter, e.g. "
           "my_index"),
    ),
    "index_name": (
        N_("the index name has no letters or digits to make an id from"),
        N_("write the index's name, e.g. RSF"),
    ),
    "rank_below_1": (
        N_("the rank must be 1 or more"),
        N_("ranks start at 1 for the best placed country"),
    ),
    "n_below_1": (
        N_("the number ranked must be 1 or more"),
        N_("write how many countries were ranked"),
    ),
    "rank_above_n": (
        N_("the rank is larger than the number ranked ({n})"),
        N_("check the rank and the number ranked"),
    ),
    "no_rank_or_score": (
        N_("the row has neither a rank nor a score"),
        N_("fill in the rank or the score, or delete the row"),
    ),
    "scale_order": (
        N_("the top of the score scale must be above its bottom ({low:g})"),
        N_("check the score_max and score_min columns"),
    ),
    "outside_scale": (
        N_("the score is outside the scale {low:g} to {high:g}"),
        N_("check the score and the score_max / score_min columns"),
    ),
    "band_column": (
        N_("the column {column!r} is a {have} but no column holds the {missing}"),
        N_("give both bounds of the band (e.g. score_low and score_high, or "
           "V-Dem's _codelow and _codehigh), or neither"),
    ),
    "band_half": (
        N_("only one bound of the band is given"),
        N_("fill in both the lower and the upper bound, or neither"),
    ),
    "band_order": (
        N_("the lower bound is above the upper bound ({high:g} in {high_column})"),
        N_("check the two bounds: the lower bound is the smaller"),
    ),
    "outside_band": (
        N_("the score is outside its band {low:g} to {high:g}"),
        N_("check the score and its lower and upper bounds ({low_column}, "
           "{high_column})"),
    ),
    "band_outside_scale": (
        N_("the bound is outside the scale {low:g} to {high:g}"),
        N_("check the bound and the score_max / score_min columns"),
    ),
    "banded_scores": (
        N_("several columns could be the score, each with V-Dem's _codelow and "
           "_codehigh columns: {columns}"),
        N_("say which one with a column mapping, e.g. score={first!r}"),
    ),
    "duplicate": (
        N_("the same country appears twice in edition {edition} (first at row "
           "{first})"),
        N_("keep one row per country and edition"),
    ),
    "n_differs": (
        N_("the number ranked differs within edition {edition} (most rows say "
           "{usual})"),
        N_("one edition has one number ranked"),
    ),
    "against_direction": (
        N_("edition {edition}: the better ranks have the {found} scores, but the "
           "file says {said} is better (rank/score correlation {corr:.2f})"),
        N_("check the higher_is_better or direction column"),
    ),
}
NOTES: dict[str, str] = {
    "n_copied": "number ranked copied from other rows of the edition",
    "n_rows": "number ranked taken as the number of ranked rows: the file seems to hold the "
              "whole ranking (add a 'number ranked' column if it does not)",
    "n_top": "number ranked taken as the lowest rank: a few ranks are missing, and countries "
             "ranked below may be missing too",
    "n_unknown": "number ranked unknown (the file holds part of the ranking), so positions are "
                 "empty; add a 'number ranked' column",
    "no_direction": "score_normalised empty: the file does not say whether a higher score is "
                    "better (add a higher_is_better column)",
    "beyond_100": "score_normalised empty: scores go beyond 0-100 and no score_max column gives "
                  "the scale",
    "lower_no_max": "score_normalised empty: lower scores are better and no score_max column "
                    "gives the scale to turn them around",
}
# fmt: on


def cell_problem(t: TextTable, i: Hashable, column: str, key: str, **values: object) -> Problem:
    """The problem ``MESSAGES[key]`` at one cell, with the cell's row number and value."""
    message, fix = MESSAGES[key]
    row = t.row_number(int(cast(int, i)))
    cell = str(t.frame[column].get(i, ""))
    return Problem(t.source.name, Msg(message, values), row, column, cell, Msg(fix, values))


def note(notes: Notes, key: str, index: object, edition: object) -> None:
    """Add the note ``NOTES[key]`` for one index and edition."""
    notes.setdefault(key, []).append(f"{index} {edition}")
