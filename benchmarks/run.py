"""`make bench`: measured figures, each against a baseline measured in the same run.

This machine is shared and noisy, so every figure is a median (or a percentile) of several
repeats and is reported with its baseline and the ratio between them; budgets are checked on
what the issue states (a ratio or an absolute figure). Writes ``bench-results/report.json``
and ``bench-results/report.txt`` and prints the table. See ``benchmarks/README.md``.

Run: ``make bench`` (or ``.venv/bin/python -m benchmarks.run [--quick] [--skip-browser]
[--skip-sessions] [--only PART,...] [--shared ../shared/data]``; the parts are listed in
``PARTS``: ``--only rsf`` measures the RSF ingest alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.core import Figure, log, median_time, shown
from indicators.sources.synthetic import SHOW_ENV

__all__ = ["PARTS", "Figure", "main", "median_time", "table"]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results"
# What can be measured alone (--only): the RSF ingest; the synthetic ingest and aggregations;
# Chromium's first chart and change of country; the Rankings map and table on an edition
# change; many sessions at once; other visitors during a big upload preview.
PARTS = ("rsf", "synthetic", "browser", "world", "sessions", "upload")


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


def bench_rsf(shared: Path, repeats: int = 7) -> Figure:
    """Ingest (detect, parse, validate, normalise) all 24 RSF editions vs plain read_csv."""
    from indicators.pipeline.extract import parse_files
    from indicators.sources.reading import SourceFile

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


@dataclass
class Run:
    """One run of the benchmark: what to measure, and what has been found so far."""

    plan: Plan
    parts: set[str]
    shared: Path
    work: Path
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # the app on the embedded data
    big_env: dict[str, str] | None = None  # the app on the large synthetic store
    big_rows: int = 0
    countries: list[str] = field(default_factory=list)


def chosen_parts(args: argparse.Namespace) -> set[str]:
    """The parts to measure: --only's, else all; --skip-browser and --skip-sessions remove."""
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(sorted(unknown))}: choose from {PARTS}")
    if args.skip_browser:
        parts -= {"browser", "world", "upload"}
    if args.skip_sessions:
        parts.discard("sessions")
    return parts


def measure_synthetic(run: Run) -> None:
    """Synthetic ingest at each size, its stages, the aggregations; the large store for later."""
    from benchmarks import synthetic_bench as sb

    embedded = sb.embedded_incidents(run.work)
    sets = []
    for n in run.plan.sizes:
        repeats = run.plan.big_repeats if n >= 1_000_000 else run.plan.repeats
        figure, data = sb.bench_ingest(n, run.work / f"files-{n}", embedded, repeats)
        run.figures.append(figure)
        sets.append(data)
        log(f"ingest {n:,}: {figure.value:.2f} s vs {figure.baseline_value:.2f} s")
    biggest = sets[-1]
    run.details["ingest_stages"] = {f"{biggest.rows}": sb.ingest_stages(biggest.paths)}
    for data in sets:
        run.figures += sb.bench_aggregations(data, run.plan.repeats, each=data is biggest)
        log(f"aggregations {data.rows:,} done")
    if run.parts & {"browser", "sessions"}:
        big_store = sb.build_store(run.work / "store-synthetic", biggest.table)
        # the app counts synthetic rows only when told to, and then says so on every page
        run.big_env = {"INDICATORS_STORE": str(big_store), SHOW_ENV: "1"}
        run.big_rows = biggest.rows
        log(f"temporary store with {biggest.rows:,} synthetic incidents built")


def measure_browser(run: Run) -> None:
    """Chromium: first chart and change of country (and the large store), the world map."""
    from benchmarks.browser import chromium, chromium_available

    missing = chromium_available()
    if missing:
        log(f"browser part skipped: {missing}")
        run.parts -= {"browser", "world", "upload"}
        return
    memory: dict[str, int] = {}
    with chromium() as browser:
        if "browser" in run.parts:
            from benchmarks.browser_figures import bench_browser

            found, memory = bench_browser(
                browser, run.plan, run.env, run.big_env, run.big_rows, run.countries, run.details
            )
            run.figures += found
            log("browser done")
        if "world" in run.parts:
            from benchmarks.world_bench import bench_world

            run.figures += bench_world(browser, run.shared, run.plan.interactions, run.details)
            log("world map and table done")
    peak_memory(run, memory)


def peak_memory(run: Run, memory: dict[str, int]) -> None:
    """The server's peak RSS with the large store (over the protocol if no browser ran)."""
    if run.big_env is None:
        return
    if "big" not in memory:
        from benchmarks.session_figures import protocol_peak

        memory = {
            "embedded": protocol_peak(run.env, run.countries),
            "big": protocol_peak(run.big_env, run.countries),
        }
    budget = run.big_rows >= 1_000_000
    run.figures.append(
        Figure(
            f"server peak RSS (VmHWM), {run.big_rows:,} synthetic incidents loaded",
            memory["big"] / 1e6,
            "the same app and use on the embedded data",
            memory["embedded"] / 1e6,
            "< 1.5 GB" if budget else "- (1M only)",
            memory["big"] < 1.5e9 if budget else None,
            unit="MB",
        )
    )


def measure(run: Run) -> None:
    """Every chosen part, in the order of ``PARTS``."""
    from benchmarks import synthetic_bench as sb

    if "rsf" in run.parts and sorted((run.shared / "rsf").glob("*.csv")):
        run.figures.append(bench_rsf(run.shared, run.plan.repeats))
        log("RSF ingest done")
    if "synthetic" in run.parts:
        measure_synthetic(run)
    if run.parts & {"browser", "world", "sessions"}:
        run.env = {"INDICATORS_STORE": str(sb.open_default_store(run.work / "store-embedded").root)}
    if run.parts & {"browser", "sessions"}:
        run.countries = countries_of(run.env)
    if run.parts & {"browser", "world"}:
        measure_browser(run)
    else:
        peak_memory(run, {})
    if "sessions" in run.parts:
        from benchmarks.session_figures import bench_sessions

        run.figures += bench_sessions(run.plan, run.env, run.countries, run.details)
    if "upload" in run.parts:
        from benchmarks import upload_load
        from benchmarks.browser import chromium_available

        if chromium_available():
            log(f"upload part skipped: {chromium_available()}")
            return

        found, run.details["upload"] = upload_load.figures(run.plan.sizes[-1], 4, run.plan.duration)
        run.figures += found
        log("upload under load done")


def report(run: Run, args: argparse.Namespace, runtime: float) -> None:
    """Write report.json and report.txt and print the table."""
    args.out.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "mode": "quick" if args.quick else "full",
        "parts": sorted(run.parts),
        "runtime_seconds": round(runtime, 1),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in run.figures],
        "details": run.details,
    }
    (args.out / "report.json").write_text(json.dumps(data, indent=1, default=str))
    text = table(run.figures)
    held = [f for f in run.figures if f.holds is not None]
    summary = (
        f"\n{sum(bool(f.holds) for f in held)} of {len(held)} budgets hold"
        f" ({', '.join(f.name for f in held if not f.holds) or 'all'}"
        f"{' fail' if any(not f.holds for f in held) else ''}). "
        f"Runtime {runtime / 60:.1f} min ({data['mode']})."
    )
    (args.out / "report.txt").write_text(text + "\n" + summary + "\n")
    print(text)
    print(summary)
    print(f"\nwritten: {args.out / 'report.json'}")


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
    parser.add_argument("--only", default="", help=f"comma-separated parts of {', '.join(PARTS)}")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-synthetic-") as tmp:
        run = Run(plan, chosen_parts(args), args.shared, Path(tmp))
        run.details["plan"] = asdict(plan)
        measure(run)
    report(run, args, time.perf_counter() - began)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
