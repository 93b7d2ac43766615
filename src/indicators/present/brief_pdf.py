"""Rendering the brief with Debian's headless Chromium, offline: the chart as SVG, the page as PDF.

One browser engine does both. The chart is drawn by kaleido (plotly's own renderer, driving
Chromium) from the plotly.js that ships inside the plotly package, with MathJax off; the PDF is
Chromium printing the very HTML document the app shows, so the HTML and the PDF are one
document, not two layouts. Nothing is fetched: both runs go through a proxy that does not
exist (every http(s) request fails), the print run also resolves no host name, and the
document itself forbids every load by its Content-Security-Policy.

Chromium is found through ``INDICATORS_CHROMIUM`` (a path), else ``chromium`` on the PATH.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import plotly
import plotly.graph_objects as go

from indicators.i18n import msg, tr

CHROMIUM_ENV = "INDICATORS_CHROMIUM"
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, every request fails
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
TIMEOUT_S = 120
ZOOMS = (1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)  # print sizes tried until the brief fits one page
SMALLEST = ZOOMS[-1]
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--mute-audio",
    "--disable-default-apps",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--dns-prefetch-disable",
    "--disable-features=MediaRouter,OptimizationHints,Translate,NetworkTimeServiceQuerying,"
    "AutofillServerCommunication,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater",
)


class RenderError(RuntimeError):
    """The brief could not be rendered (no Chromium, or Chromium failed); says what to do (in
    English as ``str(exc)``, in the reader's language as ``exc.reason()``)."""

    def reason(self) -> str:
        """What went wrong, in the reader's language."""
        return tr(self.args[0]) if self.args else ""


def find_chromium() -> str:
    """The Chromium executable, or a :class:`RenderError` that says how to provide one."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        setting = f"{CHROMIUM_ENV}={named!r}"
        raise RenderError(msg("{setting} is not an executable file", setting=setting))
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        msg(
            "Chromium is needed to draw the chart and print the PDF, and none was found: "
            "install Debian's package (apt-get install chromium) or set {setting} to its path",
            setting=CHROMIUM_ENV,
        )
    )


def network_flags(proxy: str) -> list[str]:
    """Chromium's only way out is ``proxy`` (every request, loopback too); no host name is
    resolved and no address but the proxy's is reached. (Chromium still tries its own
    background services now and then, update checks and account checks, whatever the flags:
    those requests end at the proxy too, which by default is nowhere.)"""
    host = urlsplit(proxy).hostname or "127.0.0.1"
    return [
        f"--proxy-server={proxy}",
        "--proxy-bypass-list=<-loopback>",
        f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {host}",
        f"--component-updater=url-source={NOWHERE}",
    ]


def _quiet_chromium(folder: Path, chromium: str, proxy: str) -> str:
    """A launcher for kaleido: Chromium with :data:`OFFLINE_FLAGS` and :func:`network_flags`
    (kaleido's browser library starts Chromium with flags of its own, which leave Chromium's
    background requests on: update checks, the search engine's preconnect, the clock)."""
    flags = " ".join(shlex.quote(f) for f in [*OFFLINE_FLAGS, *network_flags(proxy)])
    launcher = folder / "chromium-offline"
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(chromium)} {flags} "$@"\n', encoding="utf-8")
    launcher.chmod(0o700)
    return str(launcher)


async def _svg(fig: go.Figure, width: int, height: int, chromium: str, proxy: str) -> bytes:
    import kaleido  # imported here: only rendering needs it

    options = {"format": "svg", "width": width, "height": height}
    browser = {
        "path": chromium,
        "plotlyjs": PLOTLY_JS.as_uri(),
        "mathjax": False,
        "proxy_server": proxy,
        "timeout": TIMEOUT_S,
    }
    async with kaleido.Kaleido(**browser) as k:
        return bytes(await k.calc_fig(fig, opts=options))


def chart_svg(fig: go.Figure, width: int, height: int, *, proxy: str = NOWHERE) -> str:
    """The figure as SVG text, drawn by kaleido with the local plotly.js and no MathJax.

    Run in a thread of its own, so it works whether or not the caller has an event loop
    running (Streamlit's script thread, Playwright's tests).
    """
    if not PLOTLY_JS.is_file():
        raise RenderError(
            msg("plotly.js is missing from the plotly package ({path})", path=str(PLOTLY_JS))
        )
    chromium = find_chromium()
    with (
        tempfile.TemporaryDirectory(prefix="indicators-chart-") as tmp,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        launcher = _quiet_chromium(Path(tmp), chromium, proxy)
        job = pool.submit(asyncio.run, _svg(fig, width, height, launcher, proxy))
        try:
            data = job.result(timeout=TIMEOUT_S + 30)
        except Exception as exc:  # kaleido's and choreographer's own errors, timeouts
            raise RenderError(
                msg("the chart could not be drawn: {error}", error=str(exc) or repr(exc))
            ) from exc
    return data.decode("utf-8")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF Chromium printed has (its page objects, counted)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def html_to_pdf(html: str, *, proxy: str = NOWHERE) -> bytes:
    """The HTML document printed to PDF by headless Chromium, on one page.

    The brief is laid out for one A4 page; should a country's text run longer, the same
    document is printed smaller (CSS zoom on the page, down to :data:`SMALLEST`) until it fits.
    """
    for zoom in ZOOMS:
        styled = (
            html
            if zoom == 1
            else html.replace(
                "</style>", f".page {{ zoom: {zoom}; max-width: calc(186mm / {zoom}); }}</style>", 1
            )
        )
        pdf = _print(styled, proxy)
        if page_count(pdf) <= 1:
            break
    return pdf


def _print(html: str, proxy: str) -> bytes:
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="indicators-brief-") as tmp:
        folder = Path(tmp)
        page, out = folder / "brief.html", folder / "brief.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium,
            *OFFLINE_FLAGS,
            *network_flags(proxy),
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(
                msg("Chromium did not print the PDF within {seconds} s", seconds=TIMEOUT_S)
            ) from exc
        if not out.is_file() or out.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            said = f"{done.returncode}" + (f": {detail[0]}" if detail else "")
            raise RenderError(msg("Chromium did not print the PDF (exit {said})", said=said))
        return out.read_bytes()


def html_to_png(html: str, path: Path, *, width: int = 794, height: int = 1123) -> None:
    """A screenshot of the document at A4 size in CSS pixels (for looking at it)."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="indicators-brief-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                *OFFLINE_FLAGS,
                *network_flags(NOWHERE),
                f"--user-data-dir={Path(tmp) / 'profile'}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--screenshot={path.resolve()}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    if not path.is_file():
        raise RenderError(msg("Chromium did not take the screenshot"))
