"""The Rankings page's "Compare indices" chart as Chromium draws it, at 390 and 1280 px.

The server's store holds the embedded RSF data, Freedom House's real FiW workbook and a
hand-made V-Dem-style file with a band. What is asserted is what a reader sees: the legend
above the plot and clear of the axis titles, one legend entry per index, RSF's two method
labels apart, the band drawn as a filled area; screenshots of the chart and the section go
to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest

from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.sources.base import ParseOptions
from indicators.sources.reading import SourceFile
from tests.browser.conftest import (
    ARTIFACTS,
    SERVER,
    free_port,
    screenshot,
    start_streamlit,
    stop,
)
from tests.browser.test_dashboard import wait_for_app
from tests.conftest import shared_file

pytestmark = pytest.mark.browser
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
INDICES = ("rsf_wpfi:position", "rsf_wpfi:score", "fh_fiw:score", "vdem_freexp:score")
VDEM = ["country_name,country_text_id,year,v2x_freexp_altinf,v2x_freexp_altinf_codelow"]
VDEM[0] += ",v2x_freexp_altinf_codehigh,score_max,higher_is_better"
VDEM += [
    f"Kazakhstan,KAZ,{y},{v:.3f},{v - 0.07:.3f},{v + 0.06:.3f},1,yes"
    for y, v in zip(range(2010, 2025), [0.30, 0.29, 0.27, 0.26, 0.25, 0.26, 0.27, 0.28, 0.29,
                                        0.31, 0.33, 0.34, 0.35, 0.35, 0.34], strict=True)
]  # fmt: skip
ENTRIES = ("RSF position", "RSF score", "Freedom in the World", "vdem_freexp")
LAYOUT_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.data.some(t => t.meta && t.meta.series));
  const L = gd._fullLayout, top = gd.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - top.left, r.top - top.top, r.right - top.left, r.bottom - top.top]; };
  const plot = [L.xaxis._offset, L.yaxis._offset,
                L.xaxis._offset + L.xaxis._length, L.yaxis._offset + L.yaxis._length];
  const band = L.yaxis2 ? [L.xaxis._offset, L.yaxis2._offset,
                L.xaxis._offset + L.xaxis._length, L.yaxis2._offset + L.yaxis2._length] : null;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {
    index: charts.findIndex(c => c.contains(gd)), width: L.width, plot, band, legend: box(gd.querySelector('.legend')),
    entries: [...gd.querySelectorAll('.legend .traces .legendtext')].map(t => t.textContent),
    xtitle: box(gd.querySelector('.xtitle')), ytitle: box(gd.querySelector('.ytitle')),
    methods: [...gd.querySelectorAll('.annotation')].map(a => [a.textContent, box(a)])
      .filter(([t]) => t.includes('method')),
    fills: [...gd.querySelectorAll('.scatterlayer .js-fill')]
      .filter(p => (p.getAttribute('d') || '').length > 10).length,
  };
}"""


def _overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


@pytest.fixture(scope="module")
def compare_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """The dashboard on a store with RSF, Freedom House's FiW and a V-Dem-style file."""
    root = tmp_path_factory.mktemp("compare-store")
    store = open_default_store(root)
    fiw = shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx")
    ingest(store, [SourceFile.from_path(fiw)], user="test")
    vdem = SourceFile("vdem_kaz.csv", ("\n".join(VDEM) + "\n").encode())
    ingest(store, [vdem], user="test", options=ParseOptions(index_id="vdem_freexp"))
    port = free_port()
    proc = start_streamlit(SERVER, port, {**os.environ, "INDICATORS_STORE": str(root)})
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def test_compare_indices_on_a_phone_and_a_desktop(page: Any, compare_url: str) -> None:
    """At both widths: one legend entry per index, above the plot and clear of the axis
    titles; RSF's method labels apart; the V-Dem band filled."""
    query = "country=KAZ&" + "&".join(f"indices={i}" for i in INDICES)
    for size, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{compare_url}/rankings?{query}")
        wait_for_app(page)
        drawn = page.evaluate(LAYOUT_JS)
        assert drawn["width"] <= width
        assert drawn["entries"] == [*ENTRIES]
        legend, plot = drawn["legend"], drawn["band"] or drawn["plot"]
        assert legend[3] <= plot[1] + 1, "the legend sits above the band and the plot"
        assert not _overlap(legend, drawn["xtitle"]) and not _overlap(legend, drawn["ytitle"])
        methods = [b for _, b in drawn["methods"]]
        assert sorted(t for t, _ in drawn["methods"]) == ["RSF method 2013", "RSF method 2022"]
        assert not any(_overlap(a, b) for a, b in combinations(methods, 2))
        assert drawn["fills"] >= 1, "the V-Dem band is a filled area"
        chart = page.locator("[data-testid='stPlotlyChart']").nth(drawn["index"])
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        out = ARTIFACTS / "screenshots" / f"compare-indices-{size}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        chart.screenshot(path=str(out))
        screenshot(page, f"compare-indices-page-{size}")
