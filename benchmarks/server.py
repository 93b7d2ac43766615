"""Start and stop ``streamlit run`` for the benchmarks, and read its memory from /proc."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.launch import SERVER, free_port, start_streamlit, stop_process

APP = SERVER  # what `make run` starts: the app behind sign-in and the edges
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"


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
        stop_process(self.proc, timeout=15)
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
    """Start ``streamlit run script`` on a free loopback port; return once it is healthy.

    Both apps are started the same way: from the project folder (so they read its
    ``.streamlit/config.toml``), file watcher off, no database unless ``env`` names one.
    """
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-streamlit-", suffix=".log")[1])
    started = time.perf_counter()
    try:
        proc = start_streamlit(
            script,
            port,
            {**os.environ, "INDICATORS_DATABASE_URL": "", **(env or {})},
            log=log,
            options=["--server.fileWatcherType", "none"],
            timeout=timeout,
        )
    except BaseException:
        log.unlink(missing_ok=True)
        raise
    return Server(proc, port, started, time.perf_counter(), log)


@contextlib.contextmanager
def running(script: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A server for the length of a ``with`` block."""
    server = start(script, env)
    try:
        yield server
    finally:
        server.stop()
