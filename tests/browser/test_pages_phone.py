"""Incidents, Events, Overview and Claim in a real browser at 1280 and 390 px: screenshots for a
person to look at, and the drawn layout checked (no legend over a plot, nothing cut off)."""

from __future__ import annotations

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
