"""The rankings chart as drawn by Chromium at 390 and 1280 px: nothing covers the plot.

Reads the rendered figure (plotly's own pixel layout and the bounding boxes of the legend, the
band's labels, the annotations and the axis titles), so what is asserted is what a reader sees;
screenshots of the page and of the chart go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_dashboard import wait_for_app

pytestmark = pytest.mark.browser
CASES = {"KAZ": "country=KAZ", "central-asia": "country=KAZ&peers=Central+Asia"}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
LAYOUT_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const L = gd._fullLayout, top = gd.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - top.left, r.top - top.top, r.right - top.left, r.bottom - top.top]; };
  const plot = [L.xaxis._offset, L.yaxis._offset,
                L.xaxis._offset + L.xaxis._length, L.yaxis._offset + L.yaxis._length];
  const band = L.yaxis2 ? [L.xaxis._offset, L.yaxis2._offset,
                L.xaxis._offset + L.xaxis._length, L.yaxis2._offset + L.yaxis2._length] : null;
  const legend = gd.querySelector('.legend');
  return {
    width: L.width, height: L.height, range: L.xaxis.range, plot, band,
    legend: legend && L.showlegend ? box(legend) : null,
    xtitle: box(gd.querySelector('.xtitle')), ytitle: box(gd.querySelector('.ytitle')),
    labels: [...gd.querySelectorAll('.scatterlayer .textpoint text')]
      .filter(t => t.textContent).map(t => [t.textContent, box(t)]),
    notes: [...gd.querySelectorAll('.annotation')].map(a => [a.textContent, box(a)]),
  };
}"""


def _overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def _check(drawn: dict[str, Any], width: int) -> None:
    plot, band = drawn["plot"], drawn["band"]
    assert drawn["width"] <= width
    assert "2026-07" > drawn["range"][1][:7] >= "2025-12" and drawn["range"][0][:4] == "2001"
    if drawn["legend"]:
        legend = drawn["legend"]
        assert legend[3] <= (band or plot)[1] + 1, "the legend must sit above the band and plot"
        assert not _overlap(legend, drawn["xtitle"]) and not _overlap(legend, drawn["ytitle"])
    labels = [b for _, b in drawn["labels"]]
    assert labels, "the band's labels are drawn"
    for a, b in combinations(labels, 2):
        assert not _overlap(a, b), (a, b)
    for label in labels:  # every band label is inside the figure and above the plot
        assert label[0] >= 0 and label[2] <= drawn["width"] + 1 and label[3] <= plot[1] + 1
    notes = [b for t, b in drawn["notes"] if "method" in t]
    assert len(notes) == 2 and not _overlap(notes[0], notes[1])
    assert any("Kazakhstan" in t for t, _ in drawn["notes"])
    assert drawn["height"] <= 720


@pytest.mark.parametrize("case", list(CASES))
def test_rankings_chart_on_a_phone_and_a_desktop(page: Any, app_url: str, case: str) -> None:
    """At both widths: legend above the plot and clear of the axis titles, band labels that
    never overlap, method labels apart, the x axis within the data."""
    for size, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_url}/rankings?{CASES[case]}")
        wait_for_app(page)
        drawn = page.evaluate(LAYOUT_JS)
        _check(drawn, width)
        chart = page.locator("[data-testid='stPlotlyChart']").first
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(ARTIFACTS / "screenshots" / f"rankings-chart-{case}-{size}.png"))
        screenshot(page, f"rankings-{case}-{size}")
