"""Workbooks read whole and right: decimal commas in text cells, every sheet, the sheet read.

Every workbook is made here, in ``tmp_path``, from the cells of RSF's CSV files in
/work/shared/data/rsf (read in place) or from a few hand-written rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.base import Parsed, ParseOptions
from indicators.sources.detect import choose as _choose
from indicators.sources.reading import SourceFile, read_table, read_tables
from indicators.sources.workbook_parse import same_format

RSF = Path(__file__).resolve().parents[2] / "shared" / "data" / "rsf"
APP = Path(__file__).resolve().parents[1] / "app.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


@needs_rsf
def test_every_sheet_of_a_ten_edition_workbook_is_a_table(tmp_path: Path) -> None:
    """RSF 2014-2023, one edition per sheet: ten tables, each naming its sheet and all ten."""
    years = range(2014, 2024)
    source = save(tmp_path, "rsf.xlsx", workbook({str(y): rsf_rows(y) for y in years}))
    tables = read_tables(source)
    assert [t.sheet for t in tables] == [str(y) for y in years]
    for table, year in zip(tables, years, strict=True):
        assert table.decimal == ","
        assert set(table.frame["Year (N)"]) == {str(year)}
        assert [name for name, _ in table.workbook] == [str(y) for y in years]
    assert tables[0].workbook[0] == ("2014", "a table of 180 rows and 16 columns")
    assert "sheet '2023': a table of 180 rows" in tables[0].sheets_found


def fiw_like() -> dict[str, list[list[object]]]:
    """A Freedom-in-the-World-like workbook: a notes sheet first, then the data with a title."""
    notes: list[list[object]] = [["Key"], ["PR: political rights"], ["CL: civil liberties"]]
    data: list[list[object]] = [["Freedom in the World 2013-2024"]]
    data.append(["Country/Territory", "Edition", "PR rating", "CL rating", "Total"])
    data += [["Kazakhstan", 2024, 7, 5, 23], ["Norway", 2024, 1, 1, 100]]
    return {"Index": notes, "FIW13-24": data}


def test_without_a_sheet_named_the_table_is_read_not_the_notes(tmp_path: Path) -> None:
    """The columns offered for mapping are the data sheet's, not the notes sheet's before it."""
    source = save(tmp_path, "fiw.xlsx", workbook(fiw_like()))
    table = read_table(source)
    assert table.sheet == "FIW13-24"
    assert list(table.frame.columns)[:3] == ["Country/Territory", "Edition", "PR rating"]
    assert table.row_number(0) == 3
    assert dict(table.workbook) == {
        "Index": "a table of 2 rows and 1 columns",
        "FIW13-24": "a table of 2 rows and 5 columns",
    }
    assert read_table(source, sheet="Index").frame.columns.tolist() == ["Key"]
    assert [t.sheet for t in read_tables(source)] == ["Index", "FIW13-24"]


def test_mapping_form_columns_are_the_sheet_read(tmp_path: Path) -> None:
    """The Upload page's mapping form reads its columns here (in the preview worker)."""
    from indicators.pipeline.prepare_worker import _columns

    source = save(tmp_path, "fiw.xlsx", workbook(fiw_like()))
    assert _columns(source) == ["Country/Territory", "Edition", "PR rating", "CL rating", "Total"]


def test_sheets_that_hold_no_table_are_said_and_a_workbook_without_one_refused(
    tmp_path: Path,
) -> None:
    """An empty sheet is named as empty; a workbook of empty sheets is refused, sheet by sheet."""
    rows: list[list[object]] = [["country", "rank"], ["KAZ", 1]]
    source = save(tmp_path, "one.xlsx", workbook({"blank": [], "data": rows}))
    [table] = read_tables(source)
    assert table.sheet == "data"
    assert dict(table.workbook)["blank"] == "sheet 'blank' is empty"
    empty = save(tmp_path, "empty.xlsx", workbook({"a": [], "b": []}))
    with pytest.raises(ValidationFailed) as exc:
        read_tables(empty)
    assert [p.problem for p in exc.value.problems] == ["sheet 'a' is empty", "sheet 'b' is empty"]


def detect_and_parse(source: SourceFile) -> Parsed:
    """The one reading answer, detection and the whole-workbook parse (and derive, for rankings)."""
    return parse_file(source)


@needs_rsf
def test_ten_editions_one_per_sheet_all_read(tmp_path: Path) -> None:
    """RSF 2014-2023 one per sheet, and a notes sheet: 1,800 rows of ten editions, every sheet said."""
    sheets: dict[str, list[list[str]]] = {"About": [["Notes"], ["RSF, one edition a sheet"]]}
    sheets |= {str(y): rsf_rows(y) for y in range(2014, 2024)}
    parsed = detect_and_parse(save(tmp_path, "rsf.xlsx", workbook(sheets)))
    frame = parsed.frame
    assert sorted(frame["edition"].unique()) == [str(y) for y in range(2014, 2024)]
    assert frame.groupby("edition").size().tolist() == [180] * 10
    assert parsed.rows_read == 1800
    kaz = frame[frame["source_code"] == "KAZ"].set_index("edition")["score"]
    csv_2014 = parse_file(SourceFile.from_path(RSF / "2014.csv")).frame
    assert kaz["2014"] == csv_2014.loc[csv_2014["source_code"] == "KAZ", "score"].item()
    said = parsed.detected["sheets"].split("; ")
    assert said[0] == "sheet 'About': a table of 1 rows and 1 columns, not read (not this format)"
    assert (
        said[1]
        == "sheet '2014': a table of 180 rows and 16 columns, read as rankings, edition 2014"
    )
    assert len(said) == 11 and all("read as rankings" in s for s in said[1:])
    assert parsed.detected["edition"] == ", ".join(str(y) for y in range(2014, 2024))


@needs_rsf
def test_problems_of_several_sheets_name_their_sheet(tmp_path: Path) -> None:
    """A bad cell in one of three sheets is refused naming the sheet; nothing is half read."""
    bad = rsf_rows(2015)
    bad[1][bad[0].index("Score N")] = "lots"
    sheets = {"2014": rsf_rows(2014), "2015": bad, "2016": rsf_rows(2016)}
    with pytest.raises(ValidationFailed) as exc:
        detect_and_parse(save(tmp_path, "rsf.xlsx", workbook(sheets)))
    [problem] = exc.value.problems
    assert problem.problem.startswith("sheet '2015': ")
    assert (problem.row, problem.column, problem.value) == (2, "Score N", "lots")


def test_freedom_house_like_workbook_reads_the_data_sheet_only(tmp_path: Path) -> None:
    """With a column mapping, a sheet is read only when it holds the mapped columns."""
    source = save(tmp_path, "fiw.xlsx", workbook(fiw_like()))
    options = ParseOptions(kind="rankings", mapping={"country": "Country/Territory"})
    tables = read_tables(source)
    adapter, chosen = _choose(tables, options)
    assert chosen.sheet == "FIW13-24"
    assert [t.sheet for t in same_format(adapter, tables, chosen, options)] == ["FIW13-24"]


def test_upload_mapping_form_lists_the_data_sheets_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the Upload page, a FIW-like workbook (notes first) offers the data sheet's columns."""
    monkeypatch.setenv("INDICATORS_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at = at.switch_page("app_pages/upload.py").run()
    at.selectbox(key="map_kind").set_value("rankings").run()
    data = workbook(fiw_like())
    uploader: Any = at.get("file_uploader")[0]
    uploader.set_value(("fiw.xlsx", data, XLSX)).run()
    assert not at.exception
    options = at.selectbox(key="map_field_country").options
    columns = ["Country/Territory", "Edition", "PR rating", "CL rating", "Total"]
    assert options == ["(not in file)", *columns]
    assert any("the sheet that is read" in c.value for c in at.caption)


def test_detection_table_lists_every_sheet() -> None:
    """Each file's ``sheets`` entry becomes one row per sheet, below the table of files."""

    def page() -> None:
        from app_pages._preview import show_detected

        said = "sheet 'About': a table of 1 rows and 1 columns, not read (not this format); "
        said += "sheet '2014': a table of 180 rows and 16 columns, read as rankings, edition 2014"
        show_detected([{"file": "rsf.xlsx", "kind": "rankings", "sheets": said}])

    at = AppTest.from_function(page).run()
    assert not at.exception
    files, sheets = (d.value for d in at.dataframe)
    assert list(files.columns) == ["file", "kind"]
    assert sheets["sheet"].tolist() == ["About", "2014"]
    assert sheets["found"].tolist() == [
        "a table of 1 rows and 1 columns, not read (not this format)",
        "a table of 180 rows and 16 columns, read as rankings, edition 2014",
    ]
    assert set(sheets["file"]) == {"rsf.xlsx"}
