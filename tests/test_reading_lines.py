"""The line checks of ``reading_csv`` walk the lines through one helper (``data_lines``).

``row_numbers``, ``first_widths``, ``extra_fields``, ``check_cut_off`` and ``malformed_lines``
each had their own loop over the non-blank lines, and the two width checks the same loop
twice. The plain loops they replaced are kept here as the reference; on generated delimited
texts (well-formed and flawed, blank lines, CR/LF/CRLF) every function gives what they gave.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from indicators.problems import Problem, ValidationFailed
from indicators.sources import reading_csv as rc
from tests.test_reading_fast import PROPERTY, delimited_texts

NAME = "f.csv"


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(row number, fields) of every line, blank ones included: the plain csv reading."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(enumerate(reader, start=1))


def _blank(record: list[str]) -> bool:
    return not record or (len(record) == 1 and not record[0].strip())


def reference_width_problems(
    text: str, delimiter: str, header_row: int, width: int | None, longer_only: bool, fix: str
) -> list[Problem]:
    """The two former loops (extra_fields: longer rows; malformed_lines: any other width)."""
    problems: list[Problem] = []
    seen = 0
    try:
        for rownum, record in _records(text, delimiter):
            if _blank(record):
                continue
            seen += 1
            if seen <= header_row + 1:
                if width is None:
                    width = len(record)
                continue
            wrong = (
                len(record) > width and any(f.strip() for f in record[width:])
                if longer_only
                else len(record) != width
            )
            if wrong:
                message = f"row has {len(record)} fields where the header has {width}"
                problems.append(Problem(NAME, message, rownum, fix=fix))
                if len(problems) >= 50:
                    break
    except csv.Error as exc:
        problems.append(Problem(NAME, f"the file cannot be read as CSV: {exc}"))
    return problems


def reference_rows(text: str, delimiter: str) -> list[tuple[int, int]] | str:
    """(row number, width) of the non-blank lines, or the csv error's text."""
    try:
        return [(n, len(r)) for n, r in _records(text, delimiter) if not _blank(r)]
    except csv.Error as exc:
        return str(exc)


def _outcome(run: object) -> object:
    try:
        return ("ok", run())  # type: ignore[operator]
    except ValidationFailed as exc:
        return ("problems", exc.problems)


@PROPERTY
@given(delimited_texts(), st.integers(0, 2))
def test_line_checks_match_the_plain_loops(case: tuple[str, str], header_row: int) -> None:
    text, delimiter = case
    rows = reference_rows(text, delimiter)
    try:
        ours = [(n, len(r)) for n, r in rc.data_lines(text, delimiter)]
    except csv.Error as exc:
        ours = str(exc)  # type: ignore[assignment]
    assert ours == rows
    fix = "check for an unquoted delimiter in this row or a missing column name"
    for width in (1, 2, 3):
        expected = reference_width_problems(text, delimiter, header_row, width, True, fix)
        assert rc.extra_fields(NAME, text, delimiter, width, header_row) == expected
    fix = "check for an unquoted delimiter or a missing field in this row"
    expected = reference_width_problems(text, delimiter, 0, None, False, fix)
    expected = expected or [Problem(NAME, "the file cannot be read as a delimited text table")]
    assert rc.malformed_lines(NAME, text, delimiter) == expected
    if isinstance(rows, list):
        numbers = [n for i, (n, _) in enumerate(rows) if i > header_row]
        found = rc.row_numbers(text, delimiter, header_row, len(numbers))
        assert found == (tuple(numbers) if rc.has_blank_line(text) else None)
        if len(text) <= rc.HEAD_CHARS:
            widths = [w for _, w in rows[: header_row + 2]]
            assert _outcome(lambda: rc.first_widths(NAME, text, delimiter, header_row)) == (
                "ok",
                widths,
            )
        last = rows[-1] if rows else None
        cut = last is not None and last[0] > 1 and last[1] < 3
        got = _outcome(lambda: rc.check_cut_off(NAME, text, delimiter, 3))
        assert (got[0] == "problems") == cut
