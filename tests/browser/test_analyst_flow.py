"""An analyst's whole workflow in a real browser, and a visitor who cannot write."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from indicators.accounts.auth import add_user
from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.browser.conftest import SERVER, free_port, screenshot, start_streamlit, stop
from tests.browser.test_dashboard import wait_for_app
from tests.conftest import shared_file

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def analyst_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a store holding RSF 2024 and 2025 (not 2026), with one analyst account."""
    root = tmp_path_factory.mktemp("analyst")
    store = LocalStore(root / "store")
    for year in ("2024", "2025"):
        ingest(store, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user="seed")
    users = root / "users.json"
    add_user("amina", PASSWORD, path=users)
    env = {
        **os.environ,
        "INDICATORS_STORE": str(root / "store"),
        "INDICATORS_USERS_FILE": str(users),
    }
    port = free_port()
    proc = start_streamlit(SERVER, port, env)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def sign_in(pg: Any, base: str, next_path: str = "/upload", password: str = PASSWORD) -> None:
    """Sign in as amina through the server's sign-in form and wait for ``next_path``."""
    pg.goto(f"{base}/account/signin?next={next_path}")
    pg.get_by_label("Name").fill("amina")
    pg.get_by_label("Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(f"{base}{next_path}", timeout=60_000)
    wait_for_app(pg)


HEADINGS = {
    "Upload data": "Upload data",
    "Overview": "Position over time",
    "History and rollback": "Roll back",
}


def nav(pg: Any, title: str) -> None:
    """Follow a sidebar link (keeping the browser session and sign-in) and wait for the page."""
    pg.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    pg.get_by_role("heading", name=HEADINGS[title]).first.wait_for(timeout=60_000)
    wait_for_app(pg)


HOVER = (
    "() => document.querySelectorAll('.js-plotly-plot')[0].data"
    ".flatMap(t => t.hovertext || []).join('|')"
)


def wait_for_chart(pg: Any, has_2026: bool) -> None:
    """Wait until the first chart does (or does not) hold a point of edition 2026."""
    check = "" if has_2026 else "!"
    pg.wait_for_function(
        f"() => {check}({HOVER})().includes('Index 2026, covering')", timeout=60_000
    )


def test_upload_preview_commit_rollback(page: Any, analyst_app: str) -> None:
    """Sign in, upload RSF 2026, preview 'new edition, rank 149 of 180', commit, roll back."""
    sign_in(page, analyst_app)
    page.get_by_role("heading", name="Upload data").first.wait_for(timeout=60_000)
    page.locator("input[type='file']").set_input_files(str(shared_file("rsf", "2026.csv")))
    # The sentence is data shown as plain text: invisible joiners may guard its punctuation.
    preview = re.compile(r"Kazakhstan 2026:\W*new edition, rank 149 of 180")
    page.get_by_text(preview).wait_for(timeout=60_000)
    screenshot(page, "upload-preview")
    page.get_by_label("Commit message (what is this change?)").fill("RSF 2026 edition")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Commit").click()
    page.get_by_text("Stored as version 3").wait_for(timeout=60_000)
    nav(page, "Overview")
    page.locator("[data-testid='stMetricValue']", has_text="149 of 180").wait_for(timeout=60_000)
    wait_for_chart(page, has_2026=True)
    nav(page, "History and rollback")
    box = page.locator("[data-testid='stSelectbox']", has_text="Restore the data of version")
    box.click()
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.get_by_text("Yes, make version 2").click()
    page.get_by_role("button", name="Roll back").click()
    page.get_by_text("Version 4 restores version 2").wait_for(timeout=60_000)
    nav(page, "Overview")
    page.locator("[data-testid='stMetricValue']", has_text="141 of 180").wait_for(timeout=60_000)
    wait_for_chart(page, has_2026=False)


def test_visitor_cannot_reach_write_pages(page: Any, analyst_app: str) -> None:
    """A visitor opening /upload or /history is asked to sign in: no file input, no rollback."""
    for path in ("upload", "history"):
        page.goto(f"{analyst_app}/{path}")
        wait_for_app(page)
        page.get_by_role("heading", name="Sign in to continue").wait_for(timeout=60_000)
        assert page.locator("input[type='file']").count() == 0
        assert page.get_by_role("button", name="Roll back").count() == 0
        link = page.locator("[data-testid='stMain']").get_by_role("link", name="Sign in")
        assert link.get_attribute("href") == f"/account/signin?next=/{path}"
    assert page.locator("[data-testid='stSidebarNav'] a", has_text="Upload data").count() == 0


def test_signed_out_page_returns_there_after_sign_in(page: Any, analyst_app: str) -> None:
    """/history opened signed out links to the sign-in form, which comes back to /history."""
    page.goto(f"{analyst_app}/history")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    href = main.get_by_role("link", name="Sign in").get_attribute("href")
    sign_in(page, analyst_app, next_path=href.split("next=")[1])
    page.get_by_role("heading", name="Roll back").first.wait_for(timeout=60_000)
    assert page.url == f"{analyst_app}/history"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_write_pages_in_each_language(page: Any, analyst_app: str, lang: str) -> None:
    """Upload and History for a signed-in analyst in Russian and Kazakh, at 1280 and 390 px:
    no exception, the page's heading in the language, a screenshot of each."""
    from indicators.i18n import _, using

    sign_in(page, analyst_app)
    with using(lang):
        headings = {"upload": _("Upload data"), "history": _("Roll back")}
    for path, heading in headings.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{analyst_app}/{path}?lang={lang}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        screenshot(page, f"{path}-{lang}-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        wait_for_app(page)
        screenshot(page, f"{path}-{lang}-phone")
