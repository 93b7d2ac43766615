"""Chart images made on the server: title, subtitle, source, data version and date drawn in;
Cyrillic kept; hostile text shown as text; and nothing fetched from the internet."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import plotly.graph_objects as go
import pytest

from indicators.present import figure_export
from indicators.present.figure_export import (
    ExportError,
    Renderer,
    compose,
    export_figure,
    footer_lines,
    page_scripts,
    source_text,
    version_line,
)

MADE = date(2026, 12, 1)
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<a href='https://evil.example'>x</a> $\\alpha$ &amp; <b>"


def _needs_browser() -> None:
    if figure_export.browser_path() is None:
        pytest.skip("chart images need Chromium (/usr/bin/chromium or BROWSER_PATH)")


def _line_chart() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[141, 134, 142], name="Kazakhstan"))
    fig.update_layout(
        title_text="the page's own title", showlegend=True, legend={"orientation": "h", "y": -0.3}
    )
    return fig


def _region_map() -> go.Figure:
    """A choropleth of a boundary file of our own (as the Incidents page draws it)."""
    square = [[[70.0, 45.0], [70.0, 50.0], [75.0, 50.0], [75.0, 45.0], [70.0, 45.0]]]
    shape = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "KZ-75",
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    fig = go.Figure(go.Choropleth(geojson=shape, locations=["KZ-75"], z=[3], featureidkey="id"))
    fig.update_geos(fitbounds="locations", visible=False)
    return fig


def _texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# --- without a browser ----------------------------------------------------------------


def test_render_page_loads_only_local_files() -> None:
    """kaleido's own page loads plotly.js and MathJax from CDNs; ours loads the plotly.js
    shipped with plotly and kaleido's script, both local files, and no MathJax."""
    from kaleido import PageGenerator

    default = PageGenerator().generate_index()
    assert "https://" in default  # what would go to the internet without our page
    scripts = page_scripts()
    assert len(scripts) == 2
    assert all(s.startswith("file:///") for s in scripts), scripts
    assert not any("mathjax" in s.lower() for s in scripts)
    assert scripts[0] == figure_export.PLOTLY_JS.as_uri() and figure_export.PLOTLY_JS.is_file()


def test_footer_says_source_version_and_date_once() -> None:
    """'Source: X · Data version N (date) · Made date', even when the source says 'Source:'."""
    line = version_line(7, "2026-11-30T10:00:00+00:00")
    assert line == "Data version 7 (2026-11-30)"
    lines = footer_lines("Source: Reporters Without Borders", line, MADE, 1200)
    assert lines == [
        "Source: Reporters Without Borders · Data version 7 (2026-11-30) · Made 2026-12-01"
    ]
    assert source_text("Sources: Adil Soz; RSF") == "Adil Soz; RSF"
    long = footer_lines("a " * 200, line, MADE, 600)
    assert len(long) > 2 and all(len(x) <= 83 for x in long)
    assert version_line(None, "") == "No data version (empty store)"


def test_composed_svg_is_well_formed_and_text_stays_text() -> None:
    """Hostile titles become text nodes (no element, link or entity of their own)."""
    chart = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    svg, total = compose(
        chart, title=HOSTILE, subtitle="Казахстан", footer=["Source: x"], width=600, height=10
    )
    root = ET.fromstring(svg)
    assert int(root.get("height", "0")) == total > 10
    assert _texts(svg.encode())[:2] == [HOSTILE, "Казахстан"]
    assert not [e for e in root.iter() if e.tag.endswith("}a")]


# --- with Debian's Chromium -------------------------------------------------------------


@pytest.mark.slow
def test_svg_carries_title_subtitle_source_version_and_cyrillic() -> None:
    """The SVG holds every line of the caption, the chart's own traces, Cyrillic as written;
    the figure passed in is left unchanged."""
    _needs_browser()
    fig = _line_chart()
    before = fig.to_json()
    svg = export_figure(
        fig,
        title="Казахстан: rank in the RSF World Press Freedom Index",
        subtitle="Rank as published (1 = freest)",
        source="Source: Reporters Without Borders",
        version_line=version_line(3, "2026-11-30"),
        fmt="svg",
        made=MADE,
    )
    assert fig.to_json() == before
    texts = _texts(svg)
    assert texts[0] == "Казахстан: rank in the RSF World Press Freedom Index"
    assert texts[1] == "Rank as published (1 = freest)"
    assert texts[-1] == (
        "Source: Reporters Without Borders · Data version 3 (2026-11-30) · Made 2026-12-01"
    )
    assert "Kazakhstan" in texts  # the legend entry, drawn by plotly inside the image
    assert "the page's own title" not in texts  # replaced by the export's title


@pytest.mark.slow
def test_png_renders_at_twice_the_size() -> None:
    """A PNG (Cyrillic and hostile text in the caption) of 1200 px width at scale 2."""
    _needs_browser()
    png = export_figure(
        _line_chart(), title="Казахстан " + HOSTILE, source="RSF", version_line="v", made=MADE
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 2 * figure_export.WIDTH and height > 2 * figure_export.HEIGHT


@pytest.mark.slow
def test_svg_of_hostile_text_has_no_markup() -> None:
    """Hostile title and source are drawn as text: no link, no LaTeX, no bold of theirs."""
    _needs_browser()
    svg = export_figure(_line_chart(), title=HOSTILE, source=HOSTILE, version_line="v", fmt="svg")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("}a")]
    assert HOSTILE in _texts(svg)
    assert b"evil.example'>" not in svg


# Hosts Chromium 156 itself tries at start (its updater, accounts, the default search
# engine), whatever page it shows; the refusing proxy stops them. Anything else would be the
# render page fetching something.
CHROMIUM_OWN = {
    "update.googleapis.com",
    "accounts.google.com",
    "start.duckduckgo.com",
    "clients2.google.com",
    "optimizationguide-pa.googleapis.com",
}


class _RecordingProxy:
    """A local 'proxy' that records the host of every request Chromium sends it, answers none."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.hosts: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    head = conn.recv(2048).decode("latin-1")
                except OSError:
                    head = ""
            target = head.split(" ")[1] if head.count(" ") >= 2 else "?"
            self.hosts.append(urlsplit(target if "//" in target else f"//{target}").hostname or "?")

    def page_requests(self) -> list[str]:
        return [h for h in self.hosts if h not in CHROMIUM_OWN]


@pytest.fixture
def proxy() -> Iterator[_RecordingProxy]:
    p = _RecordingProxy()
    yield p
    p.sock.close()


@pytest.mark.slow
def test_no_request_leaves_the_browser(proxy: _RecordingProxy) -> None:
    """Every request Chromium would send out goes to a proxy that records it: exporting a
    line chart and a region map asks for nothing (no plotly.js, MathJax, topojson or font
    from a CDN). A bare map, drawn without our export, asks cdn.plot.ly for its topojson:
    the proxy would see a page's request."""
    _needs_browser()
    renderer = Renderer(proxy_server=proxy.url)
    try:
        for fig in (_line_chart(), _region_map()):
            for fmt in ("svg", "png"):
                assert export_figure(fig, title="t", fmt=fmt, using=renderer)
        assert proxy.page_requests() == []
        with pytest.raises(ExportError, match="topojson"):
            renderer.render(_region_map(), "svg", 600, 400)
        assert "cdn.plot.ly" in proxy.page_requests()
    finally:
        renderer.stop()


@pytest.mark.slow
def test_export_works_without_any_network() -> None:
    """In a network namespace of its own (no interface but a down loopback), an export of a
    map and a chart still succeeds."""
    _needs_browser()
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rn", "true"], check=False).returncode:
        pytest.skip("unshare -rn (a user and network namespace) is not available here")
    script = (
        "import sys; sys.path[:0] = [sys.argv[1]]\n"
        "from tests.test_figure_export import _line_chart, _region_map\n"
        "from indicators.present.figure_export import export_figure\n"
        "print(len(export_figure(_region_map(), title='t', fmt='svg')),"
        " len(export_figure(_line_chart(), title='Казахстан')))\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [unshare, "-rn", sys.executable, "-c", script, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    sizes = [int(n) for n in done.stdout.split()]
    assert len(sizes) == 2 and all(n > 1000 for n in sizes)
