"""Sources as citations (issue 11, item 1): no row of any embedded table cites a local file or a
bare "public record"; every address shown is http(s) or empty; the Events and Incidents pages
show citations and addresses as text, never as links."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.pipeline.embedded import open_default_store
from indicators.tables.registry import TABLES

APP = Path(__file__).resolve().parents[1] / "app.py"
CITING = ("source_name", "citation")
LOCAL = re.compile(r"(^|[\s(/])(shared|docs|data)/|\.(md|csv|xlsx|json)\b(?!\S*://)", re.I)
YEAR = re.compile(r"\b(19|20)\d{2}\b")
CASE_FILES = ("kazakhstan.csv", "kazakhstan_case.csv")

with tempfile.TemporaryDirectory() as _folder:
    _TABLES = {name: open_default_store(_folder).table(name) for name in TABLES}


def _citations(frame: pd.DataFrame) -> list[str]:
    return [str(v) for c in CITING if c in frame for v in frame[c].dropna()]


@pytest.mark.parametrize("name", list(TABLES))
def test_no_embedded_row_cites_a_local_file_or_a_bare_public_record(name: str) -> None:
    """Citations name a publisher (and a title and date), never a file of this project."""
    frame = _TABLES[name]
    for text in _citations(frame):
        assert not LOCAL.search(re.sub(r"https?://\S+", "", text)), (name, text)
        assert text.strip().casefold() not in ("public record", "unknown", ""), (name, text)


@pytest.mark.parametrize("name", list(TABLES))
def test_every_source_address_is_http_or_empty(name: str) -> None:
    """An address a reader sees is a publisher's web address or nothing (no local path)."""
    frame = _TABLES[name]
    if "source_url" not in frame:
        return
    urls = frame["source_url"].dropna().astype(str)
    bad = urls[(urls != "") & ~urls.str.match(r"https?://[^\s/]+\.[^\s/]+")]
    assert bad.empty, (name, sorted(set(bad))[:5])


def test_case_rows_cite_publisher_title_and_date() -> None:
    """The 12 case events and 8 case incidents each cite a source with its title or act and a
    year; the two case documents are named by publisher and title, without an invented URL."""
    events = _TABLES["events"]
    case_events = events[events["source_file"] == "kazakhstan.csv"]
    incidents = _TABLES["incidents"]
    case_incidents = incidents[incidents["source_file"] == "kazakhstan_case.csv"]
    assert len(case_events) == 12 and case_incidents["incident_id"].nunique() == 8
    for frame in (case_events, case_incidents):
        assert frame["source_url"].isna().all()  # the case notes give no publisher address
        for text in frame["source_name"]:
            assert YEAR.search(text) and ('"' in text or "Public record:" in text), text
    cited = set(case_incidents["source_name"]) | set(case_events["source_name"])
    assert any(c.startswith('The Diplomat, Crossroads Asia: "Russian Pressure') for c in cited)
    assert any(
        c.startswith('Global Voices, Advox: "Unfreedom Monitor Report: Kazakhstan"') for c in cited
    )


def _run(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["country"] = "KAZ"
    at.run()
    at.switch_page(page).run()
    assert not at.exception and not at.error
    return at


@pytest.mark.parametrize("page", ["app_pages/events.py", "app_pages/incidents.py"])
def test_pages_show_citations_and_addresses_as_text(page: str) -> None:
    """The Source column holds the citation; the address column is a text column (a link from
    data is never made clickable); no local path on the page."""
    at = _run(page)
    cited = [d for d in at.dataframe if "Source" in d.value.columns]
    assert cited
    for table in cited:
        frame = table.value
        assert not frame["Source"].astype(str).str.contains("shared/docs").any()
        assert not frame["Source"].astype(str).str.fullmatch("(?i)public record").any()
        config = json.loads(table.proto.columns or "{}")
        if "Source address" in frame.columns:
            assert config.get("Source address", {}).get("type_config", {}).get("type") == "text"
            urls = frame["Source address"].astype(str)
            assert urls[urls != ""].str.match("https?://").all()
