"""Every page of the app in Russian and Kazakh in a real browser, at 1280 and 390 px: no
exception, the navigation in the reader's language, a screenshot of each page in each language
and width (test-artifacts/screenshots/); the language picker changes the page and the URL."""

from __future__ import annotations

from typing import Any

import pytest

from indicators.i18n import NAMES, _, using
from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import wait_for_app

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "rankings": "/rankings",
    "incidents": "/incidents",
    "events": "/events",
    "claim": "/claim",
    "brief": "/brief",
    "sources": "/sources",
    "signin": "/signin",
}
LANGS = ("ru", "kk")
NAV = "[data-testid='stSidebarNav']"
# The picker is a select box in a sidebar popover whose button names the language shown.
POPOVER = "[data-testid='stSidebar'] [data-testid='stPopover'] button"
PICKER = ".st-key-lang input"  # drawn when the popover is open


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def _nav_text(pg: Any) -> str:
    return str(pg.locator(NAV).first.inner_text())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_in_each_language(page: Any, app_url: str, name: str, lang: str) -> None:
    page.goto(f"{app_url}{PAGES[name]}?country=KAZ&lang={lang}")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    with using(lang):
        overview, sources = _("Overview"), _("Sources and methods")
    nav = _nav_text(page)
    assert overview in nav and sources in nav, nav
    assert "Overview" not in nav and "Sources and methods" not in nav, nav
    button = page.locator(POPOVER, has_text="Язык").first
    assert NAMES[lang] in str(button.inner_text())
    screenshot(page, f"{name}-{lang}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    page.wait_for_timeout(600)  # plotly relayouts the charts to the new width
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, f"{name}-{lang}-phone")
    if name == "brief":  # the preview: the brief itself, in its own frame, in the language
        body = page.frame_locator("iframe").first.locator("body")
        body.wait_for(timeout=60_000)
        text = str(body.inner_text())
        assert _cyrillic(text) and "Kazakhstan" not in text.split("[EN]")[0][:200], text[:300]


def _h1(pg: Any) -> str:
    return str(pg.locator("h1").first.inner_text()).strip()


@pytest.mark.parametrize("lang", LANGS)
def test_the_picker_changes_the_title_and_the_url(page: Any, app_url: str, lang: str) -> None:
    page.goto(f"{app_url}/rankings?country=KAZ")
    wait_for_app(page)
    english = _h1(page)
    assert english == "Rankings over time" and "lang=" not in page.url
    page.locator(POPOVER, has_text="Язык").first.click()
    page.locator(PICKER).first.click()
    page.get_by_role("option", name=NAMES[lang]).click()
    with using(lang):
        wanted = _("Rankings over time")
    page.wait_for_function(
        "(t) => (document.querySelector('h1') || {}).innerText?.trim() === t",
        arg=wanted,
        timeout=60_000,
    )
    wait_for_app(page)
    page.wait_for_url(f"**lang={lang}**", timeout=30_000)
    assert _h1(page) == wanted != english
    assert f"lang={lang}" in page.url and "/rankings" in page.url
