"""The RSF ingest's fast paths (``make bench``, figure 1) give exactly what the plain code gave.

Three steps took a third of the ingest of the 24 RSF editions and now take a fraction of it:

* ``check_frame`` strips and measures every cell in Arrow, column by column, instead of through
  a pandas Series per step (``_stripped_arrow``); the cell-by-cell code (``_stripped_cells``)
  stays for everything else and words the problems;
* ``sniff_delimiter`` stops reading after the 50 rows it counts;
* format detection stops at the first sure sniff (1.0), which nothing can beat.

Each is checked against the code it replaced, on generated input and on the real files, and
each test also proves that the fast path is taken where it should be.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.pipeline import extract
from indicators.problems import ValidationFailed
from indicators.sources import detect, reading
from indicators.sources.base import ParseOptions
from indicators.sources.reading import (
    MAX_CELL_CHARS,
    SourceFile,
    check_frame,
    read_table,
    read_tables,
)
from indicators.sources.registry import ADAPTERS
from tests.test_reading_fast import assert_same_frames, delimited_texts

CORPUS = Path(__file__).parent / "corpus"
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# spaces Python and Arrow both strip, some only one of them might, and what must stay
CELL = st.text(
    st.sampled_from([*"ab Ж1,.-", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85"]),
    max_size=6,
)
HEADER = st.text(st.sampled_from([*"abЖ ", "\ufeff", ".", "1"]), min_size=1, max_size=4)


def outcome(run: Callable[[], pd.DataFrame]) -> object:
    """A frame, or the problems it was refused with, or the crash."""
    try:
        return run()
    except ValidationFailed as exc:
        return ("problems", exc.problems)
    except AttributeError as exc:  # two names that strip alike: the frame's column is a frame
        return ("crash", str(exc))


def the_old_way(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``check_frame`` with its Arrow path turned off: the code it had before."""
    with mock.patch.object(reading, "_stripped_arrow", return_value=None):
        return check_frame(name, frame)


def assert_same_outcome(new: object, old: object) -> None:
    if isinstance(old, pd.DataFrame):
        assert isinstance(new, pd.DataFrame), new
        assert_same_frames(new, old)
        assert new.columns.dtype == old.columns.dtype
        pd.testing.assert_frame_equal(new, old)
    else:
        assert new == old


@st.composite
def text_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Frames as the readers build them: text columns, sometimes missing cells or object ones."""
    width = draw(st.integers(1, 4))
    names = draw(st.lists(HEADER, min_size=width, max_size=width))
    rows = draw(st.integers(0, 6))
    columns = [draw(st.lists(CELL, min_size=rows, max_size=rows)) for _ in names]
    frame = pd.DataFrame(dict(enumerate(columns)), dtype=str)
    if rows and draw(st.integers(0, 3)) == 0:
        frame.iloc[draw(st.integers(0, rows - 1)), draw(st.integers(0, width - 1))] = None
    if draw(st.integers(0, 5)) == 0:
        frame[0] = frame[0].astype(object)  # not Arrow text: the cell-by-cell code
    if rows and draw(st.integers(0, 9)) == 0:
        frame.index = pd.RangeIndex(5, 5 + rows)  # row numbers come from the index
    frame.columns = pd.Index(names)
    return frame


@PROPERTY
@given(text_frames())
def test_arrow_stripping_gives_the_old_frame(frame: pd.DataFrame) -> None:
    """Same values, names, dtypes, index and storage, same problems, same crash."""
    new = outcome(lambda: check_frame("f.csv", frame))
    assert_same_outcome(new, outcome(lambda: the_old_way("f.csv", frame)))


@PROPERTY
@given(delimited_texts())
def test_read_table_gives_the_old_table(case: tuple[str, str]) -> None:
    """Whole files through read_table: the same frame, delimiter and decimal mark."""
    text, _delimiter = case
    source = SourceFile("f.csv", text.encode("utf-8"))

    def table(old: bool) -> object:
        if not old:
            return outcome(lambda: read_table(source).frame)
        with mock.patch.object(reading, "_stripped_arrow", return_value=None):
            return outcome(lambda: read_table(source).frame)

    assert_same_outcome(table(old=False), table(old=True))


def test_a_long_cell_is_still_named() -> None:
    """A cell above the limit makes the Arrow path step aside: the problem names the cell."""
    frame = pd.DataFrame({"a": ["x", "y" * (MAX_CELL_CHARS + 1)], "b": ["1", "2"]}, dtype=str)
    with pytest.raises(ValidationFailed) as caught:
        check_frame("f.csv", frame)
    [problem] = caught.value.problems
    assert problem.problem == "cell is 20,001 characters long, above the 20,000 limit"
    assert (problem.row, problem.column) == (3, "a")


def test_rsf_editions_take_the_arrow_path(rsf_files: list[Path]) -> None:
    """Every RSF edition is stripped in Arrow, not cell by cell, and comes out as before."""
    for path in rsf_files:
        source = SourceFile.from_path(path)
        with mock.patch.object(reading, "_stripped_cells", side_effect=AssertionError(path)):
            new = read_table(source)
        with mock.patch.object(reading, "_stripped_arrow", return_value=None):
            old = read_table(source)
        assert_same_outcome(new.frame, old.frame)
        assert (new.delimiter, new.decimal, new.rows) == (old.delimiter, old.decimal, old.rows)


def old_sniff_delimiter(text: str) -> str:
    """``sniff_delimiter`` as it was: every row of the sample read, the first 50 counted."""
    sample = text[:64_000]
    best, best_score = ",", (-1.0, 0)
    for delim in reading.DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        rows = rows[:50]
        if len(rows) > 1 and not sample.endswith(("\n", "\r")):
            rows = rows[:-1]
        counts = [len(r) for r in rows]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts), mode)
        if mode >= 2 and score > best_score:
            best, best_score = delim, score
    return best


@st.composite
def long_texts(draw: st.DrawFn) -> str:
    """Tables of up to 200 rows (past the 50 counted), some past the 64,000-character sample."""
    text, _delimiter = draw(delimited_texts())
    extra = draw(
        st.lists(st.sampled_from(["a;b;c", "1,2", "x|y|z|w", '"q\n;r",s', ""]), max_size=200)
    )
    body = "\n".join(extra) * draw(st.sampled_from([1, 1, 1, 400]))
    return text + body if draw(st.booleans()) else body + "\n" + text


@PROPERTY
@given(st.one_of(delimited_texts().map(lambda case: case[0]), long_texts()))
def test_sniff_delimiter_agrees_with_the_full_read(text: str) -> None:
    assert reading.sniff_delimiter(text) == old_sniff_delimiter(text)


LINE_KINDS = ("a;b", "a,b,c", "a;b;c,d,e", "a|b", "a\tb\tc", '"x;y",z', "")


def test_sniff_delimiter_counts_exactly_the_first_50_rows() -> None:
    """Texts whose lines change kind between rows 20 and 57 (the count of two delimiters is
    even at row 25), in every pair of kinds, ended or cut."""
    for first, then in itertools.permutations(LINE_KINDS, 2):
        for n in range(20, 57):
            for end in ("\n", ""):
                text = "\n".join([first] * n + [then] * 30) + end
                assert reading.sniff_delimiter(text) == old_sniff_delimiter(text), (first, then, n)


def test_sniff_delimiter_on_the_real_files(rsf_files: list[Path]) -> None:
    for path in [*rsf_files, *sorted(CORPUS.glob("*.csv"))]:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert reading.sniff_delimiter(text) == old_sniff_delimiter(text), path.name


def old_detect_decimal(frame: pd.DataFrame, delimiter: str) -> str:
    if delimiter == ",":
        return "."
    cells = frame.head(200).to_numpy().ravel().tolist()
    comma, dot = re.compile(r"^-?\d+,\d+$"), re.compile(r"^-?\d+\.\d+$")
    commas = sum(1 for c in cells if isinstance(c, str) and comma.match(c))
    dots = sum(1 for c in cells if isinstance(c, str) and dot.match(c))
    return "," if commas > dots else "."


NUMBERISH = st.text(st.sampled_from([*"0123456789,.-", "٣", " ", "\n", "a"]), max_size=6)


@PROPERTY
@given(st.lists(st.lists(NUMBERISH, min_size=3, max_size=3), max_size=250), st.booleans())
def test_detect_decimal_agrees_with_the_two_passes(rows: list[list[str]], gap: bool) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=str)
    if gap and rows:
        frame.iloc[0, 0] = None
    for delimiter in (";", "\t", ","):
        assert reading.detect_decimal(frame, delimiter) == old_detect_decimal(frame, delimiter)


def test_detect_decimal_counts_exactly_the_first_200_rows() -> None:
    """Decimal commas, then points (and the other way), switching anywhere in 260 rows."""
    for first, then in (("1,5", "-2.25"), ("0.5", "12,75")):
        for k in range(0, 261, 5):
            frame = pd.DataFrame({"a": [first] * k + [then] * (260 - k), "b": "x"}, dtype=str)
            assert reading.detect_decimal(frame, ";") == old_detect_decimal(frame, ";"), k


def every_table() -> list[reading.TextTable]:
    """Every readable sheet and file of the bad-input corpus."""
    tables = []
    for path in sorted(CORPUS.iterdir()):
        try:
            tables += read_tables(SourceFile.from_path(path))
        except ValidationFailed:
            continue
    return tables


def full_scan(tables: list[reading.TextTable], options: ParseOptions) -> tuple[float, int, int]:
    """Detection as it was: every adapter asked about every table, the first best kept."""
    best = (0.0, -1, -1)
    for ti, table in enumerate(tables):
        for ai, adapter in enumerate(ADAPTERS):
            if options.kind and adapter.kind != options.kind:
                continue
            score = adapter.sniff(table)
            if score > best[0]:
                best = (score, ai, ti)
    return best


def test_sniff_scores_stay_within_0_and_1(rsf_files: list[Path]) -> None:
    """The early stop is only right while no sniff scores above 1 (the Adapter contract)."""
    tables = every_table() + [read_table(SourceFile.from_path(p)) for p in rsf_files]
    assert len(tables) > 40
    for table in tables:
        for adapter in ADAPTERS:
            assert 0.0 <= adapter.sniff(table) <= detect.SURE, (adapter.name, table.source.name)


def test_detection_picks_what_the_full_scan_picked(rsf_files: list[Path]) -> None:
    tables = every_table() + [read_table(SourceFile.from_path(p)) for p in rsf_files]
    for options in (ParseOptions(), ParseOptions(kind="rankings"), ParseOptions(kind="incidents")):
        for table in tables:
            assert detect.best_sniff([table], options) == full_scan([table], options)
        assert detect.best_sniff(tables, options) == full_scan(tables, options)


def test_an_rsf_edition_asks_only_the_rsf_adapter(rsf_files: list[Path]) -> None:
    """RSF's sniff is sure, and no other adapter is asked (their sniffs cost a tenth)."""
    others = {type(a) for a in ADAPTERS if a.name != "rsf_csv"}
    assert type(ADAPTERS[0]).__name__ == "RsfCsv" and type(ADAPTERS[0]) not in others
    with contextlib.ExitStack() as stack:
        for kind in others:
            stack.enter_context(
                mock.patch.object(kind, "sniff", side_effect=AssertionError(kind.__name__))
            )
        parsed = extract.parse_files([SourceFile.from_path(p) for p in rsf_files])
    assert {p.adapter for p in parsed} == {"rsf_csv"}
    assert len(parsed) == 24
