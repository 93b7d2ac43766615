"""Problems are capped: the first 1,000 listed, the rest counted by kind, for every caller."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.pipeline.extract import parse_file
from indicators.pipeline.validate import validate_table
from indicators.problems import (
    MAX_KINDS,
    MAX_LISTED,
    Problem,
    ProblemList,
    ValidationFailed,
    problem_count,
    problems_frame,
)
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.synthetic import COLUMNS, synthetic_incidents
from indicators.tables.spec import Column, TableSpec, in_range


def _bad_dates(n: int) -> list[Problem]:
    return [Problem("f.csv", "not a date", i + 2, "date", "31.31.2020") for i in range(n)]


def test_first_thousand_listed_rest_counted_by_kind() -> None:
    """5,000 bad dates and 10 bad places: 1,000 listed, then one counted line per kind."""
    places = [Problem("f.csv", "unknown place", 9_000 + i, "place", "X") for i in range(10)]
    exc = ValidationFailed(_bad_dates(5_000) + places)
    listed = [p for p in exc.problems if not p.omitted]
    summary = [p for p in exc.problems if p.omitted]
    assert len(listed) == MAX_LISTED and listed[0].row == 2 and listed[-1].row == 1_001
    assert [(p.problem, p.column, p.omitted) for p in summary] == [
        ("not a date", "date", 4_000),
        ("unknown place", "place", 10),
    ]
    assert exc.total == 5_010 and problem_count(exc.problems) == 5_010
    assert str(exc).endswith("(and 5,009 more)")
    assert summary[0].as_line() == "f.csv, column 'date': and 4,000 more: not a date"


def test_problems_csv_says_how_many_are_not_listed() -> None:
    """The problems table (the CSV download and the CLI's table) has the counted lines."""
    frame = problems_frame(ValidationFailed(_bad_dates(1_500)).problems)
    assert len(frame) == MAX_LISTED + 1
    last = frame.iloc[-1]
    assert last["problem"] == "and 500 more: not a date" and last["row"] is not None
    assert frame["row"].isna().sum() == 1


def test_rewrapped_problems_keep_their_counts() -> None:
    """Problems of one failure gathered into another (several files) keep the total."""
    first = ValidationFailed(_bad_dates(3_000))
    second = ValidationFailed([Problem("g.csv", "not a date", 2, "date")])
    merged = ValidationFailed(first.problems + second.problems)
    assert merged.total == 3_001
    assert next(p for p in merged.problems if p.file == "g.csv").omitted == 1


def test_pickled_failure_keeps_its_problems() -> None:
    """A failure sent back from a worker process arrives with its problems and total."""
    exc = pickle.loads(pickle.dumps(ValidationFailed(_bad_dates(1_200))))
    assert isinstance(exc, ValidationFailed) and exc.total == 1_200
    assert exc.problems[0].row == 2 and exc.problems[-1].omitted == 200


def test_problem_list_builds_no_object_beyond_the_cap() -> None:
    """``ProblemList.add`` counts problems beyond the cap without keeping them."""
    collected = ProblemList()
    for i in range(MAX_LISTED + 250):
        collected.add("f.csv", "not a date", i + 2, "date", "x")
    assert len(collected) == MAX_LISTED and collected.total == MAX_LISTED + 250
    assert ValidationFailed(collected).problems[-1].omitted == 250


def test_many_kinds_are_counted_in_one_line() -> None:
    """Beyond 50 kinds of unlisted problems, one line counts the other kinds."""
    rest = [Problem("f.csv", f"odd value {i}", i, "x") for i in range(MAX_KINDS + 20)]
    exc = ValidationFailed(_bad_dates(MAX_LISTED) + rest)
    assert len(exc.problems) == MAX_LISTED + MAX_KINDS + 1
    assert exc.problems[-1].problem == "problems of other kinds" and exc.problems[-1].omitted == 20
    assert exc.total == MAX_LISTED + MAX_KINDS + 20


def test_file_of_bad_dates_lists_a_thousand() -> None:
    """An incident file with 3,000 unreadable dates lists 1,000 and counts the other 2,000."""
    frame = synthetic_incidents(3_000)
    frame["date"] = "not a date"
    data = frame[[c for c in COLUMNS if c != "synthetic"]].to_csv(index=False).encode()
    try:
        parse_file(SourceFile("incidents.csv", data), ParseOptions(country="KAZ"))
    except ValidationFailed as exc:
        failure = exc
    else:
        raise AssertionError("bad dates must be refused")
    assert failure.total == 3_000 and len(failure.problems) == MAX_LISTED + 1
    assert failure.problems[-1].text.startswith("and 2,000 more: ")


def test_incident_builder_keeps_only_a_thousand_problem_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the cap the incident builder counts bad cells without building a Problem for each."""
    built = []
    original = Problem.__init__

    def counting_init(self: Problem, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    frame = synthetic_incidents(3_000)
    frame["date"] = "not a date"
    data = frame[[c for c in COLUMNS if c != "synthetic"]].to_csv(index=False).encode()
    monkeypatch.setattr(Problem, "__init__", counting_init)
    with pytest.raises(ValidationFailed) as caught:
        parse_file(SourceFile("incidents.csv", data), ParseOptions(country="KAZ"))
    assert caught.value.total == 3_000
    assert len(built) < 1_200  # 1,000 listed, a few summary lines and re-wraps


def test_schema_failures_beyond_the_cap_are_counted_not_dropped() -> None:
    """1,500 failed checks of one column: 1,000 listed, the other 500 counted, none dropped."""
    scores = Column("score", "Float64", check=in_range(0, 100))
    columns = (scores, Column("source_row", "Int64"), Column("source_file"))
    spec = TableSpec("scores", columns, ("source_row",), ("source_row",), "one a row")
    frame = pd.DataFrame(
        {
            "score": pd.array([150.0] * 1_500, dtype="Float64"),
            "source_row": pd.array(range(2, 1_502), dtype="Int64"),
            "source_file": pd.Series("a.csv", index=range(1_500), dtype="str"),
        }
    )
    with pytest.raises(ValidationFailed) as caught:
        validate_table(frame, spec)
    assert caught.value.total == 1_500
    assert caught.value.problems[-1].text.startswith("and 500 more: fails the check")
    assert caught.value.problems[0].row == 2 and caught.value.problems[0].file == "a.csv"


problem = st.builds(
    Problem,
    file=st.sampled_from(["a.csv", "b.xlsx"]),
    problem=st.sampled_from(["not a date", "unknown place", "rank is not a number"]),
    row=st.none() | st.integers(1, 10**6),
    column=st.none() | st.sampled_from(["date", "place"]),
)


@given(st.lists(problem, max_size=3_000), st.integers(0, 3))
def test_cap_keeps_every_problem_counted(problems: list[Problem], rewraps: int) -> None:
    """However many problems, and however often re-wrapped, each is listed or counted once,
    and at most 1,000 are listed."""
    exc = ValidationFailed(problems)
    for _ in range(rewraps):
        exc = ValidationFailed(exc.problems)
    assert exc.total == len(problems) == problem_count(exc.problems)
    listed = [p for p in exc.problems if not p.omitted]
    assert listed == problems[:MAX_LISTED]
