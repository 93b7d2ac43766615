"""Reading a person's file: bytes in, a table of text cells out, with what was detected.

Everything here is about *reading*: encoding, delimiter, decimal mark, spreadsheet
workbooks, and the limits that keep a hostile file from exhausting the machine.
Interpreting the cells (which column is the rank, is a rank possible) belongs to adapters.

The bytes are told apart and decoded in :mod:`indicators.sources.reading_bytes`, a text's lines and
the fast reader are in :mod:`indicators.sources.reading_csv`, workbooks in :mod:`indicators.sources.xlsx`;
this module puts them together (and offers their public names).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile

import pandas as pd

from indicators.i18n import N_, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.read_limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MIB,
)
from indicators.sources.read_progress import reading
from indicators.sources.reading_bytes import ZIP_MAGICS, blank_text, check_binary, decode
from indicators.sources.reading_csv import (
    DELIMITERS,
    LINE_ENDS,
    check_cut_off,
    detect_decimal,
    extra_fields,
    first_widths,
    malformed_lines,
    row_numbers,
    sniff_delimiter,
)
from indicators.sources.reading_csv import has_blank_line as _has_blank_line  # noqa: F401 (tests)
from indicators.sources.reading_csv import parse_arrow as _parse_arrow
from indicators.sources.text_table import (
    SourceFile,
    TextTable,
    _stripped_arrow,
    _stripped_cells,
    mebibytes,
    too_big,
)
from indicators.sources.text_table import check_frame as _check_frame
from indicators.sources.xlsx import Sheet, read_sheets, read_xlsx

__all__ = [
    "DELIMITERS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_UNCOMPRESSED",
    "MIB",
    "SourceFile",
    "TextTable",
    "check_frame",
    "decode",
    "detect_decimal",
    "is_zip",
    "mebibytes",
    "parse_delimited",
    "read_table",
    "read_tables",
    "sniff_delimiter",
    "too_big",
]

# Texts above this many characters try the pyarrow reader first; smaller ones gain nothing.
FAST_PATH_MIN_CHARS = 1_000_000
_RIGHT_FILE = N_("check that the right file was chosen")


def read_table(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int = 0
) -> TextTable:
    """Read a CSV or XLSX file into text cells (no type conversion), detecting its format.

    Of a workbook, the sheet named, else the sheet holding the largest table (see
    :func:`largest`); :func:`read_tables` gives every table.
    """
    reading(source)
    if source.size > MAX_FILE_BYTES:
        raise ValidationFailed([too_big(source.name, source.size)])
    if blank_text(source.data):
        raise ValidationFailed(
            [Problem(source.name, msg("the file is empty"), fix=msg(_RIGHT_FILE))]
        )
    if source.data.startswith(ZIP_MAGICS):
        if sheet is None and not header_row:
            return largest(source, read_sheets(source))
        return read_xlsx(source, sheet=sheet, header_row=header_row)
    check_binary(source)
    text, encoding = decode(source)
    if blank_text(text):
        raise ValidationFailed(
            [Problem(source.name, msg("the file is empty"), fix=msg(_RIGHT_FILE))]
        )
    if "\x00" in text:
        row = len(re.findall(r"\r\n|\r|\n", text[: text.index("\x00")])) + 1
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    msg("the text contains NUL characters"),
                    row,
                    fix=msg("remove them, or re-export the file as CSV"),
                )
            ]
        )
    delimiter = sniff_delimiter(text)
    frame = parse_delimited(source.name, text, delimiter, header_row=header_row)
    decimal = detect_decimal(frame, delimiter)
    rows = row_numbers(text, delimiter, header_row, len(frame))
    return TextTable(
        source, frame, encoding, delimiter, decimal, first_row=header_row + 2, rows=rows
    )


def read_tables(source: SourceFile) -> list[TextTable]:
    """Every table a file holds: a CSV file's one, a workbook's one per sheet that holds one.

    The one answer to "which tables are in this file": detection chooses among these (the
    ingest of a workbook of ten editions, one per sheet, has ten to read). A workbook with no
    readable sheet is refused with every sheet's problem.
    """
    if not source.data.startswith(ZIP_MAGICS):
        return [read_table(source)]
    return tables_of(source, read_sheets(source))


def tables_of(source: SourceFile, sheets: list[Sheet]) -> list[TextTable]:
    """The tables of these sheets; refused, with each sheet's problem, when there is none."""
    tables = [s.table for s in sheets if s.table is not None]
    if not tables:
        problems = [p for s in sheets for p in s.problems]
        raise ValidationFailed(
            problems or [Problem(source.name, msg("the workbook has no readable sheet"))]
        )
    return tables


def largest(source: SourceFile, sheets: list[Sheet]) -> TextTable:
    """The table read when no sheet is named: the largest (not a notes sheet), then the first.

    The same rule detection applies among equally sure tables, so the columns a person maps
    by hand are those of the sheet that is read.
    """
    tables = tables_of(source, sheets)
    return max(enumerate(tables), key=lambda it: (it[1].frame.size, -it[0]))[1]


def parse_delimited(name: str, text: str, delimiter: str, *, header_row: int = 0) -> pd.DataFrame:
    """Parse delimited text into a frame of stripped strings, reporting malformed lines.

    A row with more fields than the header is an error unless the extra fields are empty
    (a trailing delimiter); pandas would otherwise take the extra fields as an index and
    silently shift every value one column to the left.

    Large texts are read by pyarrow when it certainly gives the frame pandas would (several
    times faster); anything else, and every error, goes to pandas and its precise messages.
    """
    if "\r" in text and "\n" not in text:
        # Old Mac line ends (CR only): pandas' parser shifts a row's cells one column to the
        # left after an empty line, so both readers get the same lines ended by LF.
        text = text.replace("\r", "\n")
    widths = first_widths(name, text, delimiter, header_row)
    frame = None
    if header_row == 0 and len(text) > FAST_PATH_MIN_CHARS:
        frame = _parse_arrow(text, delimiter)
    warned = False
    if frame is None:
        frame, warned = _parse_pandas(name, text, delimiter, header_row)
    # The parser takes its row width from the first data row: only when that row is wider than
    # the header are extra fields dropped (pandas also warns then). With a one-column header
    # no delimiter split the header, so extra fields only show that the delimiter is something
    # else; the adapters then name the header as written.
    wider = len(widths) == header_row + 2 and widths[-1] > widths[header_row]
    if (wider or warned) and len(frame.columns) > 1:
        problems = extra_fields(name, text, delimiter, len(frame.columns), header_row)
        if problems:
            raise ValidationFailed(problems)
    if not text.endswith(LINE_ENDS) and len(frame) and frame.iloc[-1].eq("").any():
        check_cut_off(name, text, delimiter, len(frame.columns))
    return check_frame(name, frame)


def _parse_pandas(
    name: str, text: str, delimiter: str, header_row: int
) -> tuple[pd.DataFrame, bool]:
    """The reference reader: pandas' C parser, and whether it warned about a wider row.

    Its errors become the problems people see, so every doubtful text is read here.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                header=header_row,
                index_col=False,
                engine="c",
                nrows=MAX_ROWS + 1,
            )
        except pd.errors.EmptyDataError as exc:
            raise ValidationFailed([Problem(name, msg("the file has no header row"))]) from exc
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise ValidationFailed(malformed_lines(name, text, delimiter, str(exc))) from exc
    warned = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
    return frame, warned


def check_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`indicators.sources.text_table.check_frame` with the strip steps as this module names
    them (``_stripped_arrow``, ``_stripped_cells``): the CSV reader's checks, which the tests
    compare with the Arrow path turned off here."""
    return _check_frame(name, frame, arrow=_stripped_arrow, cells=_stripped_cells)


def is_zip(data: bytes) -> bool:
    """Tell whether bytes are a ZIP container (XLSX is one)."""
    return data.startswith(ZIP_MAGICS) and zipfile.is_zipfile(io.BytesIO(data))
