"""What every benchmark shares: a figure with its same-run baseline, and robust timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    """One measured figure with the baseline measured in the same run.

    ``value`` and ``baseline_value`` are in ``unit`` ("s" for seconds, "MB" for megabytes).
    ``holds`` is None when the issue sets no budget for this figure (it is reported only).
    """

    name: str
    value: float
    baseline_name: str
    baseline_value: float
    budget: str
    holds: bool | None
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float:
        """Measured value divided by the baseline's."""
        return self.value / self.baseline_value if self.baseline_value else float("nan")

    @property
    def seconds(self) -> float:
        """The value (kept for the first version of this report, which had only times)."""
        return self.value


def log(message: str) -> None:
    """Progress, as the benchmark goes (the table comes at the end)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def median_time(fn: Callable[[], object], repeats: int = 7, warmup: bool = True) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs, after one warm-up run."""
    return statistics.median(times(fn, repeats, warmup))


def times(fn: Callable[[], object], repeats: int, warmup: bool = True) -> list[float]:
    """Wall times of ``repeats`` runs of ``fn`` (after one warm-up run unless told not to)."""
    if warmup:
        fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(values: list[float]) -> float:
    """The median (NaN for no values)."""
    return percentile(values, 50)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def shown(value: float, unit: str) -> str:
    """A value for the table: ms below a second, MB for memory."""
    if value != value:  # NaN
        return "n/a"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s" and value < 1:
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.3g} {unit}"


# The countries a change of country alternates with Kazakhstan (when the app offers them).
PAIRS = ("Kyrgyzstan", "Uzbekistan", "Russia", "Tajikistan", "Belarus", "Georgia", "Armenia")


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
