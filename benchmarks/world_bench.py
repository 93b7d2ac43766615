"""Chromium: the Rankings page's world map and table redrawn on a change of edition.

The app runs on a temporary store holding the embedded data and every RSF edition (180
countries an edition); the baseline is ``bare_map_app.py``, a bare page that draws the same
figure and the same table from the same edition tables. Both are started the same way and
opened at 1280 x 1600 px, so the map and the table are on screen.

One change: click the "Edition" select box, type the edition, press Enter. Times run, in the
page, from the Enter key (``performance.now()`` in a keydown listener) to the first animation
frame at which

* **map**: the page's geo figure shows other data (title and the colour values of its traces)
  and its outlines are drawn (``path.choroplethlocation`` elements exist);
* **table**: the table of every country (the one headed "Countries ranked") shows other rows
  (its first rows' text) and its canvas is laid out.

Between two changes the run is let finish. The newest editions are visited in turn (each
has 180 countries and the sub-indicator columns, so every table has the same shape), one
change on the app and one on the bare page alternately, both pages open all along.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.core import Figure, percentile, shown
from benchmarks.server import APP

BARE_MAP_APP = Path(__file__).resolve().parent / "bare_map_app.py"

EDITIONS = 4  # the newest editions, visited in turn
VIEWPORT = {"width": 1280, "height": 1600}
MAP_SIGNATURE = """() => {
  const g = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.geo);
  if (!g || !g._fullData) return null;
  const z = t => (t.z ? Array.from(t.z).join(',') : (t.marker && t.marker.color || '') + '');
  const title = (g._fullLayout.title && g._fullLayout.title.text) || '';
  return JSON.stringify([title, g._fullData.map(t => [t.type, (t.locations || []).length, z(t)])]);
}"""
MAP_DRAWN = """() => {
  const g = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.geo);
  return !!(g && g.querySelector('.geolayer path.choroplethlocation'));
}"""
# The table of every country: the one whose header has "Countries ranked" (the app's page has
# other tables; the old one may be gone while the run replaces it).
WORLD_TABLE = """(() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .find(t => [...t.querySelectorAll('th')].some(h => h.textContent.trim() === 'Countries ranked')))"""
TABLE_SIGNATURE = f"""() => {{
  const t = {WORLD_TABLE}();
  if (!t) return null;
  const rows = [...t.querySelectorAll('tr')].slice(1, 4).map(r => r.textContent);
  return rows.length ? rows.join('|') : null;
}}"""
TABLE_DRAWN = f"""() => {{
  const t = {WORLD_TABLE}();
  const c = t && t.querySelector('canvas');
  return !!(c && c.width > 0 && c.getBoundingClientRect().height > 0);
}}"""
# Installed before each change: records when the map and the table are first new and drawn.
WATCH = f"""([mapBefore, tableBefore]) => {{
  const mapSig = {MAP_SIGNATURE}, mapDrawn = {MAP_DRAWN};
  const tableSig = {TABLE_SIGNATURE}, tableDrawn = {TABLE_DRAWN};
  if (window.__worldBenchStop) window.__worldBenchStop();
  const state = window.__worldBench = {{t0: null, map: null, table: null}};
  const enter = e => {{
    if (e.key === 'Enter' && state.t0 === null) state.t0 = performance.now();
  }};
  document.addEventListener('keydown', enter, {{capture: true}});
  window.__worldBenchStop = () => document.removeEventListener('keydown', enter, {{capture: true}});
  const tick = () => {{
    if (state.t0 !== null) {{
      const now = performance.now();
      if (state.map === null) {{
        const s = mapSig();
        if (s !== null && s !== mapBefore && mapDrawn()) state.map = now - state.t0;
      }}
      if (state.table === null) {{
        const s = tableSig();
        if (s !== null && s !== tableBefore && tableDrawn()) state.table = now - state.t0;
      }}
    }}
    if (state.map === null || state.table === null) requestAnimationFrame(tick);
  }};
  requestAnimationFrame(tick);
}}"""
DONE = "() => window.__worldBench && window.__worldBench.map !== null && window.__worldBench.table !== null"


def world_store(folder: Path, shared: Path) -> Path | None:
    """A temporary store: the embedded data and every RSF edition (None without RSF's files)."""
    from indicators.pipeline.commit import ingest
    from indicators.pipeline.embedded import open_default_store
    from indicators.sources.reading import SourceFile

    paths = sorted((shared / "rsf").glob("*.csv"))
    if not paths:
        return None
    store = open_default_store(folder)
    sources = [SourceFile.from_path(p) for p in paths]
    ingest(store, sources, user="benchmark", message="benchmark: every RSF edition")
    return folder


def edition_tables(store: Path, folder: Path) -> list[str]:
    """Write the newest editions' tables (as the app makes them) for the bare page; their names.

    Only editions of 180 countries or more are kept, so every change draws a full map.
    """
    from indicators.present.world_map import edition_table, editions
    from indicators.store import LocalStore

    rankings = LocalStore(store).table("rankings")
    kept: list[str] = []
    for edition in editions(rankings, "rsf_wpfi"):
        table = edition_table(rankings, "rsf_wpfi", edition)
        if len(table) >= 180:
            table.to_parquet(folder / f"{edition}.parquet")
            kept.append(edition)
        if len(kept) == EDITIONS:
            break
    return kept


def wait_drawn(page: Any) -> None:
    """Wait until the run is over and the map and the table are drawn."""
    from benchmarks.browser import IDLE, TIMEOUT_MS

    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(MAP_DRAWN, polling="raf", timeout=TIMEOUT_MS)
    page.wait_for_function(TABLE_DRAWN, polling="raf", timeout=TIMEOUT_MS)


def edition_box(page: Any) -> Any:
    """The "Edition" select box of the page (scrolled into view, with the map and table)."""
    label = page.locator("label").filter(has_text=re.compile(r"^\s*Edition\s*$"))
    box = page.locator("[data-testid='stSelectbox']").filter(has=label).first
    box.scroll_into_view_if_needed()
    return box


def change_edition(page: Any, box: Any, edition: str) -> tuple[float, float]:
    """Seconds from choosing ``edition`` to its map, and to its table, drawn; then the run is
    let finish."""
    from benchmarks.browser import IDLE, TIMEOUT_MS

    before = [page.evaluate(MAP_SIGNATURE), page.evaluate(TABLE_SIGNATURE)]
    page.evaluate(WATCH, before)
    box.click()
    page.keyboard.type(edition)
    page.keyboard.press("Enter")
    page.wait_for_function(DONE, polling="raf", timeout=TIMEOUT_MS)
    state = page.evaluate("() => window.__worldBench")
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    wait_drawn(page)
    page.wait_for_timeout(100)
    return state["map"] / 1000, state["table"] / 1000


def order(editions: list[str], first: str) -> list[str]:
    """The editions to pick in turn, starting away from the one the page opens on."""
    rest = [e for e in editions if e != first]
    return [*rest, first]


def bench_world(browser: Any, shared: Path, count: int, details: dict[str, Any]) -> list[Figure]:
    """The map's and the table's time to draw on an edition change, app vs the bare page,
    one change on each in turn (so a noisy neighbour slows both)."""
    with tempfile.TemporaryDirectory(prefix="bench-world-") as tmp:
        store = world_store(Path(tmp) / "store", shared)
        if store is None:
            return []
        tables = Path(tmp) / "tables"
        tables.mkdir()
        editions = edition_tables(store, tables)
        sequence = order(editions, editions[0])
        runs = {
            "app": (APP, {"INDICATORS_STORE": str(store)}, f"/rankings?country=KAZ&map_edition={editions[0]}"),
            "bare": (BARE_MAP_APP, {"BENCH_WORLD_TABLES": str(tables)}, "/"),
        }  # fmt: skip
        found: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in runs}
        with contextlib.ExitStack() as stack:
            pages = {name: stack.enter_context(opened(browser, *run)) for name, run in runs.items()}
            boxes = {name: edition_box(page) for name, page in pages.items()}
            for i in range(count):
                for name, page in pages.items():
                    drawn_map, drawn_table = change_edition(
                        page, boxes[name], sequence[i % len(sequence)]
                    )
                    found[name][0].append(drawn_map)
                    found[name][1].append(drawn_table)
    details["world"] = {
        "editions": sequence,
        **{f"{what}_{name}": times[i] for name, times in found.items() for i, what in enumerate(("map", "table"))},
    }  # fmt: skip
    return figures(found)


@contextlib.contextmanager
def opened(browser: Any, script: Path, env: dict[str, str], path: str) -> Iterator[Any]:
    """A server for ``script`` and a page on ``path`` with its map and table drawn."""
    from benchmarks.browser import TIMEOUT_MS
    from benchmarks.server import start

    context = browser.new_context(viewport=VIEWPORT)
    server = start(script, env)
    try:
        page = context.new_page()
        page.goto(server.url + path, timeout=TIMEOUT_MS)
        wait_drawn(page)
        yield page
    finally:
        context.close()
        server.stop()


def figures(found: dict[str, tuple[list[float], list[float]]]) -> list[Figure]:
    """Median (budget: within 1.5x the bare page) and 95th percentile of each."""
    out: list[Figure] = []
    for i, what in enumerate(("world map", "table of every country")):
        app, bare = found["app"][i], found["bare"][i]
        a, b = percentile(app, 50), percentile(bare, 50)
        out.append(
            Figure(
                f"Chromium: Rankings edition change -> {what} drawn, median (n={len(app)})",
                a,
                "bare page drawing the same map and table, same interaction",
                b,
                "<= 1.5x bare",
                a <= 1.5 * b,
                note=f"p95 {shown(percentile(app, 95), 's')} vs {shown(percentile(bare, 95), 's')}",
            )
        )
        a, b = percentile(app, 95), percentile(bare, 95)
        out.append(
            Figure(
                f"Chromium: Rankings edition change -> {what} drawn, p95 (n={len(app)})",
                a, "bare page, same interaction", b, "-", None,
            )
        )  # fmt: skip
    return out
