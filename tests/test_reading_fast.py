"""The pyarrow fast path of ``parse_delimited`` and the fast blank-line detection.

The fast path may only ever give the frame the pandas path gives, or step aside (``None``):
these tests call both readers directly on generated delimited texts, well-formed and slightly
malformed, and check that the size threshold is the only reason a big file is read by pandas.
The blank-line detection is checked against the single regex it replaced.
"""

from __future__ import annotations

import re
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from indicators.problems import ValidationFailed
from indicators.sources import reading
from indicators.sources.reading import SourceFile, parse_delimited, read_table

NAME = "f.csv"
PROPERTY = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OLD_BLANK_LINE = re.compile(r"(?:^|[\r\n])[ \t]*(?:\r\n|[\r\n])")
DELIMITERS = st.sampled_from(reading.DELIMITERS)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
NAME_CHARS = st.sampled_from([*"abcxyzЖжЁё_019"])
# letters, Cyrillic, digits, spaces, and every character the parsers treat specially
CELL_CHARS = st.sampled_from([*'abcЖжЁё019 \t"\n\r,;|', "\ufeff", "é"])


def assert_same_frames(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    """Identical values, column names, dtypes, index and storage types."""
    pd.testing.assert_frame_equal(fast, slow, check_exact=True, check_column_type=True)
    assert list(fast.columns) == list(slow.columns)
    assert list(fast.dtypes) == list(slow.dtypes)
    assert type(fast.index) is type(slow.index)
    for col in fast.columns:
        assert type(fast[col].array) is type(slow[col].array)
        storage = getattr(slow[col].array, "_pa_array", None)
        if storage is not None:
            assert fast[col].array._pa_array.type == storage.type


def check_paths_agree(text: str, delimiter: str) -> None:
    """The property: the fast path gives pandas' frame (pandas must then accept the text too)
    or steps aside; and ``parse_delimited`` ends the same way with and without it."""
    fast = reading._parse_arrow(text, delimiter)
    event("fast path taken" if fast is not None else "fast path stepped aside")
    if fast is not None:
        slow, warned = reading._parse_pandas(NAME, text, delimiter, 0)
        assert not warned
        assert_same_frames(fast, slow)
    assert outcome(text, delimiter, fast=True) == outcome(text, delimiter, fast=False)


def outcome(text: str, delimiter: str, *, fast: bool) -> object:
    """``parse_delimited``'s frame as plain data, or its problems, with the fast path on or off."""
    threshold = -1 if fast else 10**12
    with mock.patch.object(reading, "FAST_PATH_MIN_CHARS", threshold):
        try:
            frame = parse_delimited(NAME, text, delimiter)
        except ValidationFailed as exc:
            return ("problems", exc.problems)
        except AttributeError as exc:  # check_frame on two names that strip to "": both paths
            return ("crash", str(exc))
    return ("frame", list(frame.columns), [str(d) for d in frame.dtypes], frame.to_dict("list"))


def quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def delimited_texts(draw: st.DrawFn) -> tuple[str, str]:
    """A table written out with random quoting, line ends and a few deliberate flaws."""
    delimiter = draw(DELIMITERS)
    width = draw(st.integers(1, 5) if draw(st.integers(0, 4)) == 0 else st.integers(2, 5))
    cell = st.text(CELL_CHARS, max_size=6)
    if draw(st.integers(0, 4)) == 0:  # names that may be empty, blank, repeated or odd
        names = draw(st.lists(st.text(CELL_CHARS, max_size=3), min_size=width, max_size=width))
    else:
        name = st.text(NAME_CHARS, min_size=1, max_size=5)
        names = draw(st.lists(name, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=8))
    flaw = draw(
        st.sampled_from(
            ["none"] * 6
            + ["short row", "long row", "trailing delimiter", "raw cells", "cut", "open quote"]
        )
    )
    if flaw == "short row" and rows:
        rows[-1] = rows[-1][:-1]
    if flaw == "long row" and rows:
        rows[0] = [*rows[0], draw(cell)]
    if flaw == "trailing delimiter":
        rows = [[*r, ""] for r in rows]
    lines = []
    for record in [names, *rows]:
        fields = []
        for value in record:
            must = any(c in value for c in (delimiter, '"', "\n", "\r")) or value != value.strip()
            quoted = draw(st.booleans()) or (must and flaw != "raw cells")
            fields.append(quote(value) if quoted else value)
        lines.append(delimiter.join(fields))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "", "", " ", "\t", "  \t"])))  # a blank line
    ends = draw(st.lists(LINE_ENDS, min_size=len(lines), max_size=len(lines)))
    if draw(st.booleans()):
        ends = [ends[0]] * len(ends)  # most files use one kind of line end
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if flaw == "cut" or draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(1, len(text)))]
    if flaw == "open quote":  # a last row whose last quoted field never closes
        text += delimiter * (width - 1) + '"' + draw(cell)
    return draw(st.sampled_from([""] * 7 + ["\ufeff", "\n", " \r\n"])) + text, delimiter


@PROPERTY
@given(delimited_texts())
def test_fast_path_agrees_on_generated_tables(case: tuple[str, str]) -> None:
    """Tables with quotes, embedded delimiters and line breaks, Cyrillic, blank lines, CRLF and
    CR, trailing delimiters, short and long rows and cut-off ends: same frame, or no fast path."""
    text, delimiter = case
    assume(text.strip())
    check_paths_agree(text, delimiter)


@PROPERTY
@given(
    st.sampled_from(["", "id,name\n", "a;b;c\r\n", "x\ty\r", "p,q,r\r", 'a,"b c"\n']),
    st.text(st.sampled_from([*'ab Ж\t",;\r\n']), min_size=1, max_size=60),
    DELIMITERS,
)
def test_fast_path_agrees_on_raw_texts(header: str, body: str, delimiter: str) -> None:
    """Arbitrary short texts from the characters the parsers treat specially, some under a
    plain header line."""
    text = header + body
    assume(text.strip())
    check_paths_agree(text, delimiter)


@st.composite
def tables_with_empty_lines(draw: st.DrawFn) -> tuple[str, str]:
    """Plain tables (no quotes) with many empty lines and empty cells, mostly CR line ends:
    where pandas' C parser drops the first empty cell of a row that follows an empty line."""
    delimiter = draw(DELIMITERS)
    width = draw(st.integers(2, 4))
    cell = st.sampled_from(["", "", "a", "0", "Ж"])
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=6))
    end = draw(st.sampled_from(["\r", "\r", "\n", "\r\n"]))
    lines = [delimiter.join(f"h{i}" for i in range(width))]
    for record in rows:
        lines.extend([""] * draw(st.integers(0, 2)))
        lines.append(delimiter.join(record))
    return end.join(lines) + end * draw(st.integers(0, 2)), delimiter


@PROPERTY
@given(tables_with_empty_lines())
def test_fast_path_agrees_around_empty_lines(case: tuple[str, str]) -> None:
    """Empty lines with LF, CRLF and CR line ends: same frame, or no fast path."""
    check_paths_agree(*case)


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n1,"x,\r\ny ""z"""\n"ж",\n',
        "a,b\r1,2\r3,4",
        "a,b\n1,2\n\n\n3,4\n\n",
        "a,b\r\n\r\n1, 2 \r\n",
        'a;b\n"1;2";"Ж"\n',
        'id,"note"\n1,""\n',
    ],
)
def test_fast_path_reads_well_formed_texts(text: str) -> None:
    """Well-formed quoting, CR and CRLF line ends and empty lines do not push pandas back in."""
    delimiter = reading.sniff_delimiter(text)
    fast = reading._parse_arrow(text, delimiter)
    assert fast is not None
    assert_same_frames(fast, reading._parse_pandas(NAME, text, delimiter, 0)[0])


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n1,"x\n',  # a quote open at the end: pyarrow accepts it, pandas refuses it
        'a,b\nx"y,"z\n',  # a stray quote before an open one
        "a,b\n1,2\n  \n3,4\n",  # a line of spaces: pandas skips it
        "a,b\n1,2\n\t",
        "a,b,c\r,,\r\r,,0\r",  # an empty line among CR line ends: pandas misplaces the 0
        "\ufeffa,b\n1,2\n",  # a byte-order mark left in the text
        "\na,b\n1,2\n",  # a blank line before the header
        "a,a\n1,2\n",  # a repeated name, which pandas renames
        "a,\n1,2\n",  # an empty name
        "a\n1\n",  # one column
        "a,b\n1\n",  # a short row, which pandas pads
        "a,b\n1,2,\n",  # a trailing delimiter, which pandas drops
    ],
)
def test_fast_path_steps_aside(text: str) -> None:
    """Texts the two readers could read differently always go to pandas."""
    assert reading._parse_arrow(text, ",") is None


def big_text(rows: int) -> str:
    header = "incident_id,date,place,summary,note"
    lines = [
        f'inc-{i:07d},2024-01-{i % 28 + 1:02d},Астана,"Обыск,\n ""редакция"" {i}",\n'
        if i % 3
        else f"inc-{i:07d},{i % 28 + 1:02d}.01.2024,Almaty ,,x{i}\n"
        for i in range(rows)
    ]
    return header + "\n" + "".join(lines)


def test_big_well_formed_file_takes_fast_path() -> None:
    """A file over the threshold is read by pyarrow alone, and reads as pandas reads it."""
    text = big_text(25_000)
    assert len(text) > reading.FAST_PATH_MIN_CHARS
    source = SourceFile("big.csv", text.encode("utf-8"))
    refuse = mock.patch.object(reading, "_parse_pandas", side_effect=AssertionError("pandas"))
    with refuse:
        fast = read_table(source)
    with mock.patch.object(reading, "FAST_PATH_MIN_CHARS", 10**12):
        slow = read_table(source)
    assert len(fast.frame) == 25_000
    assert_same_frames(fast.frame, slow.frame)
    assert (fast.encoding, fast.delimiter, fast.decimal) == (slow.encoding, ",", slow.decimal)
    assert fast.rows == slow.rows is None
    assert fast.frame.loc[1, "summary"] == 'Обыск,\n "редакция" 1'
    assert fast.frame.loc[0, "place"] == "Almaty"


def test_big_file_with_a_flaw_falls_back_to_pandas_messages() -> None:
    """A big file with a short row gets pandas' padding and the cut-off problem, not pyarrow's."""
    text = big_text(25_000) + "inc-x,2024-01-01"
    with pytest.raises(ValidationFailed) as caught:
        parse_delimited(NAME, text, ",")
    assert "seems to be cut off" in caught.value.problems[0].problem


def has_blank_line(text: str) -> bool:
    """The definition: a line (CRLF, CR and LF each end one) of nothing but spaces and tabs,
    followed by a line end."""
    return any(not line.strip(" \t") for line in re.split(r"\r\n|\r|\n", text)[:-1])


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("a, \t\r\n")), max_size=40))
def test_blank_line_detection_matches_its_definition(text: str) -> None:
    """The literal-led patterns find a blank line exactly where one is."""
    assert reading._has_blank_line(text) == has_blank_line(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n1\n", False),
        ("a\n\n1", True),
        (" \t\na", True),
        ("\ra", True),
        ("a\r \r1", True),
        ("a\n \t", False),
        ("a\r\nb\r\n", False),  # a CRLF line end is one line end (the old regex saw a blank)
        ("a\r\n\r\nb", True),
        ("a\r\n \nb", True),
    ],
)
def test_blank_line_examples(text: str, expected: bool) -> None:
    assert reading._has_blank_line(text) is expected
    assert has_blank_line(text) is expected


def test_crlf_file_without_blank_lines_needs_no_row_map() -> None:
    """Row numbers follow the lines, so no map of them is built for a Windows export."""
    table = read_table(SourceFile("w.csv", b"a;b\r\n1;2\r\n3;4\r\n"))
    assert table.rows is None and len(table.frame) == 2


def test_cr_only_line_ends_after_an_empty_line_keep_cells_in_place() -> None:
    """pandas alone shifted ',0' to a='0' after an empty CR-only line (a silent column shift)."""
    table = read_table(SourceFile("mac.csv", b"a,b\r,\r\r,0\r"))
    assert table.frame["a"].tolist() == ["", ""]
    assert table.frame["b"].tolist() == ["", "0"]
    assert table.rows == (2, 4)


def test_two_blank_column_names_are_a_problem_not_a_crash() -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_table(SourceFile("x.csv", b'0," ","\r",00\n1,2,3,4\n'))
    assert caught.value.problems[0].problem == "columns 2, 3 have no name (only spaces)"
