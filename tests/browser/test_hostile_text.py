"""Hostile text in a real browser: no request leaves the app's server, no link from the data.

The server serves the hostile store (every free-text cell of every table holds a hostile
value, one value per country). Every page is opened for every country; every request the
page makes is recorded, every link and every loaded address in the DOM (HTML and SVG) is read,
and the charts are hovered so their hover labels are drawn too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest

from indicators.pipeline.embedded import open_default_store
from tests.browser.conftest import (
    SERVER,
    _streamlit_base_probe,
    free_port,
    screenshot,
    start_streamlit,
    stop,
)
from tests.browser.test_dashboard import wait_for_app
from tests.hostile import BEACON, HOSTILE, HOSTILE_CODES, hostile_store

pytestmark = pytest.mark.browser
PAGES = ["", "rankings", "incidents", "events", "claim", "sources"]
SCREENSHOTS = {"KAZ", "AZE", "ARM", "UKR"}  # image/link Markdown, plotly link, <img>, directives
LOCAL_SCHEMES = ("data", "blob", "about")  # nothing is fetched from anywhere for these
# Every address the DOM points at: links (HTML and SVG), sources, and CSS url(...) in styles.
ADDRESSES_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const name of ['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction', 'poster']) {
      const v = el.getAttribute(name);
      if (v) out.push([el.tagName.toLowerCase(), name, v]);
    }
    const style = el.getAttribute('style');
    if (style && style.includes('url(')) out.push([el.tagName.toLowerCase(), 'style', style]);
  }
  return out;
}"""
HOVER_JS = """async () => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  let drawn = 0;
  const hover = async (gd, x, y) => {
    const drags = [...gd.querySelectorAll('.nsewdrag')];
    const under = drags.find(d => {
      const b = d.getBoundingClientRect();
      return x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;
    }) || drags[0] || gd;
    under.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: x, clientY: y}));
    await new Promise(r => setTimeout(r, 5));
    drawn += gd.querySelectorAll('.hovertext').length;
  };
  for (const gd of plots) {
    // on the drawn points first (a chart of one country may have a handful), then a sweep
    const points = [...gd.querySelectorAll('.scatterlayer .point, .barlayer .point')].slice(0, 40);
    for (const pt of points) {
      const b = pt.getBoundingClientRect();
      await hover(gd, b.left + b.width / 2, b.top + b.height / 2);
    }
    const rect = gd.querySelector('.nsewdrag') || gd;
    const box = rect.getBoundingClientRect();
    for (let i = 1; i < 16; i++) {
      for (const f of [0.25, 0.6]) {
        await hover(gd, box.left + box.width * i / 16, box.top + box.height * f);
      }
    }
  }
  return drawn;
}"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard (as `make run` starts it) serving the hostile store."""
    base = open_default_store(tmp_path_factory.mktemp("embedded"))
    root = tmp_path_factory.mktemp("hostile-browser")
    hostile_store(root, base)
    env = {**os.environ, "INDICATORS_STORE": str(root)}
    port = free_port()
    proc = start_streamlit(SERVER, port, env)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def _foreign(url: str, app: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in LOCAL_SCHEMES and parsed.netloc != urlparse(app).netloc


def _open(pg: Any, url: str) -> tuple[list[str], int]:
    """Open a page and hover its charts; the addresses it points at and hover labels drawn."""
    pg.goto(url)
    wait_for_app(pg)
    hovered = int(pg.evaluate(HOVER_JS))
    pg.wait_for_timeout(200)
    pointed = []
    for tag, name, value in pg.evaluate(ADDRESSES_JS):
        if name == "style":
            targets = re.findall(r"url\(\s*['\"]?([^'\")]*)", value)
        elif name == "srcset":
            targets = [part.split()[0] for part in value.split(",") if part.strip()]
        else:
            targets = [value]
        if any(_foreign(urljoin(url, t.strip()), url) for t in targets):
            pointed.append(f"<{tag} {name}={value!r}>")
    return pointed, hovered


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_makes_no_request_and_no_link(
    browser: Any, hostile_url: str, path: str
) -> None:
    """For every hostile value on this page: no request goes beyond the app's server, and no
    link, source or style in the DOM points anywhere but the app itself."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not _streamlit_base_probe(m.location.get("url", ""))
            else None
        ),
    )
    pg.on("pageerror", lambda e: errors.append(str(e)))
    problems: dict[str, list[str]] = {}
    hovered = 0
    try:
        for code, value in zip(HOSTILE_CODES, HOSTILE, strict=True):
            requests.clear()
            pointed, drawn = _open(pg, f"{hostile_url}/{path}?country={code}")
            hovered += drawn
            leaks = [u for u in requests if _foreign(u, hostile_url)]
            if leaks or pointed or BEACON in " ".join(requests):
                problems[f"{code} {value[:30]!r}"] = leaks + pointed
            if code in SCREENSHOTS:
                screenshot(pg, f"hostile-{path or 'overview'}-{code}")
    finally:
        context.close()
    held = len(HOSTILE) - len(problems)
    print(f"browser, {path or 'overview'}: hostile values tried / held {len(HOSTILE)} / {held}")
    print(f"  ({hovered} hover labels drawn)")
    assert not problems, problems
    assert not errors, errors
    if path in ("", "rankings", "incidents", "events"):
        assert hovered > 0, "the charts' hover labels were drawn"
