"""A byte-order mark inside a header row is no part of a column's name (hand-made file)."""

from __future__ import annotations

import pytest

from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile, read_tables


def test_a_name_repeated_behind_a_byte_order_mark_is_refused_in_words() -> None:
    data = "x,\ufeffa,a\n1,2,3\n".encode()
    with pytest.raises(ValidationFailed) as caught:
        read_tables(SourceFile("marks.csv", data))
    [problem] = caught.value.problems
    assert (problem.problem, problem.row, problem.column) == (
        "the same column name appears twice",
        1,
        "a",
    )


def test_a_byte_order_mark_before_a_name_is_dropped() -> None:
    [table] = read_tables(SourceFile("mark.csv", "x,\ufeffa\n1,2\n".encode()))
    assert list(table.frame.columns) == ["x", "a"]
