"""Start and stop ``streamlit run`` for the benchmarks, and read its memory from /proc."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``streamlit run`` process."""

    proc: subprocess.Popen[bytes]
    port: int
    started: float  # perf_counter() when the process was started
    healthy: float  # perf_counter() when /_stcore/health first answered
    log: Path

    @property
    def url(self) -> str:
        """The app's address."""
        return f"http://127.0.0.1:{self.port}"

    def memory(self) -> dict[str, int]:
        """VmRSS (resident now) and VmHWM (peak resident) in bytes, from /proc/PID/status."""
        return memory_of(self.proc.pid)

    def stop(self) -> None:
        """Terminate the server (and wait for it); remove its log."""
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        with contextlib.suppress(OSError):
            self.log.unlink()


def memory_of(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


def start(script: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Server:
    """Start ``streamlit run script`` on a free loopback port; return once it is healthy."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-streamlit-", suffix=".log")[1])
    started = time.perf_counter()
    with log.open("wb") as fh:
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
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,  # both apps read the project's .streamlit/config.toml
            env={**os.environ, "INDICATORS_DATABASE_URL": "", **(env or {})},
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            text = log.read_text()[-2000:]
            log.unlink()
            raise RuntimeError(f"streamlit exited: {text}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(proc, port, started, time.perf_counter(), log)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    proc.wait(5)
    log.unlink()
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


@contextlib.contextmanager
def running(script: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A server for the length of a ``with`` block."""
    server = start(script, env)
    try:
        yield server
    finally:
        server.stop()
