"""CSV exports a spreadsheet cannot run, however it splits them (comma, semicolon or tab).

What a spreadsheet sees, precisely: it splits the file into lines at CR, LF or CRLF and each
line into fields at its list separator (``,``, ``;`` or tab), ignoring quotes. Of each field
it skips leading spaces and double quotes; the field runs as a formula when the next
character is ``= + - @``, tab or CR. Stricter still, skipping every kind of leading
whitespace as well, the next character must not be ``= + - @``. A field that is a plain
number (``-3``, ``-1.5``) is a number, not a formula.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.pipeline.embedded import open_default_store
from indicators.present.export import neutralise_cell, to_safe_csv
from indicators.query.views import rankings_view

SEPARATORS = (",", ";", "\t")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def runs_as_formula(field: str) -> bool:
    """Whether a spreadsheet would run this field (see the module's docstring)."""
    if NUMBER.fullmatch(field.strip(' "')):
        return False
    shown = field.lstrip(' "')
    if shown[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return True
    while shown[:1].isspace() or shown[:1] == '"':
        shown = shown[1:]
    return shown[:1] in ("=", "+", "-", "@")


def formula_fields(csv_text: str) -> list[tuple[str, str]]:
    """(separator, field) for every field a spreadsheet splitting the text would run."""
    lines = re.split(r"\r\n|\r|\n", csv_text)
    return [
        (sep, field)
        for sep in SEPARATORS
        for line in lines
        for field in line.split(sep)
        if runs_as_formula(field)
    ]


# Text made of what formulas, separators, quotes and whitespace are made of, and anything else.
PIECES = st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", ",", ";", '"', "'", " ", "\u00a0", "\x0b",
     "\x1c", "\u2028", "1", "A1", "SUM(", "cmd|", "Қазақстан", "x"]
)  # fmt: skip
CELL = st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=12).map("".join)
FRAMES = st.integers(1, 3).flatmap(
    lambda n: st.lists(st.lists(st.one_of(CELL, st.none()), min_size=n, max_size=n), max_size=6)
)


@given(FRAMES)
def test_no_field_of_any_split_runs_as_formula(rows: list[list[str | None]]) -> None:
    """For any table of text cells, no field of the CSV split on ',', ';' or tab (quotes
    ignored) starts with = + - @ tab or CR after the spaces and quotes a spreadsheet skips."""
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(rows[0]))] if rows else [])
    assert formula_fields(to_safe_csv(frame.astype(object))) == []


@given(CELL)
def test_neutralising_only_adds_apostrophes(cell: str) -> None:
    """Neutralising keeps every character of the cell and only inserts apostrophes."""
    out = str(neutralise_cell(cell))
    assert out.replace("'", "") == cell.replace("'", "")
    assert neutralise_cell(out) == out  # already safe text is left as it is


@pytest.mark.parametrize(
    ("cell", "exported"),
    [
        ("x;=1+1", "x;'=1+1"),
        ("x,=1+1", "x,'=1+1"),
        ("x\t@SUM(A1)", "x\t'@SUM(A1)"),
        ('a; "=1', "a; \"'=1"),
        ("line\n-2+3", "line\n'-2+3"),
        ("=1+1", "'=1+1"),
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        ("a - b, c", "a - b, c"),
        ("Казахстан; 141-е место", "Казахстан; 141-е место"),
    ],
)
def test_formula_after_a_separator_is_neutralised(cell: str, exported: str) -> None:
    """A formula character at the start of a cell or after , ; tab or a line break gets an
    apostrophe before it; elsewhere (a - b) the text is unchanged."""
    assert neutralise_cell(cell) == exported


def test_semicolon_cell_is_not_a_formula_when_split_on_semicolons() -> None:
    """The cell x;=1+1 of a comma file does not yield the field =1+1 when split on ';'."""
    text = to_safe_csv(pd.DataFrame({"name": ["x;=1+1"], "rank": [-3]}))
    assert formula_fields(text) == []
    assert text.splitlines()[1] == "x;'=1+1,-3"  # the number stays a number


@pytest.mark.parametrize("name", ["rankings", "incidents", "events", "reported_counts"])
def test_real_tables_round_trip(name: str) -> None:
    """Every embedded table survives export: numbers exactly, text as written (apart from
    the apostrophes before formula characters), and no field runs as a formula."""
    table = open_default_store().table(name)
    if name == "rankings":
        table = rankings_view(table)
    text = to_safe_csv(table)
    assert formula_fields(text) == []
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(back.columns) == list(table.columns) and len(back) == len(table)
    original = table.astype(object).where(table.notna(), "")
    for column in table.columns:
        written = [str(v) for v in original[column]]
        kind = table[column].dtype
        if pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
            numbers = pd.to_numeric(back[column].replace("", None))
            pd.testing.assert_series_equal(
                numbers, pd.to_numeric(table[column]).astype(numbers.dtype), check_names=False
            )
        else:
            expected = [neutralise_cell(v) for v in written]
            assert list(back[column]) == expected, column


@pytest.mark.parametrize("name", ["places", "regions", "statutes", "statute_codes"])
def test_cyrillic_reference_files_round_trip(name: str) -> None:
    """The project's reference files, with their Kazakh and Russian names, are exported and
    read back cell for cell."""
    path = Path(__file__).resolve().parents[1] / "data" / "reference" / f"{name}.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    cyrillic = re.compile("[\u0400-\u04ff]")
    assert table.map(lambda v: bool(cyrillic.search(v))).to_numpy().any()
    text = to_safe_csv(table)
    assert formula_fields(text) == []
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, table.map(neutralise_cell))


def test_csv_module_reads_the_export_back() -> None:
    """Python's csv module (as a spreadsheet honouring quotes would) reads the same cells."""
    frame = pd.DataFrame({"t": ['a,"b";\n=c', "Қ"], "n": [-1.5, 2.0]})
    rows = list(csv.reader(io.StringIO(to_safe_csv(frame))))
    assert rows == [["t", "n"], ['a,"b";\n\'=c', "-1.5"], ["Қ", "2.0"]]


@given(FRAMES)
def test_export_reads_back_with_the_same_shape(rows: list[list[str | None]]) -> None:
    """Any cells, lone CRs and line breaks included, read back as the same rows and columns."""
    width = len(rows[0]) if rows else 1
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(width)], dtype=object)
    back = list(csv.reader(io.StringIO(to_safe_csv(frame), newline="")))
    assert len(back) == len(frame) + 1
    assert all(len(row) == width for row in back)
    expected = frame.map(lambda v: "" if v is None else neutralise_cell(v))
    assert back[1:] == expected.values.tolist()
