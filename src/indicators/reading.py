"""Reading a person's file: bytes in, a table of text cells out, with what was detected.

Everything here is about *reading*: encoding, delimiter, decimal mark, spreadsheet
workbooks, and the limits that keep a hostile file from exhausting the machine.
Interpreting the cells (which column is the rank, is a rank possible) belongs to adapters.

The bytes are told apart and decoded in :mod:`indicators.reading_bytes`, a text's lines and
the fast reader are in :mod:`indicators.reading_csv`, workbooks in :mod:`indicators.xlsx`;
this module puts them together (and offers their public names).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.problems import Problem, ValidationFailed
from indicators.read_limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MIB,
)
from indicators.read_progress import reading
from indicators.reading_bytes import ZIP_MAGICS, blank_text, check_binary, decode
from indicators.reading_csv import (
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
from indicators.reading_csv import has_blank_line as _has_blank_line  # noqa: F401 (tests)
from indicators.reading_csv import parse_arrow as _parse_arrow

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
    "sniff_delimiter",
    "too_big",
]

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# Texts above this many characters try the pyarrow reader first; smaller ones gain nothing.
FAST_PATH_MIN_CHARS = 1_000_000
_TEXT = pd.Series([], dtype=str).dtype  # the cells' dtype, as pd.read_csv(dtype=str) gives it


@dataclass(frozen=True)
class SourceFile:
    """A file as received: its name, its bytes and their SHA-256."""

    name: str
    data: bytes
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    @classmethod
    def from_path(cls, path: str | Path) -> SourceFile:
        """Read a file from disk, refusing files above the size limit before reading them."""
        p = Path(path)
        if not p.is_file():
            raise ValidationFailed([Problem(str(p.name), "file not found or not a regular file")])
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationFailed([too_big(p.name, size)])
        with p.open("rb") as fh:  # never more than the limit, even if the file grows meanwhile
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed([too_big(p.name, max(len(data), p.stat().st_size))])
        return cls(p.name, data)


@dataclass(frozen=True)
class TextTable:
    """A file read as text cells, with what was detected about its format."""

    source: SourceFile
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    decimal: str
    sheet: str | None = None
    first_row: int = 2
    rows: tuple[int, ...] | None = None  # each frame row's spreadsheet row, when blank rows skipped

    def row_number(self, index: int) -> int:
        """The spreadsheet row number of the frame's row at position ``index``."""
        if self.rows is not None and 0 <= index < len(self.rows):
            return self.rows[index]
        return self.first_row + index

    @property
    def format_label(self) -> str:
        """A short description of the detected format, for people."""
        if self.sheet is not None:
            return f"XLSX workbook, sheet '{self.sheet}'"
        name = _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        mark = "comma" if self.decimal == "," else "point"
        return f"CSV, {self.encoding}, {name}-separated, decimal {mark}"


def mebibytes(size: int) -> str:
    """A size as people are told it here: ``"100 MiB"``, ``"200.3 MiB"``."""
    value = size / MIB
    return f"{value:,.0f} MiB" if value.is_integer() else f"{value:,.1f} MiB"


def too_big(name: str, size: int) -> Problem:
    """The problem of a file above ``MAX_FILE_BYTES`` (the app and the CLI say the same)."""
    return Problem(
        name,
        f"file is {mebibytes(size)}, above the {mebibytes(MAX_FILE_BYTES)} limit",
        fix="split the file into smaller files (for example one per year)",
    )


def read_table(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int = 0
) -> TextTable:
    """Read a CSV or XLSX file into text cells (no type conversion), detecting its format."""
    reading(source)
    if source.size > MAX_FILE_BYTES:
        raise ValidationFailed([too_big(source.name, source.size)])
    if blank_text(source.data):
        raise ValidationFailed(
            [Problem(source.name, "the file is empty", fix="check that the right file was chosen")]
        )
    if source.data.startswith(ZIP_MAGICS):
        from indicators.xlsx import read_xlsx

        return read_xlsx(source, sheet=sheet, header_row=header_row)
    check_binary(source)
    text, encoding = decode(source)
    if blank_text(text):
        raise ValidationFailed(
            [Problem(source.name, "the file is empty", fix="check that the right file was chosen")]
        )
    if "\x00" in text:
        row = len(re.findall(r"\r\n|\r|\n", text[: text.index("\x00")])) + 1
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the text contains NUL characters",
                    row,
                    fix="remove them, or re-export the file as CSV",
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
            raise ValidationFailed([Problem(name, "the file has no header row")]) from exc
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise ValidationFailed(malformed_lines(name, text, delimiter, str(exc))) from exc
    warned = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
    return frame, warned


def check_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the limits and header checks that every table must pass; strip cells."""
    if len(frame) > MAX_ROWS:
        raise ValidationFailed(
            [Problem(name, f"the file has more than {MAX_ROWS:,} rows", fix="split the file")]
        )
    headers = [str(c) for c in frame.columns]
    _check_headers(name, headers)
    columns = pd.Index([h.strip().lstrip("\ufeff") for h in headers])
    stripped = _stripped_arrow(frame, columns)
    if stripped is not None:
        return stripped
    return _stripped_cells(name, frame, columns)


def _check_headers(name: str, headers: list[str]) -> None:
    """Refuse a column name that appears twice, and more than one column without a name."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        clean = re.sub(r"\.\d+$", "", h) if h not in seen else h
        key = clean.strip().lower()
        if key in seen and key:
            problems.append(
                Problem(
                    name,
                    "the same column name appears twice",
                    1,
                    clean.strip(),
                    fix="rename or remove one of them",
                )
            )
        seen[key] = i
    blank = [i + 1 for i, h in enumerate(headers) if not h.strip().lstrip("\ufeff").strip()]
    if len(blank) > 1:
        problems.append(
            Problem(
                name,
                f"columns {', '.join(map(str, blank))} have no name (only spaces)",
                1,
                fix="give every column a name, or delete the empty columns",
            )
        )
    if problems:
        raise ValidationFailed(problems)


def _stripped_arrow(frame: pd.DataFrame, columns: pd.Index) -> pd.DataFrame | None:
    """The frame :func:`_stripped_cells` gives, made column by column in Arrow; ``None`` (that
    function then) unless every column is Arrow-backed text, the names are distinct and no
    cell is above the limit.

    The same Arrow kernels pandas' ``.str.len()`` and ``.str.strip()`` call, without a pandas
    Series per step: the 24 RSF editions spent 15 % of their ingest in those steps.
    """
    if not len(frame.columns) or not columns.is_unique:
        return None
    text = _TEXT
    if not isinstance(text, pd.StringDtype) or text.storage != "pyarrow":
        return None
    if any(dtype != text for dtype in frame.dtypes):
        return None
    stripped = {}
    for i in range(len(frame.columns)):
        cells = pa.array(frame.iloc[:, i].array)
        longest = pc.max(pc.utf8_length(cells)).as_py()
        if longest is not None and longest > MAX_CELL_CHARS:
            return None  # the cell-by-cell code names each long cell
        stripped[i] = pd.array(pc.utf8_trim_whitespace(cells), dtype=text)
    out = pd.DataFrame(stripped, index=pd.RangeIndex(len(frame)), copy=False)
    out.columns = columns
    return out


def _stripped_cells(name: str, frame: pd.DataFrame, columns: pd.Index) -> pd.DataFrame:
    """Every cell as stripped text, refusing cells above ``MAX_CELL_CHARS`` (five a column)."""
    problems: list[Problem] = []
    frame = frame.copy()
    frame.columns = columns
    for col in frame.columns:
        series = frame[col].astype(str)
        lengths = series.str.len()
        for idx in lengths.index[lengths > MAX_CELL_CHARS][:5]:
            problems.append(
                Problem(
                    name,
                    f"cell is {int(lengths[idx]):,} characters long, above the {MAX_CELL_CHARS:,} limit",
                    int(idx) + 2,
                    col,
                    series[idx][:40],
                    fix="shorten the text or move long descriptions to a separate document",
                )
            )
        frame[col] = series.str.strip()
    if problems:
        raise ValidationFailed(problems)
    return frame.reset_index(drop=True)


def is_zip(data: bytes) -> bool:
    """Tell whether bytes are a ZIP container (XLSX is one)."""
    return data.startswith(ZIP_MAGICS) and zipfile.is_zipfile(io.BytesIO(data))
