"""The benchmark of the Rankings map and table (``make bench``, figure 7) and its parts.

The bare page must draw the very figure and table the app draws (else the ratio compares
different work), the editions it visits must each hold a full map, and the budget is the
stated one. The timing itself runs in Chromium (``--only world``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks import world_bench
from benchmarks.run import PARTS, main
from indicators.present.world_map import edition_table
from tests.conftest import SHARED_DATA, shared_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The benchmark's store (embedded data and every RSF edition) and the bare page's tables."""
    shared_file("rsf", "2026.csv")
    folder = tmp_path_factory.mktemp("bench-world")
    store = world_bench.world_store(folder / "store", SHARED_DATA)
    assert store is not None
    tables = folder / "tables"
    tables.mkdir()
    return store, tables, world_bench.edition_tables(store, tables)


def test_the_newest_full_editions_are_visited(world: tuple[Path, Path, list[str]]) -> None:
    _store, tables, editions = world
    assert editions == ["2026", "2025", "2024", "2023"]
    assert sorted(p.stem for p in tables.iterdir()) == sorted(editions)
    assert world_bench.order(editions, "2026") == ["2025", "2024", "2023", "2026"]


def _spec(at: AppTest) -> dict[str, Any]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if "geo" in s["layout"])


def test_bare_page_draws_the_apps_figure_and_table(
    world: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bare page's map is the app's map (same traces, geometry, values, layout) and its
    table the app's table, for the edition the page opens on and after a change."""
    store, tables, _editions = world
    monkeypatch.setenv("BENCH_WORLD_TABLES", str(tables))
    bare = AppTest.from_file(str(ROOT / "benchmarks" / "bare_map_app.py"), default_timeout=60)
    bare.run()
    assert not bare.exception
    monkeypatch.setenv("INDICATORS_STORE", str(store))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["country"] = "KAZ"
    app.run()
    app.switch_page("app_pages/rankings.py").run()
    assert not app.exception
    for edition in ("2026", "2024"):
        if edition != "2026":
            for at in (bare, app):
                next(s for s in at.selectbox if s.label == "Edition").set_value(edition).run()
        ours, theirs = _spec(app), _spec(bare)
        assert ours["data"] == theirs["data"] and ours["layout"] == theirs["layout"]
        assert edition in ours["layout"]["title"]["text"]
        [table] = [d.value for d in bare.dataframe]
        world_table = next(d.value for d in app.dataframe if len(d.value) == 180)
        assert table.equals(world_table) and len(table) == 180


def test_the_tables_are_the_apps(world: tuple[Path, Path, list[str]]) -> None:
    import pandas as pd

    from indicators.store import LocalStore

    store, tables, _editions = world
    rankings = LocalStore(store).table("rankings")
    written = pd.read_parquet(tables / "2025.parquet")
    pd.testing.assert_frame_equal(written, edition_table(rankings, "rsf_wpfi", "2025"))


def test_budget_is_the_median_within_1_5x_the_bare_page() -> None:
    found = {
        "app": ([0.30] * 10 + [0.9], [0.60] * 11),
        "bare": ([0.21] * 11, [0.39] * 11),
    }
    figures = world_bench.figures(found)
    names = [f.name for f in figures]
    assert names == [
        "Chromium: Rankings edition change -> world map drawn, median (n=11)",
        "Chromium: Rankings edition change -> world map drawn, p95 (n=11)",
        "Chromium: Rankings edition change -> table of every country drawn, median (n=11)",
        "Chromium: Rankings edition change -> table of every country drawn, p95 (n=11)",
    ]
    map_median, map_p95, table_median, table_p95 = figures
    assert map_median.budget == "<= 1.5x bare" and map_median.holds  # 0.30 / 0.21 = 1.43
    assert not table_median.holds  # 0.60 / 0.39 = 1.54
    assert map_p95.holds is None and map_p95.value == pytest.approx(0.6)
    assert table_p95.baseline_value == pytest.approx(0.39)


def test_only_runs_the_parts_asked_for(tmp_path: Path) -> None:
    """``--only rsf`` measures the RSF ingest alone; an unknown part is refused."""
    assert "world" in PARTS
    shared_file("rsf", "2026.csv")
    assert main(["--only", "rsf", "--quick", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["parts"] == ["rsf"]
    assert [f["name"] for f in report["figures"]] == [
        "ingest all 24 RSF editions (with validation)"
    ]
    with pytest.raises(SystemExit, match="unknown part"):
        main(["--only", "maps", "--out", str(tmp_path)])
    assert main(["--only", "world", "--skip-browser", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "report.json").read_text())["figures"] == []
