"""A real app server and a real browser (Debian's Chromium through Playwright; never downloaded)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Servers and Chromium are started as the benchmarks start them (the server as `make run`
# starts it: server.py); the tests import ROOT, SERVER, free_port, start_streamlit and stop.
from benchmarks.launch import (
    CHROMIUM,
    ROOT,
    SERVER,
    chromium,
    chromium_found,
    free_port,
    start_streamlit,
)
from benchmarks.launch import stop_process as stop

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium: skipped with a reason outside CI when missing, a failure in CI."""
    if not chromium_found():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium")
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served on a free loopback port, on a fresh copy of the embedded data."""
    store = tmp_path_factory.mktemp("browser-store")
    env = {**os.environ, "INDICATORS_STORE": str(store)}
    port = free_port()
    proc = start_streamlit(SERVER, port, env)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the session."""
    with chromium(chromium_path) as b:
        yield b


def _streamlit_base_probe(url: str) -> bool:
    """Streamlit's frontend, opened on a page path (/rankings), first probes
    /rankings/_stcore/health and /rankings/_stcore/host-config to find the server's base path;
    the 404s of that probe are Streamlit's own and the only console errors tolerated."""
    return url.endswith(("/_stcore/health", "/_stcore/host-config")) and url.count("/") > 3


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page that records console errors; the test fails if any occur."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} ({m.location.get('url', '')})")
            if m.type == "error" and not _streamlit_base_probe(m.location.get("url", ""))
            else None
        ),
    )
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors  # a test that expects a specific error removes it from this list
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"


def screenshot(pg: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    out = ARTIFACTS / "screenshots" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    size = pg.viewport_size
    height = pg.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    pg.set_viewport_size(
        {"width": size["width"], "height": min(max(int(height), size["height"]), 8000)}
    )
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(out), full_page=True)
    pg.set_viewport_size(size)
    return out


SHARE_CODE = "[data-testid='stPopoverBody'] [data-testid='stCode']"


def share_link_box(pg: Any) -> Any:
    """Open the sidebar's 'Share this view' (a popover: the link is drawn when opened) and
    return the box that shows the link and its copy button."""
    box = pg.locator(SHARE_CODE)
    if box.count() == 0:
        pg.locator("[data-testid='stSidebar'] .st-key-share-view").get_by_role(
            "button", name="Share this view"
        ).click()
        box.first.wait_for(timeout=30_000)
    return box.first
