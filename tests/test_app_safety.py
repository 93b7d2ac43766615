"""The app with damaged or hostile data: intact data served, file text never run as markup."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.pipeline.commit import ingest
from indicators.present.export import neutralise_cell, to_safe_csv
from indicators.present.labels import column_label
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.store import LocalStore
from tests.conftest import shared_file

APP = Path(__file__).resolve().parents[1] / "app.py"
HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example) =cmd|' /C calc'!A0"


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_damaged_table_reported_and_rest_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged incidents table is reported with how to recover; rankings still draw."""
    monkeypatch.setenv("INDICATORS_STORE", str(tmp_path))
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="t")
    data = (
        b"date,place,target_name,incident_type,statute,source_name\n"
        b"2024-01-05,Almaty,A,detention,CC-274,t\n"
    )
    _, version = ingest(
        store, [SourceFile("i.csv", data)], user="t", options=ParseOptions(country="KAZ")
    )
    obj = tmp_path / "objects" / f"{version.tables['incidents']['object']}.parquet"
    obj.write_bytes(b"not parquet any more")
    at = _app(country="KAZ")
    assert not at.exception
    assert any(
        "Damaged data found: version 2" in e.value
        and "incidents table" in e.value
        and "indicators rollback" in e.value
        for e in at.error
    )
    assert any("141 of 180" in m.value for m in at.metric)


def test_hostile_text_is_never_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTML, Markdown and formula text from a file is shown as data, never rendered as markup."""
    monkeypatch.setenv("INDICATORS_STORE", str(tmp_path))
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="t")
    data = (
        "date,place,target_name,incident_type,summary,source_name\n"
        f'2024-01-05,Almaty,"{HOSTILE}",detention,"{HOSTILE}",t\n'
    ).encode()
    ingest(store, [SourceFile("i.csv", data)], user="t", options=ParseOptions(country="KAZ"))
    at = _app(country="KAZ")
    at.switch_page("app_pages/incidents.py").run()
    assert not at.exception
    for element in [*at.markdown, *at.caption, *at.error, *at.warning, *at.success, *at.info]:
        assert "<img" not in element.value and "onerror" not in element.value
    target = column_label("target_name")  # the listing's readable header
    listing = next(d.value for d in at.dataframe if target in d.value.columns)
    assert HOSTILE in set(listing[target])  # kept verbatim, shown as a table cell


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_neutralised(cell: str) -> None:
    """Cells a spreadsheet would run as formulas start with an apostrophe in CSV exports."""
    exported = str(neutralise_cell(cell))
    assert exported.startswith("'") and exported.replace("'", "") == cell
    csv_text = to_safe_csv(pd.DataFrame({"name": [cell], "rank": [-3]}))
    assert exported in csv_text and ",-3" in csv_text


def test_plain_text_untouched() -> None:
    """Ordinary text and numbers pass through exports unchanged."""
    assert neutralise_cell("Kazakhstan") == "Kazakhstan"
    assert neutralise_cell(-5) == -5
