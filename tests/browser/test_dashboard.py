"""What a person does in the dashboard, in a real browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "": "Position over time",
    "rankings": "Rankings over time",
    "incidents": "Incidents against journalists",
    "events": "Events",
    "claim": "Check a claim",
    "sources": "Sources and methods",
}


def wait_for_app(pg: Any) -> None:
    """Wait until Streamlit's script has finished and every chart on the page is drawn."""
    pg.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid*=\"Skeleton\"]') && "
        "[...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(b => b.querySelector('.js-plotly-plot .main-svg'))",
        timeout=60_000,
    )
    pg.wait_for_timeout(300)


def trace_names(pg: Any, index: int = 0) -> list[str]:
    """The names of the traces of the index-th plotly chart on the page."""
    pg.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length > {index}", timeout=60_000
    )
    return pg.evaluate(
        f"() => document.querySelectorAll('.js-plotly-plot')[{index}].data.map(t => t.name || '')"
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens(page: Any, app_url: str, name: str) -> None:
    """Each page loads with its heading, without errors, at desktop and phone width."""
    page.goto(f"{app_url}/{name}?country=KAZ")
    wait_for_app(page)
    page.get_by_text(PAGES[name]).first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, f"{name or 'overview'}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    screenshot(page, f"{name or 'overview'}-phone")


def test_pick_another_country_changes_chart(page: Any, app_url: str) -> None:
    """Choosing Kyrgyzstan in the sidebar redraws the chart with Kyrgyzstan's data."""
    page.goto(f"{app_url}/")
    wait_for_app(page)
    assert any(n.startswith("Kazakhstan") for n in trace_names(page))
    box = page.locator(
        "[data-testid='stSidebar'] .st-key-country [data-testid='stSelectbox']"
    ).first
    box.click()
    page.keyboard.type("Kyrgyzstan")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')[0].data]"
        ".some(t => (t.name || '').startsWith('Kyrgyzstan'))",
        timeout=60_000,
    )
    names = trace_names(page)
    assert not any(n.startswith("Kazakhstan") for n in names)
    assert "country=KGZ" in page.url


def test_shared_url_reproduces_view(page: Any, app_url: str) -> None:
    """Opening a link with ?country=RUS&view=rank shows Russia by rank, axis inverted."""
    page.goto(f"{app_url}/rankings?country=RUS&view=rank")
    wait_for_app(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length > 0 && "
        "[...document.querySelectorAll('.js-plotly-plot')[0].data].some(t => (t.name||'').startsWith('Russia'))",
        timeout=60_000,
    )
    low, high = page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[0]._fullLayout.yaxis.range"
    )
    assert low > high, "the rank axis must be inverted (1 at the top)"


def test_download_csv(page: Any, app_url: str) -> None:
    """The overview's CSV download holds Kazakhstan's 24 editions with ranks as published,
    under readable headers (the columns the table shows, then the provenance)."""
    page.goto(f"{app_url}/?country=KAZ")
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Chart data (CSV)").first.click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 24
    by_edition = {r["Edition"]: r for r in rows}
    latest = by_edition["2025"]
    assert (latest["Rank (1 = freest)"], latest["Number ranked"]) == ("141", "180")
    assert by_edition["2002"]["Position (0-100, 100 = freest)"] == "16.67"
    assert by_edition["2002"]["Method"] == "RSF 2002-2012 method" and "n_ranked" not in latest
