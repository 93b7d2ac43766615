"""Ingest and aggregation of SYNTHETIC incidents at 10,000, 100,000 and 1,000,000 rows.

The files are written by :func:`indicators.sources.synthetic.write_synthetic_files` into a temporary
folder (never ``data/`` or a real store); see that module for the layout (an analyst's incident
file, read through the incidents_table adapter's full normalisation and validation).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow.csv as pa_csv

from benchmarks.core import Figure, times
from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import _check_overlaps, parse_files
from indicators.pipeline.validate import validate_table
from indicators.query.aggregate import IncidentFilter, case_chain, filter_incidents, incident_counts
from indicators.sources.base import Parsed
from indicators.sources.reading import SourceFile, read_table
from indicators.sources.registry import ParseOptions
from indicators.sources.synthetic import SOURCE_NAME, label_canonical, write_synthetic_files
from indicators.tables.changes import merge_batch
from indicators.tables.incidents import INCIDENTS

SEED = 20260101
OPTIONS = ParseOptions(country="KAZ")  # the file is one monitor's Kazakhstan records


@dataclass
class SyntheticSet:
    """One size: its files and the incidents table a store holding them would serve."""

    rows: int
    paths: list[Path]
    table: pd.DataFrame  # embedded incidents + these, labelled synthetic, sorted like a store's


def paired(
    ours: Callable[[], object], base: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Medians of ``ours`` and ``base``, run alternately (after one warm-up of each), so that
    a noisy neighbour slows both rather than one."""
    ours()
    base()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeats):
        a += times(ours, 1, warmup=False)
        b += times(base, 1, warmup=False)
    return statistics.median(a), statistics.median(b)


def ingest(paths: list[Path]) -> list[Parsed]:
    """What ``indicators ingest`` does before writing: read, detect, normalise, validate."""
    return parse_files([SourceFile.from_path(p) for p in paths], OPTIONS)


def embedded_incidents(folder: Path) -> pd.DataFrame:
    """The embedded incidents table, from a store seeded in a temporary folder."""
    return open_default_store(folder / "embedded-store").table("incidents")


def bench_ingest(
    n: int, folder: Path, embedded: pd.DataFrame, repeats: int
) -> tuple[Figure, SyntheticSet]:
    """Ingest of n synthetic rows (with validation and normalisation) vs pyarrow's read_csv."""
    paths = write_synthetic_files(n, SEED, folder)
    result: dict[str, list[Parsed]] = {}

    def ours() -> None:
        result["parsed"] = ingest(paths)

    def base() -> None:
        for p in paths:
            pa_csv.read_csv(p)

    t_ours, t_base = paired(ours, base, repeats)
    parsed = result["parsed"]
    synthetic = label_canonical(pd.concat([p.frame for p in parsed], ignore_index=True))
    assert (synthetic["source_name"] == SOURCE_NAME).all() and synthetic["synthetic"].all()
    table = merge_batch(embedded, synthetic, "incidents")
    size = sum(p.stat().st_size for p in paths) / 1e6
    files = f"{len(paths)} files" if len(paths) > 1 else "1 file"
    budget, holds = ("<= 5x pyarrow", t_ours <= 5 * t_base) if n >= 1_000_000 else ("-", None)
    figure = Figure(
        f"ingest {n:,} synthetic incident rows (normalise+validate)",
        t_ours,
        f"pyarrow.csv.read_csv of the same {files} ({size:.0f} MB)",
        t_base,
        budget,
        holds,
        note=f"{len(synthetic):,} canonical rows (one per statute)",
    )
    return figure, SyntheticSet(n, paths, table)


def ingest_stages(paths: list[Path]) -> dict[str, float]:
    """One ingest, stage by stage (seconds): where the time goes."""
    out: dict[str, float] = {}
    start = time.perf_counter()
    sources = [SourceFile.from_path(p) for p in paths]
    out["read bytes + SHA-256"] = time.perf_counter() - start
    start = time.perf_counter()
    tables = [read_table(s) for s in sources]
    out["read_table (decode, sniff, pandas parse, checks)"] = time.perf_counter() - start
    from indicators.sources.generic.incidents import IncidentTable

    start = time.perf_counter()
    parsed = [IncidentTable().parse(t, OPTIONS) for t in tables]  # adapters do not validate
    out["adapter: match columns + normalise (build_incidents)"] = time.perf_counter() - start
    start = time.perf_counter()
    _check_overlaps(list(zip(sources, parsed, strict=True)))
    out["ingest._check_overlaps"] = time.perf_counter() - start
    start = time.perf_counter()
    validate_table(pd.concat([p.frame for p in parsed], ignore_index=True), INCIDENTS)
    out["pandera validation (one pass)"] = time.perf_counter() - start
    return out


PERIOD = IncidentFilter(
    country="KAZ",
    start=date(2015, 1, 1),
    end=date(2024, 12, 31),
    categories=("false_information", "insult_defamation"),
    include_synthetic=True,
)
COUNTRY = IncidentFilter(country="KAZ", include_synthetic=True)

# (name, what the app computes, a plain-pandas baseline over the same rows)
AGGREGATIONS: list[
    tuple[str, Callable[[pd.DataFrame], object], Callable[[pd.DataFrame], object]]
] = [
    (
        "filter: country (the page's default, all years)",
        lambda t: filter_incidents(t, COUNTRY),
        lambda t: t[t["country"] == "KAZ"],
    ),
    (
        "filter: country, 2015-2024, two statute categories",
        lambda t: filter_incidents(t, PERIOD),
        lambda t: t[t["country"] == "KAZ"],
    ),
    (
        "distinct incidents by statute and year",
        lambda t: incident_counts(t, ["statute", "year"]),
        lambda t: t.groupby(["statute_key", "year"], dropna=False).size(),
    ),
    (
        "distinct incidents by statute and month",
        lambda t: incident_counts(t, ["statute", "month"]),
        lambda t: t.groupby(["statute_key", "year"], dropna=False).size(),
    ),
    (
        "distinct incidents by statute category and year",
        lambda t: incident_counts(t, ["category", "year"]),
        lambda t: t.groupby(["statute_category", "year"], dropna=False).size(),
    ),
    (
        "distinct incidents by region",
        lambda t: incident_counts(t, ["region"]),
        lambda t: t.groupby(["region_code", "region_name"], dropna=False).size(),
    ),
    (
        "distinct incidents by month",
        lambda t: incident_counts(t, ["month"]),
        lambda t: t.groupby(["date"], dropna=False).size(),
    ),
    (
        "distinct incidents by incident type",
        lambda t: incident_counts(t, ["type"]),
        lambda t: t.groupby(["incident_type"], dropna=False).size(),
    ),
    (
        "distinct incidents by target type",
        lambda t: incident_counts(t, ["target"]),
        lambda t: t.groupby(["target_type"], dropna=False).size(),
    ),
    (
        "case chain (opened, charged, convicted)",
        case_chain,
        lambda t: t.groupby(["target_name", "statute_key"]).size(),
    ),
]


def bench_aggregations(data: SyntheticSet, repeats: int, each: bool) -> list[Figure]:
    """Each aggregation the incidents page uses (each=True), or only their sum, at one size."""
    table = filter_incidents(data.table, COUNTRY)  # the rows the page counts, synthetic kept
    figures = []
    total_ours = total_base = 0.0
    for name, ours, base in AGGREGATIONS:
        target = data.table if name.startswith("filter") else table
        t_ours, t_base = paired(partial(ours, target), partial(base, target), repeats)
        total_ours += t_ours
        total_base += t_base
        if each:
            budget = "< 100 ms" if data.rows >= 1_000_000 else "-"
            holds = t_ours < 0.1 if data.rows >= 1_000_000 else None
            figures.append(
                Figure(
                    f"{name} ({len(target):,} rows)",
                    t_ours,
                    "plain pandas groupby().size() / one mask, same rows",
                    t_base,
                    budget,
                    holds,
                )
            )
    figures.append(
        Figure(
            f"all {len(AGGREGATIONS)} incident aggregations above, {data.rows:,} synthetic rows",
            total_ours,
            "the same plain pandas baselines, summed",
            total_base,
            "-",
            None,
        )
    )
    return figures


def build_store(folder: Path, table: pd.DataFrame) -> Path:
    """A temporary store: the embedded data plus the synthetic incidents (a new version)."""
    if not str(folder.resolve()).startswith(str(Path(tempfile.gettempdir()).resolve())):
        raise ValueError("synthetic incidents go only into a temporary store")
    store = open_default_store(folder)
    n = int(table["synthetic"].sum())
    store.commit(
        {"incidents": table},
        user="benchmark",
        message=f"{SOURCE_NAME}: {n:,} synthetic incident rows (temporary benchmark store)",
    )
    return folder
