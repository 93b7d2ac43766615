"""`make bench`: measured figures, each against a baseline measured in the same run.

This machine is shared and noisy, so every figure is the median of several repeats and is
reported with its baseline and the ratio between them; budgets are checked on what the issue
states (a ratio or an absolute time). Writes ``bench-results/report.json`` and prints a table.

Run: ``make bench`` (or ``.venv/bin/python -m benchmarks.run [--shared ../shared/data]``).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results"


@dataclass
class Figure:
    """One measured figure with its baseline."""

    name: str
    seconds: float
    baseline_name: str
    baseline_seconds: float
    budget: str
    holds: bool | None

    @property
    def ratio(self) -> float:
        """Measured time divided by the baseline's."""
        return self.seconds / self.baseline_seconds if self.baseline_seconds else float("nan")


def median_time(fn: Callable[[], object], repeats: int = 7) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_rsf(shared: Path) -> Figure:
    """Ingest (detect, parse, validate, normalise) all 24 RSF editions vs plain read_csv."""
    from indicators.ingest import parse_files
    from indicators.reading import SourceFile

    paths = sorted((shared / "rsf").glob("*.csv"))
    sources = [SourceFile.from_path(p) for p in paths]

    def baseline() -> None:
        for p in paths:
            enc = "cp1252" if p.stem in ("2025", "2026") else "utf-8-sig"
            pd.read_csv(p, sep=";", decimal=",", encoding=enc)

    ours = median_time(lambda: parse_files(sources))
    base = median_time(baseline)
    return Figure(
        "ingest all 24 RSF editions (with validation)",
        ours,
        "pandas.read_csv of the same files",
        base,
        "< 1 s",
        ours < 1.0,
    )


def table(figures: list[Figure]) -> str:
    """A readable table of the figures."""
    rows = [f"{'figure':55} {'ours':>9} {'baseline':>9} {'ratio':>7}  budget   holds", "-" * 100]
    for f in figures:
        holds = "n/a" if f.holds is None else ("yes" if f.holds else "NO")
        rows.append(
            f"{f.name:55} {f.seconds:9.3f} {f.baseline_seconds:9.3f} {f.ratio:7.1f}  "
            f"{f.budget:8} {holds}\n{'':55} baseline: {f.baseline_name}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    figures = [bench_rsf(args.shared)]
    OUT.mkdir(exist_ok=True)
    report = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
    }
    (OUT / "report.json").write_text(json.dumps(report, indent=1))
    text = table(figures)
    (OUT / "report.txt").write_text(text + "\n")
    print(text)
    print(f"\nwritten: {OUT / 'report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
