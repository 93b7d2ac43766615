"""Reading a person's file: bytes in, a table of text cells out, with what was detected.

Everything here is about *reading*: encoding, delimiter, decimal mark, spreadsheet
workbooks, and the limits that keep a hostile file from exhausting the machine.
Interpreting the cells (which column is the rank, is a rank possible) belongs to adapters.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.problems import Problem, ValidationFailed

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_CELL_CHARS = 20_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^-?\d+\.\d+$")


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
            raise ValidationFailed([_too_big(p.name, size)])
        return cls(p.name, p.read_bytes())


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

    def row_number(self, index: int) -> int:
        """The spreadsheet row number of the frame's row at position ``index``."""
        return self.first_row + index

    @property
    def format_label(self) -> str:
        """A short description of the detected format, for people."""
        if self.sheet is not None:
            return f"XLSX workbook, sheet '{self.sheet}'"
        name = _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        mark = "comma" if self.decimal == "," else "point"
        return f"CSV, {self.encoding}, {name}-separated, decimal {mark}"


def _too_big(name: str, size: int) -> Problem:
    return Problem(
        name,
        f"file is {size / 1e6:.1f} MB, above the {MAX_FILE_BYTES / 1e6:.0f} MB limit",
        fix="split the file into smaller files (for example one per year)",
    )


def decode(source: SourceFile) -> tuple[str, str]:
    """Decode bytes to text and name the encoding: BOMs, then UTF-8, then Windows code pages.

    Windows-1251 (Cyrillic) is told from Windows-1252 (Western) by the length of the
    runs of non-ASCII bytes: Russian words are long runs, accented Latin letters are short.
    """
    data = source.data
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(source, data[3:], "utf-8", "UTF-8 with BOM"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(source, data, "utf-16", "UTF-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    runs = [len(m) for m in re.findall(rb"[\x80-\xff]+", data[:200_000])]
    mean_run = sum(runs) / len(runs) if runs else 0.0
    encoding = "cp1251" if mean_run >= 3 else "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _strict(source: SourceFile, data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    f"the file starts with a {label} mark but byte {exc.start} is not valid {label}",
                    fix="save the file again as UTF-8 from your spreadsheet program",
                )
            ]
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields."""
    sample = text[:64_000]
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        rows = rows[:50]
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
    """Return ',' when numeric-looking cells use a decimal comma, else '.'."""
    if delimiter == ",":
        return "."
    cells = frame.head(200).to_numpy().ravel().tolist()
    commas = sum(1 for c in cells if isinstance(c, str) and _DECIMAL_COMMA.match(c))
    dots = sum(1 for c in cells if isinstance(c, str) and _DECIMAL_DOT.match(c))
    return "," if commas > dots else "."


def _check_binary(source: SourceFile) -> None:
    head = source.data[:8192]
    if source.data.startswith(_OLE_MAGIC):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "this is an old Excel 97-2003 (.xls) or other OLE file, which is not read",
                    fix="open it in a spreadsheet program and save it as .xlsx or .csv",
                )
            ]
        )
    if b"\x00" in head:
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the file contains NUL bytes: it is binary data, not a CSV text file",
                    fix="export the data as CSV (UTF-8) or XLSX",
                )
            ]
        )


def read_table(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int = 0
) -> TextTable:
    """Read a CSV or XLSX file into text cells (no type conversion), detecting its format."""
    if source.size > MAX_FILE_BYTES:
        raise ValidationFailed([_too_big(source.name, source.size)])
    if not source.data.strip():
        raise ValidationFailed(
            [Problem(source.name, "the file is empty", fix="check that the right file was chosen")]
        )
    if source.data.startswith(_ZIP_MAGIC):
        from indicators.xlsx import read_xlsx

        return read_xlsx(source, sheet=sheet, header_row=header_row)
    _check_binary(source)
    text, encoding = decode(source)
    if "\x00" in text:
        raise ValidationFailed(
            [
                Problem(
                    source.name, "the text contains NUL characters", fix="re-export the file as CSV"
                )
            ]
        )
    delimiter = sniff_delimiter(text)
    frame = parse_delimited(source.name, text, delimiter, header_row=header_row)
    decimal = detect_decimal(frame, delimiter)
    return TextTable(source, frame, encoding, delimiter, decimal, first_row=header_row + 2)


def parse_delimited(name: str, text: str, delimiter: str, *, header_row: int = 0) -> pd.DataFrame:
    """Parse delimited text into a frame of stripped strings, reporting malformed lines."""
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            header=header_row,
            engine="c",
            nrows=MAX_ROWS + 1,
        )
    except pd.errors.EmptyDataError as exc:
        raise ValidationFailed([Problem(name, "the file has no header row")]) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise ValidationFailed(_malformed_lines(name, text, delimiter)) from exc
    return check_frame(name, frame)


def check_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the limits and header checks that every table must pass; strip cells."""
    problems: list[Problem] = []
    if len(frame) > MAX_ROWS:
        raise ValidationFailed(
            [Problem(name, f"the file has more than {MAX_ROWS:,} rows", fix="split the file")]
        )
    headers = [str(c) for c in frame.columns]
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
    if problems:
        raise ValidationFailed(problems)
    frame = frame.copy()
    frame.columns = pd.Index([h.strip().lstrip("\ufeff") for h in headers])
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


def _malformed_lines(name: str, text: str, delimiter: str) -> list[Problem]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[Problem] = []
    expected: int | None = None
    try:
        for rownum, record in enumerate(reader, start=1):
            if not record:
                continue
            if expected is None:
                expected = len(record)
                continue
            if len(record) != expected:
                problems.append(
                    Problem(
                        name,
                        f"row has {len(record)} fields where the header has {expected}",
                        rownum,
                        fix="check for an unquoted delimiter or a missing field in this row",
                    )
                )
            if len(problems) >= 50:
                break
    except csv.Error as exc:
        problems.append(Problem(name, f"the file cannot be read as CSV: {exc}"))
    return problems or [Problem(name, "the file cannot be read as a delimited text table")]


def is_zip(data: bytes) -> bool:
    """Tell whether bytes are a ZIP container (XLSX is one)."""
    return data.startswith(_ZIP_MAGIC) and zipfile.is_zipfile(io.BytesIO(data))
