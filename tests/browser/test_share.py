"""A view leaves the app as a link that reproduces it, and prints as a clean page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot, share_link_box
from tests.browser.test_dashboard import wait_for_app

pytestmark = pytest.mark.browser

# Every figure on the page as plotly holds it (the data and layout the app sent), without
# the ids plotly.js gives traces on each draw.
FIGURES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => JSON.stringify(
    {data: gd.data, layout: gd.layout},
    (k, v) => (k === 'uid' || k.startsWith('_')) ? undefined : v))"""


def _figures(pg: Any) -> list[dict[str, Any]]:
    return [json.loads(f) for f in pg.evaluate(FIGURES_JS)]


def _copied_link(pg: Any) -> str:
    """Click the copy button of 'Share this view' and read the clipboard."""
    box = share_link_box(pg)
    box.hover()
    box.get_by_role("button", name="Copy to clipboard").click()
    copied = str(pg.evaluate("() => navigator.clipboard.readText()"))
    assert copied == box.inner_text().strip()  # what the reader sees is what is copied
    return copied


def test_copied_link_reproduces_the_view(page: Any, browser: Any, app_url: str) -> None:
    """Incidents by month from a later year: the copied link holds the page, the country,
    the period and the breakdown, and opened in a new browser (no session, no cookies) it
    draws the same figures."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(f"{app_url}/incidents?country=KAZ")
    wait_for_app(page)
    before = _figures(page)
    page.locator("[data-testid='stRadio']", has_text="Per").get_by_text("month").click()
    page.wait_for_function("() => location.search.includes('freq=month')", timeout=30_000)
    wait_for_app(page)
    start = page.evaluate("() => new URLSearchParams(location.search).get('from')")
    thumb = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']")
    thumb.first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => new URLSearchParams(location.search).get('from') !== '{start}'", timeout=30_000
    )
    wait_for_app(page)
    shown = _figures(page)
    assert shown and shown != before  # the choices changed what is drawn

    link = _copied_link(page)
    assert link.startswith(f"{app_url}/incidents?")
    assert "freq=month" in link and "country=KAZ" in link and "from=" in link

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        wait_for_app(fresh)
        assert _figures(fresh) == shown
    finally:
        other.close()


def test_chart_image_download(page: Any, app_url: str) -> None:
    """The Overview chart's SVG button: made on the server when clicked, named by chart and
    country, with the chart's title, its source, the data version and the date drawn in."""
    page.goto(f"{app_url}/?country=KAZ")
    wait_for_app(page)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Image (SVG)").first.click()
    download = info.value
    assert download.suggested_filename == "overview-chart_KAZ.svg"
    svg = Path(download.path()).read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0].startswith("Kazakhstan")
    assert any(
        t.startswith("Source: Reporters Without Borders") and "Data version" in t for t in texts
    )
    assert any(f"Made {date.today().isoformat()}" in t for t in texts)


def test_every_page_offers_its_link(page: Any, app_url: str) -> None:
    """Each reader page shows 'Share this view' with its own full address."""
    for path in ("", "rankings", "events", "claim", "sources"):
        page.goto(f"{app_url}/{path}?country=KGZ")
        wait_for_app(page)
        link = share_link_box(page).inner_text().strip()
        assert link.startswith(f"{app_url}/{path}"), link
        assert "country=KGZ" in link


def _shown(pg: Any, selector: str) -> list[bool]:
    return [
        bool(v)
        for v in pg.locator(selector).evaluate_all("els => els.map(e => e.checkVisibility())")
    ]


def _footer(pg: Any) -> Any:
    """The page's last line: 'Data version N of DATE · Shown DATE · Sources: ...'."""
    return pg.locator("[data-testid='stCaptionContainer']", has_text="· Shown ").last


def test_printed_page_is_clean(page: Any, app_url: str) -> None:
    """Printing: no sidebar, widgets, toolbars or download buttons; tables grown to every
    row; the footer with the data version, the date shown and the sources."""
    page.goto(f"{app_url}/rankings?country=KAZ")
    wait_for_app(page)
    table = page.locator("[data-testid='stDataFrameResizable']").first
    on_screen = table.evaluate("e => e.offsetHeight")
    assert any(_shown(page, "[data-testid='stDownloadButton']"))
    page.emulate_media(media="print")
    page.wait_for_timeout(1500)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    for hidden in ("stDownloadButton", "stSelectbox", "stMultiSelect", "stRadio", "stHeader"):
        assert not any(_shown(page, f"[data-testid='{hidden}']")), hidden
    assert not any(_shown(page, ".modebar-container"))
    printed = table.evaluate("e => e.offsetHeight")
    scroller = table.evaluate(
        "e => { const s = e.querySelector('.dvn-scroller'); return [s.scrollHeight, s.clientHeight]; }"
    )
    assert printed > on_screen and scroller[0] <= scroller[1] + 2  # no inner scroll left
    footer = _footer(page)
    assert footer.is_visible() and "see Sources and methods" in footer.inner_text()
    screenshot(page, "print-rankings")
    page.emulate_media(media="screen")  # a reader prints a page the screen has drawn
    page.goto(f"{app_url}/?country=KAZ")
    wait_for_app(page)
    page.emulate_media(media="print")
    page.wait_for_timeout(1500)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    events = page.locator("[data-testid='stTable']").last  # the latest events, a static table
    assert events.is_visible() and events.locator("tbody tr").count() == 5
    assert _footer(page).is_visible()
    screenshot(page, "print-overview")
