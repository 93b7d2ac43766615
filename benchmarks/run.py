"""`make bench`: measured figures, each against a baseline measured in the same run.

This machine is shared and noisy, so every figure is a median (or a percentile) of several
repeats and is reported with its baseline and the ratio between them; budgets are checked on
what the issue states (a ratio or an absolute figure). Writes ``bench-results/report.json``
and ``bench-results/report.txt`` and prints the table. See ``benchmarks/README.md``.

Run: ``make bench`` (or ``.venv/bin/python -m benchmarks.run [--quick] [--skip-browser]
[--skip-sessions] [--shared ../shared/data]``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.core import Figure, median_time, percentile, shown
from indicators.synthetic import SHOW_ENV

__all__ = ["Figure", "main", "median_time", "table"]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results"
# Streamlit's runner.postScriptGC (default true) runs gc.collect(2) after every script run,
# holding the GIL for tens of milliseconds; the what-if figures turn it off.
NO_GC = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}
NO_GC_NAME = "runner.postScriptGC=false"
PAIRS = ("Kyrgyzstan", "Uzbekistan", "Russia", "Tajikistan", "Belarus", "Georgia", "Armenia")


@dataclass(frozen=True)
class Plan:
    """How much to measure (full, or --quick for a fast subset)."""

    sizes: tuple[int, ...]
    repeats: int
    big_repeats: int
    starts: int
    interactions: int
    levels: tuple[int, ...]
    duration: float
    think: tuple[float, float]


FULL = Plan((10_000, 100_000, 1_000_000), 7, 3, 3, 24, (10, 25, 50), 20.0, (2.0, 8.0))
QUICK = Plan((10_000,), 3, 1, 1, 4, (2, 4), 4.0, (0.5, 1.5))


def chromium_missing() -> str | None:
    """Why Chromium cannot be driven here (None when it can)."""
    from benchmarks.browser import chromium_available

    return chromium_available()


def log(message: str) -> None:
    """Progress on stderr-like output (the table comes at the end)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_rsf(shared: Path, repeats: int = 7) -> Figure:
    """Ingest (detect, parse, validate, normalise) all 24 RSF editions vs plain read_csv."""
    from indicators.ingest import parse_files
    from indicators.reading import SourceFile

    paths = sorted((shared / "rsf").glob("*.csv"))
    sources = [SourceFile.from_path(p) for p in paths]

    def baseline() -> None:
        for p in paths:
            enc = "cp1252" if p.stem in ("2025", "2026") else "utf-8-sig"
            pd.read_csv(p, sep=";", decimal=",", encoding=enc)

    ours = median_time(lambda: parse_files(sources), repeats)
    base = median_time(baseline, repeats)
    return Figure(
        f"ingest all {len(paths)} RSF editions (with validation)",
        ours,
        "pandas.read_csv of the same files",
        base,
        "< 1 s",
        ours < 1.0,
    )


def countries_of(env: dict[str, str]) -> list[str]:
    """The app's country choices, as its selectbox shows them (asked over the protocol)."""
    from benchmarks.protocol import Session
    from benchmarks.server import APP, running

    async def ask(port: int) -> list[str]:
        session = Session(port)
        await session.open()
        await session.rerun()
        await session.close()
        return session.widgets["Country"].options

    with running(APP, env) as server:
        return asyncio.run(ask(server.port))


def alternating(countries: list[str]) -> list[str]:
    """Kazakhstan and another country in turn, so every change redraws the charts.

    ``countries`` are the picker's option labels ("Kazakhstan (KAZ) · Казахстан · ..."); the
    result is labels too, found by the name before the code.
    """
    by_name = {label_name(c): c for c in countries}
    home = by_name.get("Kazakhstan", countries[0])
    others = [by_name[p] for p in PAIRS if p in by_name] or [c for c in countries if c != home]
    out: list[str] = []
    for other in others:
        out += [other, home]
    return out


def label_name(label: str) -> str:
    """The country's name at the start of a picker label ('Kazakhstan (KAZ) · ...')."""
    return label.split(" (", 1)[0]


def bench_browser(
    plan: Plan, env: dict[str, str], big_env: dict[str, str] | None, big_rows: int,
    countries: list[str], details: dict[str, Any],
) -> tuple[list[Figure], dict[str, int]]:  # fmt: skip
    """Chromium: first chart after start and change of country, app vs bare; the 1M store."""
    from benchmarks import browser as br
    from benchmarks.server import APP, BARE_APP

    figures: list[Figure] = []
    memory: dict[str, int] = {}
    seq = alternating(countries)
    app_first: list[float] = []
    bare_first: list[float] = []
    bare_env = {"BENCH_COUNTRIES": "|".join(countries)}
    with br.chromium() as browser:
        for i in range(plan.starts):
            last = i == plan.starts - 1
            seconds, server, page = br.first_chart(browser, APP, env, "/")
            app_first.append(seconds)
            if i == 0:
                traces, points = br.chart_size(page)
                bare_env |= {"BENCH_TRACES": str(traces), "BENCH_POINTS": str(points)}
                details["chart_size"] = {"traces": traces, "points": points}
            if last:
                app_change = br.change_country(page, seq, plan.interactions)
                page.goto(server.url + "/incidents?country=KAZ")
                incidents_change = br.change_country(page, seq, plan.interactions, chartless=True)
                memory["embedded"] = server.memory()["VmHWM"]
            br.close(server, page)
            log(f"first chart, app: {seconds:.2f} s")
            seconds, server, page = br.first_chart(browser, BARE_APP, bare_env, "/")
            bare_first.append(seconds)
            if last:
                bare_change = br.change_country(page, seq, plan.interactions)
            br.close(server, page)
            log(f"first chart, bare: {seconds:.2f} s")
        a, b = median(app_first), median(bare_first)
        figures.append(
            Figure(
                "Chromium: server start -> first chart drawn (overview)",
                a,
                "bare Streamlit app, one Plotly chart of the same size",
                b,
                "<= 1.3x bare",
                a <= 1.3 * b,
                note=f"median of {plan.starts} starts each",
            )
        )
        a, b = median(app_change), median(bare_change)
        figures.append(
            Figure(
                f"Chromium: change of country -> chart updated, median (n={len(app_change)})",
                a,
                "bare app, same interaction",
                b,
                "<= 1.5x bare, < 300 ms",
                a <= 1.5 * b and a < 0.3,
                note=f"overview page; {(a <= 1.5 * b and 'ratio ok') or 'ratio over 1.5x'}, "
                f"{(a < 0.3 and 'under') or 'over'} 300 ms",
            )
        )
        a, b = percentile(app_change, 95), percentile(bare_change, 95)
        figures.append(
            Figure(
                f"Chromium: change of country -> chart updated, p95 (n={len(app_change)})",
                a, "bare app, same interaction", b, "-", None,
            )
        )  # fmt: skip
        variant = {**env, **NO_GC}
        seconds, server, page = br.first_chart(browser, APP, variant, "/")
        gc_change = br.change_country(page, seq, plan.interactions)
        br.close(server, page)
        a, b = median(gc_change), median(bare_change)
        figures.append(
            Figure(
                f"  the same, median, app with {NO_GC_NAME} (n={len(gc_change)})",
                a,
                "bare app, same interaction",
                b,
                "- (what-if)",
                None,
                note="not the shipped configuration: shows the effect of that one setting",
            )
        )
        details["browser"] = {
            "change_app_overview_no_post_script_gc": gc_change,
            "first_chart_app": app_first,
            "first_chart_bare": bare_first,
            "change_app_overview": app_change,
            "change_bare": bare_change,
            "change_app_incidents_embedded": incidents_change,
        }
        if big_env is not None:
            seconds, server, page = br.first_chart(browser, APP, big_env, "/")
            log(f"first chart with {big_rows:,} synthetic rows: {seconds:.2f} s")
            page.goto(server.url + "/incidents?country=KAZ")
            big_change = br.change_country(page, seq, plan.interactions, chartless=True)
            memory["big"] = server.memory()["VmHWM"]
            br.close(server, page)
            details["browser"] |= {
                "first_chart_big": seconds,
                "change_app_incidents_big": big_change,
            }
            figures.append(
                Figure(
                    f"Chromium: server start -> first chart, {big_rows:,} synthetic incidents",
                    seconds, "the same on the embedded data", median(app_first), "-", None,
                )
            )  # fmt: skip
            a, b = percentile(big_change, 95), percentile(incidents_change, 95)
            budget = big_rows >= 1_000_000
            figures.append(
                Figure(
                    f"Chromium: incidents page, change of country, p95, {big_rows:,} synthetic",
                    a,
                    f"incidents page on the embedded data, p95 (n={len(incidents_change)})",
                    b,
                    "< 1 s" if budget else "- (1M only)",
                    a < 1.0 if budget else None,
                    note=f"median {shown(median(big_change), 's')} vs "
                    f"{shown(median(incidents_change), 's')}",
                )
            )
    return figures, memory


def median(values: list[float]) -> float:
    """The median (NaN for no values)."""
    return percentile(values, 50)


def bench_sessions(
    plan: Plan, env: dict[str, str], countries: list[str], details: dict[str, Any]
) -> list[Figure]:
    """Protocol sessions at each level: rerun times and memory per session, app vs bare."""
    from benchmarks.server import APP, BARE_APP, running
    from benchmarks.sessions import per_session_mb, run_sessions

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


def table(figures: list[Figure]) -> str:
    """A readable table of the figures."""
    head = f"{'figure':72} {'ours':>10} {'baseline':>10} {'ratio':>6}  {'budget':24} holds"
    rows = [head, "-" * len(head)]
    for f in figures:
        holds = "n/a" if f.holds is None else ("yes" if f.holds else "NO")
        rows.append(
            f"{f.name:72} {shown(f.value, f.unit):>10} {shown(f.baseline_value, f.unit):>10} "
            f"{f.ratio:6.2f}  {f.budget:24} {holds}"
        )
        rows.append(f"{'':4}baseline: {f.baseline_name}" + (f"; {f.note}" if f.note else ""))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT, help="where report.json/.txt go")
    parser.add_argument(
        "--quick", action="store_true", help="a fast subset (10,000 rows, few repeats)"
    )
    parser.add_argument("--skip-browser", action="store_true", help="no Chromium timings")
    parser.add_argument("--skip-sessions", action="store_true", help="no concurrent-sessions run")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    figures: list[Figure] = []
    details: dict[str, Any] = {"plan": asdict(plan)}
    step: Callable[[str], None] = log

    from benchmarks import synthetic_bench as sb

    rsf = sorted((args.shared / "rsf").glob("*.csv"))
    if rsf:
        figures.append(bench_rsf(args.shared, plan.repeats))
        step("RSF ingest done")
    with tempfile.TemporaryDirectory(prefix="bench-synthetic-") as tmp:
        work = Path(tmp)
        embedded = sb.embedded_incidents(work)
        sets = []
        for n in plan.sizes:
            repeats = plan.big_repeats if n >= 1_000_000 else plan.repeats
            figure, data = sb.bench_ingest(n, work / f"files-{n}", embedded, repeats)
            figures.append(figure)
            sets.append(data)
            step(f"ingest {n:,}: {figure.value:.2f} s vs {figure.baseline_value:.2f} s")
        biggest = sets[-1]
        details["ingest_stages"] = {
            f"{biggest.rows}": sb.ingest_stages(biggest.paths),
        }
        for data in sets:
            figures += sb.bench_aggregations(data, plan.repeats, each=data is biggest)
            step(f"aggregations {data.rows:,} done")
        embedded_store = sb.open_default_store(work / "store-embedded").root
        env = {"INDICATORS_STORE": str(embedded_store)}
        big_env: dict[str, str] | None = None
        if not (args.skip_browser and args.skip_sessions):
            big_store = sb.build_store(work / "store-synthetic", biggest.table)
            # the app counts synthetic rows only when told to, and then says so on every page
            big_env = {"INDICATORS_STORE": str(big_store), SHOW_ENV: "1"}
            step(f"temporary store with {biggest.rows:,} synthetic incidents built")
            del sets
            countries = countries_of(env)
        memory: dict[str, int] = {}
        if not args.skip_browser:
            from benchmarks.browser import chromium_available

            missing = chromium_available()
            if missing:
                step(f"browser part skipped: {missing}")
            else:
                found, memory = bench_browser(plan, env, big_env, biggest.rows, countries, details)
                figures += found
                step("browser done")
        if big_env is not None and "big" not in memory:
            memory = {
                "embedded": protocol_peak(env, countries),
                "big": protocol_peak(big_env, countries),
            }
        if memory:
            budget = biggest.rows >= 1_000_000
            figures.append(
                Figure(
                    f"server peak RSS (VmHWM), {biggest.rows:,} synthetic incidents loaded",
                    memory["big"] / 1e6,
                    "the same app and use on the embedded data",
                    memory["embedded"] / 1e6,
                    "< 1.5 GB" if budget else "- (1M only)",
                    memory["big"] < 1.5e9 if budget else None,
                    unit="MB",
                )
            )
        if not args.skip_sessions:
            figures += bench_sessions(plan, env, countries, details)
        if not args.skip_browser and not chromium_missing():
            from benchmarks import upload_load

            found, details["upload"] = upload_load.figures(plan.sizes[-1], 4, plan.duration)
            figures += found
            step("upload under load done")
    runtime = time.perf_counter() - began
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "mode": "quick" if args.quick else "full",
        "runtime_seconds": round(runtime, 1),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
        "details": details,
    }
    (args.out / "report.json").write_text(json.dumps(report, indent=1, default=str))
    text = table(figures)
    held = [f for f in figures if f.holds is not None]
    summary = (
        f"\n{sum(bool(f.holds) for f in held)} of {len(held)} budgets hold"
        f" ({', '.join(f.name for f in held if not f.holds) or 'all'}"
        f"{' fail' if any(not f.holds for f in held) else ''}). "
        f"Runtime {runtime / 60:.1f} min ({report['mode']})."
    )
    (args.out / "report.txt").write_text(text + "\n" + summary + "\n")
    print(text)
    print(summary)
    print(f"\nwritten: {args.out / 'report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
