"""Incidents, Events, Overview and Claim in a real browser at 1280 and 390 px: screenshots for a
person to look at, and the drawn layout checked (no legend over a plot, nothing cut off); a URL
copied from a page with non-default choices reproduces the same figures in a new browser."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import wait_for_app

pytestmark = pytest.mark.browser

PAGES = {
    "incidents": "/incidents?country=KAZ",
    "events": "/events?country=KAZ",
    "overview": "/?country=KAZ",
    "claim": "/claim?country=KAZ&claim_rank=141&claim_of=180",
}

# Per chart: the legend's box, the plot area's box (plotly's drag layer), the x-axis title's
# box and the chart's own width, as drawn.
_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const box = (sel) => { const e = gd.querySelector(sel);
    if (!e) return null; const r = e.getBoundingClientRect();
    return r.width ? {l: r.left, r: r.right, t: r.top, b: r.bottom} : null; };
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  return {legend: box('.legend'), plot: box('.nsewdrag'), xtitle: box('.g-xtitle'),
          svg: {l: svg.left, r: svg.right, t: svg.top, b: svg.bottom},
          names: (gd.data || []).map(t => t.name || '')};
})"""


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["b"] <= b["t"] + 1 or b["b"] <= a["t"] + 1 or a["r"] <= b["l"] + 1 or b["r"] <= a["l"] + 1
    )


def _check_layout(pg: Any, where: str) -> None:
    for i, chart in enumerate(pg.evaluate(_BOXES)):
        legend, plot, svg = chart["legend"], chart["plot"], chart["svg"]
        if legend is None:
            continue
        assert plot is None or _apart(legend, plot), f"{where} chart {i}: legend over the plot"
        if chart["xtitle"] is not None:
            assert _apart(legend, chart["xtitle"]), f"{where} chart {i}: legend over the x title"
        assert legend["r"] <= svg["r"] + 2, f"{where} chart {i}: legend cut off at the right"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_at_desktop_and_phone_width(page: Any, app_url: str, name: str) -> None:
    """Each page at 1280 and 390 px: no exception, no legend over a plot or an axis title,
    no legend cut off; screenshots written to test-artifacts/screenshots/."""
    page.goto(app_url + PAGES[name])
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    _check_layout(page, f"{name} 1280 px")
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    page.wait_for_timeout(600)  # plotly relayouts the charts to the new width
    _check_layout(page, f"{name} 390 px")
    screenshot(page, f"{name}-phone")


SHARED = {
    "incidents": "/incidents?country=KAZ&by=category&freq=month&targets=journalist"
    "&cats=false_information&cats=insult_defamation&reported=TOTAL",
    "events": "/events?country=KAZ&kinds=election&kinds=law+change",
    "claim": "/claim?country=KAZ&claim_rank=141&claim_of=180",
    "rankings": "/rankings?country=KAZ&peers=Central+Asia&view=rank&event_kinds=election"
    "&map_edition=2018&map_colour=situation",
    "overview": "/?country=UZB",
}
_FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
  JSON.stringify({data: gd.data.map(t => ({name: t.name, x: t.x, y: t.y, text: t.text})),
                  xrange: gd.layout.xaxis && gd.layout.xaxis.range}))"""
_ANSWER = "() => [...document.querySelectorAll('[data-testid=\"stAlert\"]')].map(e => e.innerText)"


@pytest.mark.parametrize("name", list(SHARED))
def test_copied_url_reproduces_the_view(browser: Any, app_url: str, name: str) -> None:
    """Open a page with non-default choices, copy the URL the page shows, open it in a new
    browser context: the same figures (traces, values, axis range) and the same answer."""
    seen: list[dict[str, Any]] = []
    for url in (app_url + SHARED[name], None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.goto(url or seen[-1]["url"])
        wait_for_app(pg)
        seen.append(
            {"url": pg.url, "figures": pg.evaluate(_FIGURES), "answer": pg.evaluate(_ANSWER)}
        )
        context.close()
    first, second = seen
    assert first["figures"] == second["figures"] and first["answer"] == second["answer"]
    assert first["figures"] or first["answer"]
    if name == "claim":
        assert "claim_rank=141" in first["url"] and any("2025" in a for a in first["answer"])
    if name == "events":
        assert "kinds=election" in first["url"]
        assert [t["name"] for t in json.loads(first["figures"][0])["data"]] == [
            "Election",
            "Law change",
        ]
    if name == "rankings":
        for part in ("peers=Central", "view=rank", "event_kinds=election", "map_edition=2018"):
            assert part in first["url"]
        names = {t["name"] for t in json.loads(first["figures"][0])["data"]}
        assert {"Kazakhstan", "Kyrgyzstan", "Uzbekistan"} <= names
    if name == "incidents":
        for part in ("by=category", "freq=month", "targets=journalist", "cats=insult_defamation"):
            assert part in first["url"]
