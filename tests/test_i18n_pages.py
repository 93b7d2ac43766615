"""The main pages (Overview, Rankings, Sources and methods) in Russian and Kazakh: the words
they show are translated, the language picker and ``?lang=`` agree, and English is untouched.
"""

from __future__ import annotations

from typing import Any

import pytest

from indicators.i18n import NAMES, _, using
from tests.i18n_scan import english_on_page
from tests.pages import open_page

LANGS = ("ru", "kk")
PAGES = {
    "overview": (None, {}),
    "rankings": ("app_pages/rankings.py", {}),
    "compare": ("app_pages/rankings.py", {"indices": ["rsf_wpfi:position", "fh_fiw:score"]}),
    "sources": ("app_pages/sources.py", {}),
}
TITLES = {
    "overview": "Press freedom: {country}",
    "rankings": "Rankings over time",
    "compare": "Rankings over time",
    "sources": "Sources and methods",
}
NAVIGATION = (
    "Overview",
    "Rankings",
    "Incidents",
    "Events",
    "Check a claim",
    "Brief",
    "Sources and methods",
    "Sign in",
)


def _open(name: str, lang: str) -> Any:
    page, params = PAGES[name]
    return open_page(page, lang=lang, **params)


def _share_link(at: Any) -> str:
    """The address in the sidebar's "Share this view" box."""
    codes = [c.value for c in at.get("code")]
    assert len(codes) == 1, codes
    return str(codes[0])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_main_pages_show_no_english(name: str, lang: str) -> None:
    at = _open(name, lang)
    picker = at.selectbox(key="lang")
    assert picker.value == lang
    assert picker.options[picker.index] == NAMES[lang]
    titles = [t.value for t in at.title]
    with using(lang):
        wanted = _(TITLES[name])
    assert titles and titles[0].startswith(wanted.split("{")[0]), titles
    assert wanted != TITLES[name]
    found = english_on_page(at)
    assert not found, f"{len(found)} English texts on {name} at ?lang={lang}:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_navigation_is_in_the_readers_language(lang: str) -> None:
    at = open_page(lang=lang)
    shown = {info["page_name"] for info in at._registered_pages.values()}
    with using(lang):
        wanted = {_(title) for title in NAVIGATION}
    assert wanted <= shown
    assert not shown & set(NAVIGATION), shown & set(NAVIGATION)


def test_the_language_survives_a_rerun_and_is_in_the_share_link() -> None:
    at = open_page(lang="ru")
    assert at.query_params["lang"] == "ru"
    assert "lang=ru" in _share_link(at)
    at.run()
    assert not at.exception
    assert at.query_params["lang"] == "ru"
    assert at.title[0].value.startswith("Свобода прессы")
    at.switch_page("app_pages/rankings.py").run()
    assert at.query_params["lang"] == "ru" and at.title[0].value == "Динамика рейтингов"
    assert "lang=ru" in _share_link(at)


def test_the_picker_changes_the_language_and_the_url() -> None:
    at = open_page()
    assert "lang" not in at.query_params
    at.selectbox(key="lang").set_value("kk").run()
    assert not at.exception
    assert at.query_params["lang"] == "kk"
    assert at.title[0].value.startswith("Баспасөз бостандығы")
    at.selectbox(key="lang").set_value("en").run()
    assert "lang" not in at.query_params
    assert at.title[0].value.startswith("Press freedom: ")


def test_an_unknown_language_falls_back_to_english() -> None:
    at = open_page(lang="xx")
    assert at.selectbox(key="lang").value == "en"
    assert at.title[0].value.startswith("Press freedom: ")
    assert "lang" not in at.query_params
    assert "lang" not in _share_link(at)


@pytest.mark.parametrize("name", list(PAGES))
def test_english_pages_keep_lang_out_of_the_url(name: str) -> None:
    page, params = PAGES[name]
    at = open_page(page, **params)
    assert at.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params
    assert "lang=" not in _share_link(at)
    assert at.title[0].value.startswith(TITLES[name].split("{")[0])
