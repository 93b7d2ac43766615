"""Reference tables: they load, they are sound, and another country's rows are picked up as data."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from indicators.paths import embedded_data_dir
from indicators.sources.normalisers import resolve_place, resolve_statutes
from indicators.sources.reference import CATEGORIES, check_reference, load_reference

FOLDER = embedded_data_dir() / "reference"


def test_tables_load() -> None:
    """The four shipped tables load, with the required columns and the Kazakhstan rows."""
    ref = load_reference()
    assert set(ref.statute_codes["code"]) >= {"CC1997", "CC2014", "AC2014"}
    assert {"KAZ-CC2014-274", "KAZ-AC2014-73-3", "KAZ-CC1997-129"} <= set(ref.statutes["key"])
    assert len(ref.regions[ref.regions["valid_to"] == ""]) == 20
    assert {"Semey", "Shymkent", "Medeu district"} <= set(ref.places["place"])


def test_shipped_tables_have_no_problems() -> None:
    """check_reference finds nothing wrong in the shipped tables."""
    assert check_reference(load_reference()) == []


def test_every_row_cites_a_source() -> None:
    """Every row of every table has a non-empty source."""
    ref = load_reference()
    for frame in (ref.statute_codes, ref.statutes, ref.regions, ref.places):
        assert (frame["source"] != "").all()


def test_current_regions_match_iso_3166_2() -> None:
    """The regions in force today are exactly ISO 3166-2:KZ's 20 units."""
    pycountry = pytest.importorskip("pycountry")
    iso = {s.code for s in pycountry.subdivisions.get(country_code="KZ")}
    ref = load_reference()
    assert set(ref.regions.loc[ref.regions["valid_to"] == "", "code"]) == iso


def test_readme_documents_every_category() -> None:
    """data/reference/README.md names every category of the vocabulary."""
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for category in CATEGORIES:
        assert f"`{category}`" in readme


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(FOLDER, target)
    return target


def test_extra_country_files_are_picked_up(tmp_path: Path) -> None:
    """A dropped-in statutes_xyz.csv (and friends) is read and used with no code change."""
    folder = _copy(tmp_path)
    (folder / "statute_codes_xyz.csv").write_text(
        "country,code,name_en,abbreviations,adopted,valid_from,valid_to,default_for_bare_numbers,source\n"
        "XYZ,CC2021,Criminal Code of Xyz,CC|Criminal Code|УК,2021-01-01,2021-07-01,,yes,test\n",
        encoding="utf-8",
    )
    (folder / "statutes_xyz.csv").write_text(
        "key,country,code,article,title_en,category,valid_from,keywords,source\n"
        "XYZ-CC2021-330,XYZ,CC2021,330,false rumours,false_information,2021-07-01,false rumours,test\n",
        encoding="utf-8",
    )
    (folder / "regions_xyz.csv").write_text(
        "code,country,kind,name_en,aliases,source\nXY-01,XYZ,city,Capital,Capital City|Столица,test\n",
        encoding="utf-8",
    )
    ref = load_reference(folder)
    assert check_reference(ref) == []
    assert "XYZ-CC2021-330" in set(ref.statutes["key"])
    (match,) = resolve_statutes("ст. 330 УК", "XYZ", date(2024, 1, 1), ref)
    assert match.key == "XYZ-CC2021-330"
    assert resolve_place("Столица", "XYZ", None, ref).code == "XY-01"
    assert resolve_statutes("ст. 274 УК", "KAZ", date(2024, 1, 1), ref)[0].key == "KAZ-CC2014-274"


def test_problems_are_reported_together(tmp_path: Path) -> None:
    """Bad rows give one sentence each: unknown category, missing successor, dates, region."""
    folder = _copy(tmp_path)
    (folder / "statutes_bad.csv").write_text(
        "key,country,code,article,category,valid_from,valid_to,successor_key,source\n"
        "KAZ-CC2014-1,KAZ,CC2014,1,gossip,2020-01-01,2019-01-01,KAZ-NOPE-1,test\n"
        "KAZ-CC2014-274,KAZ,CC2014,274,false_information,,,,\n",
        encoding="utf-8",
    )
    (folder / "places_bad.csv").write_text(
        "place,country,region_code,source\nNowhere,KAZ,KZ-99,test\n", encoding="utf-8"
    )
    problems = "\n".join(check_reference(load_reference(folder)))
    for expected in (
        "category 'gossip'",
        "successor_key 'KAZ-NOPE-1'",
        "valid_from 2020-01-01 is after valid_to 2019-01-01",
        "statute key 'KAZ-CC2014-274' appears more than once",
        "statutes_bad.csv line 3: source is empty",
        "region_code 'KZ-99'",
    ):
        assert expected in problems


def test_default_load_is_cached() -> None:
    """load_reference() with no folder returns the same cached object."""
    assert load_reference() is load_reference()
