"""Many viewers at once (protocol sessions) and the server's peak memory over the protocol.

See ``benchmarks/README.md``, "Many viewers at once: the method" and figures 5 and 6.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from benchmarks.browser_figures import NO_GC, NO_GC_NAME
from benchmarks.core import Figure, alternating, log, shown


def bench_sessions(
    plan: Any, env: dict[str, str], countries: list[str], details: dict[str, Any]
) -> list[Figure]:
    """Protocol sessions at each level: rerun times and memory per session, app vs bare."""
    from benchmarks.server import APP, BARE_APP, running
    from benchmarks.sessions import run_sessions

    results = {}
    bare_env = {**env, "BENCH_COUNTRIES": "|".join(countries)}
    middle = plan.levels[len(plan.levels) // 2]
    runs = (
        ("bare", BARE_APP, bare_env, plan.levels),
        ("app", APP, env, plan.levels),
        ("app_no_gc", APP, {**env, **NO_GC}, (middle,)),
    )
    for name, script, script_env, levels in runs:
        with running(script, script_env) as server:
            results[name] = run_sessions(
                server, "", alternating(countries), levels, plan.duration, plan.think
            )
        log(f"sessions done: {name}")
    details["sessions"] = {
        name: {
            "rss_before": r.rss_before,
            "levels": [asdict(level) for level in r.levels],
        }
        for name, r in results.items()
    }
    return _rerun_figures(plan, results) + _memory_figures(results)


def _rerun_figures(plan: Any, results: dict[str, Any]) -> list[Figure]:
    """Rerun p95 at each level (budget at 25 sessions), the bursts, and the what-if."""
    figures = []
    app, bare = results["app"], results["bare"]
    for la, lb in zip(app.levels, bare.levels, strict=True):
        n = la.sessions
        budget = n == 25
        figures.append(
            Figure(
                f"{n} sessions: rerun p95 (think {plan.think[0]:g}-{plan.think[1]:g} s, "
                f"n={len(la.reruns)})",
                la.p(95),
                "bare app, same load",
                lb.p(95),
                "< 1 s" if budget else "-",
                la.p(95) < 1.0 if budget else None,
                note=f"median {shown(la.p(50), 's')} vs {shown(lb.p(50), 's')}; "
                f"failed runs {la.failed}",
            )
        )
        figures.append(
            Figure(
                f"{n} sessions: all rerun at once, p95 (worst case)",
                la.p(95, burst=True), "bare app, same burst", lb.p(95, burst=True), "-", None,
            )
        )  # fmt: skip
    (lg,) = results["app_no_gc"].levels
    lb = next(level for level in bare.levels if level.sessions == lg.sessions)
    figures.append(
        Figure(
            f"  {lg.sessions} sessions: rerun p95, app with {NO_GC_NAME} (n={len(lg.reruns)})",
            lg.p(95),
            "bare app, same load",
            lb.p(95),
            "- (what-if)",
            None,
            note=f"median {shown(lg.p(50), 's')}; burst p95 {shown(lg.p(95, burst=True), 's')}; "
            "not the shipped configuration",
        )
    )
    return figures


def _memory_figures(results: dict[str, Any]) -> list[Figure]:
    """Memory per added session at each level (budget under 20 MB)."""
    from benchmarks.sessions import per_session_mb

    app, bare = results["app"], results["bare"]
    figures = []
    for la, lb in zip(app.levels, bare.levels, strict=True):
        mb = per_session_mb(app, la)
        figures.append(
            Figure(
                f"server memory per added session, {la.sessions} sessions",
                mb,
                "bare app, same sessions",
                per_session_mb(bare, lb),
                "< 20 MB",
                mb < 20,
                unit="MB",
                note=f"RSS {app.rss_before / 1e6:.0f} MB with 1 session -> "
                f"{la.rss / 1e6:.0f} MB with {la.sessions}",
            )
        )
    return figures


def protocol_peak(env: dict[str, str], countries: list[str]) -> int:
    """Peak RSS of a server whose overview and incidents page ran for a few countries."""
    from benchmarks.protocol import Session
    from benchmarks.server import APP, running

    async def drive(port: int) -> None:
        for page in ("", "incidents"):
            session = Session(port, page=page)
            await session.open()
            await session.rerun()
            for name in alternating(countries)[:6]:
                await session.rerun([session.select("Country", name)])
            await session.close()

    with running(APP, env) as server:
        asyncio.run(drive(server.port))
        return server.memory()["VmHWM"]
