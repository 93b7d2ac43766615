"""SYNTHETIC benchmark data, the fast paths it made necessary, and the benchmark code itself.

* The generator is seeded and deterministic, labels every row synthetic, and writes only
  under bench-results/ or the temporary folder.
* The columnar incident builder gives the same canonical frame, notes and problems as the
  row-by-row reference, on real publishers' files, the bad-input corpus, synthetic files and
  dates on both sides of every validity boundary in the reference tables.
* The aggregations (integer codes, one implementation for every frame) give the same frames
  as plain pandas groupbys, the reference kept here.
* A tiny ``--quick`` run of the benchmark (no browser, no servers) so its code cannot rot.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.pipeline.extract import parse_file, parse_files
from indicators.problems import ValidationFailed
from indicators.query import counting
from indicators.query.aggregate import (
    BY_COLUMNS,
    CHAIN,
    IncidentFilter,
    case_chain,
    filter_incidents,
    incident_counts,
    with_month,
)
from indicators.sources.cpj import adapter as cpj
from indicators.sources.generic import incident_rows as _incident_rows
from indicators.sources.generic import incidents
from indicators.sources.reading import SourceFile, read_table
from indicators.sources.reference import load_reference
from indicators.sources.registry import ParseOptions
from indicators.sources.synthetic import (
    ID_PREFIX,
    SOURCE_NAME,
    label_canonical,
    synthetic_incidents,
    write_synthetic_files,
)
from indicators.sources.uspft import adapter as uspft
from tests.conftest import SHARED_DATA
from tests.reference_incidents import build_incidents_rowwise

ROOT = Path(__file__).resolve().parents[1]
KAZ = ParseOptions(country="KAZ")
CORPUS = sorted((ROOT / "tests" / "corpus").glob("incident*.csv"))


# -- the generator ---------------------------------------------------------------------------
def test_generator_is_seeded_and_deterministic() -> None:
    """The same n and seed give the same frame; another seed gives other records."""
    a, b = synthetic_incidents(2_000, seed=5), synthetic_incidents(2_000, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a.drop(columns="incident_id").equals(
        synthetic_incidents(2_000, seed=6).drop(columns="incident_id")
    )


@pytest.mark.parametrize("n", [0, 1, 37, 5_000])
def test_every_row_is_labelled_synthetic(n: int) -> None:
    """n rows, each synthetic=True, from 'SYNTHETIC benchmark data', with a unique synthetic- id."""
    frame = synthetic_incidents(n, seed=1)
    assert len(frame) == n
    assert frame["synthetic"].all() and frame["synthetic"].dtype == bool
    assert (frame["source_name"] == SOURCE_NAME).all()
    assert frame["incident_id"].str.startswith(ID_PREFIX).all()
    assert frame["incident_id"].is_unique
    assert frame["target_name"].str.startswith("Synthetic person").all()


def test_files_only_under_bench_results_or_temp(tmp_path: Path) -> None:
    """Files are named synthetic_*.csv; data/ and other folders are refused."""
    for folder in (ROOT / "data", ROOT / "data" / "incidents", Path.home() / "synthetic"):
        with pytest.raises(ValueError, match="only under"):
            write_synthetic_files(10, 1, folder)
    paths = write_synthetic_files(2_500, 1, tmp_path, rows_per_file=1_000)
    assert [p.name for p in paths] == [f"synthetic_2500_s1_part{k}of3.csv" for k in (1, 2, 3)]
    assert sum(len(pd.read_csv(p)) for p in paths) == 2_500
    assert Path(tempfile.gettempdir()).resolve() in tmp_path.resolve().parents


def test_generated_file_ingests_and_relabels(tmp_path: Path) -> None:
    """A generated file ingests with no problem in strict mode; label_canonical marks its rows."""
    (path,) = write_synthetic_files(3_000, 9, tmp_path)
    parsed = parse_file(SourceFile.from_path(path), KAZ)
    assert parsed.adapter == "incidents_table" and parsed.rows_read == 3_000
    frame = parsed.frame
    assert frame["incident_id"].nunique() == 3_000 and len(frame) >= 3_000
    assert frame["statute_key"].notna().any() and frame["region_code"].notna().mean() > 0.9
    labelled = label_canonical(frame)
    assert labelled["synthetic"].all()
    assert labelled["incident_id"].str.startswith(ID_PREFIX).all()
    with pytest.raises(ValueError, match="only rows parsed from synthetic"):
        label_canonical(frame.assign(source_name="Adil Soz"))


# -- the columnar incident builder is the row-by-row one --------------------------------------
@contextmanager
def rowwise() -> Iterator[None]:
    """Make every incident adapter use the row-by-row reference builder."""
    modules = (incidents, cpj, uspft)
    saved = [m.build_incidents for m in modules]
    for m in modules:
        m.build_incidents = build_incidents_rowwise  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for m, f in zip(modules, saved, strict=True):
            m.build_incidents = f  # type: ignore[attr-defined]


def _outcome(path: Path, options: ParseOptions) -> tuple[str, object, object]:
    try:
        parsed = parse_file(SourceFile.from_path(path), options)
    except ValidationFailed as exc:
        return "problems", [p.__dict__ for p in exc.problems], None
    return parsed.adapter, parsed.frame, parsed.notes


def _same(path: Path, options: ParseOptions) -> None:
    fast = _outcome(path, options)
    with rowwise():
        slow = _outcome(path, options)
    assert fast[0] == slow[0]
    if isinstance(fast[1], pd.DataFrame):
        pd.testing.assert_frame_equal(fast[1], slow[1])  # type: ignore[arg-type]
        assert fast[2] == slow[2]
    else:
        assert fast[1] == slow[1]


REAL_FILES = [
    ("adilsoz/incidents.csv", None),
    ("incidents/cpj_journalists_killed_1992_2020.csv", None),
    ("incidents/cpj_journalists_killed_1992_2022_sheet_reexport.csv", None),
    ("incidents/us_press_freedom_tracker_incidents_2020-03.csv", None),
]


@pytest.mark.parametrize(("name", "country"), REAL_FILES)
def test_fast_builder_matches_rowwise_on_real_files(name: str, country: str | None) -> None:
    """Adil Soz, CPJ and the Press Freedom Tracker: the same frame and notes both ways."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    _same(path, ParseOptions(country=country))


@pytest.mark.parametrize("path", [ROOT / "data" / "incidents" / "kazakhstan_case.csv", *CORPUS])
def test_fast_builder_matches_rowwise_on_project_files(path: Path) -> None:
    """The embedded case file and every incident file of the bad-input corpus (problems too)."""
    _same(path, KAZ)


def test_fast_builder_matches_rowwise_on_synthetic(tmp_path: Path) -> None:
    """A synthetic file: the same canonical frame both ways."""
    (path,) = write_synthetic_files(4_000, 3, tmp_path)
    _same(path, KAZ)


def _boundary_dates() -> list[date]:
    ref = load_reference()
    days = set()
    for frame in (ref.statute_codes, ref.statutes, ref.regions, ref.places):
        for column in ("valid_from", "valid_to"):
            for text in frame[column]:
                if text:
                    d = date.fromisoformat(text)
                    days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    return sorted(d for d in days if d <= date(2026, 1, 1))


PLACES = ["Semey", "Shymkent", "Turkistan", "Taldykorgan", "Zhezkazgan", "Abai region",
          "Jetisu", "Ulytau", "South Kazakhstan", "Almaty", "Nowhere-on-earth", ""]  # fmt: skip
STATUTES = ["ст. 130 УК", "Article 129", "CC-274", "slander", "клевета", "insult",
            "73-3 КоАП", "ст. 456-2 КоАП", "274-2", "ст. 999 УК", "false information; 174",
            "art. 318 CC", ""]  # fmt: skip


@pytest.mark.parametrize("strict", [True, False])
def test_fast_builder_matches_rowwise_on_every_validity_boundary(
    tmp_path: Path, strict: bool
) -> None:
    """Places and statutes on the day before, of and after every reference validity date.

    Resolving once per date class (not once per date) must give the same keys, errors and
    notes as resolving on each row's own date.
    """
    rows = []
    for i, day in enumerate(_boundary_dates()):
        for j, place in enumerate(PLACES):
            statute = STATUTES[(i + j) % len(STATUTES)]
            rows.append([day.isoformat(), place, "journalist", "detention", statute])
    frame = pd.DataFrame(rows, columns=["date", "place", "target_type", "incident_type", "statute"])
    text = frame.to_csv(index=False).encode()
    table = read_table(SourceFile("boundaries.csv", text))
    raw = pd.DataFrame(
        {f: table.frame[f] if f in table.frame.columns else None for f in _incident_rows.RAW_FIELDS}
    ).assign(country="KAZ", source_name="test")
    columns = {f: f for f in _incident_rows.RAW_FIELDS}

    def build(fn: object) -> tuple[object, object]:
        try:
            built = fn(raw, table, columns=columns, today=date(2026, 6, 1), strict=strict)  # type: ignore[operator]
        except ValidationFailed as exc:
            return [p.__dict__ for p in exc.problems], None
        return built.frame, built.notes

    fast = build(_incident_rows.build_incidents)
    slow = build(build_incidents_rowwise)
    if isinstance(fast[0], pd.DataFrame):
        pd.testing.assert_frame_equal(fast[0], slow[0])  # type: ignore[arg-type]
        assert fast[1] == slow[1]
    else:
        assert fast[0] == slow[0] and len(fast[0]) > 0  # type: ignore[arg-type]


def test_fast_builder_matches_rowwise_on_odd_cells() -> None:
    """Unicode spaces, numbers, pd.NA, empty rows and missing columns: cell by cell the same."""
    table = read_table(SourceFile("odd.csv", b"a\n1\n2\n3\n4\n5\n6\n"))
    raw = pd.DataFrame(
        {
            "date": ["\u3000 2021-03-04\x1c", "2021", None, 2020, "04.2022", "  "],
            "place": pd.array(
                ["Almaty", pd.NA, "\xa0Astana ", None, "г. Алматы", None], dtype=object
            ),
            "incident_type": ["detention", "arrest", "", "fine", 7, None],
            "target_type": ["journalist", None, "blogger", "unknown", "журналист", None],
            "statute": [None, "ст. 274 УК", None, np.nan, "CC-174", None],
            "country": "KAZ",
            "id": [None, "7", None, None, "x", None],
        }
    )
    columns = {f: f for f in _incident_rows.RAW_FIELDS}
    for strict in (True, False):
        results = []
        for fn in (_incident_rows.build_incidents, build_incidents_rowwise):
            try:
                built = fn(raw, table, columns=columns, today=date(2026, 1, 1), strict=strict)
                results.append((built.frame, built.notes))
            except ValidationFailed as exc:
                results.append(([p.__dict__ for p in exc.problems], None))
        (a, notes_a), (b, notes_b) = results
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)  # type: ignore[arg-type]
            assert notes_a == notes_b
        else:
            assert a == b


def test_whitespace_is_pythons() -> None:
    """The characters the columnar path trims are exactly those str.strip() removes."""
    python = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert python == _incident_rows.WHITESPACE


# -- aggregations: the integer codes give the pandas groupbys (the reference, here only) -------
def _reference_counts(frame: pd.DataFrame, by: list[str], target_only: bool) -> pd.DataFrame:
    """The reference: the plain pandas groupby-nunique (what incident_counts once ran)."""
    rows = with_month(frame) if "month" in by else frame
    if target_only and ({"statute", "category"} & set(by)):
        rows = rows[rows["statute_applied_to"] == "target"]
    columns = [c for b in by for c in BY_COLUMNS[b]]
    if not columns:
        return pd.DataFrame({"incidents": [rows["incident_id"].nunique()]})
    counted = (
        rows.dropna(subset=[BY_COLUMNS[b][0] for b in by])
        .groupby(columns, dropna=False, observed=True)["incident_id"]
        .nunique()
        .rename("incidents")
        .reset_index()
    )
    return counted.sort_values(columns).reset_index(drop=True)


def _reference_chain(frame: pd.DataFrame) -> pd.DataFrame:
    """The reference: each case's furthest stage by a pandas groupby-max."""
    rows = frame[frame["incident_type"].isin(CHAIN) & frame["target_name"].notna()]
    if rows.empty:
        return pd.DataFrame({"stage": list(CHAIN), "cases": [0] * len(CHAIN)})
    stage = rows["incident_type"].map({s: i for i, s in enumerate(CHAIN)})
    statute = rows["statute_key"].astype(object).fillna("")  # (object: categories too)
    furthest = stage.groupby([rows["target_name"], statute]).max()
    return pd.DataFrame(
        {"stage": list(CHAIN), "cases": [int((furthest >= i).sum()) for i in range(len(CHAIN))]}
    )


@pytest.fixture(scope="module")
def synthetic_table(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """About 25,000 canonical synthetic rows, sorted as a store serves them."""
    folder = tmp_path_factory.mktemp("synthetic")
    paths = write_synthetic_files(24_000, 11, folder, rows_per_file=12_000)
    parsed = parse_files([SourceFile.from_path(p) for p in paths], KAZ)
    frame = label_canonical(pd.concat([p.frame for p in parsed], ignore_index=True))
    return frame.sort_values(["incident_id", "statute_seq"]).reset_index(drop=True)


def _variants(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    messy = frame.sample(frac=0.8, random_state=2).copy()  # unsorted ids: factorize path
    messy.loc[messy.index[:300], "statute_key"] = ""
    messy.loc[messy.index[300:600], "region_name"] = np.nan
    messy.loc[messy.index[600:700], "date_precision"] = np.nan
    messy.loc[messy.index[700:800], "target_name"] = np.nan
    period = IncidentFilter(start=date(2010, 1, 1), end=date(2024, 12, 31), include_synthetic=True)
    narrow = IncidentFilter(
        start=date(2019, 1, 1),
        end=date(2019, 6, 30),
        categories=("insult_defamation",),
        include_synthetic=True,
    )
    no_ids = messy.copy()  # ids missing on some rows, and on every row of one region
    no_ids.loc[no_ids.index[800:850], "incident_id"] = np.nan
    region = no_ids["region_code"].dropna().iloc[0]
    no_ids.loc[no_ids["region_code"] == region, "incident_id"] = np.nan
    text = ["statute_key", "statute_category", "region_code", "region_name", "incident_type"]
    return {
        "sorted": frame,
        "messy": messy,
        "filtered": filter_incidents(frame, period),
        "narrow filter": filter_incidents(frame, narrow),
        "small": frame.head(300),
        "empty": frame.iloc[:0],
        "object columns": frame.astype(object),
        "categories": frame.astype(dict.fromkeys(text, "category")),
        "missing ids": no_ids,
        "perpetrators only": frame.assign(statute_applied_to="perpetrator"),
    }


BYS = [["statute"], ["category"], ["region"], ["year"], ["month"], ["type"], ["target"],
       ["source"], ["statute", "year"], ["statute", "month"], ["month", "region"],
       ["statute", "month", "region", "type", "target", "source", "year"]]  # fmt: skip


def test_counts_match_pandas_groupby(synthetic_table: pd.DataFrame) -> None:
    """incident_counts (one implementation, integer codes) gives the plain groupby-nunique
    frame, dtypes included, on every variant: any size, dtype, order or missing value."""
    variants = _variants(synthetic_table)
    assert len(variants["narrow filter"]) < 1_000 and len(variants["narrow filter"])
    for name, frame in variants.items():
        for by in [*BYS, []]:
            for target_only in (True, False):
                expected = _reference_counts(frame, by, target_only)
                got = incident_counts(frame, by, target_statutes_only=target_only)
                pd.testing.assert_frame_equal(got, expected, obj=f"{name} {by} {target_only}")


def test_group_numbers_of_many_wide_columns() -> None:
    """Columns whose widths multiply past int64 still give one group per combination.

    Five columns of width 2**16 (codes -1..65534): combined without renumbering, the first
    column's code would be multiplied by 2**64 and vanish, merging rows 0-1, 2-3 and 4-5.
    """
    other = np.array([65534, 65534, -1, -1, 3, 3])
    codes = {"c0": np.array([0, 1, 0, 65534, -1, 2])} | {f"c{k}": other for k in range(1, 5)}
    group, n = counting._group_numbers(codes, np.arange(6))
    assert n == 6 and sorted(group.tolist()) == list(range(6))
    rng = np.random.default_rng(4)  # and at random, against pandas' own grouping
    wide = {f"c{k}": rng.integers(-1, 3, 20_000) for k in range(3)}
    wide |= {f"w{k}": rng.integers(-1, 200_000, 20_000) for k in range(3)}
    group, n = counting._group_numbers(wide, np.arange(20_000))
    expected = pd.DataFrame(wide).groupby(list(wide)).ngroup().to_numpy()
    pairs = pd.DataFrame({"ours": group, "pandas": expected}).drop_duplicates()
    assert n == len(np.unique(expected)) == len(pairs)


def test_case_chain_and_filter_match_pandas(synthetic_table: pd.DataFrame) -> None:
    """case_chain as the groupby-max; filter_incidents keeping every row is still a copy."""
    for frame in _variants(synthetic_table).values():
        pd.testing.assert_frame_equal(case_chain(frame), _reference_chain(frame))
    everything = filter_incidents(synthetic_table, IncidentFilter(include_synthetic=True))
    pd.testing.assert_frame_equal(everything, synthetic_table[[True] * len(synthetic_table)])
    assert everything is not synthetic_table
    assert filter_incidents(synthetic_table, IncidentFilter()).empty  # synthetic left out


# -- the benchmark code itself ---------------------------------------------------------------
def test_quick_benchmark_runs(tmp_path: Path) -> None:
    """``--quick --skip-browser --skip-sessions`` writes a report with figures and baselines."""
    from benchmarks.run import main

    assert main(["--quick", "--skip-browser", "--skip-sessions", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    names = [f["name"] for f in report["figures"]]
    assert any(n.startswith("ingest 10,000 synthetic") for n in names)
    assert any("distinct incidents by statute and month" in n for n in names)
    assert all(f["baseline_value"] > 0 for f in report["figures"])
    assert (tmp_path / "report.txt").read_text().count("baseline:") == len(names)
    assert not list((ROOT / "data").rglob("synthetic_*"))
