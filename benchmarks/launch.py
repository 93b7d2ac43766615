"""Start ``streamlit run`` on a free loopback port, and launch Debian's Chromium headless.

The app is served as people run it: ``streamlit run server.py`` (:data:`SERVER`, the
``st.App`` with the sign-in routes and the edge middleware around ``app.py``).

Shared by the benchmarks (:mod:`benchmarks.server`, :mod:`benchmarks.browser`) and the browser
tests (``tests/browser/conftest.py``; pytest puts the project folder on the path). Only the
standard library is imported here: Playwright is imported when a browser is launched, and
Streamlit only ever runs in the server's own process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from shutil import which
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server.py"  # what `make run` starts: app.py behind sign-in and the edges
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
HEALTH_POLL = 0.05  # seconds between two health checks while a server starts


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_command(script: Path, port: int, options: Sequence[str] = ()) -> list[str]:
    """``streamlit run script`` on ``127.0.0.1:port``, headless, without usage statistics."""
    return [
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
        *options,
    ]


def start_streamlit(
    script: Path,
    port: int,
    env: Mapping[str, str],
    *,
    cwd: Path = ROOT,
    log: Path | None = None,
    options: Sequence[str] = (),
    timeout: float = 60,
) -> subprocess.Popen[bytes]:
    """Start ``streamlit run script`` on ``127.0.0.1:port`` and wait until it answers its
    health check.

    ``env`` is the server's whole environment. It runs in ``cwd`` (by default the project
    folder, so every app reads the project's ``.streamlit/config.toml``). Its output goes to
    the file ``log`` when given, otherwise to an anonymous temporary file; the end of it is
    in the error raised when the server exits before it is healthy. A server not healthy
    within ``timeout`` seconds is killed.
    """
    command = streamlit_command(script, port, options)
    # Output goes to a file, never to a pipe nobody reads (a full pipe would stall the server).
    with log.open("w+b") if log is not None else tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=out, stderr=out)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out.seek(0)
                tail = out.read()[-2000:].decode(errors="replace")
                raise RuntimeError(f"streamlit exited: {tail}")
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return proc  # the server keeps writing to its own copy of the file
            except OSError:
                time.sleep(HEALTH_POLL)
        proc.kill()
        proc.wait(5)
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a server process and wait for it; kill it if it is still running after
    ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def chromium_found(executable: str = CHROMIUM) -> bool:
    """Whether the Chromium to drive exists (a path, or a name on the PATH)."""
    return Path(executable).exists() or which(executable) is not None


@contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Any]:
    """One headless Chromium driven by Playwright (Debian's browser, never downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
