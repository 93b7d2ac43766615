"""A rank change in words: how many places, and how much of it the country's own score explains.

"Kazakhstan fell 8 places in 2026 (141st to 149th of 180): its own score explains 7, other
countries' changes 1." When the two parts pull in opposite directions the sentence says
which way each moved it. The numbers come from :func:`indicators.query.explain.explain_rank`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import _, n_, place
from indicators.present.chart_style import GREY, LAYOUT, PALETTE
from indicators.present.methods import section
from indicators.present.sentences import decimal, ordinal
from indicators.query.explain import CannotExplain, RankSplit, explain_rank
from indicators.query.trend import count_text
from indicators.text import plotly_text


def _moved(n: int) -> str:
    """'up 3 places', 'down 1 place', 'not at all'."""
    if n == 0:
        return _("not at all")
    if n > 0:
        return n_("up {n} place", "up {n} places", n).format(n=count_text(n))
    return n_("down {n} place", "down {n} places", -n).format(n=count_text(-n))


def _verb(c: int) -> str:
    """'kept its rank', 'rose 3 places', 'fell 1 place'."""
    if c == 0:
        return _("kept its rank")
    if c > 0:
        return n_("rose {n} place", "rose {n} places", c).format(n=count_text(c))
    return n_("fell {n} place", "fell {n} places", -c).format(n=count_text(-c))


def headline(split: RankSplit) -> str:
    """'Kazakhstan fell 8 places in 2026 (141st to 149th of 180)'."""
    before, after = ordinal(split.rank_against), ordinal(split.rank)
    if split.n_ranked == split.n_ranked_against:
        ranks = _("{before} to {after} of {total}").format(
            before=before, after=after, total=split.n_ranked
        )
    else:
        ranks = _("{before} to {after} of {total_before}, then of {total}").format(
            before=before, after=after, total_before=split.n_ranked_against, total=split.n_ranked
        )
    return _("{country} {moved} in {edition} ({ranks})").format(
        country=split.country, moved=_verb(split.change), edition=split.edition, ranks=ranks
    )


def parts(split: RankSplit) -> str:
    """The two parts: in one phrase when both go the way of the change, else each its way."""
    c, own, others = split.change, split.own, split.others
    same_way = all(part == 0 or (part > 0) == (c > 0) for part in (own, others))
    if c != 0 and same_way:
        return _("its own score explains {own}, other countries' changes {others}").format(
            own=count_text(abs(own)), others=count_text(abs(others))
        )
    return _(
        "its own score change alone would have moved it {own}; other countries' "
        "changes{note} moved it {others}"
    ).format(own=_moved(own), note=_ranked_note(split), others=_moved(others))


def _ranked_note(split: RankSplit) -> str:
    if split.n_ranked == split.n_ranked_against:
        return ""
    return _(" (and the number ranked, {before} to {after})").format(
        before=split.n_ranked_against, after=split.n_ranked
    )


def rank_move_sentence(split: RankSplit) -> str:
    """The whole sentence, with the method of the split in a short clause."""
    return f"{headline(split)}: {parts(split)}."


METHOD = section("Why a rank moved")  # the methods text's own words, one copy


def rank_move_figure(split: RankSplit) -> go.Figure:
    """A small waterfall: the earlier rank, the places the country's own score explains, the
    places the others' changes explain, and the new rank (1 at the top, as a rank is read)."""
    own_label = _("Own score")
    others_label = _("Others")
    steps = [
        (str(split.against), "absolute", split.rank_against),
        (own_label, "relative", -split.own),  # places gained move the rank up (a smaller number)
        (others_label, "relative", -split.others),
        (str(split.edition), "total", split.rank),
    ]
    hover = [
        place(split.rank_against, split.n_ranked_against),
        _("{moved} (its score {before} to {after})").format(
            moved=_moved(split.own),
            before=decimal(split.score_against),
            after=decimal(split.score),
        ),
        f"{_moved(split.others)}",
        place(split.rank, split.n_ranked),
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
            "title": {"text": _("Rank (1 = freest)")},
            "range": [high + pad, max(0.5, low - pad)],
            "tickformat": "d",
        },
    )
    return fig


def split_or_reason(
    rankings: pd.DataFrame, iso3: str, edition: str | None = None
) -> RankSplit | str:
    """The split for ``edition`` against the edition before, or why it cannot be made (in the
    reader's language)."""
    try:
        return explain_rank(rankings, iso3, edition=edition)
    except CannotExplain as exc:
        return exc.reason()


def rank_move_words(rankings: pd.DataFrame, iso3: str, edition: str | None = None) -> str:
    """The sentence for ``edition`` against the edition before, or why it cannot be said."""
    split = split_or_reason(rankings, iso3, edition)
    if isinstance(split, str):
        return _("Why the rank moved cannot be split here: {reason}.").format(reason=split)
    return rank_move_sentence(split)
