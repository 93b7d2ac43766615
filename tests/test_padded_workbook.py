"""Padded workbooks: a few cells far down or far right of a sheet cost nothing to read."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile, read_table

ROOT = Path(__file__).resolve().parents[1]
# The bounds for the 9.5 KB, 20-sheet workbook (35-38 s and 1.2 GB before the fix).
MAX_SECONDS = 2.0
MAX_PEAK_MB = 200

# Peak memory is the process's VmHWM: ``getrusage(RUSAGE_SELF).ru_maxrss`` keeps, across exec,
# the peak of the forked pytest process, so in a child of a big test run it reports pytest's.
MEASURE = """
import json, sys, time
from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile
source = SourceFile.from_path(sys.argv[1])
start = time.perf_counter()
try:
    parse_file(source)
    answer = "read"
except ValidationFailed as exc:
    answer = str(exc)
seconds = time.perf_counter() - start
status = open("/proc/self/status").read().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "answer": answer}))
"""


def padded_workbook(sheets: int = 20, row: int = 1_000_000) -> bytes:
    """A workbook of ``sheets`` sheets, each holding one cell at ``row`` (the issue's file)."""
    wb = Workbook()
    wb.remove(wb.active)
    for i in range(sheets):
        wb.create_sheet(f"Sheet {i + 1}").cell(row=row, column=1, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def measure(path: Path) -> dict[str, object]:
    """Parse a file in a fresh interpreter: its seconds, peak resident memory and answer."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_padded_workbook_answered_fast_and_small(tmp_path: Path) -> None:
    """The 20-sheet workbook with one cell at row 1,000,000 per sheet is answered in under
    2 s and 200 MB peak (measured in a fresh process, imports included)."""
    path = tmp_path / "padded.xlsx"
    path.write_bytes(padded_workbook())
    assert path.stat().st_size < 20_000
    figures = measure(path)
    print(f"padded workbook: {figures}")
    assert "cannot tell what this file holds" in str(figures["answer"])
    assert float(str(figures["seconds"])) < MAX_SECONDS
    assert float(str(figures["peak_mb"])) < MAX_PEAK_MB


def test_stray_cell_far_below_keeps_row_numbers() -> None:
    """A table with a blank row and a stray cell at row 1,000,000 reads its rows with the
    spreadsheet's row numbers, the blank row skipped as a CSV blank line is."""
    wb = Workbook()
    ws = wb.active
    ws.append(["country", "year", "rank"])
    ws.append(["KAZ", "2024", "1"])
    ws.append([])
    ws.append(["UZB", "2024", "2"])
    ws.cell(row=1_000_000, column=2, value="stray")
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(SourceFile("stray.xlsx", buf.getvalue()))
    assert list(table.frame.columns) == ["country", "year", "rank"]
    assert table.frame["country"].tolist() == ["KAZ", "UZB", ""]
    assert [table.row_number(i) for i in range(3)] == [2, 4, 1_000_000]


def test_title_rows_then_header_found() -> None:
    """Title rows above the header are still passed over, and the header's row is numbered."""
    wb = Workbook()
    ws = wb.active
    ws.cell(row=1, column=1, value="A report title")
    for col, name in enumerate(["country", "year", "rank", "score"], start=1):
        ws.cell(row=4, column=col, value=name)
    for col, value in enumerate(["KAZ", 2024, 3, 41.5], start=1):
        ws.cell(row=5, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(SourceFile("titled.xlsx", buf.getvalue()))
    assert list(table.frame.columns) == ["country", "year", "rank", "score"]
    assert table.frame.iloc[0].tolist() == ["KAZ", "2024", "3", "41.5"]
    assert table.row_number(0) == 5


def test_cell_in_the_last_column_refused_without_padding() -> None:
    """A cell in column XFD (16,384) is refused as too wide, naming its row."""
    wb = Workbook()
    ws = wb.active
    ws.append(["country", "year"])
    ws.cell(row=7, column=16_384, value="far right")
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed) as caught:
        parse_file(SourceFile("wide.xlsx", buf.getvalue()))
    problem = caught.value.problems[0]
    assert "16,384 cells" in problem.problem and problem.row == 7
