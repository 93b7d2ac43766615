"""The app in a real browser: Debian's Chromium (never downloaded) driven by Playwright.

Two timings, each measured the same way on the app and on ``bare_app.py``:

* **first chart**: from starting ``streamlit run`` (just before the process is spawned) until
  the first Plotly chart of the page is drawn in the browser (its SVG exists and Plotly has
  laid it out). The browser is already running and opens the page as soon as the server
  answers its health check, as a person's browser would on a reload.
* **change of country**: on a page whose charts are drawn, the country is picked in the
  sidebar selectbox (click, type the name, Enter). The time runs from the Enter key until the
  first chart on the page shows different data (its traces' names and values changed) and is
  drawn. Between two changes the run is allowed to finish, so changes do not overlap.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.launch import CHROMIUM, chromium_found
from benchmarks.launch import chromium as chromium  # the benchmark's browser: br.chromium()
from benchmarks.server import Server, start

TIMEOUT_MS = 180_000
DRAWN = """() => {
  const g = document.querySelector('.js-plotly-plot');
  return !!(g && g._fullLayout && g._fullData && g.querySelector('.main-svg .cartesianlayer, .main-svg .pielayer, .main-svg .geolayer, .main-svg .layer-above'));
}"""
SIGNATURE = """() => {
  const g = document.querySelector('.js-plotly-plot');
  if (!g || !g._fullData) return null;
  const values = v => (v ? Array.from(v).map(String).join(',') : '');
  return JSON.stringify(g._fullData.map(t => [t.name || '', t.type || '', values(t.x), values(t.y)]));
}"""
CHANGED = (
    "(before) => { const now = ("
    + SIGNATURE
    + ")(); return now !== null && now !== before && ("
    + DRAWN
    + ")(); }"
)
# The Incidents page draws no chart for a country with no incident records (it says so): there
# a change is done when the old chart is gone or a new one is drawn.
CHANGED_OR_EMPTY = (
    "(before) => { const now = ("
    + SIGNATURE
    + ")(); return now !== before && (now === null || ("
    + DRAWN
    + ")()); }"
)
SIZE = """() => {
  const g = document.querySelector('.js-plotly-plot');
  return [g._fullData.length, g._fullData.reduce((n, t) => n + (t.y ? t.y.length : 0), 0)];
}"""
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def chromium_available() -> str | None:
    """Why the browser part cannot run, or None when it can."""
    if not chromium_found():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def wait_idle(page: Any) -> None:
    """Wait until the script run is over and the first chart is drawn."""
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(DRAWN, polling="raf", timeout=TIMEOUT_MS)


def first_chart(
    browser: Any, script: Path, env: dict[str, str], path: str = "/"
) -> tuple[float, Server, Any]:
    """Seconds from spawning the server to the first chart drawn; the server and page stay up."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    server = start(script, env)
    try:
        page.goto(server.url + path, timeout=TIMEOUT_MS)
        page.wait_for_function(DRAWN, polling="raf", timeout=TIMEOUT_MS)
        seconds = time.perf_counter() - server.started
    except BaseException:
        server.stop()
        context.close()
        raise
    return seconds, server, page


def chart_size(page: Any) -> tuple[int, int]:
    """Traces and data points of the page's first chart."""
    traces, points = page.evaluate(SIZE)
    return int(traces), int(points)


def change_country(
    page: Any, countries: list[str], count: int, *, chartless: bool = False
) -> list[float]:
    """Seconds from choosing each country (in turn) to the first chart showing its data.

    ``chartless``: some countries draw no chart (no incident records); the change is then done
    when the old chart is gone.
    """
    wait_idle(page)
    box = page.locator(
        "[data-testid='stSidebar'] .st-key-country [data-testid='stSelectbox']"
    ).first
    times: list[float] = []
    for i in range(count):
        name = countries[i % len(countries)].split(" (", 1)[0]  # what a reader types
        before = page.evaluate(SIGNATURE)
        box.click()
        page.keyboard.type(name)
        start = time.perf_counter()
        page.keyboard.press("Enter")
        done = CHANGED_OR_EMPTY if chartless else CHANGED
        page.wait_for_function(done, arg=before, polling="raf", timeout=TIMEOUT_MS)
        times.append(time.perf_counter() - start)
        if chartless:  # the page may hold no chart now: wait for the run to end only
            page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        else:
            wait_idle(page)
        page.wait_for_timeout(100)
    return times


def close(server: Server, page: Any) -> None:
    """Close the page's context and stop its server."""
    page.context.close()
    server.stop()
