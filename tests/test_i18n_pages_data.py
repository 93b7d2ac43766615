"""Incidents, Events, Check a claim and Brief in Russian and Kazakh (issue 13, item 4): each
page opens at ?lang=ru and ?lang=kk with its charts and answers drawn, shows no English words
(tests/i18n_scan.py), and marks the event titles the data gives only in English with "[EN]"."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.i18n_scan import ENGLISH_MARK, english_on_page
from tests.pages import APP, open_page

LANGS = ("ru", "kk")
ZHANAOZEN = "Zhanaozen: police fire on striking oil workers"  # a title in data/events, English
# Each page with the URL that draws its charts and answers (as the pages' own tests open them).
PAGES = {
    "incidents": ("app_pages/incidents.py", {"country": "KAZ", "freq": "month"}),
    "events": ("app_pages/events.py", {"country": "KAZ"}),
    "claim": ("app_pages/claim.py", {"country": "KAZ", "claim_rank": "141", "claim_of": "180"}),
}
# Not words: a download button's file id (32 hex digits, where "be" or "a" can turn up) and the
# brief's frame address (base64), which the scan reads as text.
NOT_TEXT = re.compile(r"^'([0-9a-f]{32}|data:[a-z/]+;base64,)")


def english(at: AppTest) -> list[str]:
    """The English words on the page (tests/i18n_scan.py), without ids and addresses."""
    return [hit for hit in english_on_page(at) if not NOT_TEXT.match(hit)]


def cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_english(name: str, lang: str) -> None:
    page, params = PAGES[name]
    at = open_page(page, lang=lang, **params)
    assert cyrillic(at.title[0].value), at.title[0].value
    if name == "claim":
        assert at.success, "the claim got no answer"
    else:
        assert at.get("plotly_chart"), "the page drew no chart"
    assert not english(at)


def test_incidents_per_year_by_kind_of_statute_has_no_english() -> None:
    """The counts chart's other choices: per year (the default) and by kind of statute; the
    URL keeps the options' values while the page shows them in words."""
    at = open_page("app_pages/incidents.py", lang="ru", country="KAZ", by="category")
    assert at.radio(key="by").value == "category" and at.radio(key="freq").value == "year"
    assert at.radio(key="freq").options == ["год", "месяц"]
    assert not english(at)


def test_incidents_without_records_says_so_in_kazakh() -> None:
    at = open_page("app_pages/incidents.py", lang="kk", country="UZB")
    assert any("жүктелмеген" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert not english(at)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_brief_page_has_no_english(lang: str) -> None:
    """The Brief page (its chart drawn on the server, so slow): title, downloads, the command
    that writes the same brief in this language."""
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params["lang"] = lang
    at.query_params["country"] = "KAZ"
    at.run()
    at.switch_page("app_pages/brief.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    title = {"ru": "Справка по стране: ", "kk": "Ел бойынша анықтама: "}[lang]
    assert at.title[0].value.startswith(title)
    assert [cyrillic(b.proto.label) for b in at.get("download_button")] == [True, True]
    assert f"--lang {lang} " in at.code[0].value
    assert not english(at)


def _events_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if len(d.value.columns) >= 4)


@pytest.mark.parametrize("lang", LANGS)
def test_english_only_event_titles_are_marked(lang: str) -> None:
    """The events table has titles in English only: in Russian and Kazakh each is shown
    followed by " [EN]" (a blank description stays blank); in English as it is."""
    marked = _events_table(open_page("app_pages/events.py", lang=lang, country="KAZ"))
    title, description = marked.columns[2], marked.columns[3]
    assert f"{ZHANAOZEN} {ENGLISH_MARK}" in list(marked[title])
    assert all(t.endswith(f" {ENGLISH_MARK}") for t in marked[title])
    assert all(d == "" or d.endswith(f" {ENGLISH_MARK}") for d in marked[description])
    assert "" in set(marked[description])  # the data has events without a description
    plain = _events_table(open_page("app_pages/events.py", country="KAZ"))
    assert list(plain.columns[2:4]) == ["Title", "Description"]
    assert ZHANAOZEN in list(plain["Title"])
    assert not any(ENGLISH_MARK in str(t) for t in [*plain["Title"], *plain["Description"]])


@pytest.mark.parametrize(("lang", "name"), [("ru", "Казахстан"), ("kk", "Қазақстан")])
def test_the_country_is_named_in_the_readers_language(lang: str, name: str) -> None:
    """The incident charts' subtitles and the events page name the country in the language."""
    for page in ("app_pages/incidents.py", "app_pages/events.py"):
        at = open_page(page, lang=lang, country="KAZ")
        texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
        assert any(name in t for t in texts), page
        assert not any("Kazakhstan" in t for t in texts), page
