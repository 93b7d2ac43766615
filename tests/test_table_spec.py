"""One spec per table: a table added to ``TABLES`` alone is known everywhere; reading is pandera-free.

* A fifth, made-up table added to :data:`indicators.tables.registry.TABLES` (and nowhere else)
  is in the store's table list, the kinds (``--kind``), the embedded folders and the canonical
  CSV readers; it is conformed, validated, merged, diffed, stored and read back.
* Reading stored tables and drawing a chart (the app's read path, in a fresh interpreter)
  leaves pandera, the extract stage and the adapter registry unimported.
* :func:`indicators.tables.conform.conform` gives the dtypes the former pandera-based conform
  gave (a copy of it below, reading each column's dtype from the pandera schema).
* Every table of the seeded default store validates against its schema.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.validate import schema, validate_table
from indicators.problems import ValidationFailed
from indicators.sources.numbers_read import column_read_as, numbers_read, remember_numbers
from indicators.sources.reading import SourceFile, read_table
from indicators.tables import registry
from indicators.tables.changes import diff_tables, merge_batch
from indicators.tables.conform import conform, empty_table
from indicators.tables.rankings import RANKINGS
from indicators.tables.registry import TABLES
from indicators.tables.spec import Column, TableSpec

SHA = "0" * 64

# The made-up fifth table, as a subprocess defines it too (SPEC_SOURCE is run there).
SPEC_SOURCE = """
from indicators.tables.spec import (
    ISO3, ISO_DATE, Column, TableSpec, optional, provenance, str_length,
)
PRESS_RELEASES = TableSpec(
    name="press_releases",
    columns=(
        Column("release_id", check=str_length(1, 80)),
        Column("country", check=ISO3),
        Column("date", check=ISO_DATE),
        Column("title"),
        optional("words", "Int64"),
        *provenance(),
    ),
    row_keys=("release_id",),
    batch_keys=("release_id",),
    replaces="a file adds releases and updates those with the same id",
    storage="press_releases_v1",
    embedded_folder="releases",
)
"""
_DEFINED: dict[str, object] = {}
exec(SPEC_SOURCE, _DEFINED)
PRESS_RELEASES = _DEFINED["PRESS_RELEASES"]
assert isinstance(PRESS_RELEASES, TableSpec)


def releases(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Press releases (id, country, title) as canonical rows."""
    frame = pd.DataFrame(
        {
            "release_id": [r[0] for r in rows],
            "country": [r[1] for r in rows],
            "date": "2024-05-03",
            "title": [r[2] for r in rows],
            "words": [120] * len(rows),
            "source_file": "releases.csv",
            "source_sha256": SHA,
            "source_row": range(2, 2 + len(rows)),
        }
    )
    return conform(frame, PRESS_RELEASES)


def run_python(code: str, *args: str) -> str:
    """Run ``code`` in a fresh interpreter (this worktree's package); its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# -- a table added in one place -----------------------------------------------------------------

ADDED = (
    SPEC_SOURCE
    + """
import json, sys
from pathlib import Path
import pandas as pd
from indicators.tables import registry
registry.TABLES[PRESS_RELEASES.name] = PRESS_RELEASES  # the only change: one spec added

from indicators.cli.main import build_parser
from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import EMBEDDED_FOLDERS
from indicators.sources.base import KINDS
from indicators.sources.generic.canonical_tables import ADAPTERS
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from indicators.store.base import TABLES

# this project's canonical CSV of the new table, read, validated and stored by the pipeline
csv = (
    "release_id,country,date,title,words,source_file,source_sha256,source_row\\n"
    f"r1,KAZ,2024-05-03,Court,,upstream.csv,{'0' * 64},7\\n"
)
store = LocalStore(Path(sys.argv[1]))
prepared, version = ingest(store, [SourceFile("releases.csv", csv.encode())], user="tester")
back = store.table("press_releases_v1")
kind = build_parser().parse_args(["validate", "f.csv", "--kind", "press_releases"]).kind
print(json.dumps({
    "tables": list(TABLES), "kinds": list(KINDS), "folders": list(EMBEDDED_FOLDERS),
    "readers": [a.name for a in ADAPTERS], "kind": kind, "stored": back.to_dict("records"),
    "adapter": prepared.parsed[0][1].adapter, "changes": version.changes,
    "dtypes": {c: str(t) for c, t in back.dtypes.items()},
}, default=str))
"""
)


def test_a_table_added_to_tables_only_is_known_everywhere(tmp_path: Path) -> None:
    """The store lists and keeps it, --kind accepts it, data/ has a folder for it, and this
    project's canonical CSV of it is read, validated and stored by the pipeline: from its spec
    alone."""
    found = json.loads(run_python(ADDED, str(tmp_path / "store")))
    assert found["tables"][-1] == "press_releases_v1"
    assert found["tables"][:4] == ["rankings", "incidents", "reported_counts", "events"]
    assert found["kinds"][-1] == "press_releases" and found["kind"] == "press_releases"
    assert found["folders"][-1] == "releases"
    assert "canonical_press_releases" in found["readers"]
    assert found["adapter"] == "canonical_press_releases"
    assert found["changes"] == {"press_releases_v1": {"added": 1, "changed": 0, "removed": 0}}
    [row] = found["stored"]
    assert (row["release_id"], row["title"], row["words"], row["source_row"]) == (
        "r1",
        "Court",
        None,
        7,
    )
    assert found["dtypes"]["words"] == "Int64" and found["dtypes"]["source_row"] == "Int64"


def test_without_the_spec_the_table_is_unknown(tmp_path: Path) -> None:
    """The check above can fail: without the spec the same file is not read."""
    code = ADDED.replace("registry.TABLES[PRESS_RELEASES.name] = PRESS_RELEASES", "pass")
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "store")], capture_output=True, text=True
    )
    assert done.returncode != 0 and "ValidationFailed" in done.stderr


def test_added_table_is_merged_and_diffed_by_its_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Merge replaces the release with the same id; diff names its changed title."""
    monkeypatch.setitem(registry.TABLES, PRESS_RELEASES.name, PRESS_RELEASES)
    old = releases(("r1", "KAZ", "Court"), ("r2", "KGZ", "Raid"))
    new = releases(("r2", "KGZ", "Raid on a newsroom"), ("r3", "UZB", "Fine"))
    merged = merge_batch(old, new, "press_releases")
    assert merged["release_id"].tolist() == ["r1", "r2", "r3"]
    change = diff_tables(old, merged, "press_releases_v1")  # by its storage name too
    assert change.counts() == {"added": 1, "changed": 1, "removed": 0}
    assert change.changed[["release_id", "column", "new"]].values.tolist() == [
        ["r2", "title", "Raid on a newsroom"]
    ]


def test_added_table_is_validated_by_its_spec() -> None:
    """A bad code and a repeated id fail the checks the spec declares, named as pandera names them."""
    bad = releases(("r1", "kz", "Court"), ("r1", "KAZ", "Raid"))
    with pytest.raises(ValidationFailed) as caught:
        validate_table(bad, PRESS_RELEASES, "releases.csv")
    said = {(p.column, p.problem, p.row) for p in caught.value.problems}
    assert ("country", "fails the check str_matches('^[A-Z]{3}$')", 2) in said
    assert any(c == "release_id" and "unique" in p for c, p, _ in said)
    validate_table(releases(("r1", "KAZ", "Court")), PRESS_RELEASES)


def test_spec_refuses_keys_that_are_not_its_columns() -> None:
    """A spec whose keys name no column is refused when it is written."""
    with pytest.raises(ValueError, match="not its columns"):
        TableSpec("t", (Column("a"),), ("b",), ("a",), "why")
    with pytest.raises(ValueError, match="listed twice"):
        TableSpec("t", (Column("a"), Column("a")), ("a",), ("a",), "why")


# -- the read path does not import pandera --------------------------------------------------------

READ_PATH = (
    "indicators.store.factory",
    "indicators.pipeline.embedded",
    "indicators.query.views",
    "indicators.query.aggregate",
    "indicators.present.charts",
    "indicators.present.export",
    "indicators.present.labels",
    "indicators.sources.synthetic",
    "indicators.tables.conform",
)
INGEST = ("pandera", "indicators.pipeline.extract", "indicators.sources.registry")

IMPORTS = f"""
import importlib, json, sys
for name in {READ_PATH!r}:
    importlib.import_module(name)
"""
LOADED = f"[m for m in {INGEST!r} if m in sys.modules]"
READ = (
    IMPORTS
    + f"""
from indicators.pipeline.embedded import open_default_store
from indicators.present.charts import position_chart
from indicators.query.views import rankings_view
from indicators.store.base import TABLES
store = open_default_store(sys.argv[1])  # already seeded: nothing to ingest
tables = {{name: store.table(name) for name in TABLES}}
view = rankings_view(tables["rankings"], ["KAZ"])
figure = position_chart(view, countries=["KAZ"])
print(json.dumps({{
    "loaded": {LOADED},
    "rows": {{name: len(t) for name, t in tables.items()}},
    "traces": len(figure.data),
}}))
"""
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default store seeded from data/ (the ingest path: it may load pandera)."""
    folder = tmp_path_factory.mktemp("seeded")
    open_default_store(folder)
    return folder


def test_reading_and_charting_a_store_never_imports_pandera(seeded: Path) -> None:
    """Opening a seeded store, reading every table and drawing a chart loads no validator,
    no extract stage and no adapter registry."""
    found = json.loads(run_python(READ, str(seeded)))
    assert found["loaded"] == []
    assert all(n > 0 for n in found["rows"].values()) and found["traces"] >= 1


def test_the_import_check_can_fail() -> None:
    """A read path that imported the validator would be caught."""
    imports = IMPORTS.replace("import importlib, json, sys", "import importlib, json, sys, pandera")
    assert json.loads(run_python(f"{IMPORTS}print(json.dumps({LOADED}))")) == []
    assert json.loads(run_python(f"{imports}print(json.dumps({LOADED}))")) == ["pandera"]


# -- conform: the dtypes the pandera-based conform gave -------------------------------------------


def pandera_conform(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The former conform, reading each column's dtype from the pandera schema (reference)."""
    out = pd.DataFrame(index=frame.index)
    for name, col in schema(spec).columns.items():
        values = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)
        dtype = str(col.dtype)
        if str(values.dtype) == dtype and dtype != "object":
            out[name] = values
        elif dtype in ("Int64", "Float64"):
            out[name] = pd.to_numeric(values, errors="coerce").astype(dtype)
        elif dtype == "boolean":
            out[name] = values.astype("boolean")
        else:
            out[name] = values.astype("str")
    return out.reset_index(drop=True)


def inputs(spec: TableSpec) -> dict[str, pd.DataFrame]:
    """Frames as they reach conform: text cells (a CSV), native numbers, typed, empty, sparse."""
    n = 3
    text: dict[str, object] = {
        c.name: [True, None, False] if c.dtype == "boolean" else ["1", None, "2"]
        for c in spec.columns
    }
    native: dict[str, object] = {}
    typed: dict[str, object] = {}
    for c in spec.columns:
        if c.dtype == "boolean":
            native[c.name], typed[c.name] = [True, False, True], pd.array([True, None, False])
        elif c.dtype == "Int64":
            native[c.name], typed[c.name] = [1, 2, 3], pd.array([1, None, 3], dtype="Int64")
        elif c.dtype == "Float64":
            native[c.name], typed[c.name] = [1.5, float("nan"), 3.0], pd.array([1.5, None, 2.0])
        else:
            native[c.name] = ["a", None, "c"]
            typed[c.name] = pd.Series(["a", None, "c"], dtype="str")
    some = {c.name: native[c.name] for c in spec.columns[::3]}
    return {
        "text": pd.DataFrame(text, dtype=object),
        "native": pd.DataFrame(native),
        "typed": pd.DataFrame(typed),
        "empty": pd.DataFrame(),
        "some columns": pd.DataFrame(some, index=range(10, 10 + n)),
    }


@pytest.mark.parametrize("name", list(TABLES))
def test_conform_gives_the_dtypes_of_the_pandera_schema(name: str) -> None:
    """Every kind of input gets the columns, order and dtypes the pandera-based conform gave."""
    spec = TABLES[name]
    for what, frame in inputs(spec).items():
        ours, reference = conform(frame, spec), pandera_conform(frame, spec)
        assert list(ours.columns) == spec.names, what
        assert ours.dtypes.astype(str).to_dict() == reference.dtypes.astype(str).to_dict(), what
        pd.testing.assert_frame_equal(ours, reference, obj=f"{name}, {what}")


def test_the_dtype_comparison_can_fail() -> None:
    """A conform that left one column with another dtype would be caught."""
    frame = inputs(RANKINGS)["native"]
    ours = conform(frame, RANKINGS)
    assert str(ours["rank"].dtype) == "Int64" and str(ours["tied"].dtype) == "boolean"
    assert str(ours["score"].dtype) == "Float64" and str(ours["iso3"].dtype) == "str"
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(
            ours.astype({"rank": "float64"}), pandera_conform(frame, RANKINGS)
        )


@pytest.mark.parametrize("name", list(TABLES))
def test_empty_table_validates(name: str) -> None:
    """An empty table of each kind has every column with a dtype its schema accepts."""
    validate_table(empty_table(name), TABLES[name])


# -- stored tables still validate ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLES))
def test_a_stored_table_of_each_kind_validates(seeded: Path, name: str) -> None:
    """Every table of the seeded store, read back from Parquet, passes its schema."""
    table = open_default_store(seeded).table(name)
    assert len(table)
    validate_table(table, TABLES[name])


def test_a_stored_table_with_a_bad_value_is_refused(seeded: Path) -> None:
    """The same check refuses a score outside 0-100 and a rank above the number ranked."""
    table = open_default_store(seeded).table("rankings")
    bad = table.copy()
    ranked = bad.index[bad["n_ranked"].notna()]
    bad.loc[ranked[0], "score_normalised"] = 9189.0
    bad.loc[ranked[1], "rank"] = int(bad.loc[ranked[1], "n_ranked"]) + 1
    with pytest.raises(ValidationFailed) as caught:
        validate_table(bad, RANKINGS)
    said = {p.problem for p in caught.value.problems}
    assert "fails the check in_range(0, 100)" in said
    assert "fails the check rank must not exceed the number ranked" in said


# -- the numbers a check names the file's columns by ------------------------------------------------


def test_numbers_are_kept_only_within_numbers_read() -> None:
    """Within the block a column's numbers are found again; outside it nothing is kept."""
    table = read_table(SourceFile("s.csv", b"Score N\n35.33\n36.5\n"))
    values = pd.Series([35.33, 36.5], dtype="Float64")
    with numbers_read():
        remember_numbers(table, "Score N", values)
        assert column_read_as(table.source.sha256, [2, 3], [35.33, 36.5]) == "Score N"
        assert column_read_as(table.source.sha256, [2, 3], [35.33, 99.0]) is None
    assert column_read_as(table.source.sha256, [2, 3], [35.33, 36.5]) is None
    remember_numbers(table, "Score N", values)  # outside: not kept
    with numbers_read():
        assert column_read_as(table.source.sha256, [2, 3], [35.33, 36.5]) is None
