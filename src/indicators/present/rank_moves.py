"""A rank change in words: how many places, and how much of it the country's own score explains.

"Kazakhstan fell 8 places in 2026 (141st to 149th of 180): its own score explains 7, other
countries' changes 1." When the two parts pull in opposite directions the sentence says
which way each moved it. The numbers come from :func:`indicators.query.explain.explain_rank`.
"""

from __future__ import annotations

from indicators.present.methods import section
from indicators.present.sentences import ordinal
from indicators.query.explain import RankSplit


def _places(n: int) -> str:
    return f"{n} place" if n == 1 else f"{n} places"


def _moved(n: int) -> str:
    """'up 3 places', 'down 1 place', 'not at all'."""
    if n == 0:
        return "not at all"
    return f"{'up' if n > 0 else 'down'} {_places(abs(n))}"


def headline(split: RankSplit) -> str:
    """'Kazakhstan fell 8 places in 2026 (141st to 149th of 180)'."""
    c = split.change
    verb = "kept its rank" if c == 0 else f"{'rose' if c > 0 else 'fell'} {_places(abs(c))}"
    of = (
        f"of {split.n_ranked}"
        if split.n_ranked == split.n_ranked_against
        else f"of {split.n_ranked_against}, then of {split.n_ranked}"
    )
    return (
        f"{split.country} {verb} in {split.edition} "
        f"({ordinal(split.rank_against)} to {ordinal(split.rank)} {of})"
    )


def parts(split: RankSplit) -> str:
    """The two parts: in one phrase when both go the way of the change, else each its way."""
    c, own, others = split.change, split.own, split.others
    same_way = all(part == 0 or (part > 0) == (c > 0) for part in (own, others))
    if c != 0 and same_way:
        return f"its own score explains {abs(own)}, other countries' changes {abs(others)}"
    return (
        f"its own score change alone would have moved it {_moved(own)}; other countries' "
        f"changes{_ranked_note(split)} moved it {_moved(others)}"
    )


def _ranked_note(split: RankSplit) -> str:
    if split.n_ranked == split.n_ranked_against:
        return ""
    return f" (and the number ranked, {split.n_ranked_against} to {split.n_ranked})"


def rank_move_sentence(split: RankSplit) -> str:
    """The whole sentence, with the method of the split in a short clause."""
    return f"{headline(split)}: {parts(split)}."


METHOD = section("Why a rank moved")  # the methods text's own words, one copy
