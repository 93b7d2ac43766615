"""A file as received (:class:`SourceFile`), its cells as text (:class:`TextTable`), and the
checks every table passes (:func:`check_frame`), whichever reader made it.

The CSV reader (:mod:`indicators.sources.reading`) and the workbook reader (:mod:`indicators.sources.xlsx`)
both build on this module, so neither imports the other's module to know what a table is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.read_limits import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, MIB

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
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
            raise ValidationFailed(
                [Problem(str(p.name), msg("file not found or not a regular file"))]
            )
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
    workbook: tuple[tuple[str, str], ...] = ()  # every sheet of the workbook and what it holds

    def row_number(self, index: int) -> int:
        """The spreadsheet row number of the frame's row at position ``index``."""
        if self.rows is not None and 0 <= index < len(self.rows):
            return self.rows[index]
        return self.first_row + index

    @property
    def sheets_found(self) -> str:
        """Every sheet of the workbook with what was found in it, for the detection table."""
        return "; ".join(f"sheet '{name}': {found}" for name, found in self.workbook)

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
        msg(
            "file is {size}, above the {limit} limit",
            size=mebibytes(size),
            limit=mebibytes(MAX_FILE_BYTES),
        ),
        fix=msg("split the file into smaller files (for example one per year)"),
    )


def check_frame(
    name: str,
    frame: pd.DataFrame,
    *,
    arrow: Callable[[pd.DataFrame, pd.Index], pd.DataFrame | None] | None = None,
    cells: Callable[[str, pd.DataFrame, pd.Index], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Apply the limits and header checks that every table must pass; strip cells.

    Cells are stripped in Arrow (``arrow``, :func:`_stripped_arrow` unless given) or, when it
    steps aside, cell by cell (``cells``, :func:`_stripped_cells`); ``indicators.sources.reading``
    passes its own names for them, so a test can turn the Arrow path off there.
    """
    if len(frame) > MAX_ROWS:
        raise ValidationFailed(
            [
                Problem(
                    name,
                    msg("the file has more than {rows:,} rows", rows=MAX_ROWS),
                    fix=msg("split the file"),
                )
            ]
        )
    headers = [str(c) for c in frame.columns]
    _check_headers(name, headers)
    columns = pd.Index([h.strip().lstrip("\ufeff") for h in headers])
    stripped = (arrow or _stripped_arrow)(frame, columns)
    if stripped is not None:
        return stripped
    return (cells or _stripped_cells)(name, frame, columns)


def _check_headers(name: str, headers: list[str]) -> None:
    """Refuse a column name that appears twice, and more than one column without a name."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        clean = re.sub(r"\.\d+$", "", h) if h not in seen else h
        key = clean.strip().lstrip("\ufeff").strip().lower()  # a byte-order mark is no name
        if key in seen and key:
            problems.append(
                Problem(
                    name,
                    msg("the same column name appears twice"),
                    1,
                    clean.strip().lstrip("\ufeff"),
                    fix=msg("rename or remove one of them"),
                )
            )
        seen[key] = i
    blank = [i + 1 for i, h in enumerate(headers) if not h.strip().lstrip("\ufeff").strip()]
    if len(blank) > 1:
        problems.append(
            Problem(
                name,
                msg(
                    "columns {columns} have no name (only spaces)",
                    columns=", ".join(map(str, blank)),
                ),
                1,
                fix=msg("give every column a name, or delete the empty columns"),
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
                    msg(
                        "cell is {length:,} characters long, above the {limit:,} limit",
                        length=int(lengths[idx]),
                        limit=MAX_CELL_CHARS,
                    ),
                    int(idx) + 2,
                    col,
                    series[idx][:40],
                    fix=msg("shorten the text or move long descriptions to a separate document"),
                )
            )
        frame[col] = series.str.strip()
    if problems:
        raise ValidationFailed(problems)
    return frame.reset_index(drop=True)
