"""The Rankings page's world map and table, in a browser that can reach only the app."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.sources.reading import SourceFile
from tests.browser.conftest import (
    SERVER,
    free_port,
    screenshot,
    share_link_box,
    start_streamlit,
    stop,
)
from tests.browser.test_dashboard import trace_names, wait_for_app
from tests.conftest import shared_file

pytestmark = pytest.mark.browser

MAP = "[data-testid='stPlotlyChart']:has(.choroplethlocation)"
GD = (
    "[...document.querySelectorAll('.js-plotly-plot')]"
    ".find(g => (g.data || []).some(t => t.meta && t.meta.role === 'ranked'))"
)


@pytest.fixture(scope="module")
def world_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a store holding the embedded data and RSF's 2025 and 2026 files (180
    countries each)."""
    store = tmp_path_factory.mktemp("world-store")
    ingest(
        open_default_store(store),
        [SourceFile.from_path(shared_file("rsf", f"{year}.csv")) for year in (2025, 2026)],
        user="seed",
    )
    port = free_port()
    proc = start_streamlit(SERVER, port, {**os.environ, "INDICATORS_STORE": str(store)})
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def _only_the_app(pg: Any, app: str) -> list[str]:
    """Abort every request not addressed to the app's server; return the list of them."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(app) or url.startswith(app.replace("http", "ws", 1)):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    pg.route("**/*", route)
    return blocked


def _open_map(pg: Any, url: str) -> None:
    pg.goto(url)
    wait_for_app(pg)
    pg.locator(MAP).scroll_into_view_if_needed()
    pg.wait_for_function(f"() => {GD}", timeout=60_000)


def _drawn(pg: Any) -> dict[str, int]:
    """Ranked outlines (non-empty paths of the ranked trace) and small-state markers drawn."""
    return pg.evaluate(
        """() => {
          const gd = GD;
          const shapes = gd.data.filter(t => t.type === 'choropleth');
          const ranked = shapes.findIndex(t => t.meta && t.meta.role === 'ranked');
          const layer = gd.querySelectorAll('.choroplethlayer .trace')[ranked];
          const outlines = [...layer.querySelectorAll('path.choroplethlocation')]
            .filter(p => (p.getAttribute('d') || '').length > 10).length;
          const points = gd.querySelectorAll('.scatterlayer path.point').length;
          return {outlines, points, codes: new Set(gd.data.flatMap(t => t.customdata || [])).size};
        }""".replace("= GD;", f"= {GD};")
    )


def test_world_map_draws_180_countries_offline(page: Any, world_url: str) -> None:
    """Edition 2026: the map draws all 180 ranked entities while nothing outside is reachable."""
    blocked = _only_the_app(page, world_url)
    _open_map(page, f"{world_url}/rankings?country=KAZ&map_edition=2026")
    drawn = _drawn(page)
    assert drawn["codes"] == 180
    assert drawn["outlines"] + drawn["points"] == 180, drawn
    assert blocked == [], f"requests outside the app: {blocked}"
    screenshot(page, "rankings-world-map-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    screenshot(page, "rankings-world-map-phone")
    assert blocked == []


def test_clicking_a_country_on_the_map_opens_its_chart(page: Any, world_url: str) -> None:
    """Clicking Norway on the map makes Norway the page's country (URL and its chart)."""
    blocked = _only_the_app(page, world_url)
    _open_map(page, f"{world_url}/rankings?country=KAZ")
    box = page.evaluate(
        """() => {
          const gd = GD;
          const shapes = gd.data.filter(t => t.type === 'choropleth');
          const ranked = shapes.findIndex(t => t.meta && t.meta.role === 'ranked');
          const i = shapes[ranked].locations.indexOf('NOR');
          const path = gd.querySelectorAll('.choroplethlayer .trace')[ranked]
            .querySelectorAll('path.choroplethlocation')[i];
          const b = path.getBoundingClientRect();
          return {x: b.x + b.width * 0.3, y: b.y + b.height * 0.7};
        }""".replace("= GD;", f"= {GD};")
    )
    page.mouse.move(box["x"], box["y"])
    page.mouse.click(box["x"], box["y"])
    page.wait_for_function("() => location.search.includes('country=NOR')", timeout=60_000)
    wait_for_app(page)
    names = trace_names(page, 0)  # the page's own chart now draws Norway
    assert any(n.startswith("Norway") for n in names), names
    assert blocked == []


# The codes of the first rows the table shows (from its accessible copy of the drawn grid).
ROWS = "e => [...e.querySelectorAll('tr')].slice(1, 4).map(r => r.textContent.slice(0, 3))"


def _world_table(pg: Any) -> Any:
    """The table of every country: the one headed "Countries ranked" (the page has others)."""
    header = pg.locator("th").filter(has_text=re.compile(r"^\s*Countries ranked\s*$"))
    return pg.locator("[data-testid='stDataFrame']").filter(has=header).first


def _first_row_is(pg: Any, table: Any, code: str) -> None:
    pg.wait_for_function(
        f"([e, code]) => ({ROWS})(e)[0] === code", arg=[table.element_handle(), code]
    )


def test_table_lists_180_sorts_and_opens_a_country(page: Any, world_url: str) -> None:
    """Edition 2026's table has 180 rows; a click on a header sorts it; picking the first row
    of the sorted table opens that country's chart (not the row's place before sorting)."""
    blocked = _only_the_app(page, world_url)
    _open_map(page, f"{world_url}/rankings?country=KAZ&map_edition=2026")
    table = _world_table(page)
    table.scroll_into_view_if_needed()
    assert table.locator("table").get_attribute("aria-rowcount") == "181"  # header + 180
    assert table.evaluate(ROWS) == ["NOR", "NLD", "EST"]  # by rank
    box = table.locator("canvas").first.bounding_box()
    header = (box["x"] + 48, box["y"] + 17)  # the first column's name, right of row markers
    page.mouse.click(*header)
    _first_row_is(page, table, "AFG")
    assert table.evaluate(ROWS) == ["AFG", "AGO", "ALB"]  # by code, A to Z
    page.mouse.click(*header)
    _first_row_is(page, table, "ZWE")
    assert table.evaluate(ROWS) == ["ZWE", "ZMB", "ZAF"]  # Z to A
    screenshot(page, "rankings-world-table-sorted")
    table.scroll_into_view_if_needed()
    box = table.locator("canvas").first.bounding_box()  # the screenshot may have moved it
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_function("() => location.search.includes('country=ZWE')", timeout=60_000)
    wait_for_app(page)
    names = trace_names(page, 0)
    assert any(n.startswith("Zimbabwe") for n in names), names
    assert blocked == []


def test_edition_change_redraws_map_and_link(page: Any, world_url: str) -> None:
    """Picking edition 2025 redraws the map and the table for 2025 (the section reruns
    alone) and the sidebar's share link then carries map_edition=2025."""
    blocked = _only_the_app(page, world_url)
    _open_map(page, f"{world_url}/rankings?country=KAZ&map_edition=2026")
    assert "map_edition=2026" in share_link_box(page).inner_text()
    page.keyboard.press("Escape")  # close the popover before choosing
    label = page.locator("label").filter(has_text=re.compile(r"^\s*Edition\s*$"))
    page.locator("[data-testid='stSelectbox']").filter(has=label).first.click()
    page.keyboard.type("2025")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => {{ const g = {GD}; return g && g._fullLayout.title.text.includes('2025'); }}",
        timeout=60_000,
    )
    page.wait_for_function("() => location.search.includes('map_edition=2025')")
    wait_for_app(page)
    deadline = time.monotonic() + 60
    while "map_edition=2025" not in share_link_box(page).inner_text():
        assert time.monotonic() < deadline, "the share link never carried map_edition=2025"
        time.sleep(0.5)
    assert _drawn(page)["codes"] == 180
    assert blocked == []
