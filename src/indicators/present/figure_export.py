"""Charts as PNG and SVG files a reader can quote: title, subtitle, source, data version, date.

The image is drawn on the server by kaleido 1.x in a headless Chromium (Debian's
``/usr/bin/chromium``, or ``BROWSER_PATH``), kept running between exports: starting it costs
about two seconds, a render about a quarter of one. Nothing is loaded from the internet:

* the page kaleido renders in loads the plotly.js that ships with the plotly package and
  kaleido's own script, both as local files; MathJax is off (kaleido's default page would
  load plotly.js and MathJax from CDNs);
* Chromium is started with a proxy that refuses every connection, so even a request nobody
  expected (plotly's world topojson, a font) fails at once instead of reaching a network;
* a geo subplot gets a first trace without ``locationmode``, so plotly.js never asks for its
  CDN topojson in the first place (custom boundary files are drawn from the figure itself).

Every string placed in the image goes through :func:`indicators.text.plotly_text`. The footer
is in the reader's language (dates by Babel); text is drawn in DejaVu Sans, which has every
Cyrillic letter Russian and Kazakh need (ә ғ қ ң ө ұ ү һ і).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import os
import re
import shutil
import textwrap
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import plotly
import plotly.graph_objects as go

from indicators.i18n import _, format_date, language
from indicators.text import plotly_text

Format = Literal["png", "svg"]
T = TypeVar("T")
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
NO_NETWORK_PROXY = "http://127.0.0.1:9"  # the discard port: every connection is refused
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 30.0
WIDTH = 1200
HEIGHT = 520  # of the chart itself; the title and the footer add their own height
PNG_SCALE = 2  # PNG pixels per figure pixel (sharp on screens and in print)
TITLE_PX, SUBTITLE_PX, LINE_PX, PAD_PX = 22, 15, 17, 14
_GEO_TYPES = {"choropleth", "scattergeo"}
FONT = "DejaVu Sans, Arial, sans-serif"


class ExportError(RuntimeError):
    """The image could not be made (no browser, a failed or slow render)."""


def browser_path() -> str | None:
    """The Chromium kaleido drives: ``BROWSER_PATH`` if set, else Debian's, else a Chromium
    or Chrome on the PATH; None when there is none (no image can be made)."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    if DEBIAN_CHROMIUM.is_file():
        return str(DEBIAN_CHROMIUM)
    found = (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
    return next((f for f in found if f), None)


def page_generator() -> Any:
    """kaleido's render page with the local plotly.js and without MathJax (no CDN)."""
    from kaleido import PageGenerator

    return PageGenerator(plotly=(PLOTLY_JS.as_uri(), "utf-8"), mathjax=False)


def page_scripts() -> list[str]:
    """The address of every script the render page loads (all ``file://`` URIs)."""
    return re.findall(r'<script src="([^"]+)"', page_generator().generate_index())


# Chromium's own background traffic cut down (time queries, optimisation hints, translation,
# domain reliability...). Chromium 156 still tries a few service hosts at start (its updater,
# accounts, the default search engine): the refusing proxy stops those, and a render needs
# none of them (tests/test_figure_export.py renders in a namespace without any network).
QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-features=OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,"
    "NetworkTimeServiceQuerying,Translate,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater",
    "--disable-component-extensions-with-background-pages",
    "--dns-prefetch-disable",
    "--no-pings",
    "--no-service-autorun",
)


def _offline_chromium() -> type:
    """choreographer's Chromium, started with :data:`QUIET_FLAGS` too."""
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self) -> list[str]:
            return [*super().get_cli(), *QUIET_FLAGS]

    return OfflineChromium


class Renderer:
    """One Chromium (through kaleido) kept running on its own event-loop thread.

    Renders are serialised (one tab; concurrent sessions wait their turn). A failed render
    closes the browser; the next export starts a new one.
    """

    def __init__(self, proxy_server: str = NO_NETWORK_PROXY) -> None:
        self._proxy = proxy_server
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None

    @property
    def running(self) -> bool:
        """Whether a browser is up."""
        return self._kaleido is not None

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        assert self._loop is not None
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout=timeout)

    def _start(self) -> None:
        from kaleido import Kaleido

        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="figure-export", daemon=True).start()

        async def open_browser() -> Any:
            k = Kaleido(
                page_generator=page_generator(),
                path=browser_path(),
                proxy_server=self._proxy,
                timeout=RENDER_TIMEOUT,
                browser_cls=_offline_chromium(),
                enable_extensions=False,
            )
            await k.open()
            return k

        self._kaleido = self._run(open_browser(), START_TIMEOUT)

    def render(self, fig: go.Figure, fmt: Format, width: int, height: int) -> bytes:
        """The figure as PNG or SVG bytes."""
        opts = {"format": fmt, "width": width, "height": height}
        opts["scale"] = PNG_SCALE if fmt == "png" else 1
        with self._lock:
            try:
                if self._kaleido is None:
                    self._start()
                data = self._run(self._kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT + 5)
            except Exception as exc:
                self._stop()
                why = _("the {format} image could not be made: {error}")
                raise ExportError(why.format(format=fmt.upper(), error=exc)) from exc
        return bytes(data)

    def _stop(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop, self._kaleido = None, None
        if loop is None:
            return
        if k is not None:
            with contextlib.suppress(Exception):  # the browser may be gone already
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)

    def stop(self) -> None:
        """Close the browser (it is started again by the next export)."""
        with self._lock:
            self._stop()


_renderer = Renderer()
atexit.register(_renderer.stop)


def renderer() -> Renderer:
    """The process's kept renderer."""
    return _renderer


def _day(value: object) -> str:
    """A day as the footer writes it: '2026-11-30' in English, '30 ноября 2026' in Russian."""
    text = str(value or "")[:10]
    if language() == "en" or not text:
        return text
    try:
        return format_date(date.fromisoformat(text), "day")
    except ValueError:
        return text


def version_line(number: int | None, committed: object) -> str:
    """'Data version 7 (2026-11-30)': the store version shown and the day it was committed."""
    if number is None:
        return _("No data version (empty store)")
    day = _day(committed)
    return _("Data version {number}").format(number=number) + (f" ({day})" if day else "")


def source_text(source: str) -> str:
    """The source without a 'Source:' of its own (the footer says it once), in English or in
    the reader's language."""
    text = source.strip()
    for prefix in ("Sources:", "Source:", _("Sources:"), _("Source:")):
        if text.casefold().startswith(prefix.casefold()):
            return text[len(prefix) :].strip()
    return text


def footer_lines(source: str, version: str, made: date, width: int) -> list[str]:
    """The footer's lines (plain text, wrapped to the image's width)."""
    chars = max(40, int(width / 7.2))
    stamp = f"{version} · " + _("Made {date}").format(date=_day(made.isoformat()))
    shown_source = source_text(source)
    line = (
        _("Source: {source}").format(source=shown_source) + f" · {stamp}" if shown_source else stamp
    )
    return textwrap.wrap(line, chars) or [stamp]


def _without_cdn_topojson(fig: go.Figure) -> go.Figure:
    """The figure with a trace without ``locationmode`` first in each geo subplot (see the
    module doc); a figure without a map is returned as it is."""
    geos = sorted({str(getattr(t, "geo", None) or "geo") for t in fig.data if t.type in _GEO_TYPES})
    if not geos:
        return fig
    anchors = [
        go.Scattergeo(lon=[], lat=[], geo=g, showlegend=False, hoverinfo="skip") for g in geos
    ]
    return go.Figure(data=[*anchors, *fig.data], layout=fig.layout)


def _chart_only(fig: go.Figure, title: str, width: int, height: int) -> go.Figure:
    """The figure to render: its own title dropped when the export gives one, a fixed size."""
    out = _without_cdn_topojson(go.Figure(fig))
    if title:
        out.update_layout(title_text="")
    out.update_layout(width=width, height=height, autosize=False)
    return out


def _text(x: int, y: int, text: str, size: int, weight: str = "normal", fill: str = "#222") -> str:
    return (
        f'<text x="{x}" y="{y}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{plotly_text(text)}</text>'
    )


def compose(
    chart_svg: str,
    *,
    title: str,
    subtitle: str,
    footer: list[str],
    width: int,
    height: int,
) -> tuple[str, int]:
    """One SVG: the title and subtitle above the chart's own SVG, the footer lines below it,
    and the composed image's height. Text is escaped by :func:`plotly_text` (XML-safe)."""
    parts: list[str] = []
    y = PAD_PX
    if title:
        y += TITLE_PX
        parts.append(_text(PAD_PX, y, title, TITLE_PX, "bold"))
    if subtitle:
        y += SUBTITLE_PX + 6
        parts.append(_text(PAD_PX, y, subtitle, SUBTITLE_PX, fill="#555"))
    top = y + (PAD_PX // 2 if parts else 0)
    inner = re.sub(r"^\s*<\?xml[^>]*>", "", chart_svg)
    parts.append(f'<g transform="translate(0,{top})">{inner}</g>')
    y = top + height + PAD_PX // 2
    for line in footer:
        y += LINE_PX
        parts.append(_text(PAD_PX, y, line, 12, fill="#444"))
    total = y + PAD_PX // 2
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{total}" viewBox="0 0 {width} {total}">'
        f'<rect x="0" y="0" width="{width}" height="{total}" fill="#ffffff"/>'
    )
    return head + "".join(parts) + "</svg>", total


def _as_png(svg: str, width: int, height: int, using: Renderer) -> bytes:
    """The composed SVG drawn to PNG by the same browser (a figure holding only that image)."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    page = go.Figure()
    page.add_layout_image(
        source=uri,
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        sizex=1,
        sizey=1,
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="above",
    )
    page.update_layout(
        width=width,
        height=height,
        autosize=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False},
        yaxis={"visible": False},
        template="none",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return using.render(page, "png", width, height)


def export_figure(
    fig: go.Figure,
    *,
    title: str = "",
    subtitle: str = "",
    source: str = "",
    version_line: str = "",
    fmt: Format = "png",
    width: int = WIDTH,
    height: int | None = None,
    made: date | None = None,
    using: Renderer | None = None,
) -> bytes:
    """The chart as a PNG or SVG file with its title, subtitle, source line, data version and
    the day it was made drawn into the image (the figure itself is not changed).

    The chart is rendered as plotly lays it out (legend and margins its own); the title,
    subtitle and footer are drawn around it, so nothing of the chart is covered. ``using``:
    a renderer of one's own (the process's kept one by default).
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}: use 'png' or 'svg'")
    chart_height = int(height or fig.layout.height or HEIGHT)
    chart = _chart_only(fig, title, width, chart_height)
    using = using or renderer()
    chart_svg = using.render(chart, "svg", width, chart_height).decode("utf-8")
    footer = footer_lines(source, version_line, made or date.today(), width)
    svg, total = compose(
        chart_svg, title=title, subtitle=subtitle, footer=footer, width=width, height=chart_height
    )
    return svg.encode("utf-8") if fmt == "svg" else _as_png(svg, width, total, using)
