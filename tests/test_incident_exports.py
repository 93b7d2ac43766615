"""CPJ and U.S. Press Freedom Tracker incident exports: counts, detection, merging, cleaning."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from indicators.pipeline.commit import ingest
from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.base import Parsed, ParseOptions
from indicators.sources.cpj.adapter import ADAPTERS as CPJ_ADAPTERS
from indicators.sources.cpj.adapter import CpjKilled
from indicators.sources.reading import SourceFile, read_table
from indicators.sources.reference import load_reference
from indicators.sources.registry import ADAPTERS as REGISTRY
from indicators.sources.registry import register
from indicators.sources.uspft.adapter import ADAPTERS as USPFT_ADAPTERS
from indicators.sources.uspft.adapter import PressFreedomTracker, plain, source_url
from indicators.store import LocalStore
from tests.conftest import shared_file

CPJ_2020 = "cpj_journalists_killed_1992_2020.csv"
CPJ_2022 = "cpj_journalists_killed_1992_2022_sheet_reexport.csv"
USPFT = "us_press_freedom_tracker_incidents_2020-03.csv"
TEXT_COLUMNS = ["summary", "target_name", "place_as_written", "statute_as_written", "case_stage"]
# SOURCES.md section 3: how many records carry each category (anywhere in the cell).
SOURCES_CATEGORY_COUNTS = {
    "Physical Attack": 123, "Arrest / Criminal Charge": 62, "Subpoena / Legal Order": 62,
    "Denial of Access": 51, "Border Stop": 43, "Equipment Search or Seizure": 43,
    "Chilling Statement": 40, "Equipment Damage": 27, "Prior Restraint": 13, "Leak Case": 8,
}  # fmt: skip


def _path(name: str) -> Path:
    return shared_file("incidents", name)  # shared/data/incidents beside the clone


@pytest.fixture(scope="module", autouse=True)
def registered() -> Iterator[None]:
    """Register the two adapters for detection, and restore the registry after."""
    saved = list(REGISTRY)
    for adapter in [*CPJ_ADAPTERS, *USPFT_ADAPTERS]:
        register(adapter)
    yield
    REGISTRY[:] = saved


@pytest.fixture(scope="module")
def cpj_2020() -> Parsed:
    """The 1992-2020 CPJ export, parsed."""
    return parse_file(SourceFile.from_path(_path(CPJ_2020)))


@pytest.fixture(scope="module")
def cpj_2022() -> Parsed:
    """The 1992-2022 Sheets re-export, parsed."""
    return parse_file(SourceFile.from_path(_path(CPJ_2022)))


@pytest.fixture(scope="module")
def uspft() -> Parsed:
    """The tracker's March 2020 export, parsed."""
    return parse_file(SourceFile.from_path(_path(USPFT)))


def _incidents(parsed: Parsed) -> pd.DataFrame:
    return parsed.frame.drop_duplicates("incident_id")


def _csv(name: str, header: list[str], rows: list[list[str]]) -> SourceFile:
    quote = [",".join(f'"{c}"' if "," in c else c for c in r) for r in [header, *rows]]
    return SourceFile(name, ("\r\n".join(quote) + "\r\n").encode())


def _almaty_city() -> str:
    regions = load_reference().regions
    city = regions[(regions["country"] == "KAZ") & (regions["kind"] == "city")]
    return str(city.loc[city["name_en"] == "Almaty", "code"].item())


def test_detection_picks_each_adapter(cpj_2020: Parsed, cpj_2022: Parsed, uspft: Parsed) -> None:
    """Detection chooses cpj_killed for both CPJ layouts and the tracker adapter for its file."""
    assert (cpj_2020.adapter, cpj_2022.adapter) == ("cpj_killed", "cpj_killed")
    assert uspft.adapter == "us_press_freedom_tracker"
    assert {cpj_2020.kind, cpj_2022.kind, uspft.kind} == {"incidents"}


def test_cpj_2020_has_2033_killings(cpj_2020: Parsed) -> None:
    """All 2,033 rows of the 2020 export become one killing each, none rejected."""
    frame = cpj_2020.frame
    assert (cpj_2020.rows_read, len(frame), frame["incident_id"].nunique()) == (2033, 2033, 2033)
    assert cpj_2020.rejected() == 0
    assert set(frame["incident_type"]) == {"killing"}
    assert set(frame["incident_type_as_written"]) == {"Killed"}
    assert set(frame["date_precision"]) == {"year"}
    assert (frame["year"].min(), frame["year"].max()) == (1992, 2020)
    assert frame["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert set(frame["source_name"]) == {"CPJ"} and set(frame["source_url"]) == {
        "https://cpj.org/data/"
    }
    assert Counter(frame["target_type"]) == {"journalist": 1919, "media worker": 114}


def test_cpj_2020_fields(cpj_2020: Parsed) -> None:
    """Names are stripped, N/A is missing, and CPJ's own country labels are mapped."""
    frame = cpj_2020.frame
    assert not frame["target_name"].str.startswith(" ").any()
    assert "Ahmad [full name unavailable]" in set(frame["target_name"])
    for column in ["case_stage", "summary", "outlet", "place_as_written"]:
        assert not frame[column].fillna("").str.contains("N/A").any()
    assert frame["case_stage"].str.startswith("motive confirmed").sum() == 1369
    assert frame["case_stage"].str.startswith("motive unconfirmed").sum() == 550
    belgrade_1999 = (frame["place_as_written"] == "Belgrade") & (frame["year"] == 1999)
    assert set(frame.loc[belgrade_1999, "country"]) == {"YUG"}
    assert set(frame.loc[frame["place_as_written"] == "Gaza Strip", "country"]) == {"PSE"}
    assert any("'Republic of Congo' read as COG" in n for n in cpj_2020.notes)


def test_cpj_2022_reexport_drops_two_junk_rows(cpj_2022: Parsed) -> None:
    """The re-export has 2,163 real rows; the two rows holding only a gender number are dropped."""
    frame = cpj_2022.frame
    assert cpj_2022.rows_read == 2165
    assert (len(frame), frame["incident_id"].nunique()) == (2163, 2163)
    assert cpj_2022.rejected() == 2
    assert any("2 rows with no name, year or country" in n and "rows 2165, 2166" in n
               for n in cpj_2022.notes)  # fmt: skip
    assert frame["year"].max() == 2022


def test_cpj_kazakhstan_rows_resolve_to_almaty_city(cpj_2020: Parsed, cpj_2022: Parsed) -> None:
    """Kazakhstan killings in Almaty get the Almaty city region code from the reference data."""
    city = _almaty_city()
    kaz20 = cpj_2020.frame[cpj_2020.frame["country"] == "KAZ"]
    assert sorted(zip(kaz20["year"], kaz20["target_name"], strict=True)) == [
        (2004, "Askhat Sharipjanov"),
        (2009, "Gennady Pavlyuk (Ibragim Rustambek)"),
    ]
    kaz22 = cpj_2022.frame[cpj_2022.frame["country"] == "KAZ"]
    assert len(kaz22) == 4
    assert set(kaz20["region_code"]) == set(kaz22["region_code"]) == {city}
    bazarbayev = kaz22[kaz22["target_name"] == "Muratkhan Bazarbayev"].iloc[0]
    assert (bazarbayev["year"], bazarbayev["place_as_written"]) == (2022, "Almaty")
    assert bazarbayev["target_type"] == "media worker"
    assert bazarbayev["case_stage"] is None or pd.isna(bazarbayev["case_stage"])


def test_cpj_ids_depend_only_on_name_year_country(cpj_2020: Parsed, cpj_2022: Parsed) -> None:
    """The same killing gets the same id in both exports, even where CPJ edited other fields."""
    a = cpj_2020.frame.set_index("incident_id")
    b = cpj_2022.frame.set_index("incident_id")
    shared = a.index.intersection(b.index)
    assert len(shared) == 2032  # all but one name re-spelled in 2022 (Wickramatunga)
    assert (a.loc[shared, "target_name"] == b.loc[shared, "target_name"]).all()
    edited = a.loc[shared, "summary"].fillna("") != b.loc[shared, "summary"].fillna("")
    assert edited.any()  # e.g. typeOfDeath changed between exports, yet the id is the same
    assert a.index.str.fullmatch(r"cpj-[0-9a-f]{16}").all()


def test_ingesting_both_cpj_exports_merges_killings(tmp_path: Path) -> None:
    """Ingesting the 2020 then the 2022 export updates the overlap instead of duplicating it."""
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile.from_path(_path(CPJ_2020))], user="test")
    _, version = ingest(store, [SourceFile.from_path(_path(CPJ_2022))], user="test")
    table = store.table("incidents", version.number)
    killings = table["incident_id"].nunique()
    assert 2163 <= killings < 2033 + 2163
    assert killings == 2164  # 2,163 in 2022 plus the one spelled differently in 2020
    assert len(table) == killings


def test_cpj_unknown_country_is_an_error_naming_the_row() -> None:
    """A country name that resolves nowhere stops the file with a problem naming the row."""
    header = ["year", "fullName", "motiveConfirmed", "typeOfDeath", "type", "country", "location"]
    rows = [["2001", "A Person", "Confirmed", "Murder", "Journalist", "Atlantis", "Capital"]]
    table = read_table(_csv("cpj.csv", header, rows))
    with pytest.raises(ValidationFailed) as exc:
        CpjKilled().parse(table, ParseOptions())
    problem = exc.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "country", "Atlantis")


def test_uspft_has_449_records() -> None:
    """Embedded newlines in the HTML body do not split records: exactly 449 rows are read."""
    table = read_table(SourceFile.from_path(_path(USPFT)))
    assert table.frame.shape == (449, 62)
    parsed = PressFreedomTracker().parse(table, ParseOptions())
    assert parsed.frame["incident_id"].nunique() == 449
    assert parsed.rejected() == 0


def test_uspft_text_has_no_html(uspft: Parsed) -> None:
    """No HTML tag, angle bracket or entity reaches the canonical text columns."""
    for column in [*TEXT_COLUMNS, "outlet", "incident_type_as_written"]:
        text = uspft.frame[column].dropna()
        assert not text.str.contains(r"[<>]").any(), column
        assert not text.str.contains(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", flags=re.I).any(), column
    assert plain("<p>The Bee&#x27;s <b>editor</b></p>") == "The Bee's editor"
    assert plain("&lt;script&gt;x&lt;/script&gt;") == "x"
    assert plain("None") is None


def test_uspft_dates_and_fields(uspft: Parsed) -> None:
    """Day-precision dates 2014-08-23..2020-02-26, USA, tracker URLs, no region codes."""
    frame = uspft.frame
    assert (frame["date"].min(), frame["date"].max()) == ("2014-08-23", "2020-02-26")
    assert set(frame["date_precision"]) == {"day"} and set(frame["country"]) == {"USA"}
    assert frame["region_code"].isna().all()
    assert frame["source_url"].str.startswith("https://pressfreedomtracker.us/all-incidents/").all()
    assert set(frame["source_name"]) == {"U.S. Press Freedom Tracker"}
    assert not frame["target_name"].fillna("").str.contains("object (", regex=False).any()
    assert "St. Louis, Missouri (MO)" in set(frame["place_as_written"])
    assert not frame["place_as_written"].fillna("").str.contains("None").any()
    assert any(n.startswith("exact date unknown") for n in uspft.notes)


def test_uspft_charges_stay_unresolved(uspft: Parsed) -> None:
    """Charges are kept as written with no statute key, and listed in the notes, not errors."""
    frame = uspft.frame
    charged = frame[frame["statute_as_written"].notna()]
    assert charged["source_row"].nunique() == 22
    assert charged["statute_key"].isna().all()
    assert "trespassing" in set(charged["statute_as_written"])
    assert any(n.startswith("statute not resolved") for n in uspft.notes)


def test_uspft_categories(uspft: Parsed) -> None:
    """All categories are kept as written (matching SOURCES.md); the type is the first one."""
    incidents = _incidents(uspft)
    written = Counter(
        c.strip() for v in incidents["incident_type_as_written"].dropna() for c in v.split(",")
    )
    assert {k: written[k] for k in SOURCES_CATEGORY_COUNTS} == SOURCES_CATEGORY_COUNTS
    assert written["Other Incident"] == 53
    first = Counter(incidents["incident_type"])
    assert first == {
        "attack": 116, "subpoena": 62 + 13, "detention": 57, "other": 53 + 1, "obstruction": 48,
        "border_stop": 43, "threat": 39, "surveillance": 8, "equipment_damage": 5, "search": 4,
    }  # fmt: skip
    # where every record with the category lists it first, the counts are SOURCES.md's own
    for category, value in [("Border Stop", "border_stop"), ("Leak Case", "surveillance")]:
        assert first[value] == SOURCES_CATEGORY_COUNTS[category]


def test_uspft_empty_categories_cell() -> None:
    """A record with an empty categories cell is an 'other' incident, not an exception."""
    header = ["title", "slug", "categories", "targeted_journalists", "date", "city", "state"]
    header += ["teaser", "targets", "current_charges", "arrest_status", "status_of_charges"]
    rows = [
        ["Pastor threatens paper", "pastor-threatens", "", "", "2019-04-02", "Greenville",
         "South Carolina (SC)", "<p>A &amp; B</p>", "Greenville News", "", "None", "None"],
    ]  # fmt: skip
    parsed = PressFreedomTracker().parse(read_table(_csv("t.csv", header, rows)), ParseOptions())
    row = parsed.frame.iloc[0]
    assert (row["incident_type"], row["summary"]) == ("other", "A & B")
    assert pd.isna(row["incident_type_as_written"]) and pd.isna(row["case_stage"])
    assert row["source_url"] == "https://pressfreedomtracker.us/all-incidents/pastor-threatens/"
    assert source_url("https://x.example/a/") == "https://x.example/a/"
