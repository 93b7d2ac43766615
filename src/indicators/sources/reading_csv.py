"""Delimited text's structure: its delimiter and decimal mark, its lines, and the fast reader.

Part of :mod:`indicators.sources.reading`. The pandas reader there is the reference; here are the
checks that word a malformed line's problem (with the row a spreadsheet shows), and the
pyarrow reader that large, plainly well-formed texts take instead (it steps aside whenever
the two could differ).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.read_limits import MAX_COLUMNS, MAX_ROWS

DELIMITERS = (",", ";", "\t", "|")
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^-?\d+\.\d+$")
LINE_ENDS = ("\n", "\r")
# A line end, then only spaces or tabs, then another line end. One pattern per leading
# character: a pattern that starts with a literal lets the regex engine skip ahead to it,
# where ``(?:^|[\r\n])...`` made it try every position (0.4 s on a 35 MB file).
_BLANK_AT_START = re.compile(r"[ \t]*[\r\n]")
_BLANK_AFTER_LF = re.compile(r"\n[ \t]*[\r\n]")
_BLANK_AFTER_CR = re.compile(r"\r(?!\n)[ \t]*[\r\n]")  # a CR of a CRLF ends no line alone
# Lines of only spaces or tabs: pandas skips them, pyarrow reads them as a one-field row.
_SPACES_LINE_AFTER_LF = re.compile(r"\n[ \t]+(?:[\r\n]|\Z)")
_SPACES_LINE_AFTER_CR = re.compile(r"\r[ \t]+(?:[\r\n]|\Z)")
# A CR that is not part of a CRLF, and an empty line (CRLF counting as one line end).
_BARE_CR = re.compile(r"\r(?!\n)")
_EMPTY_AFTER_CR = re.compile(r"\r\r")
_EMPTY_AFTER_LF = re.compile(r"\n[\r\n]")
# The first rows (header, first data row) are read from this many leading characters.
HEAD_CHARS = 2_000_000


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields.

    Only the first 50 non-empty rows of the first 64,000 characters count, so the reader stops
    there (the lenient csv reader raises nothing further on: a field of a 64,000-character
    sample cannot pass its 131,072-character limit).
    """
    sample = text[:64_000]
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
        try:
            rows = list(itertools.islice((r for r in reader if r), 50))
        except csv.Error:
            continue
        if len(rows) > 1 and not sample.endswith(("\n", "\r")):
            rows = rows[:-1]  # a cut-off last line would skew the count
        counts = [len(r) for r in rows]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        consistency = counts.count(mode) / len(counts)
        score = (consistency, mode)
        if mode >= 2 and score > best_score:
            best, best_score = delim, score
    return best


def detect_decimal(frame: pd.DataFrame, delimiter: str) -> str:
    """Return ',' when numeric-looking cells use a decimal comma, else '.'.

    The cells of the first 200 rows are counted in one pass; a cell is matched against the
    pattern of the mark it holds (no cell holding both marks matches either).
    """
    if delimiter == ",":
        return "."
    commas = dots = 0
    for cell in frame.head(200).to_numpy().ravel().tolist():
        if not isinstance(cell, str):
            continue
        if "," in cell:
            commas += DECIMAL_COMMA.match(cell) is not None
        elif "." in cell:
            dots += _DECIMAL_DOT.match(cell) is not None
    return "," if commas > dots else "."


def row_numbers(text: str, delimiter: str, header_row: int, count: int) -> tuple[int, ...] | None:
    """The spreadsheet row of each data row when blank lines (which the parser skips) exist.

    Without this, every problem after a blank line would name the row above the right one.
    ``None`` when there are no blank lines, or when the count does not agree with the parser.
    """
    if not has_blank_line(text):
        return None
    try:
        numbers = [
            n for seen, (n, _) in enumerate(data_lines(text, delimiter)) if seen > header_row
        ]
    except csv.Error:
        return None
    return tuple(numbers) if len(numbers) == count else None


def has_blank_line(text: str) -> bool:
    """Whether a line end is followed by only spaces/tabs and another line end, or the text
    starts with such a line.

    CRLF, CR and LF each end one line. Each pattern starts with a literal the regex engine
    can jump to (the single pattern this replaced tried every position, and took every CRLF
    for a blank line).
    """
    if _BLANK_AT_START.match(text) or _BLANK_AFTER_LF.search(text):
        return True
    return "\r" in text and _BLANK_AFTER_CR.search(text) is not None


def parse_arrow(text: str, delimiter: str) -> pd.DataFrame | None:
    """The frame ``_parse_pandas`` would give (header on the first line), read by pyarrow;
    ``None`` whenever the two readers could differ or pyarrow fails.

    pyarrow refuses rows of the wrong width, which pandas pads or reports; the checks here
    leave out what it would accept differently: lines of spaces (pandas skips them), a
    leading blank line, a byte-order mark, quotes that are not whole quoted fields (such as
    a quote left open at the end, which pandas refuses), and header names pandas would
    rename (empty or repeated).
    """
    if not _lines_read_alike(text) or not _quotes_are_whole_fields(text, delimiter):
        return None
    header = _plain_header(text, delimiter)
    if header is None:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.large_string() for h in header},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.column_names != header:
        return None
    return _arrow_to_frame(table.slice(0, MAX_ROWS + 1))


def _lines_read_alike(text: str) -> bool:
    """Whether pandas and pyarrow see the same lines: no byte-order mark or blank line before
    the header, no line of only spaces or tabs (pandas skips it, pyarrow sees a one-field row),
    and no empty line in a text with bare CR line ends.

    The last because pandas' C parser misreads ``,,\r\r,,0\r`` (it puts the 0 in the middle
    column); pyarrow reads it right, but the point is to give the frame pandas gives.
    """
    if text.startswith("\ufeff") or _BLANK_AT_START.match(text):
        return False
    if _SPACES_LINE_AFTER_LF.search(text):
        return False
    if "\r" not in text:
        return True
    if _SPACES_LINE_AFTER_CR.search(text):
        return False
    if _BARE_CR.search(text):
        return not (_EMPTY_AFTER_CR.search(text) or _EMPTY_AFTER_LF.search(text))
    return True


def _plain_header(text: str, delimiter: str) -> list[str] | None:
    """The first line's names when pandas keeps them as written.

    ``None`` for fewer than two columns (pandas' one-column reading has its own rules), or an
    empty, blank or repeated name (pandas renames those). A header longer than the head read
    here comes out cut, unlike pyarrow's, and so sends the text to pandas.
    """
    try:  # only the head: the csv module first copies its whole input
        header = next(records(text[:HEAD_CHARS], delimiter), [])
    except csv.Error:
        return None
    if len(header) < 2 or len(set(header)) != len(header):
        return None
    if any(not h.strip() or "\ufeff" in h for h in header):
        return None
    return header


def _quotes_are_whole_fields(text: str, delimiter: str) -> bool:
    """Whether every double quote belongs to a complete quoted field (``"a ""b"" c"``) that
    starts and ends at a field boundary.

    Then pandas, pyarrow and the csv module split the text alike. Other quotes are read
    differently by them; a quote still open at the end of the text pyarrow accepts.
    """
    if '"' not in text:
        return True
    d = re.escape(delimiter)
    quoted = re.compile(rf'"(?<=[{d}\r\n]")[^"]*(?:""[^"]*)*"(?=[{d}\r\n]|\Z)')
    return '"' not in quoted.sub("", "\n" + text)


def _arrow_to_frame(table: pa.Table) -> pd.DataFrame | None:
    """A pandas frame with the column types ``pd.read_csv(dtype=str)`` gives, else ``None``."""
    target = pd.Series([], dtype=str).dtype
    if isinstance(target, pd.api.extensions.ExtensionDtype):
        frame = table.to_pandas(types_mapper=lambda _type: target)
    else:
        frame = table.to_pandas()
    if any(dtype != target for dtype in frame.dtypes):
        return None
    return frame


def _blank(record: list[str]) -> bool:
    """A line the parser skips: empty, or nothing but spaces and tabs."""
    return not record or (len(record) == 1 and not record[0].strip())


def first_widths(name: str, text: str, delimiter: str, header_row: int) -> list[int]:
    """Field counts of the first rows up to the first data row, read before pandas builds them.

    Refuses a row above MAX_COLUMNS fields (a line of a million commas would otherwise become
    a million columns). Reads at most the first ``HEAD_CHARS`` characters.
    """
    rows: list[tuple[int, int]] = []
    try:
        for rownum, record in data_lines(text[:HEAD_CHARS], delimiter):
            rows.append((rownum, len(record)))
            if len(rows) == header_row + 2:
                break
    except csv.Error:
        return []  # the parser reports it with its line
    for row, width in rows:
        if width > MAX_COLUMNS:
            raise ValidationFailed(
                [
                    Problem(
                        name,
                        msg(
                            "row has {width:,} fields, above the limit of {limit:,} columns",
                            width=width,
                            limit=MAX_COLUMNS,
                        ),
                        row,
                        fix=msg("check the delimiter, or split the table into narrower files"),
                    )
                ]
            )
    return [width for _, width in rows]


def records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def data_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, fields) of each line the parser reads: blank
    lines (which it skips) are left out, their numbers kept. Raises ``csv.Error`` as met."""
    for rownum, record in enumerate(records(text, delimiter), start=1):
        if not _blank(record):
            yield rownum, record


def extra_fields(
    name: str, text: str, delimiter: str, width: int, header_row: int
) -> list[Problem]:
    """Rows with non-empty fields beyond the header's width (row numbers as a spreadsheet shows)."""
    return _width_problems(
        name,
        text,
        delimiter,
        header_row=header_row,
        width=width,
        longer_only=True,
        fix=msg("check for an unquoted delimiter in this row or a missing column name"),
    )


def _width_problems(
    name: str,
    text: str,
    delimiter: str,
    *,
    header_row: int,
    width: int | None,
    longer_only: bool,
    fix: str,
) -> list[Problem]:
    """The first 50 rows below the header whose number of fields is not the header's
    (``width``, else the header line's own); with ``longer_only``, only rows with non-empty
    fields beyond it. A text the csv module cannot read ends the list with why."""
    problems: list[Problem] = []
    expected = -1 if width is None else width
    try:
        for seen, (rownum, record) in enumerate(data_lines(text, delimiter)):
            if seen <= header_row:
                if seen == header_row and width is None:
                    expected = len(record)
                continue
            if longer_only:
                wrong = len(record) > expected and any(f.strip() for f in record[expected:])
            else:
                wrong = len(record) != expected
            if wrong:
                message = msg(
                    "row has {fields} fields where the header has {expected}",
                    fields=len(record),
                    expected=expected,
                )
                problems.append(Problem(name, message, rownum, fix=fix))
                if len(problems) >= 50:
                    break
    except csv.Error as exc:
        problems.append(
            Problem(name, msg("the file cannot be read as CSV: {error}", error=str(exc)))
        )
    return problems


def check_cut_off(name: str, text: str, delimiter: str, width: int) -> None:
    """Refuse a file that ends without a line break in the middle of its last row."""
    last: tuple[int, int] | None = None
    try:
        for rownum, record in data_lines(text, delimiter):
            last = (rownum, len(record))
    except csv.Error:
        return
    if last is not None and last[0] > 1 and last[1] < width:
        raise ValidationFailed(
            [
                Problem(
                    name,
                    msg(
                        "the last row has {fields} fields where the header has {width}: "
                        "the file seems to be cut off",
                        fields=last[1],
                        width=width,
                    ),
                    last[0],
                    fix=msg("check that the whole file was saved or downloaded"),
                )
            ]
        )


def malformed_lines(name: str, text: str, delimiter: str, error: str = "") -> list[Problem]:
    if "EOF inside string" in error:
        rownum = 0
        try:
            for _record in records(text, delimiter):
                rownum += 1
        except csv.Error:
            pass
        return [
            Problem(
                name,
                msg(
                    'the file ends inside a quoted field: a closing quote (") is missing, '
                    "or the file was cut off"
                ),
                rownum or None,
                fix=msg("check the quotes in this row and that the whole file was saved"),
            )
        ]
    problems = _width_problems(
        name,
        text,
        delimiter,
        header_row=0,
        width=None,
        longer_only=False,
        fix=msg("check for an unquoted delimiter or a missing field in this row"),
    )
    return problems or [Problem(name, msg("the file cannot be read as a delimited text table"))]
