"""Incidents, Events, Overview and Claim read as words (issue 11, items 1, 2 and 6): dates at
their precision in tables, hovers and CSVs; no column names, codes or 'None' on the page; the
claim names its index; a URL with every choice reproduces the view."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.present.incident_charts import counts_over_time, reported_counts_chart
from indicators.present.precision import at_precision
from indicators.present.sentences import describe_claim
from indicators.present.tables_in_words import counts_table, event_table, incident_table
from indicators.query.claims import match_claim
from tests.pages import figures as _figures
from tests.pages import open_page as _run

APP = Path(__file__).resolve().parents[1] / "app.py"
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_CELLS = {"None", "nan", "NaN", "<NA>", "NaT"}
RAW_VALUES = {"case_dropped", "criminal_case_opened", "false_information", "insult_defamation"}
RAW_VALUES |= {"rsf_wpfi", "rsf_2022", "rsf_2013_2021", "protest/unrest", "media outlet"}
PAGES = ["app_pages/incidents.py", "app_pages/events.py", "app_pages/overview.py"]
PAGES += ["app_pages/claim.py"]


def _unescaped(text: object) -> object:
    """A static table's cell as the reader reads it (its Markdown escapes taken out)."""
    if not isinstance(text, str):
        return text
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def _tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page: the grids, and the static tables read as the reader reads them."""
    static = [t.value.map(_unescaped).rename(columns=_unescaped) for t in at.table]
    return [d.value for d in at.dataframe] + static


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = open_default_store(folder)
        return {name: store.table(name) for name in ("incidents", "events", "reported_counts")}


# -- dates at their precision ---------------------------------------------------------------


def test_event_dates_at_their_precision(tables: dict[str, pd.DataFrame]) -> None:
    """1995 reads '1995', early January 2022 'Jan 2022', the Nur-Sultan years a range; the ISO
    date follows the readable one (scripts still sort)."""
    shown = event_table(tables["events"]).set_index("title")
    assert shown.loc["Assembly of the People of Kazakhstan established", "date"] == "1995"
    unrest = next(t for t in shown.index if "Qandy Qantar" in t)
    assert shown.loc[unrest, "date"] == "Jan 2022"
    renamed = next(t for t in shown.index if t.startswith("Capital Astana renamed"))
    assert shown.loc[renamed, "date"] == "23 Mar 2019 - 17 Sep 2022"
    assert shown.loc["Snap presidential election", "date"] == "20 Nov 2022"
    assert shown.loc["Snap presidential election", "date_iso"] == "2022-11-20"
    columns = list(shown.reset_index().columns)
    assert columns.index("date") < columns.index("date_iso")


def test_month_only_incidents_are_not_the_first(tables: dict[str, pd.DataFrame]) -> None:
    """An incident known to the month ('2014-06') reads 'Jun 2014', never '1 Jun 2014' or
    '2014-06-01'; a year-only one reads its year."""
    rows = tables["incidents"]
    shown = incident_table(rows)
    months = rows["date_precision"] == "month"
    assert months.any()
    assert shown.loc[months, "date"].str.fullmatch(r"[A-Z][a-z]{2} \d{4}").all()
    years = rows["date_precision"] == "year"
    assert (shown.loc[years, "date"] == rows.loc[years, "date"].str.slice(0, 4)).all()
    assert not shown["date"].str.contains(ISO_DAY).any()
    assert (shown["date_iso"] == rows["date"]).all()


def test_precision_of_a_million_dates_is_worked_out_per_distinct_date() -> None:
    """at_precision gives shown_dates' answer row by row, blanks included."""
    frame = pd.DataFrame(
        {
            "date": ["1995-01-01", "2022-01-01", None, "2019-03-23", "2022-01-01"],
            "date_precision": ["year", "month", "day", "day", "month"],
            "date_end": [None, None, None, "2022-09-17", None],
        }
    )
    assert list(at_precision(frame)) == [
        "1995",
        "Jan 2022",
        "",
        "23 Mar 2019 - 17 Sep 2022",
        "Jan 2022",
    ]


def test_hovers_name_the_period_at_its_precision() -> None:
    """Monthly bars hover as 'Jan 2022' (not 2022-01), reported months as 'Jun 2024'."""
    counts = pd.DataFrame({"month": ["2022-01", "2022-03"], "s": ["a", "a"], "incidents": [1, 2]})
    bars = counts_over_time(counts, "month", "s", "Month").to_plotly_json()["data"][0]
    assert bars["hovertext"][0].endswith("Jan 2022: 1 in the loaded sources")
    assert not any("2022-01" in h for h in bars["hovertext"])
    reported = pd.DataFrame(
        {
            "period_start": ["2024-06-01"],
            "period_end": ["2024-06-30"],
            "group": [None],
            "measure": ["TOTAL"],
            "value": [12.0],
        }
    )
    line = reported_counts_chart(reported).to_plotly_json()["data"][0]
    assert line["hovertext"] == ["TOTAL: 12.0 in Jun 2024"]


def test_month_counts_table_reads_as_months() -> None:
    """A monthly count table shows 'Jan 2022' and keeps the ISO month after it."""
    counts = pd.DataFrame(
        {"statute_key": ["KAZ-CC2014-274"], "month": ["2022-01"], "incidents": [3]}
    )
    shown = counts_table(counts)
    assert shown.loc[0, "month"] == "Jan 2022" and shown.loc[0, "month_iso"] == "2022-01"
    assert str(shown.loc[0, "statute_key"]).startswith("Criminal Code art. 274: ")
    assert shown.loc[0, "statute_code"] == "KAZ-CC2014-274"


def test_pages_show_dates_at_their_precision() -> None:
    """Events, Overview and Incidents tables: no date is shown as an ISO day at a precision it
    does not have (no '1995-01-01', no '2022-01-01' for January 2022)."""
    events = _run("app_pages/events.py", country="KAZ")
    dates = list(_tables(events)[0]["Date"])
    assert "1995" in dates and "Jan 2022" in dates
    overview = _run(country="KAZ")
    latest = next(t for t in _tables(overview) if "Kind of event" in t.columns)
    assert not latest["Date"].str.contains(ISO_DAY).any()
    incidents = _run("app_pages/incidents.py", country="KAZ")
    listing = next(t for t in _tables(incidents) if "Place as written" in t.columns)
    assert not listing["Date"].str.contains(ISO_DAY).any()
    assert listing["Date"].str.fullmatch(r"[A-Z][a-z]{2} \d{4}").any()  # month-only rows


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every download button drawn: its label, file name and data."""
    seen: list[dict[str, Any]] = []
    original = streamlit.download_button

    def recording(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append({"label": label, "data": data, "file_name": kwargs.get("file_name")})
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


def _csv(offer: dict[str, Any]) -> list[dict[str, str]]:
    data = offer["data"]() if callable(offer["data"]) else offer["data"]
    text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
    return list(csv.DictReader(io.StringIO(text)))


def test_event_and_incident_csvs_hold_readable_dates_then_iso(
    offered: list[dict[str, Any]],
) -> None:
    """The Events CSV and the incident list CSV: the readable date first, the ISO date after."""
    _run("app_pages/events.py", country="KAZ")
    events = next(o for o in offered if o["file_name"] == "events-timeline_KAZ.csv")
    rows = _csv(events)
    header = list(rows[0])
    assert header.index("Date") < header.index("Date (ISO, for sorting)")
    first = next(r for r in rows if r["Title"].startswith("Assembly of the People"))
    assert (first["Date"], first["Date (ISO, for sorting)"]) == ("1995", "1995-01-01")
    offered.clear()
    _run("app_pages/incidents.py", country="KAZ")
    listing = next(o for o in offered if o["file_name"] == "incidents_KAZ.csv")
    rows = _csv(listing)
    assert not any(ISO_DAY.search(r["Date"]) for r in rows)
    assert all(ISO_DAY.fullmatch(r["Date (ISO, for sorting)"]) for r in rows)
    assert "place_as_written" not in rows[0] and "Place as written" in rows[0]


# -- words, not column names ---------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_tables_have_words_not_column_names(page: str) -> None:
    """Every table on the page: readable headers (no snake_case), no 'None'/'nan' cell, no raw
    vocabulary value or index key."""
    at = _run(page, country="KAZ")
    found = _tables(at)
    assert found, page
    for frame in found:
        assert not [c for c in frame.columns if "_" in str(c)], (page, list(frame.columns))
        cells = frame.astype(str)
        assert not cells.isin(RAW_CELLS).any().any(), page
        assert not cells.isin(RAW_VALUES).any().any(), page


def test_claim_names_the_index_in_words() -> None:
    """'158th of 180 in RSF's World Press Freedom Index 2018 and 2019', never 'rsf_wpfi'."""
    rankings = open_default_store().table("rankings")
    result = match_claim(rankings, "KAZ", 158, 180, "rsf_wpfi")
    sentence = describe_claim(result, "Kazakhstan", 158, 180)
    assert sentence == (
        "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."
    )
    near = describe_claim(match_claim(rankings, "KAZ", 158, 179), "Kazakhstan", 158, 179)
    assert "rsf_wpfi" not in near and "RSF's World Press Freedom Index 2018 (158th of 180)" in near
    at = _run("app_pages/claim.py", country="KAZ")
    answer = at.success[0].value.replace("\\", "")
    assert "RSF's World Press Freedom Index 2018" in answer and "rsf_wpfi" not in answer
    assert at.selectbox(key="claim_index").value == "rsf_wpfi"
    assert "RSF World Press Freedom Index" in at.selectbox(key="claim_index").options


def test_incident_tiles_and_bars_name_regions() -> None:
    """The tile map names regions ('Almaty', 'Almaty reg.'), never codes (ALA, SKZ); bars and
    the chain name kinds and stages in words."""
    at = _run("app_pages/incidents.py", country="KAZ")
    figures = _figures(at)
    tiles = next(f for f in figures if f["data"][0].get("meta", {}).get("role") == "tiles")
    names = [t.split("<br>")[0] for t in tiles["data"][0]["text"]]
    assert {"Almaty", "Almaty reg.", "Astana", "S. Kazakh."} <= set(names)
    assert not {"ALA", "SKZ", "AST", "ALR"} & set(names)
    labels = [
        y for f in figures for t in f["data"] for y in (t.get("y") or []) if isinstance(y, str)
    ]
    assert "Criminal case opened" in labels and "Case dropped" in labels
    assert not RAW_VALUES & set(labels)


# -- the URL holds the view ------------------------------------------------------------------


def _specs(at: AppTest) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


def test_incidents_url_reproduces_the_filters_and_breakdown() -> None:
    """Opening /incidents with category, target, region, breakdown and series in the URL draws
    exactly what choosing them by hand draws, and choosing them writes that URL."""
    url: dict[str, Any] = {
        "country": "KAZ",
        "cats": ["false_information", "insult_defamation"],
        "targets": "journalist",
        "regions": ["KZ-31", "KZ-35", "KZ-71"],
        "by": "category",
        "freq": "month",
        "reported": "TOTAL",
    }
    opened = _run("app_pages/incidents.py", **url)
    by_hand = _run("app_pages/incidents.py", country="KAZ")
    by_hand.sidebar.multiselect(key="cats").set_value(url["cats"]).run()
    by_hand.sidebar.multiselect(key="targets").set_value(["journalist"]).run()
    by_hand.sidebar.multiselect(key="regions").set_value(url["regions"]).run()
    by_hand.radio(key="by").set_value("category").run()
    by_hand.radio(key="freq").set_value("month").run()
    by_hand.multiselect(key="reported").set_value(["TOTAL"]).run()
    assert _specs(opened) == _specs(by_hand)
    assert by_hand.query_params["cats"] == url["cats"]
    assert by_hand.query_params["regions"] == url["regions"]
    for key in ("targets", "reported"):
        assert by_hand.query_params[key] in (url[key], [url[key]])
    names = [t["name"] for t in _figures(opened)[0]["data"] if t["type"] == "bar"]
    assert names == ["False information", "Insult and defamation"]


def test_incidents_url_statute() -> None:
    """?statutes=KAZ-CC2014-274 narrows to that statute, as choosing it does."""
    opened = _run("app_pages/incidents.py", country="KAZ", statutes="KAZ-CC2014-274")
    by_hand = _run("app_pages/incidents.py", country="KAZ")
    by_hand.sidebar.multiselect(key="statutes").set_value(["KAZ-CC2014-274"]).run()
    assert _specs(opened) == _specs(by_hand)
    names = [t["name"] for t in _figures(opened)[0]["data"] if t["type"] == "bar"]
    assert [n.replace("<br>", " ") for n in names] == [
        "Criminal Code art. 274: dissemination of knowingly false information"
    ]


def test_events_url_kinds() -> None:
    """?kinds=election&kinds=law+change shows those kinds, as choosing them does; all kinds
    leave the parameter out."""
    opened = _run("app_pages/events.py", country="KAZ", kinds=["election", "law change"])
    by_hand = _run("app_pages/events.py", country="KAZ")
    assert "kinds" not in by_hand.query_params
    by_hand.multiselect(key="kinds").set_value(["election", "law change"]).run()
    assert _specs(opened) == _specs(by_hand)
    assert by_hand.query_params["kinds"] == ["election", "law change"]
    assert [t["name"] for t in _figures(opened)[0]["data"]] == ["Election", "Law change"]
    assert set(_tables(opened)[0]["Kind of event"]) == {"Election", "Law change"}


def test_claim_url_reproduces_the_check() -> None:
    """/claim?country=KAZ&claim_rank=141&claim_of=180 answers 2025, as typing it does."""
    opened = _run("app_pages/claim.py", country="KAZ", claim_rank="141", claim_of="180")
    by_hand = _run("app_pages/claim.py", country="KAZ")
    by_hand.number_input(key="claim_rank").set_value(141).run()
    assert opened.success[0].value == by_hand.success[0].value
    assert "2025" in opened.success[0].value
    assert by_hand.query_params["claim_rank"] in ("141", ["141"])
    assert by_hand.query_params["claim_index"] in ("rsf_wpfi", ["rsf_wpfi"])
    assert _tables(opened)[0].equals(_tables(by_hand)[0])
