"""Reading XLSX workbooks safely: size and expansion limits, no macros, values only.

A hostile workbook can be damaged anywhere (the archive, the XML of any part), can declare
a sheet far larger than the cells it holds (openpyxl pads every row to the declared width),
or can expand to gigabytes. Every failure is reported as a problem naming the file, never
as an exception from the XML or ZIP libraries.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pandas as pd

from indicators.problems import Problem, ValidationFailed
from indicators.reading import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    SourceFile,
    TextTable,
    check_frame,
)

MAX_XLSX_CELLS = 20_000_000  # rows x columns of one sheet, after padding short rows


def _damaged(source: SourceFile, exc: BaseException, where: str = "") -> ValidationFailed:
    place = f" ({where})" if where else ""
    return ValidationFailed(
        [
            Problem(
                source.name,
                f"the workbook is damaged and cannot be read{place}: {type(exc).__name__}",
                fix="save it again from your spreadsheet program, or export CSV",
            )
        ]
    )


def check_zip(source: SourceFile) -> None:
    """Refuse archives that are damaged, expand too much (zip bombs) or carry macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, EOFError, NotImplementedError, struct errors ...
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the file looks like XLSX but the archive is damaged or truncated",
                    fix="save the workbook again, or export it as CSV",
                )
            ]
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED or total > MAX_XLSX_RATIO * max(source.size, 1):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    f"the workbook would expand to {total / 2**20:,.0f} MB "
                    f"({total / max(source.size, 1):,.0f} times its size): refused as a possible zip bomb",
                    fix="export the data you need as CSV",
                )
            ]
        )
    names = {i.filename for i in infos}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the workbook contains macros (VBA), which are refused",
                    fix="save it as a plain .xlsx workbook without macros, or export CSV",
                )
            ]
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the file is a ZIP archive but not an XLSX workbook",
                    fix="upload a .csv or .xlsx file",
                )
            ]
        )


@contextmanager
def _workbook(source: SourceFile) -> Iterator[Any]:
    """Open a checked workbook read-only, values only; any failure becomes a problem."""
    from openpyxl import load_workbook

    check_zip(source)
    try:
        wb = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    f"the workbook cannot be opened ({type(exc).__name__})",
                    fix="save it again from your spreadsheet program, or export CSV",
                )
            ]
        ) from exc
    try:
        yield wb
    finally:
        with suppress(Exception):  # closing a damaged archive must not hide the real problem
            wb.close()


def _header_index(rows: list[tuple[object, ...]]) -> int:
    """Find the header row: the first of the top rows that is nearly as wide as the widest."""
    widths = [sum(1 for c in r if c not in (None, "")) for r in rows[:15]]
    if not widths:
        return 0
    widest = max(widths)
    for i, w in enumerate(widths):
        if w >= max(2, int(0.6 * widest)):
            return i
    return 0


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_names(source: SourceFile) -> list[str]:
    """List the worksheet names of a workbook after the safety checks."""
    with _workbook(source) as wb:
        return list(wb.sheetnames)


def _trimmed(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row without its trailing empty cells (declared sheet sizes can pad rows hugely)."""
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row[:end]


def _too_many_cells(source: SourceFile, title: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                source.name,
                f"sheet '{title}' holds more than {MAX_XLSX_CELLS:,} cells",
                fix="delete unused rows and columns, or split the file",
            )
        ]
    )


def _read_rows(source: SourceFile, ws: Any) -> list[tuple[object, ...]]:
    """Every row of a sheet, trailing empty cells dropped, within the row and column limits."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # never trust the declared size: read the cells that exist
    rows: list[tuple[object, ...]] = []
    cells = 0
    for r in ws.iter_rows(values_only=True):
        row = _trimmed(tuple(r))
        cells += len(row)
        if cells > MAX_XLSX_CELLS:
            raise _too_many_cells(source, str(ws.title))
        if len(row) > MAX_COLUMNS:
            raise ValidationFailed(
                [
                    Problem(
                        source.name,
                        f"row has {len(row):,} cells, above the limit of {MAX_COLUMNS:,} columns",
                        len(rows) + 1,
                        fix="delete the unused columns, or split the table into narrower sheets",
                    )
                ]
            )
        rows.append(row)
        if len(rows) > MAX_ROWS + 20:
            raise ValidationFailed(
                [
                    Problem(
                        source.name,
                        f"the sheet has more than {MAX_ROWS:,} rows",
                        fix="split the file",
                    )
                ]
            )
    return rows


def read_xlsx(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int | None = None
) -> TextTable:
    """Read one sheet of a workbook as text cells, finding the header row below any title rows."""
    with _workbook(source) as wb:
        names = list(wb.sheetnames)
        if not names:
            raise ValidationFailed([Problem(source.name, "the workbook has no sheets")])
        if sheet is None:
            ws = wb[names[0]]
        elif isinstance(sheet, int):
            if not -len(names) <= sheet < len(names):
                raise ValidationFailed(
                    [
                        Problem(
                            source.name,
                            f"there is no sheet number {sheet + 1}; the sheets are: "
                            + ", ".join(names),
                        )
                    ]
                )
            ws = wb[names[sheet]]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise ValidationFailed(
                [
                    Problem(
                        source.name, f"no sheet named '{sheet}'; the sheets are: {', '.join(names)}"
                    )
                ]
            )
        title = str(getattr(ws, "title", sheet))
        if not hasattr(ws, "iter_rows"):
            raise ValidationFailed(
                [Problem(source.name, f"sheet '{title}' is a chart, not a table of cells")]
            )
        try:
            rows = _read_rows(source, ws)
        except ValidationFailed:
            raise
        except Exception as exc:  # damaged sheet XML, bad compressed data, bad cell values
            raise _damaged(source, exc, f"sheet '{title}'") from exc
    while rows and all(c in (None, "") for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationFailed([Problem(source.name, f"sheet '{title}' is empty")])
    h = _header_index(rows) if header_row in (None, 0) else header_row
    if not 0 <= h < len(rows):
        raise ValidationFailed(
            [Problem(source.name, f"sheet '{title}' has no row {h + 1} to use as the header")]
        )
    width = max(len(r) for r in rows[h:])
    if width * (len(rows) - h) > MAX_XLSX_CELLS:
        raise _too_many_cells(source, title)
    header = [
        _cell_text(c).strip() or f"column {i + 1}"
        for i, c in enumerate(list(rows[h]) + [None] * (width - len(rows[h])))
    ]
    body = [[_cell_text(c) for c in list(r) + [None] * (width - len(r))] for r in rows[h + 1 :]]
    frame = pd.DataFrame(body, columns=pd.Index(header), dtype=str)
    frame = check_frame(source.name, frame)
    return TextTable(source, frame, "xlsx", "", ".", sheet=title, first_row=h + 2)
