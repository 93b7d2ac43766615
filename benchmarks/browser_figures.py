"""Chromium figures: first chart after start and change of country, app vs the bare app; the
incidents page on the large synthetic store (see ``benchmarks/README.md``, figure 4)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.core import Figure, alternating, log, median, percentile, shown

# Streamlit's runner.postScriptGC (default true) runs gc.collect(2) after every script run,
# holding the GIL for tens of milliseconds; the what-if figures turn it off.
NO_GC = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}
NO_GC_NAME = "runner.postScriptGC=false"


@dataclass
class Samples:
    """What the alternating starts measured, app and bare."""

    app_first: list[float] = field(default_factory=list)
    bare_first: list[float] = field(default_factory=list)
    app_healthy: list[float] = field(default_factory=list)  # start -> health check answered
    bare_healthy: list[float] = field(default_factory=list)
    app_change: list[float] = field(default_factory=list)
    bare_change: list[float] = field(default_factory=list)
    incidents_change: list[float] = field(default_factory=list)
    memory: int = 0  # the app's peak RSS after its last start's changes


def bench_browser(
    browser: Any, plan: Any, env: dict[str, str], big_env: dict[str, str] | None,
    big_rows: int, countries: list[str], details: dict[str, Any],
) -> tuple[list[Figure], dict[str, int]]:  # fmt: skip
    """First chart and change of country, app vs bare; the large synthetic store if given."""
    samples = _starts(browser, plan, env, countries, details)
    figures = _start_and_change_figures(plan, samples)
    figures[1:1] = _start_parts(browser, samples)  # right under the first chart
    gc_change = _no_gc_changes(browser, plan, env, countries)
    a, b = median(gc_change), median(samples.bare_change)
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
        "first_chart_app": samples.app_first,
        "first_chart_bare": samples.bare_first,
        "healthy_app": samples.app_healthy,
        "healthy_bare": samples.bare_healthy,
        "change_app_overview": samples.app_change,
        "change_bare": samples.bare_change,
        "change_app_incidents_embedded": samples.incidents_change,
    }
    memory = {"embedded": samples.memory}
    if big_env is not None:
        found, memory["big"], big_change = _big_store(
            browser, plan, big_env, big_rows, countries, samples
        )
        figures += found
        details["browser"] |= {
            "first_chart_big": found[0].value,
            "change_app_incidents_big": big_change,
        }
    return figures, memory


def _starts(
    browser: Any, plan: Any, env: dict[str, str], countries: list[str], details: dict[str, Any]
) -> Samples:
    """Start the app and the bare app in turn; the last start of each also changes country."""
    from benchmarks import browser as br
    from benchmarks.server import APP, BARE_APP

    samples = Samples()
    seq = alternating(countries)
    bare_env = {"BENCH_COUNTRIES": "|".join(countries)}
    for i in range(plan.starts):
        last = i == plan.starts - 1
        seconds, server, page = br.first_chart(browser, APP, env, "/")
        samples.app_first.append(seconds)
        samples.app_healthy.append(server.healthy - server.started)
        if i == 0:
            traces, points = br.chart_size(page)
            bare_env |= {"BENCH_TRACES": str(traces), "BENCH_POINTS": str(points)}
            details["chart_size"] = {"traces": traces, "points": points}
        if last:
            samples.app_change = br.change_country(page, seq, plan.interactions)
            page.goto(server.url + "/incidents?country=KAZ")
            samples.incidents_change = br.change_country(
                page, seq, plan.interactions, chartless=True
            )
            samples.memory = server.memory()["VmHWM"]
        br.close(server, page)
        log(f"first chart, app: {seconds:.2f} s")
        seconds, server, page = br.first_chart(browser, BARE_APP, bare_env, "/")
        samples.bare_first.append(seconds)
        samples.bare_healthy.append(server.healthy - server.started)
        if last:
            samples.bare_change = br.change_country(page, seq, plan.interactions)
        br.close(server, page)
        log(f"first chart, bare: {seconds:.2f} s")
    return samples


def _start_and_change_figures(plan: Any, s: Samples) -> list[Figure]:
    a, b = median(s.app_first), median(s.bare_first)
    figures = [
        Figure(
            "Chromium: server start -> first chart drawn (overview)",
            a,
            "bare Streamlit app, one Plotly chart of the same size",
            b,
            "<= 1.3x bare",
            a <= 1.3 * b,
            note=f"median of {plan.starts} starts each",
        )
    ]
    a, b = median(s.app_change), median(s.bare_change)
    figures.append(
        Figure(
            f"Chromium: change of country -> chart updated, median (n={len(s.app_change)})",
            a,
            "bare app, same interaction",
            b,
            "<= 1.5x bare, < 300 ms",
            a <= 1.5 * b and a < 0.3,
            note=f"overview page; {(a <= 1.5 * b and 'ratio ok') or 'ratio over 1.5x'}, "
            f"{(a < 0.3 and 'under') or 'over'} 300 ms",
        )
    )
    a, b = percentile(s.app_change, 95), percentile(s.bare_change, 95)
    figures.append(
        Figure(
            f"Chromium: change of country -> chart updated, p95 (n={len(s.app_change)})",
            a, "bare app, same interaction", b, "-", None,
        )
    )  # fmt: skip
    return figures


def _start_parts(browser: Any, s: Samples) -> list[Figure]:
    """Where a start goes (no budget): until the server answers its health check, and the
    first chart of a first start, when the store is still empty and the run seeds it."""
    from benchmarks import browser as br
    from benchmarks.server import APP

    with tempfile.TemporaryDirectory(prefix="bench-first-start-") as tmp:
        first, server, page = br.first_chart(
            browser, APP, {"INDICATORS_STORE": str(Path(tmp) / "store")}
        )
        br.close(server, page)
    log(f"first chart, app on a first start (empty store): {first:.2f} s")
    a, b = median(s.app_healthy), median(s.bare_healthy)
    return [
        Figure(
            "  of which: server start -> health check answered",
            a, "bare app, same start", b, "-", None,
            note="what the server imports and builds before it listens",
        ),
        Figure(
            "  first start: empty store, the first run seeds it (one start)",
            first, "bare app, median first chart", median(s.bare_first), "-", None,
            note="every later start finds the store seeded (the figure above)",
        ),
    ]  # fmt: skip


def _no_gc_changes(
    browser: Any, plan: Any, env: dict[str, str], countries: list[str]
) -> list[float]:
    """The change of country with Streamlit's post-script garbage collection off (what-if)."""
    from benchmarks import browser as br
    from benchmarks.server import APP

    _seconds, server, page = br.first_chart(browser, APP, {**env, **NO_GC}, "/")
    changes = br.change_country(page, alternating(countries), plan.interactions)
    br.close(server, page)
    return changes


def _big_store(
    browser: Any, plan: Any, big_env: dict[str, str], big_rows: int, countries: list[str],
    samples: Samples,
) -> tuple[list[Figure], int, list[float]]:  # fmt: skip
    """First chart and incidents-page changes on the large synthetic store: the figures, the
    server's peak RSS and the changes' times."""
    from benchmarks import browser as br
    from benchmarks.server import APP

    seconds, server, page = br.first_chart(browser, APP, big_env, "/")
    log(f"first chart with {big_rows:,} synthetic rows: {seconds:.2f} s")
    page.goto(server.url + "/incidents?country=KAZ")
    big_change = br.change_country(page, alternating(countries), plan.interactions, chartless=True)
    peak = server.memory()["VmHWM"]
    br.close(server, page)
    embedded = samples.incidents_change
    a, b = percentile(big_change, 95), percentile(embedded, 95)
    budget = big_rows >= 1_000_000
    figures = [
        Figure(
            f"Chromium: server start -> first chart, {big_rows:,} synthetic incidents",
            seconds, "the same on the embedded data", median(samples.app_first), "-", None,
        ),
        Figure(
            f"Chromium: incidents page, change of country, p95, {big_rows:,} synthetic",
            a,
            f"incidents page on the embedded data, p95 (n={len(embedded)})",
            b,
            "< 1 s" if budget else "- (1M only)",
            a < 1.0 if budget else None,
            note=f"median {shown(median(big_change), 's')} vs {shown(median(embedded), 's')}",
        ),
    ]  # fmt: skip
    return figures, peak, big_change
