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
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from indicators.i18n import N_, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.read_limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MIB,
)
from indicators.sources.read_progress import reading
from indicators.sources.reading_csv import DECIMAL_COMMA, detect_decimal
from indicators.sources.text_table import SourceFile, TextTable, check_frame

MAX_XLSX_CELLS = 20_000_000  # rows x columns of one sheet, after padding short rows
_SAVE_AGAIN = N_("save it again from your spreadsheet program, or export CSV")


def _refused(
    source: SourceFile, problem: str, row: int | None = None, fix: str = ""
) -> ValidationFailed:
    return ValidationFailed([Problem(source.name, problem, row, fix=fix)])


def _damaged(source: SourceFile, exc: BaseException, where: str = "") -> ValidationFailed:
    error = type(exc).__name__
    text = (
        msg(
            "the workbook is damaged and cannot be read ({where}): {error}",
            where=where,
            error=error,
        )
        if where
        else msg("the workbook is damaged and cannot be read: {error}", error=error)
    )
    return ValidationFailed([Problem(source.name, text, fix=msg(_SAVE_AGAIN))])


def check_zip(source: SourceFile) -> None:
    """Refuse archives that are damaged, expand too much (zip bombs) or carry macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, EOFError, NotImplementedError, struct errors ...
        raise _refused(
            source,
            msg("the file looks like XLSX but the archive is damaged or truncated"),
            fix=msg("save the workbook again, or export it as CSV"),
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED or total > MAX_XLSX_RATIO * max(source.size, 1):
        raise _refused(
            source,
            msg(
                "the workbook would expand to {size:,.0f} MiB ({ratio:,.0f} times its "
                "size): refused as a possible zip bomb",
                size=total / MIB,
                ratio=total / max(source.size, 1),
            ),
            fix=msg("export the data you need as CSV"),
        )
    names = {i.filename for i in infos}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refused(
            source,
            msg("the workbook contains macros (VBA), which are refused"),
            fix=msg("save it as a plain .xlsx workbook without macros, or export CSV"),
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refused(
            source,
            msg("the file is a ZIP archive but not an XLSX workbook"),
            fix=msg("upload a .csv or .xlsx file"),
        )


@contextmanager
def _workbook(source: SourceFile) -> Iterator[Any]:
    """Open a checked workbook read-only, values only; any failure becomes a problem."""
    from openpyxl import load_workbook

    check_zip(source)
    try:
        wb = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise _refused(
            source,
            msg("the workbook cannot be opened ({error})", error=type(exc).__name__),
            fix=msg(_SAVE_AGAIN),
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


def _cell_text(value: object, comma: bool = False) -> str:
    """A cell as text; with ``comma``, a text cell such as ``93,6`` becomes ``93.6``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if comma and isinstance(value, str) and DECIMAL_COMMA.match(value.strip()):
        return value.strip().replace(",", ".")
    return str(value)


def _text_decimal(rows: list[tuple[object, ...]]) -> str:
    """The decimal mark of the numbers a sheet stores as text, decided as for a CSV file.

    Numbers stored as numbers have no mark; text cells such as ``93,6`` (a re-saved CSV) are
    counted against text cells such as ``93.6`` in the first 200 rows, as
    :func:`indicators.sources.reading_csv.detect_decimal` counts a CSV file's cells.
    """
    texts = [c for r in rows[:200] for c in r if isinstance(c, str)]
    return detect_decimal(pd.DataFrame({"cells": texts}, dtype=object), "")


def sheet_names(source: SourceFile) -> list[str]:
    """List the worksheet names of a workbook after the safety checks."""
    with _workbook(source) as wb:
        return list(wb.sheetnames)


def _too_many_cells(source: SourceFile, title: str) -> ValidationFailed:
    return _refused(
        source,
        msg(
            "sheet '{title}' holds more than {cells:,} cells",
            title=title,
            cells=MAX_XLSX_CELLS,
        ),
        fix=msg("delete unused rows and columns, or split the file"),
    )


def _present_rows(ws: Any) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The rows the sheet's XML holds, as (spreadsheet row, cells), gaps not filled in.

    openpyxl's read-only ``iter_rows`` yields an empty row for every row number missing between
    two rows, so one cell at row 1,000,000 costs a million rows; its own sheet parser (the one
    ``iter_rows`` wraps, with the same arguments) yields only the rows that exist.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for row in parser.parse():
            yield row
            parser.row_dimensions.clear()  # row heights are not read: keep none of them


def _values(source: SourceFile, number: int, cells: list[dict[str, Any]]) -> tuple[object, ...]:
    """A row's values by column (gaps as None), without trailing empty cells."""
    present = [c for c in cells if c["value"] not in (None, "")]
    if not present:
        return ()
    width = max(c["column"] for c in present)
    if width > MAX_COLUMNS:
        raise _refused(
            source,
            msg(
                "row has {width:,} cells, above the limit of {limit:,} columns",
                width=width,
                limit=MAX_COLUMNS,
            ),
            number,
            fix=msg("delete the unused columns, or split the table into narrower sheets"),
        )
    row: list[object] = [None] * width
    for c in present:
        row[c["column"] - 1] = c["value"]
    return tuple(row)


def _read_rows(source: SourceFile, ws: Any) -> list[tuple[int, tuple[object, ...]]]:
    """The sheet's non-empty rows as (spreadsheet row, values), within the row and cell limits.

    Empty rows are skipped, as blank lines of a CSV file are, and each kept row remembers its
    spreadsheet row number, so a declared or padded size never costs anything.
    """
    rows: list[tuple[int, tuple[object, ...]]] = []
    cells = 0
    for number, raw in _present_rows(ws):
        row = _values(source, number, raw)
        if not row:
            continue
        cells += len(row)
        if cells > MAX_XLSX_CELLS:
            raise _too_many_cells(source, str(ws.title))
        rows.append((number, row))
        if len(rows) > MAX_ROWS + 20:
            raise _refused(
                source,
                msg("the sheet has more than {rows:,} rows", rows=MAX_ROWS),
                fix=msg("split the file"),
            )
    return rows


def _worksheet(source: SourceFile, wb: Any, sheet: str | int | None) -> Any:
    """The sheet asked for (the first when none is named), or a problem naming the sheets."""
    names = list(wb.sheetnames)
    if not names:
        raise ValidationFailed([Problem(source.name, msg("the workbook has no sheets"))])
    if sheet is None:
        return wb[names[0]]
    if isinstance(sheet, int):
        if not -len(names) <= sheet < len(names):
            raise _refused(
                source,
                msg(
                    "there is no sheet number {number}; the sheets are: {sheets}",
                    number=sheet + 1,
                    sheets=", ".join(names),
                ),
            )
        return wb[names[sheet]]
    if sheet in names:
        return wb[sheet]
    raise _refused(
        source,
        msg(
            "no sheet named '{sheet}'; the sheets are: {sheets}",
            sheet=sheet,
            sheets=", ".join(names),
        ),
    )


def _sheet_rows(
    source: SourceFile, wb: Any, sheet: str | int | None
) -> tuple[str, list[tuple[int, tuple[object, ...]]]]:
    """The title and the non-empty rows of one sheet; damage anywhere becomes a problem."""
    reading(source)
    ws = _worksheet(source, wb, sheet)
    title = str(getattr(ws, "title", sheet))
    if not hasattr(ws, "iter_rows"):
        raise _refused(
            source,
            msg("sheet '{title}' is a chart, not a table of cells", title=title),
        )
    try:
        return title, _read_rows(source, ws)
    except ValidationFailed:
        raise
    except Exception as exc:  # damaged sheet XML, bad compressed data, bad cell values
        raise _damaged(source, exc, msg("sheet '{title}'", title=title)) from exc


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook and what was found in it: a table, or why there is none."""

    name: str
    table: TextTable | None
    problems: tuple[Problem, ...] = ()

    @property
    def found(self) -> str:
        """What the sheet holds, for people: "a table of 180 rows and 16 columns" or why not."""
        if self.table is None:
            return "; ".join(p.problem for p in self.problems) or "no table"
        frame = self.table.frame
        if not len(frame):
            return f"a header of {len(frame.columns):,} columns and no rows"
        return f"a table of {len(frame):,} rows and {len(frame.columns):,} columns"


def read_sheets(source: SourceFile) -> list[Sheet]:
    """Every sheet of a workbook, in order, each read as :func:`read_xlsx` reads it.

    The workbook is opened (and checked) once; a sheet that cannot be read is kept with its
    problems, so a caller can say what was found in every sheet.
    """
    sheets: list[Sheet] = []
    with _workbook(source) as wb:
        for name in list(wb.sheetnames):
            try:
                sheets.append(Sheet(str(name), _table(source, *_sheet_rows(source, wb, name))))
            except ValidationFailed as exc:
                sheets.append(Sheet(str(name), None, tuple(exc.problems)))
    found = tuple((s.name, s.found) for s in sheets)
    return [replace(s, table=replace(s.table, workbook=found)) if s.table else s for s in sheets]


def read_xlsx(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int | None = None
) -> TextTable:
    """Read one sheet of a workbook as text cells, finding the header row below any title rows.

    Empty rows are skipped (as a CSV file's blank lines are); ``header_row`` counts the
    non-empty rows from 0, and every row keeps its spreadsheet row number.
    """
    with _workbook(source) as wb:
        title, numbered = _sheet_rows(source, wb, sheet)
    return _table(source, title, numbered, header_row)


def _table(
    source: SourceFile,
    title: str,
    numbered: list[tuple[int, tuple[object, ...]]],
    header_row: int | None = None,
) -> TextTable:
    """A sheet's rows as a table of text cells, the header found below any title rows."""
    if not numbered:
        raise ValidationFailed([Problem(source.name, msg("sheet '{title}' is empty", title=title))])
    rows = [r for _, r in numbered]
    h = _header_index(rows) if header_row in (None, 0) else header_row
    if not 0 <= h < len(rows):
        raise _refused(
            source,
            msg(
                "sheet '{title}' has no row {row} to use as the header",
                title=title,
                row=h + 1,
            ),
        )
    width = max(len(r) for r in rows[h:])
    if width * (len(rows) - h) > MAX_XLSX_CELLS:
        raise _too_many_cells(source, title)
    header = [
        _cell_text(c).strip() or f"column {i + 1}"
        for i, c in enumerate(list(rows[h]) + [None] * (width - len(rows[h])))
    ]
    decimal = _text_decimal(rows[h + 1 :])
    comma = decimal == ","
    body = [
        [_cell_text(c, comma) for c in list(r) + [None] * (width - len(r))] for r in rows[h + 1 :]
    ]
    frame = pd.DataFrame(body, columns=pd.Index(header), dtype=str)
    frame = check_frame(source.name, frame)
    numbers = tuple(n for n, _ in numbered[h + 1 :])
    first = numbers[0] if numbers else numbered[h][0] + 1
    return TextTable(source, frame, "xlsx", "", decimal, sheet=title, first_row=first, rows=numbers)
