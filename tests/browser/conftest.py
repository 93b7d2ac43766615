"""A real app server and a real browser (Debian's Chromium through Playwright; never downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("INDICATORS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_streamlit(script: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start `streamlit run` on loopback and wait until it answers its health check."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=script.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server process."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium: skipped with a reason outside CI when missing, a failure in CI."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
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
    proc = start_streamlit(ROOT / "app.py", port, env)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


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
