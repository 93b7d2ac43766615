"""The CSV of a chart or table holds exactly what it shows: readable headers first, then the
provenance columns (source, citation, file, row, data version), and nothing else."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.present.export import PROVENANCE_COLUMNS, shown_frame, to_shown_csv
from indicators.present.labels import column_label
from indicators.query.views import rankings_view
from indicators.tables.rankings import RANKINGS
from indicators.text import escape_markdown

APP = Path(__file__).resolve().parents[1] / "app.py"
OVERVIEW_SHOWN = ["edition", "period_label", "rank", "n_ranked", "position", "methodology"]


@pytest.fixture(scope="module")
def kaz_view(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Kazakhstan's RSF rows as the Overview's chart draws them (the embedded data)."""
    store = open_default_store(str(tmp_path_factory.mktemp("csv-store")))
    return rankings_view(store.table("rankings"), ["KAZ"], "rsf_wpfi")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_kazakhstan_rankings_csv_holds_what_the_chart_shows(kaz_view: pd.DataFrame) -> None:
    """Before: 36 raw columns (iso3, score_direction, rank_change_published...). Now: the
    shown columns with readable headers, then provenance and the data version."""
    assert len(kaz_view.columns) >= 36  # what the old download wrote
    rows = _rows(to_shown_csv(kaz_view, OVERVIEW_SHOWN, version=4, version_date="2026-11-30"))
    header = rows[0]
    assert header == [
        "Edition",
        "Period covered",
        "Rank (1 = freest)",
        "Number ranked",
        "Position (0-100, 100 = freest)",
        "Method",
        column_label("citation"),
        column_label("source_file"),
        column_label("source_row"),
        column_label("source_sha256"),
        "Data version",
        "Data version date",
    ]
    assert not set(header) & (set(RANKINGS.names) - {"edition"})  # no raw column name
    by_edition = {r[0]: r for r in rows[1:]}
    assert len(by_edition) == 24
    assert by_edition["2025"][2:4] == ["141", "180"]
    assert by_edition["2025"][-2:] == ["4", "2026-11-30"]
    assert by_edition["2025"][7].endswith(".csv")  # the publisher's file the row came from


def test_blank_cells_are_blank_and_dates_at_their_precision() -> None:
    """No 'None'/'nan'/'<NA>'; a year-precision date is '1995', a month 'Jan 2022', a day range
    '5-11 Jan 2022' (from date_precision and date_end)."""
    events = pd.DataFrame(
        {
            "date": ["1995-01-01", "2022-01-01", "2022-01-05"],
            "date_precision": ["year", "month", "day"],
            "date_end": [None, None, "2022-01-11"],
            "title": ["Constitution", "Unrest", "Protests"],
            "description": [None, "x", pd.NA],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "source_name": ["Adil Soz", None, "RSF"],
            "internal": ["never", "written", "out"],
        }
    )
    frame = shown_frame(events, ["date", "title", "description", "count"])
    assert list(frame.columns) == ["Date", "Title", "Description", "Count", "Source"]
    assert list(frame["Date"]) == ["1995", "Jan 2022", "5-11 Jan 2022"]
    assert list(frame["Description"]) == ["", "x", ""]
    assert list(frame["Count"]) == ["1", "", "3"]
    assert list(frame["Source"]) == ["Adil Soz", "", "RSF"]
    text = to_shown_csv(events, ["date", "title"])
    assert "None" not in text and "nan" not in text and "never" not in text


def test_formulas_neutralised_and_records_end_in_crlf() -> None:
    """The shown CSV keeps export.py's guarantees: no cell runs as a formula; CRLF records."""
    frame = pd.DataFrame({"title": ['=HYPERLINK("x")', "ok;@SUM(1)"], "citation": ["+1", "-"]})
    text = to_shown_csv(frame, ["title"])
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = _rows(text)
    assert rows[1] == ['\'=HYPERLINK("x")', "'+1"]
    assert rows[2] == ["ok;'@SUM(1)", "'-"]


def test_a_shown_column_the_data_lacks_is_an_error() -> None:
    """A CSV must not silently lack a column the chart draws."""
    with pytest.raises(KeyError, match="incidents"):
        shown_frame(pd.DataFrame({"year": [2020]}), ["year", "incidents"])


def test_provenance_columns_are_those_of_the_canonical_tables() -> None:
    """Every provenance column exists in a canonical table (tables/registry.py), in reading order."""
    from indicators.tables.registry import TABLES

    known = {c for spec in TABLES.values() for c in spec.names}
    assert set(PROVENANCE_COLUMNS) <= known
    assert {"source_file", "source_row", "citation"} <= set(PROVENANCE_COLUMNS)


# --- in the app: chart() and download() -------------------------------------------------


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every download button drawn: label, file name and data (a callable stays uncalled)."""
    seen: list[dict[str, Any]] = []
    original = streamlit.download_button

    def recording(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append({"label": label, "data": data, "file_name": kwargs.get("file_name")})
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


def _chart_script() -> None:
    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    from app_pages._common import begin_run, chart, download

    begin_run()
    st.query_params["country"] = "KAZ"
    frame = pd.DataFrame(
        {
            "year": [2021, 2022],
            "incidents": [3, 5],
            "internal_code": ["a", "b"],
            "source_file": ["adil_soz.csv", "adil_soz.csv"],
            "source_row": [2, 3],
        }
    )
    fig = go.Figure(go.Bar(x=frame["year"], y=frame["incidents"], name="Incidents"))
    chart(
        fig,
        "test-chart",
        title="Incidents in Казахстан",
        subtitle="Distinct incidents in the loaded sources",
        source="Source: Adil Soz",
        data=frame,
        shown=["year", "incidents"],
    )
    download(frame, "table.csv", shown=["year"])


def test_chart_offers_png_svg_and_its_csv(offered: list[dict[str, Any]], monkeypatch: Any) -> None:
    """chart(): PNG and SVG made only when clicked (never during the run), named by chart key
    and country; the chart CSV holds the shown columns and provenance only; download() with
    ``shown`` the same."""
    made: list[str] = []

    def fake_export(fig: Any, **kw: Any) -> bytes:
        made.append(kw["fmt"])
        return b"img"

    monkeypatch.setattr("app_pages._share.export_figure", fake_export)
    at = AppTest.from_function(_chart_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    files = {o["file_name"]: o for o in offered}
    assert set(files) == {
        "test-chart_KAZ.png",
        "test-chart_KAZ.svg",
        "test-chart_KAZ.csv",
        "table.csv",
    }
    assert made == [], "an image was made during the run"
    assert callable(files["test-chart_KAZ.png"]["data"])
    assert files["test-chart_KAZ.png"]["data"]() == b"img" and made == ["png"]
    assert files["test-chart_KAZ.svg"]["data"]() == b"img" and made == ["png", "svg"]
    chart_csv = _rows(files["test-chart_KAZ.csv"]["data"].decode("utf-8"))
    assert chart_csv[0] == [
        "Year",
        "Incidents",
        "Source file",
        "Row in source file",
        "Data version",
        "Data version date",
    ]
    assert chart_csv[1][:4] == ["2021", "3", "adil_soz.csv", "2"]
    table_csv = _rows(files["table.csv"]["data"].decode("utf-8"))
    assert table_csv[0][:3] == ["Year", "Source file", "Row in source file"]
    assert escape_markdown("Incidents in Казахстан") in [m.value for m in at.markdown]
    captions = [c.value for c in at.caption]
    assert escape_markdown("Distinct incidents in the loaded sources") in captions
    assert escape_markdown("Source: Adil Soz") in captions  # the source's own 'Source:' once


def test_without_chromium_no_image_button_is_offered(
    offered: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server without Chromium offers the chart's CSV and says why there is no image."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = AppTest.from_function(_chart_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert {o["file_name"] for o in offered} == {"test-chart_KAZ.csv", "table.csv"}
    assert any("need Chromium" in c.value for c in at.caption)


def test_overview_rankings_csv_is_readable(offered: list[dict[str, Any]]) -> None:
    """The Overview's rankings CSV of Kazakhstan (real data): readable headers, provenance
    after them, far fewer than the table's 36 raw columns."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["country"] = "KAZ"
    at.run()
    assert not at.exception, at.exception
    files = {o["file_name"]: o["data"] for o in offered}
    data = files["overview-chart_KAZ.csv"]
    header = _rows((data() if callable(data) else data).decode("utf-8"))[0]
    assert len(header) < 20
    assert "Rank (1 = freest)" in header and "iso3" not in header and "rank" not in header
    assert header[-2:] == ["Data version", "Data version date"]


# --- the rest of what leaves the app with a page: its link and its footer line ------------


def test_view_url_keeps_every_parameter() -> None:
    """The link is the page's address with every query parameter, repeated ones repeated
    (the browser's URL when known, else the page's own path)."""
    from app_pages._share import view_url

    params = [("country", "KAZ"), ("peers", "Central Asia"), ("custom", "KGZ"), ("custom", "UZB")]
    assert (
        view_url("http://host:8501/rankings", "rankings", params)
        == "http://host:8501/rankings?country=KAZ&peers=Central+Asia&custom=KGZ&custom=UZB"
    )
    assert view_url("https://x.org", "", [("country", "KAZ")]) == "https://x.org/?country=KAZ"
    assert view_url(None, "claim", [("claim_rank", "141")]) == "/claim?claim_rank=141"


@pytest.mark.parametrize(
    "page", ["overview", "rankings", "incidents", "events", "claim", "sources"]
)
def test_every_page_ends_with_its_footer_and_link(page: str) -> None:
    """Each reader page ends with 'Data version N of DATE · Shown DATE · Sources: see Sources
    and methods' and offers its link (here without a browser: the page's path)."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["country"] = "KGZ"
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    footer = at.main.caption[-1].value.replace("\\", "").replace("\u2060", "")
    assert footer.startswith("Data version 1 of 20") and "· Shown 20" in footer
    assert footer.endswith("Sources: see Sources and methods")
    link = [c.value for c in at.sidebar.code][-1]
    path = "" if page == "overview" else page
    assert link.startswith(f"/{path}?") and "country=KGZ" in link
