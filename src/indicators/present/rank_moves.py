"""A rank change in words: how many places, and how much of it the country's own score explains.

"Kazakhstan fell 8 places in 2026 (141st to 149th of 180): its own score explains 7, other
countries' changes 1." When the two parts pull in opposite directions the sentence says
which way each moved it. The numbers come from :func:`indicators.query.explain.explain_rank`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.present.chart_style import GREY, LAYOUT, PALETTE
from indicators.present.methods import section
from indicators.present.sentences import ordinal
from indicators.query.explain import CannotExplain, RankSplit, explain_rank
from indicators.text import plotly_text


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


def rank_move_figure(split: RankSplit) -> go.Figure:
    """A small waterfall: the earlier rank, the places the country's own score explains, the
    places the others' changes explain, and the new rank (1 at the top, as a rank is read)."""
    own_label = "Own score"
    others_label = "Others"
    steps = [
        (str(split.against), "absolute", split.rank_against),
        (own_label, "relative", -split.own),  # places gained move the rank up (a smaller number)
        (others_label, "relative", -split.others),
        (str(split.edition), "total", split.rank),
    ]
    hover = [
        f"{ordinal(split.rank_against)} of {split.n_ranked_against}",
        f"{_moved(split.own)} (its score {split.score_against:g} to {split.score:g})",
        f"{_moved(split.others)}",
        f"{ordinal(split.rank)} of {split.n_ranked}",
    ]
    fig = go.Figure(
        go.Waterfall(
            x=[plotly_text(s[0]) for s in steps],
            measure=[s[1] for s in steps],
            y=[s[2] for s in steps],
            text=[plotly_text(h) for h in hover],
            textposition="none",
            hovertemplate="%{x}: %{text}<extra></extra>",
            connector={"line": {"color": GREY, "width": 1}},
            increasing={"marker": {"color": PALETTE[3]}},  # a larger rank number: places lost
            decreasing={"marker": {"color": PALETTE[0]}},  # a smaller rank number: places gained
            totals={"marker": {"color": GREY}},
            name=plotly_text(split.country),
        )
    )
    low = min(split.rank_against, split.rank, split.rank_if_only_own)
    high = max(split.rank_against, split.rank, split.rank_if_only_own)
    pad = max(2, (high - low) // 4)
    fig.update_layout(
        **LAYOUT,
        height=260,
        showlegend=False,
        yaxis={
            "title": {"text": "Rank (1 = freest)"},
            "range": [high + pad, max(0.5, low - pad)],
            "tickformat": "d",
        },
    )
    return fig


def split_or_reason(
    rankings: pd.DataFrame, iso3: str, edition: str | None = None
) -> RankSplit | str:
    """The split for ``edition`` against the edition before, or why it cannot be made."""
    try:
        return explain_rank(rankings, iso3, edition=edition)
    except CannotExplain as exc:
        return str(exc)


def rank_move_words(rankings: pd.DataFrame, iso3: str, edition: str | None = None) -> str:
    """The sentence for ``edition`` against the edition before, or why it cannot be said."""
    split = split_or_reason(rankings, iso3, edition)
    if isinstance(split, str):
        return f"Why the rank moved cannot be split here: {split}."
    return rank_move_sentence(split)
