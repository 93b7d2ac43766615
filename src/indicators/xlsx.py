"""Reading XLSX workbooks safely: size and expansion limits, no macros, values only."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from indicators.problems import Problem, ValidationFailed
from indicators.reading import (
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    SourceFile,
    TextTable,
    check_frame,
)


def check_zip(source: SourceFile) -> None:
    """Refuse archives that are damaged, expand too much (zip bombs) or carry macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
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
                    f"the workbook would expand to {total / 1e6:,.0f} MB "
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
    from openpyxl import load_workbook

    check_zip(source)
    wb = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def read_xlsx(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int | None = None
) -> TextTable:
    """Read one sheet of a workbook as text cells, finding the header row below any title rows."""
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
        names = list(wb.sheetnames)
        if sheet is None:
            ws = wb[names[0]]
        elif isinstance(sheet, int):
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
        rows: list[tuple[object, ...]] = []
        for r in ws.iter_rows(values_only=True):
            rows.append(r)
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
        title = ws.title
    finally:
        wb.close()
    while rows and all(c in (None, "") for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationFailed([Problem(source.name, f"sheet '{title}' is empty")])
    h = _header_index(rows) if header_row in (None, 0) else header_row
    header = [_cell_text(c).strip() or f"column {i + 1}" for i, c in enumerate(rows[h])]
    width = len(header)
    body = [[_cell_text(c) for c in (list(r) + [None] * width)[:width]] for r in rows[h + 1 :]]
    frame = pd.DataFrame(body, columns=pd.Index(header), dtype=str)
    frame = check_frame(source.name, frame)
    return TextTable(source, frame, "xlsx", "", ".", sheet=title, first_row=h + 2)
