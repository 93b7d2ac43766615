"""Freedom House adapters: the real FIW, FOTN and FOTP files, detection, and bad inputs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from openpyxl import Workbook

from indicators.paths import embedded_data_dir
from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.base import Adapter, Parsed
from indicators.sources.countries import load_alias_tables
from indicators.sources.freedom_house.adapter import (
    ADAPTERS,
    FreedomInTheWorld,
    FreedomOfThePressTidy,
    FreedomOnTheNet,
    fotn_period,
)
from indicators.sources.reading import SourceFile, TextTable, read_table
from indicators.sources.registry import ADAPTERS as REGISTRY
from indicators.sources.registry import register
from indicators.sources.xlsx import read_xlsx

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FH = DATA / "freedom_house"
FIW = FH / "All_data_FIW_2013-2024.xlsx"
FOTN = FH / "FOTN24_Country_Score_Data.xlsx"
FOTP = FH / "fotp_2001_2014_etachov_tidy.csv"
RSF_2025 = DATA / "rsf" / "2025.csv"
needs_data = pytest.mark.skipif(
    not FH.is_dir(), reason=f"shared publisher data folder {FH} is absent"
)

FIW_HEADER = ["Country/Territory", "Region", "C/T", "Edition", "Status", "PR rating"]
FIW_HEADER += ["CL rating", "PR", "D1", "CL", "Total"]
FIW_ROWS = [
    ["Kazakhstan", "Eurasia", "c", 2024, "NF", 7, 5, 5, 0, 18, 23],
    ["Norway", "Europe", "c", 2024, "F", 1, 1, 40, 4, 60, 100],
    ["Hong Kong", "Asia", "t", 2024, "PF", 6, 4, 9, 2, 32, 41],
]


@pytest.fixture(scope="module", autouse=True)
def registered() -> Iterator[None]:
    """Register the Freedom House adapters for detection, and restore the registry after."""
    saved = list(REGISTRY)
    for adapter in ADAPTERS:
        register(adapter)
    yield
    REGISTRY[:] = saved


def _parse(path: Path) -> Parsed:
    return parse_file(SourceFile.from_path(path))


@pytest.fixture(scope="module")
def fiw() -> Parsed:
    """The FIW workbook parsed through detection."""
    if not FH.is_dir():
        pytest.skip(f"shared publisher data folder {FH} is absent")
    return _parse(FIW)


@pytest.fixture(scope="module")
def fotn() -> Parsed:
    """The FOTN 2024 workbook parsed through detection."""
    if not FH.is_dir():
        pytest.skip(f"shared publisher data folder {FH} is absent")
    return _parse(FOTN)


@pytest.fixture(scope="module")
def fotp() -> Parsed:
    """The tidy FOTP CSV parsed through detection."""
    if not FH.is_dir():
        pytest.skip(f"shared publisher data folder {FH} is absent")
    return _parse(FOTP)


def _workbook(tmp_path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """An FIW-like workbook: title row, header row, data rows, plus a notes sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "FIW13-24"
    ws.append(["Freedom in the World 2013-2024 Raw Data"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.create_sheet("Index").append(["Key"])
    path = tmp_path / "All_data_FIW_test.xlsx"
    wb.save(path)
    return path


def _kaz(frame: pd.DataFrame, index: str) -> pd.DataFrame:
    rows = frame[(frame["iso3"] == "KAZ") & (frame["index"] == index)]
    return rows.set_index("edition_year").sort_index()


def test_fiw_two_series_of_2515_rows(fiw: Parsed) -> None:
    """Each of the 2,515 FIW sheet rows gives one fh_fiw and one fh_fiw_d1 row."""
    assert fiw.adapter == "fh_fiw_xlsx"
    assert fiw.frame["index"].value_counts().to_dict() == {"fh_fiw": 2515, "fh_fiw_d1": 2515}
    assert fiw.rows_read == 2515 and fiw.rejected() == 0 and len(fiw.frame) == 5030
    assert fiw.detected["sheet_rows"] == "2515"
    assert sorted(fiw.frame["edition_year"].unique()) == list(range(2013, 2025))
    assert fiw.frame["rank"].isna().all() and not fiw.frame["tied"].any()


def test_fiw_kazakhstan(fiw: Parsed) -> None:
    """Kazakhstan: Total 26 (2013) to 23 (2024), D1 = 0 in all 12 editions, Not Free."""
    total, d1 = _kaz(fiw.frame, "fh_fiw"), _kaz(fiw.frame, "fh_fiw_d1")
    assert total.loc[2013, "score"] == 26 and total.loc[2024, "score"] == 23
    assert len(d1) == 12 and (d1["score"] == 0).all() and (d1["score_normalised"] == 0).all()
    assert set(total["situation"]) == {"NF"} and set(total["zone"]) == {"Eurasia"}
    latest = total.loc[2024]
    assert (latest["edition"], latest["period_label"]) == ("2024", "2023")
    assert (latest["period_start"], latest["period_end"]) == ("2023-01-01", "2023-12-31")
    assert latest["methodology"] == "fh_fiw_2013" and d1.loc[2024, "methodology"] == "fh_fiw_d1"
    assert latest["citation"] == (
        "Freedom House, Freedom in the World 2024, All data FIW 2013-2024 workbook"
    )


def test_fiw_territories_resolve(fiw: Parsed) -> None:
    """Territories get an ISO code where one exists, else a project X?? code, kind territory."""
    names = fiw.frame.drop_duplicates("source_code").set_index("source_code")
    expected = {
        "Hong Kong": "HKG",
        "Western Sahara": "ESH",
        "Puerto Rico": "PRI",
        "Abkhazia": "XAB",
        "Northern Cyprus": "XNC",
        "Crimea": "XCR",
        "Tibet": "XTB",
        "Gaza Strip": "XGZ",
        "West Bank": "XWB",
        "Indian Kashmir": "XIK",
        "Congo (Kinshasa)": "COD",
        "St. Lucia": "LCA",
        "Kosovo": "XKX",
    }
    assert {n: names.loc[n, "iso3"] for n in expected} == expected
    assert (names.loc[["Hong Kong", "Tibet", "Crimea"], "entity_kind"] == "territory").all()
    assert names["iso3"].is_unique  # no two FH names share a code, so no series is merged
    assert len(names) == 211


def test_fiw_negative_totals_are_kept(fiw: Parsed) -> None:
    """A negative Total (Add Q deductions) is kept as published and normalised to 0."""
    syria = fiw.frame[(fiw.frame["iso3"] == "SYR") & (fiw.frame["index"] == "fh_fiw")]
    negative = syria[syria["score"] < 0].set_index("edition_year")
    assert sorted(negative.index) == [2015, 2016, 2017, 2018]
    assert (negative["score"] == -1).all() and (negative["score_normalised"] == 0).all()
    assert any("5 negative Totals" in note for note in fiw.notes)


def test_fiw_add_a_text_does_not_break_parsing(fiw: Parsed) -> None:
    """The 'N/A' text in Add A (2018 edition on) is present in the file and ignored."""
    sheet = read_xlsx(SourceFile.from_path(FIW), sheet="FIW13-24").frame
    assert (sheet.loc[sheet["Edition"].astype(int) >= 2018, "Add A"] == "N/A").all()
    recent = fiw.frame[fiw.frame["edition_year"] >= 2018]
    assert len(recent) == 2 * 1468 and recent["score"].notna().all()


def test_fotn_2024(fotn: Parsed) -> None:
    """FOTN 2024: 72 countries; Kazakhstan 34, Not Free; June 2023 - May 2024."""
    assert fotn.adapter == "fh_fotn_xlsx" and len(fotn.frame) == 72 == fotn.rows_read
    kaz = _kaz(fotn.frame, "fh_fotn").loc[2024]
    assert (kaz["score"], kaz["score_normalised"], kaz["situation"]) == (34, 34, "NF")
    assert (kaz["period_start"], kaz["period_end"]) == ("2023-06-01", "2024-05-31")
    assert kaz["period_label"] == "Jun 2023 - May 2024" and kaz["methodology"] == "fh_fotn"
    assert any("sub-scores A" in note for note in fotn.notes)


def test_fotn_period_rule() -> None:
    """FOTN editions from 2015 cover June to May; earlier ones are unknown (None)."""
    assert fotn_period(2025) == ("2024-06-01", "2025-05-31", "Jun 2024 - May 2025")
    assert fotn_period(2014) is None


def test_fotp_drops_unrated_rows_and_reports_them(fotp: Parsed) -> None:
    """FOTP: 2,940 rows read; 212 NA scores and 1 placeholder row dropped and reported."""
    assert fotp.adapter == "fh_fotp_tidy_csv"
    assert fotp.rows_read == 2940 and len(fotp.frame) == 2940 - 212 - 1
    assert any(n.startswith("212 rows without a score") for n in fotp.notes)
    assert any("placeholder" in n and "1367" in n for n in fotp.notes)
    assert "derived file" in fotp.detected["note"]
    kosovo = fotp.frame[fotp.frame["iso3"] == "XKX"]
    assert 2009 not in set(kosovo["edition_year"])  # the all-zero placeholder year


def test_fotp_kazakhstan(fotp: Parsed) -> None:
    """Kazakhstan FOTP: 69 (collected 2001) rising to 85 (2013, 2014), Not Free throughout."""
    kaz = _kaz(fotp.frame, "fh_fotp")
    assert list(kaz.index) == list(range(2002, 2016))
    by_collected = kaz.set_index(kaz["period_label"].astype(int))["score"]
    assert by_collected[2001] == 69 and by_collected[2013] == by_collected[2014] == 85
    assert (kaz["score_normalised"] == 100 - kaz["score"]).all()
    assert set(kaz["situation"]) == {"NF"} and set(kaz["score_direction"]) == {"lower_is_freer"}


def test_fotp_reports_inconsistencies_it_keeps(fotp: Parsed) -> None:
    """A status outside its score band and a/b/c not adding up are noted, not dropped."""
    assert any("status does not match" in n and "802" in n for n in fotp.notes)
    assert any("a + b + c" in n and "558, 572" in n for n in fotp.notes)
    salvador = fotp.frame[(fotp.frame["iso3"] == "SLV") & (fotp.frame["edition_year"] == 2004)]
    assert salvador[["score", "situation"]].values.tolist() == [[42, "NF"]]


@pytest.mark.parametrize(
    ("parsed_name", "direction"),
    [("fiw", "higher_is_freer"), ("fotn", "higher_is_freer"), ("fotp", "lower_is_freer")],
)
def test_scores_normalised_and_resolved(
    parsed_name: str, direction: str, request: pytest.FixtureRequest
) -> None:
    """Every row has a country code, a normalised score in [0, 100] and the right direction."""
    frame: pd.DataFrame = request.getfixturevalue(parsed_name).frame
    assert frame["iso3"].str.fullmatch(r"[A-Z]{3}").all() and frame["country"].ne("").all()
    assert frame["score_normalised"].between(0, 100).all()
    assert set(frame["score_direction"]) == {direction}
    free = frame.loc[frame["situation"] == "F", "score_normalised"].median()
    assert free > frame.loc[frame["situation"] == "NF", "score_normalised"].median()


def test_project_codes_do_not_collide() -> None:
    """Codes assigned here for FH territories are neither ISO codes nor used by other tables."""
    folder = embedded_data_dir() / "countries"
    fh = pd.read_csv(folder / "freedom_house.csv", dtype=str, keep_default_na=False)
    assigned = fh[fh["iso3"].str.startswith("X") & fh["display_name"].ne("")]
    assert assigned["iso3"].is_unique and assigned["display_name"].is_unique
    others = load_alias_tables(folder).merge(fh, how="left", indicator=True)
    others = others[others["_merge"] == "left_only"]
    codes = set(assigned["iso3"])
    assert not codes & set(others["iso3"]) and not codes & {"XKX", "XNC", "XCD"}
    assert not codes & {c.alpha_3 for c in pycountry.countries}


def _tables(path: Path) -> list[TextTable]:
    source = SourceFile.from_path(path)
    if path.suffix == ".xlsx":
        from indicators.sources.xlsx import sheet_names

        return [read_xlsx(source, sheet=s) for s in sheet_names(source)]
    return [read_table(source)]


@needs_data
def test_sniff_each_file_picks_one_adapter() -> None:
    """Data sheets sniff 1 only for their own adapter; notes sheets and RSF sniff 0 for all."""
    adapters: list[Adapter] = [FreedomInTheWorld(), FreedomOnTheNet(), FreedomOfThePressTidy()]
    scores = {
        (path.name, t.sheet): [a.sniff(t) for a in adapters]
        for path in (FIW, FOTN, FOTP, RSF_2025)
        for t in _tables(path)
    }
    assert scores == {
        (FIW.name, "Index"): [0, 0, 0],
        (FIW.name, "FIW13-24"): [1, 0, 0],
        (FOTN.name, "FOTN 2024 score data"): [0, 1, 0],
        (FOTN.name, "Understanding our data"): [0, 0, 0],
        (FOTP.name, None): [0, 0, 1],
        (RSF_2025.name, None): [0, 0, 0],
    }


@needs_data
def test_cr_only_line_endings_are_read() -> None:
    """reading.read_table reads the FOTP file's classic-Mac CR-only line endings."""
    data = FOTP.read_bytes()
    assert b"\n" not in data and data.count(b"\r") == 2940
    table = read_table(SourceFile.from_path(FOTP))
    assert table.frame.shape == (2940, 8) and table.row_number(0) == 2


def test_missing_total_column_lists_expected_and_found(tmp_path: Path) -> None:
    """An FIW workbook without Total is detected as FIW and fails naming both column lists."""
    header = FIW_HEADER[:-1]
    path = _workbook(tmp_path, header, [row[:-1] for row in FIW_ROWS])
    with pytest.raises(ValidationFailed) as err:
        _parse(path)
    [problem] = err.value.problems
    assert problem.file == path.name
    assert "expected" in problem.problem and "Total" in problem.problem.split("; found")[0]
    assert "found 'Country/Territory', 'Region', 'C/T'" in problem.problem


def test_non_numeric_total_names_file_row_and_column(tmp_path: Path) -> None:
    """A Total cell that is not a number fails with the file, spreadsheet row and column."""
    rows = [list(r) for r in FIW_ROWS]
    rows[1][-1] = "one hundred"
    path = _workbook(tmp_path, FIW_HEADER, rows)
    with pytest.raises(ValidationFailed) as err:
        _parse(path)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (path.name, 4, "Total")
    assert problem.value == "one hundred" and "not a number" in problem.problem


def test_small_fiw_workbook_parses(tmp_path: Path) -> None:
    """A minimal FIW workbook parses; its territory row is kind territory."""
    parsed = _parse(_workbook(tmp_path, FIW_HEADER, FIW_ROWS))
    assert parsed.adapter == "fh_fiw_xlsx" and len(parsed.frame) == 6
    hk = parsed.frame[parsed.frame["iso3"] == "HKG"]
    assert set(hk["entity_kind"]) == {"territory"} and set(hk["source_row"]) == {5}


def test_total_not_pr_plus_cl_fails(tmp_path: Path) -> None:
    """A Total that is not PR + CL (misaligned columns) fails naming the row."""
    rows = [list(r) for r in FIW_ROWS]
    rows[0][-1] = 24
    with pytest.raises(ValidationFailed) as err:
        _parse(_workbook(tmp_path, FIW_HEADER, rows))
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "Total")]


def test_unknown_country_fails(tmp_path: Path) -> None:
    """A country name that cannot be resolved fails instead of being dropped."""
    rows = [list(r) for r in FIW_ROWS]
    rows[2][0] = "Atlantis"
    with pytest.raises(ValidationFailed) as err:
        _parse(_workbook(tmp_path, FIW_HEADER, rows))
    assert [(p.problem, p.row, p.value) for p in err.value.problems] == [
        ("unknown country", 5, "Atlantis")
    ]


def test_fotp_inverted_scores_fail_the_direction_guard(tmp_path: Path) -> None:
    """FOTP scores running the wrong way (Free scoring high) fail loudly."""
    lines = ["country,year.collected,year.reported,a,b,c,score,status"]
    lines += [f"Norway,{y},{y + 1},30,40,20,90,F" for y in (2010, 2011)]
    lines += [f"Eritrea,{y},{y + 1},1,2,3,6,NF" for y in (2010, 2011)]
    path = tmp_path / "fotp_inverted.csv"
    path.write_bytes("\r".join(lines).encode())
    with pytest.raises(ValidationFailed) as err:
        _parse(path)
    assert "score direction" in err.value.problems[0].problem
