"""Many viewers at once: rerun response times and memory per session, without browsers.

Each viewer is a :class:`benchmarks.protocol.Session` (one websocket, as one browser tab).
At each level (10, 25, 50 sessions) every session is connected and has run the page once;
then, for ``duration`` seconds, each session in turn waits a think time (uniform between the
two ``think`` bounds, seeded) and picks another country, and the time from its rerun request to
``script_finished`` is recorded. Then all sessions pick a country at the same instant (a
burst, the worst case). The server's resident memory (VmRSS in /proc/PID/status) is read
after a first session has run the page (the "before") and at each level, after the load.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from benchmarks.core import percentile
from benchmarks.protocol import Session
from benchmarks.server import Server


@dataclass
class Level:
    """What one level of concurrency gave."""

    sessions: int
    reruns: list[float] = field(default_factory=list)
    burst: list[float] = field(default_factory=list)
    rss: int = 0
    failed: int = 0

    def p(self, q: float, burst: bool = False) -> float:
        """The q-th percentile of the rerun times (or of the burst's)."""
        return percentile(self.burst if burst else self.reruns, q)


@dataclass
class Result:
    """A whole sessions run on one server."""

    rss_before: int
    levels: list[Level]


async def _open(port: int, page: str, countries: list[str]) -> Session:
    session = Session(port, page=page)
    await session.open()
    run = await session.rerun()
    if run.status != "FINISHED_SUCCESSFULLY" or "Country" not in session.widgets:
        raise RuntimeError(f"the page did not run: {run.status}")
    return session


async def _viewer(
    session: Session,
    countries: list[str],
    start: int,
    until: float,
    think: tuple[float, float],
    rng: random.Random,
    level: Level,
) -> None:
    loop = asyncio.get_running_loop()
    k = start
    while True:
        await asyncio.sleep(rng.uniform(*think))
        if loop.time() >= until:
            return
        k += 1
        run = await session.rerun([session.select("Country", countries[k % len(countries)])])
        if run.status != "FINISHED_SUCCESSFULLY":
            level.failed += 1
        level.reruns.append(run.seconds)


async def _run(
    server: Server,
    page: str,
    countries: list[str],
    levels: tuple[int, ...],
    duration: float,
    think: tuple[float, float],
    seed: int,
) -> Result:
    rng = random.Random(seed)
    sessions = [await _open(server.port, page, countries)]
    await sessions[0].rerun([sessions[0].select("Country", countries[1])])
    rss_before = server.memory()["VmRSS"]
    out: list[Level] = []
    try:
        for n in levels:
            while len(sessions) < n:
                sessions.append(await _open(server.port, page, countries))
            level = Level(n)
            loop = asyncio.get_running_loop()
            until = loop.time() + duration
            await asyncio.gather(
                *(
                    _viewer(s, countries, i, until, think, random.Random(rng.random()), level)
                    for i, s in enumerate(sessions)
                )
            )
            runs = await asyncio.gather(
                *(
                    s.rerun([s.select("Country", countries[(i + 3) % len(countries)])])
                    for i, s in enumerate(sessions)
                )
            )
            level.burst = [r.seconds for r in runs]
            level.failed += sum(r.status != "FINISHED_SUCCESSFULLY" for r in runs)
            level.rss = server.memory()["VmRSS"]
            out.append(level)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return Result(rss_before, out)


def run_sessions(
    server: Server,
    page: str,
    countries: list[str],
    levels: tuple[int, ...],
    duration: float,
    think: tuple[float, float],
    seed: int = 7,
) -> Result:
    """Drive ``server`` with 1..max(levels) protocol sessions; see the module docstring."""
    return asyncio.run(_run(server, page, countries, levels, duration, think, seed))


def per_session_mb(result: Result, level: Level) -> float:
    """Resident memory added per session beyond the first, in MB."""
    return (level.rss - result.rss_before) / max(level.sessions - 1, 1) / 1e6
