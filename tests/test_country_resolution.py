"""One country resolution for every source: codes, labels, and labels read from the row.

Every file here is hand-made in tmp_path or in memory (CPJ-like columns, Portuguese headers,
Our World in Data codes); the real CPJ exports are covered by tests/test_incident_exports.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.paths import embedded_data_dir
from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.base import ParseOptions
from indicators.sources.countries import default_index, resolve, resolve_labels
from indicators.sources.cpj.adapter import CpjKilled
from indicators.sources.generic.incidents import IncidentTable
from indicators.sources.reading import SourceFile, read_table
from tests.conftest import shared_file

COMBINED = "Israel and the Occupied Palestinian Territory"
CPJ_HEADER = ["year", "fullName", "motiveConfirmed", "typeOfDeath", "type", "country", "location"]
# Portuguese headers an analyst might give the same killings (a translated CPJ export).
PT_HEADER = ["ano", "nome", "situação", "tipo de morte", "país", "local"]
PT_MAP = {
    "date": "ano",
    "target_name": "nome",
    "incident_type": "situação",
    "country": "país",
    "place": "local",
}


def _write(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> SourceFile:
    path = tmp_path / name
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return SourceFile.from_path(path)


def _cpj_rows(rows: list[tuple[str, str, str]]) -> list[list[str]]:
    return [
        ["2023" if "Israel" in c else "2000", n, "Confirmed", "Crossfire", "Journalist", c, p]
        for n, c, p in rows
    ]


@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        ("OWID_KOS", "XKX"),
        ("OWID_CYN", "XNC"),
        ("owid_kos", "XKX"),
        ("Yugoslavia", "YUG"),
        ("Republic of Congo", "COG"),
        ("Morocco / Western Sahara ", "MAR"),
        ("Serbia-Montenegro", "SCG"),
        ("Federal Republic of Yugoslavia", "YUG"),
        ("Congo (Brazzaville)", "COG"),
    ],
)
def test_one_table_resolves_every_sources_labels(value: str, iso3: str) -> None:
    """OWID codes, RSF's legacy labels, CPJ's and FH's names resolve in the one shared index."""
    entity = resolve(value)
    assert entity is not None and entity.iso3 == iso3


def test_rsf_split_labels_resolve_as_pseudo_entries() -> None:
    """RSF's split-entry labels are flagged pseudo-entries of their country, not refused."""
    entity = resolve("United States (in Irak)")
    assert entity is not None and (entity.iso3, entity.kind) == ("USA", "pseudo")


def test_combined_label_never_resolves_without_its_row() -> None:
    """CPJ's combined label is not a country by itself: the plain lookup does not guess."""
    assert resolve(COMBINED) is None
    [found] = resolve_labels([COMBINED])
    assert found.entity is None and "no place column" in (found.problem or "")


def test_combined_label_is_read_from_the_place() -> None:
    """Gaza and the West Bank read as PSE, a kibbutz near the border as ISR; others listed."""
    places = ["Gaza City", "Shijaiyah, Gaza", "Jenin", "Kfar Aza", "Jerusalem", "", "Gaza, Israel"]
    got = resolve_labels([COMBINED] * len(places), places)
    assert [r.entity.iso3 if r.entity else None for r in got] == [
        "PSE",
        "PSE",
        "PSE",
        "ISR",
        None,
        None,
        None,
    ]
    assert "'Jerusalem' is not listed" in (got[4].problem or "")
    assert "row_dependent/places.csv" in (got[4].fix or "")
    assert "gives no place" in (got[5].problem or "")
    assert "ISR and PSE" in (got[6].problem or "")


def test_unknown_name_is_listed_with_the_fix() -> None:
    """A name nothing resolves says where to add it."""
    [found] = resolve_labels(["Atlantis"])
    assert found.problem == "unknown country"
    assert "data/countries/aliases.csv" in (found.fix or "")


def test_cpj_killing_in_israel_is_israel(tmp_path: Path) -> None:
    """The CPJ adapter reads the combined label by place (it was PSE for every row before)."""
    rows = _cpj_rows([("A", COMBINED, "Kfar Aza"), ("B", COMBINED, "Gaza City")])
    parsed = CpjKilled().parse(
        read_table(_write(tmp_path, "cpj.csv", CPJ_HEADER, rows)), ParseOptions()
    )
    assert parsed.frame.set_index("target_name")["country"].to_dict() == {"A": "ISR", "B": "PSE"}
    assert any("read as ISR from the place (1 rows)" in n for n in parsed.notes)


def test_cpj_unresolvable_place_is_a_problem_naming_the_row(tmp_path: Path) -> None:
    """A combined-label row whose place settles nothing stops the file, naming row and fix."""
    rows = _cpj_rows([("A", "Iraq", "Baghdad"), ("B", COMBINED, "Jerusalem")])
    table = read_table(_write(tmp_path, "cpj.csv", CPJ_HEADER, rows))
    with pytest.raises(ValidationFailed) as exc:
        CpjKilled().parse(table, ParseOptions())
    [problem] = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "country", COMBINED)
    assert "Jerusalem" in problem.problem and "places.csv" in problem.fix


def test_portuguese_cpj_export_read_as_incidents(tmp_path: Path) -> None:
    """A CPJ export with Portuguese headers and --kind incidents keeps CPJ's own labels."""
    rows = [
        ["1999", "Pessoa A", "Killed", "Crossfire", "Yugoslavia", "Belgrade"],
        ["2001", "Pessoa B", "Killed", "Murder", "Republic of Congo", "Brazzaville"],
        ["2002", "Pessoa C", "Killed", "Crossfire", COMBINED, "Ramallah"],
        ["2023", "Pessoa D", "Killed", "Crossfire", COMBINED, "Be'eri"],
        ["2004", "Pessoa E", "Killed", "Murder", "OWID_KOS", "Pristina"],
    ]
    source = _write(tmp_path, "cpj_pt.csv", PT_HEADER, rows)
    options = ParseOptions(kind="incidents", adapter="incidents_table", mapping=PT_MAP)
    parsed = parse_file(source, options)
    countries = parsed.frame.set_index("target_name")["country"].to_dict()
    assert countries == {
        "Pessoa A": "YUG",
        "Pessoa B": "COG",
        "Pessoa C": "PSE",
        "Pessoa D": "ISR",
        "Pessoa E": "XKX",
    }


def test_portuguese_export_without_place_lists_the_combined_rows(tmp_path: Path) -> None:
    """Without a place column the combined label is listed, row by row, with the fix."""
    rows = [["2002", "Pessoa C", "Killed", "Crossfire", COMBINED, "Ramallah"]]
    source = _write(tmp_path, "cpj_pt.csv", PT_HEADER, rows)
    mapping = {k: v for k, v in PT_MAP.items() if k != "place"}
    with pytest.raises(ValidationFailed) as exc:
        parse_file(
            source, ParseOptions(kind="incidents", adapter="incidents_table", mapping=mapping)
        )
    [problem] = exc.value.problems
    assert problem.row == 2 and "--map place=" in problem.fix


def test_incident_file_unknown_country_names_the_fix(tmp_path: Path) -> None:
    """The incident adapter's unknown country problem says to add the name to aliases.csv."""
    header = ["date", "incident_type", "target_name", "country"]
    table = read_table(
        _write(tmp_path, "inc.csv", header, [["2024-01-02", "attack", "X", "Narnia"]])
    )
    with pytest.raises(ValidationFailed) as exc:
        IncidentTable().parse(table, ParseOptions())
    [problem] = exc.value.problems
    assert (problem.problem, problem.value) == ("unknown country", "Narnia")
    assert "data/countries/aliases.csv" in problem.fix


def test_every_table_row_cites_a_source() -> None:
    """Each alias, row-dependent label and place row names where it comes from."""
    folder = embedded_data_dir() / "countries"
    paths = [*folder.glob("*.csv"), *(folder / "row_dependent").glob("*.csv")]
    assert len(paths) >= 6
    for path in paths:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert frame["source"].str.strip().ne("").all(), path.name


def test_places_name_one_of_their_labels_candidates() -> None:
    """A place maps its label to one of the countries the label can mean."""
    index = default_index()
    rule = index.row_label(COMBINED)
    assert rule is not None and set(rule.candidates) == {"ISR", "PSE"}
    assert set(rule.places.values()) == {"ISR", "PSE"}
    assert "jerusalem" not in rule.places  # contested: listed for a person to decide, not guessed


def test_owid_codes_read_in_a_rankings_file(tmp_path: Path) -> None:
    """An Our World in Data style table (Entity, Code) keeps Kosovo and Northern Cyprus."""
    rows = [
        ["Kosovo", "OWID_KOS", "2022", "61", "70.2"],
        ["Northern Cyprus", "OWID_CYN", "2022", "70", "65.0"],
        ["Norway", "NOR", "2022", "1", "92.6"],
    ]
    source = _write(tmp_path, "owid.csv", ["Entity", "Code", "Year", "Rank", "Score"], rows)
    parsed = parse_file(source, ParseOptions(kind="rankings"))
    assert parsed.frame["iso3"].tolist() == ["XKX", "XNC", "NOR"]
    assert parsed.frame["source_code"].tolist()[:2] == ["OWID_KOS", "OWID_CYN"]


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("cpj_journalists_killed_1992_2020.csv", 23),
        ("cpj_journalists_killed_1992_2022_sheet_reexport.csv", 25),
    ],
)
def test_real_cpj_combined_label_rows_read_from_their_place(name: str, rows: int) -> None:
    """In CPJ's own exports (to 2022) every combined-label row is in Gaza or the West Bank."""
    path = shared_file("incidents", name)
    frame = pd.read_csv(path, dtype=str)
    combined = frame[frame["country"] == COMBINED]
    got = resolve_labels(combined["country"].tolist(), combined["location"].tolist())
    assert len(got) == rows
    assert {r.entity.iso3 if r.entity else r.problem for r in got} == {"PSE"}


def test_place_quoted_in_a_problem_is_short_and_on_one_line() -> None:
    """A hostile place (long, with line breaks) is quoted clipped and on one line."""
    place = "Nowhere\n" + "x" * 5000
    [found] = resolve_labels([COMBINED], [place])
    assert found.entity is None and found.problem and found.fix
    assert "\n" not in found.problem + found.fix
    assert len(found.problem) < 200 and len(found.fix) < 300
