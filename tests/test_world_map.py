"""The rankings world map and table: shipped geometry, the edition table, the figure, the page."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.present.world_map import (
    GEOMETRY,
    PUBLISHED_SITUATIONS,
    SITUATIONS,
    drawn_countries,
    edition_table,
    situation_label,
    world_map_figure,
)
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


def _rankings(tmp_path: Path, *years: str) -> pd.DataFrame:
    store = LocalStore(tmp_path / "store")
    for year in years:
        ingest(store, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user="seed")
    return store.table("rankings")


def _build_script() -> Any:
    spec = importlib.util.spec_from_file_location("bwg", ROOT / "scripts/build_world_geometry.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_geometry_is_small_and_keyed_by_project_codes() -> None:
    """The shipped world file is under 1 MB, keyed by the project's codes (XKX, XNC, FRA, NOR)."""
    assert GEOMETRY.stat().st_size < 1_000_000
    features = json.loads(GEOMETRY.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["iso3"] for f in features]
    assert len(codes) == len(set(codes))
    assert {"XKX", "XNC", "FRA", "NOR", "KAZ", "SGP", "XCD"} <= set(codes)
    assert "-99" not in codes and "ATA" not in codes and "KOS" not in codes
    assert all(set(f["properties"]) <= {"iso3", "name", "small", "capital"} for f in features)
    assert (ROOT / "data/geo/SOURCE.md").read_text().count("public domain") >= 1


def test_small_states_are_natural_earths_capitals() -> None:
    """The dots are Natural Earth's own capitals (each named), cited with the copy's commit."""
    features = json.loads(GEOMETRY.read_text(encoding="utf-8"))["features"]
    small = {f["id"]: f for f in features if f["properties"].get("small")}
    assert {"AND", "BHR", "HKG", "LIE", "MLT", "SGP", "TON", "XCD", "VAT", "MCO"} <= set(small)
    assert all(f["geometry"]["type"] == "Point" for f in small.values())
    assert all(f["geometry"]["type"] != "Point" for f in features if f["id"] not in small)
    capitals = {code: f["properties"]["capital"] for code, f in small.items()}
    assert capitals["LIE"] == "Vaduz" and capitals["MLT"] == "Valletta"
    assert capitals["XCD"] == capitals["LCA"] == "Castries"  # the OECS Commission's seat
    assert small["SGP"]["geometry"]["coordinates"] == [103.85, 1.29]  # NE's, not hand-entered
    source = (ROOT / "data/geo/SOURCE.md").read_text()
    assert "ne_110m_populated_places" in source
    assert "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e" in source
    assert "f52bfdc4e857ce8744c5b861eaf6b36ad145d662a59c26f1cb0634ef420e1c79" in source
    assert "SMALL" not in vars(_build_script())  # no hand-entered positions left


def test_build_script_maps_minus_99_and_rounds() -> None:
    """The rebuild uses ADM0_A3 where ISO_A3 is -99, Kosovo as XKX, rounds, drops specks."""
    module = _build_script()
    ring = [[2.123456, 48.98765], [2.124, 48.988], [3.0, 49.0], [3.0, 48.0], [2.123456, 48.98765]]
    speck = [[130.781, 42.221], [130.782, 42.222], [130.781, 42.221], [130.781, 42.221]]
    original = {
        "features": [
            {
                "properties": {"ISO_A3": "-99", "ADM0_A3": code, "NAME": name},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring], [speck]]},
            }
            for code, name in (("FRA", "France"), ("KOS", "Kosovo"), ("ATA", "Antarctica"))
        ]
    }
    out = module.reduce(original, PLACES)
    outlines = [f for f in out["features"] if f["geometry"]["type"] == "Polygon"]
    assert [f["id"] for f in outlines] == ["FRA", "XKX"]
    # the repeated point goes, and the speck that rounds to one point (it broke plotly) too
    square = [[2.12, 48.99], [3.0, 49.0], [3.0, 48.0], [2.12, 48.99]]
    assert outlines[0]["geometry"]["coordinates"] == [square]
    points = {f["id"]: f for f in out["features"] if f["geometry"]["type"] == "Point"}
    # capitals of states without an outline; the OECS at Castries; other places ignored
    assert set(points) == {"LIE", "LCA", "XCD"}
    assert points["LIE"]["geometry"]["coordinates"] == [9.52, 47.13]
    assert points["LIE"]["properties"] == {
        "iso3": "LIE",
        "name": "Liechtenstein",
        "capital": "Vaduz",
        "small": True,
    }
    assert points["XCD"]["geometry"] == points["LCA"]["geometry"]
    assert points["XCD"]["properties"]["name"] == "Organisation of Eastern Caribbean States"


def _place(code: str, state: str, name: str, kind: str, lon: float, lat: float) -> dict[str, Any]:
    """A feature of Natural Earth's populated places with the attributes the script reads."""
    properties = {"ADM0_A3": code, "ADM0NAME": state, "NAME": name, "FEATURECLA": kind}
    return {"properties": properties, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


PLACES = {
    "features": [
        _place("FRA", "France", "Paris", "Admin-0 capital", 2.35, 48.86),  # outlined: no dot
        _place("LIE", "Liechtenstein", "Vaduz", "Admin-0 capital", 9.516669, 47.133723),
        _place("LIE", "Liechtenstein", "Schaan", "Populated place", 9.5, 47.17),  # no capital
        _place("LCA", "Saint Lucia", "Castries", "Admin-0 capital", -61.000008, 14.001973),
        _place("SGP", "Singapore", "Singapore", "Admin-1 capital", 103.85, 1.29),  # no state's
    ]
}


def test_edition_table_2026_has_every_country(tmp_path: Path) -> None:
    """RSF 2026's table: 180 countries, ranks 1-180 in order, Kazakhstan 149th, sub-indicators."""
    table = edition_table(_rankings(tmp_path, "2025", "2026"), "rsf_wpfi", "2026")
    assert len(table) == 180 and table["iso3"].is_unique
    assert list(table["rank"]) == sorted(table["rank"]) and table["rank"].iloc[0] == 1
    kaz = table.set_index("iso3").loc["KAZ"]
    assert (kaz["rank"], kaz["n_ranked"], kaz["score"]) == (149, 180, 34.41)
    assert {"safety_score", "political_rank"} <= set(table.columns)
    assert table["change"].notna().sum() > 170  # 2025 is loaded: computed change
    assert set(table["situation_label"]) == set(SITUATIONS)


def test_edition_table_without_sub_indicators(tmp_path: Path) -> None:
    """An edition before 2022 has no sub-indicator columns and RSF's 2013-2021 bands."""
    table = edition_table(_rankings(tmp_path, "2015"), "rsf_wpfi", "2015")
    assert len(table) == 180
    assert not any(c.endswith(("_score", "_rank")) for c in table.columns if c != "score")
    finland = table.set_index("iso3").loc["FIN"]
    assert finland["score"] == 7.52 and finland["situation_label"] == "Good"


def test_situation_from_score_matches_what_rsf_published(tmp_path: Path) -> None:
    """For RSF 2024 (the edition that prints its category) the bands give RSF's own category."""
    rankings = _rankings(tmp_path, "2024")
    rows = rankings[rankings["edition"] == "2024"]
    published = rows["situation"].str.lower().map(PUBLISHED_SITUATIONS)
    derived = [situation_label(r.drop("situation")) for _, r in rows.iterrows()]
    assert published.notna().all() and list(published) == derived


@given(st.floats(0, 100), st.floats(0, 100))
def test_a_higher_score_is_never_a_worse_situation(a: float, b: float) -> None:
    """RSF 2022 bands: a higher score never falls in a worse category (and 2013-2021 likewise)."""
    low, high = sorted((a, b))
    for method, key, better in (
        ("rsf_2022", "score", high),
        ("rsf_2013_2021", "score_as_printed", low),
    ):
        worse = low if better == high else high
        best = situation_label(pd.Series({"methodology": method, key: better}))
        other = situation_label(pd.Series({"methodology": method, key: worse}))
        assert SITUATIONS.index(str(best)) <= SITUATIONS.index(str(other))


def test_map_draws_every_ranked_country(tmp_path: Path) -> None:
    """The 2026 map draws all 180 (outlines or markers), grey for the unranked, no base map."""
    table = edition_table(_rankings(tmp_path, "2026"), "rsf_wpfi", "2026")
    fig = world_map_figure(table, "2026", "situation")
    assert drawn_countries(fig) == set(table["iso3"])
    assert fig.layout.geo.visible is False
    assert fig.data[0].type == "scattergeo" and fig.data[0].locationmode is None  # no CDN fetch
    unranked = next(t for t in fig.data if t.meta["role"] == "unranked")
    assert "GRL" in unranked.locations and not set(unranked.locations) & set(table["iso3"])
    ranked = next(t for t in fig.data if t.meta["role"] == "ranked")
    kaz = list(ranked.locations).index("KAZ")
    assert ranked.z[kaz] == SITUATIONS.index("Very serious")
    assert "149 of 180" in ranked.hovertext[kaz]
    bar = fig.layout.coloraxis.colorbar  # under the map, so a phone keeps the map's width
    assert bar.orientation == "h" and bar.y <= 0 and list(bar.ticktext) == SITUATIONS


def test_map_text_from_data_is_escaped() -> None:
    """A country name with markup is shown as text in the map's hover."""
    table = pd.DataFrame(
        {
            "iso3": ["KAZ"],
            "country": ["<a href='x'>K</a> $x$"],
            "rank": pd.array([149], dtype="Int64"),
            "n_ranked": pd.array([180], dtype="Int64"),
            "position": [17.3],
            "score": [34.41],
            "score_normalised": [34.41],
            "change": pd.array([None], dtype="Int64"),
            "situation_label": ["Very serious"],
        }
    )
    fig = world_map_figure(table, "<b>2026", "score")
    hover = next(t for t in fig.data if t.meta["role"] == "ranked").hovertext[0]
    assert "<a" not in hover and "&lt;a href" in hover and "&lt;b&gt;2026" in hover
    assert "$" not in hover


@pytest.fixture
def store_2026(isolated_default_store: Path) -> Path:
    """The app's default store: embedded data plus RSF's 2026 file (180 countries)."""
    store = open_default_store(isolated_default_store)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2026.csv"))], user="seed")
    return isolated_default_store


def _rankings_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/rankings.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _map(at: AppTest) -> dict[str, Any]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if "geo" in s["layout"])


def test_rankings_page_shows_map_and_table_for_2026(store_2026: Path) -> None:
    """Rankings page: the 2026 map draws 180 countries and the table lists 180 rows."""
    at = _rankings_page()
    spec = _map(at)
    drawn = {c for t in spec["data"] if t.get("customdata") for c in t["customdata"]}
    assert len(drawn) == 180
    assert spec["layout"]["geo"]["visible"] is False
    tables = [d.value for d in at.dataframe]
    world = next(t for t in tables if len(t) == 180)
    assert {"Rank (as published)", "Countries ranked", "Situation"} <= set(world.columns)


def test_rankings_page_keeps_edition_and_colour_in_url(store_2026: Path) -> None:
    """The edition and colouring come from the URL and the map follows them."""
    at = _rankings_page(map_edition="2025", map_colour="situation")
    spec = _map(at)
    assert (
        "2025" in spec["layout"]["title"]["text"] and "Situation" in spec["layout"]["title"]["text"]
    )
    assert at.query_params["map_edition"] == ["2025"] or at.query_params["map_edition"] == "2025"


def _share_link(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.get("code"))


def test_edition_change_redraws_map_table_url_and_link(store_2026: Path) -> None:
    """Picking another edition (the section reruns alone, then the page once): the map and
    the table show it, and the URL and the sidebar's share link carry it."""
    ingest(
        open_default_store(store_2026),
        [SourceFile.from_path(shared_file("rsf", "2025.csv"))],
        user="seed",
    )
    at = _rankings_page(map_edition="2026")
    assert "map_edition=2026" in _share_link(at)
    next(s for s in at.selectbox if s.label == "Edition").set_value("2025").run()
    assert not at.exception, at.exception
    assert "2025" in _map(at)["layout"]["title"]["text"]
    world = next(d.value for d in at.dataframe if len(d.value) == 180)
    norway = world.set_index("Code").loc["NOR"]
    assert norway["Score (as published)"] == 92.31  # RSF 2025's, not 2026's 92.72
    assert at.query_params["map_edition"] in (["2025"], "2025")
    assert "map_edition=2025" in _share_link(at)
