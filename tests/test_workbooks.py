"""Workbooks read whole and right: decimal commas in text cells, every sheet, the sheet read.

Every workbook is made here, in ``tmp_path``, from the cells of RSF's CSV files in
/work/shared/data/rsf (read in place) or from a few hand-written rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.ingest import parse_file
from indicators.reading import SourceFile, read_table

RSF = Path(__file__).resolve().parents[2] / "shared" / "data" / "rsf"
needs_rsf = pytest.mark.skipif(not RSF.is_dir(), reason=f"shared RSF folder {RSF} is absent")


def rsf_rows(year: int) -> list[list[str]]:
    """An RSF edition's cells as its CSV file holds them (text, decimal commas)."""
    text = (RSF / f"{year}.csv").read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def workbook(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with these sheets, in this order, each cell as given (text stays text)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def save(tmp_path: Path, name: str, data: bytes) -> SourceFile:
    path = tmp_path / name
    path.write_bytes(data)
    return SourceFile.from_path(path)


@needs_rsf
def test_decimal_commas_in_text_cells_read_as_in_csv(tmp_path: Path) -> None:
    """RSF 2014 pasted as text ("93,6"): every score read, the same as from the CSV file."""
    rows = rsf_rows(2014)
    source = save(tmp_path, "rsf2014.xlsx", workbook({"2014": rows}))
    table = read_table(source)
    assert table.decimal == ","
    assert table.frame["Score N"].iloc[0] == "93.6"
    from_sheet = parse_file(source).frame.set_index("source_code")["score"]
    from_csv = parse_file(SourceFile.from_path(RSF / "2014.csv")).frame
    expected = from_csv.set_index("source_code")["score"]
    assert len(from_sheet) == len(expected) == 180
    assert from_sheet["FIN"] == pytest.approx(93.6)
    assert from_sheet.sort_index().tolist() == pytest.approx(expected.sort_index().tolist())


def test_decimal_points_and_numbers_unchanged(tmp_path: Path) -> None:
    """Numbers stored as numbers, and text with decimal points, keep their point and value."""
    rows: list[list[object]] = [["Country", "Score", "Note"], ["Kazakhstan", 35.33, "1.5"]]
    rows.append(["Norway", 92.3, "2,5 km"])
    table = read_table(save(tmp_path, "points.xlsx", workbook({"data": rows})))
    assert table.decimal == "."
    assert table.frame["Score"].tolist() == ["35.33", "92.3"]
    assert table.frame["Note"].tolist() == ["1.5", "2,5 km"]
