"""Synthetic benchmark rows: never shown, unless a server is told to (then said on every page)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import parse_files
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.synthetic import SHOW_ENV, label_canonical, write_synthetic_files
from indicators.tables.changes import merge_batch

APP = Path(__file__).resolve().parents[1] / "app.py"
ROWS = 400


@pytest.fixture
def with_synthetic(isolated_default_store: Path, tmp_path: Path) -> tuple[int, int]:
    """The default store plus ROWS synthetic incidents: Kazakhstan's real and synthetic counts."""
    store = open_default_store(isolated_default_store)
    paths = write_synthetic_files(ROWS, 7, tmp_path / "files")
    parsed = parse_files([SourceFile.from_path(p) for p in paths], ParseOptions(country="KAZ"))
    synthetic = label_canonical(pd.concat([p.frame for p in parsed], ignore_index=True))
    merged = merge_batch(store.table("incidents"), synthetic, "incidents")
    store.commit({"incidents": merged}, user="test", message="synthetic rows for a test")
    real = merged[(merged["country"] == "KAZ") & ~merged["synthetic"].astype(bool)]
    return int(real["incident_id"].nunique()), int(synthetic["incident_id"].nunique())


def _incidents_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("app_pages/incidents.py").run()
    assert not at.exception, at.exception
    return at


def _matching(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if "distinct incidents match" in c.value)
    return int(caption.split(" ")[0].replace(",", ""))


def test_synthetic_rows_are_not_shown_by_default(with_synthetic: tuple[int, int]) -> None:
    real, _ = with_synthetic
    at = _incidents_page()
    assert not [w for w in at.warning if "SYNTHETIC" in w.value]
    assert _matching(at) == real


def test_a_benchmark_server_counts_them_and_says_so(
    with_synthetic: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real, synthetic = with_synthetic
    monkeypatch.setenv(SHOW_ENV, "1")
    at = _incidents_page()
    assert [w for w in at.warning if "SYNTHETIC benchmark data" in w.value]
    assert _matching(at) == real + synthetic
