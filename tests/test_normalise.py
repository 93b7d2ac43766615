"""Normalisation invariants (property tests) and the worked examples in the README."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.pipeline.derive import percentile_position, tie_sizes
from indicators.present.sentences import ordinal, rank_phrase


def _positions(ranks: list[int]) -> pd.Series:
    r = pd.Series(ranks, dtype="Int64")
    n = pd.Series([len(ranks)] * len(ranks), dtype="Int64")
    return percentile_position(r, n, tie_sizes(r))


def test_readme_examples() -> None:
    """141st of 180 is 21.8 and 116th of 139 is 16.7: the better position despite the worse rank."""
    one = pd.Series([1], dtype="Int64")
    assert percentile_position(
        pd.Series([141], dtype="Int64"), pd.Series([180], dtype="Int64"), one
    )[0] == pytest.approx(21.79)
    assert percentile_position(
        pd.Series([116], dtype="Int64"), pd.Series([139], dtype="Int64"), one
    )[0] == pytest.approx(16.67)


@st.composite
def competition_ranks(draw: st.DrawFn) -> list[int]:
    """Ranks as RSF assigns them: sorted scores, ties share a rank, the next rank skips."""
    scores = sorted(draw(st.lists(st.integers(0, 30), min_size=1, max_size=200)))
    return [scores.index(s) + 1 for s in scores]


@given(competition_ranks())
def test_position_in_range(ranks: list[int]) -> None:
    """Every position lies in [0, 100]."""
    pos = _positions(ranks)
    assert pos.between(0, 100).all()


@given(competition_ranks())
def test_better_rank_never_worse_position(ranks: list[int]) -> None:
    """Within an edition, a better (smaller) rank never gets a lower position; ties get equal ones."""
    pos = _positions(ranks)
    frame = pd.DataFrame({"rank": ranks, "pos": pos}).sort_values("rank")
    assert frame["pos"].is_monotonic_decreasing
    assert (frame.groupby("rank")["pos"].nunique() == 1).all()


@given(competition_ranks())
def test_positions_average_fifty(ranks: list[int]) -> None:
    """With ties counted half, positions of a whole edition average exactly 50 (for n > 1)."""
    if len(ranks) < 2:
        return
    assert _positions(ranks).astype(float).mean() == pytest.approx(50, abs=0.02)


@given(st.integers(2, 500), st.data())
def test_untied_formula(n: int, data: st.DataObject) -> None:
    """Without ties, position = 100 * (n - rank) / (n - 1)."""
    rank = data.draw(st.integers(1, n))
    got = percentile_position(
        pd.Series([rank], dtype="Int64"),
        pd.Series([n], dtype="Int64"),
        pd.Series([1], dtype="Int64"),
    )[0]
    assert got == pytest.approx(100 * (n - rank) / (n - 1), abs=0.006)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (11, "11th"),
        (112, "112th"),
        (141, "141st"),
        (158, "158th"),
    ],
)
def test_ordinal(n: int, text: str) -> None:
    """English ordinals, including the 11-13 exceptions."""
    assert ordinal(n) == text


def test_rank_phrase() -> None:
    """'141st of 180', and empty for an unknown rank."""
    assert rank_phrase(141, 180) == "141st of 180"
    assert rank_phrase(pd.NA, 180) == ""
