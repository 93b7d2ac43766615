"""Charts in Russian and Kazakh: every word a chart shows is translated (titles, axis titles,
legend names, annotations, colour bars), dates and numbers are Babel's, English-only event
titles are marked " [EN]", and Cyrillic survives every export (SVG, PNG, CSV).

Names that come from the label tables (:mod:`indicators.present.labels`: index, measure,
column, statute, region and event-kind names) and country names from the data are translated
in another part of the program; until that is merged they may still be English, and
:func:`_not_ours` says which strings those are. So are the words the Incidents page passes to
a chart (its x axis, "Year" or "Month").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from indicators.i18n import _, using
from indicators.paths import embedded_data_dir
from indicators.pipeline.embedded import open_default_store
from indicators.present import figure_export, labels
from indicators.present.chart_events import ENGLISH_MARK, event_items, event_title
from indicators.present.chart_style import date_ticks, shown_number
from indicators.present.charts import position_chart
from indicators.present.export import shown_frame, to_safe_csv, to_shown_csv
from indicators.present.figure_export import export_figure, footer_lines, version_line
from indicators.present.precision import shown_date, shown_period
from indicators.present.world_map import SITUATIONS, edition_table, world_map_figure
from tests.i18n_scan import _figure_strings, english_words

APP = Path(__file__).resolve().parents[1] / "app.py"
LANGS = ("ru", "kk")
PAGES = {  # page -> the query parameters that make it draw all its charts
    "overview": ("app_pages/overview.py", {}),
    "rankings": ("app_pages/rankings.py", {"view": "rank", "compare": "KGZ"}),
    "incidents": ("app_pages/incidents.py", {"freq": "month"}),
    "events": ("app_pages/events.py", {}),
}
PAGE_WORDS = {"Year", "Month"}  # app_pages/incidents.py: the x axis title it passes
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
KAZAKH_LETTERS = "әғқңөұүһі"
TITLES = {
    "ru": "Казахстан: позиция в Индексе свободы прессы, 2002-2026",
    "kk": "Қазақстан: баспасөз бостандығы — әғқңөұүһі ӘҒҚҢӨҰҮҺІ",
}
MADE = date(2026, 12, 1)


def _pages(lang: str, store: Path) -> dict[str, list[str]]:
    """Each page's chart specs (JSON), rendered in ``lang`` on the embedded data."""
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INDICATORS_STORE", str(store))
        for name, (page, params) in PAGES.items():
            at = AppTest.from_file(str(APP), default_timeout=120)
            for key, value in {"country": "KAZ", "lang": lang, **params}.items():
                at.query_params[key] = value
            at.run()
            at.switch_page(page).run()
            assert not at.exception, (name, [e.value for e in at.exception])
            out[name] = [c.proto.spec for c in at.get("plotly_chart")]
            assert out[name], f"the {name} page drew no chart"
    return out


@pytest.fixture(scope="module", params=LANGS)
def drawn(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, list[str]]]:
    lang = str(request.param)
    return lang, _pages(lang, tmp_path_factory.mktemp(f"store-{lang}"))


@lru_cache(maxsize=1)
def _label_texts() -> frozenset[str]:
    """Every name the label tables, statutes, regions and the data's countries give (English
    until the labels' translations are merged)."""
    texts: set[str] = set()
    for table in labels.LABEL_TABLES:
        texts |= set(labels.load_labels(table).values())
    texts |= set(labels.statute_labels().values()) | set(labels.region_labels().values())
    vocab = embedded_data_dir() / "vocabularies"
    for path in vocab.glob("*.csv"):
        for column in pd.read_csv(path, dtype=str).to_dict("list").values():
            texts |= {labels.humanize(v) for v in column if isinstance(v, str)}
    for path in (embedded_data_dir() / "rankings").rglob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        if "country" in frame:
            texts |= set(frame["country"].dropna())
    return frozenset(texts)


def _not_ours(text: str) -> bool:
    """A figure's string whose words come from the labels, the data or the page, not from the
    chart modules: a label as it is (a legend entry wrapped at spaces), or a label with a
    value after it ('Kazakhstan: 141-е ...' is ours only after the colon)."""
    plain = " ".join(text.replace("<br>", " ").split())
    if plain in _label_texts() or plain in PAGE_WORDS:
        return True
    head, sep, rest = plain.partition(": ")
    return bool(sep) and head in _label_texts() and not english_words(rest)


def _hits(spec: str) -> list[str]:
    return sorted({s for s in _figure_strings(spec) if english_words(s) and not _not_ours(s)})


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)


def _our_lines(text: str) -> str:
    """A hover's lines without those that are data (an event's title marked [EN], its source)."""
    lines = text.split("<br>")
    data = ("Источник:", "Дереккөз:")
    return "<br>".join(x for x in lines if ENGLISH_MARK.strip() not in x and not x.startswith(data))


# --- every chart the pages draw ------------------------------------------------------------


def test_no_english_words_in_any_chart(drawn: tuple[str, dict[str, list[str]]]) -> None:
    """Titles, axis titles, legend names, annotations and colour bars of every chart on the
    Overview, Rankings, Incidents and Events pages carry no English word of ours."""
    lang, pages = drawn
    found = {
        f"{page} #{i}": _hits(spec) for page, specs in pages.items() for i, spec in enumerate(specs)
    }
    assert not {k: v for k, v in found.items() if v}, f"English in {lang} charts: {found}"


def test_dates_in_hovers_and_ticks_are_in_the_language(
    drawn: tuple[str, dict[str, list[str]]],
) -> None:
    """No hover, tick or label holds an English month; the events' and the rankings' hovers
    hold the language's own month names."""
    lang, pages = drawn
    months = {"ru": ("январ", "июн", "сентябр", "декабр"), "kk": ("қаңтар", "маусым", "қыркүйек")}
    seen = []
    for page, specs in pages.items():
        for spec in specs:
            for key, text in _walk(json.loads(spec)):
                if key in ("hovertext", "text", "ticktext", "hovertemplate"):
                    ours = _our_lines(text)
                    assert not ENGLISH_MONTH.search(ours), (page, key, text)
                    seen.append(ours)
    assert any(m in t for t in seen for m in months[lang]), f"no {lang} month name in hovers"


def test_english_only_event_titles_are_marked(drawn: tuple[str, dict[str, list[str]]]) -> None:
    """The embedded events are in English only: their hovers and band labels say [EN]."""
    _lang, pages = drawn
    band = [
        t
        for spec in pages["rankings"]
        for t in json.loads(spec)["data"]
        if (t.get("meta") or {}).get("role") == "event"
    ]
    single = [t for t in band if t["meta"]["kind"] != "several"]  # merged: '3 events, 2022'
    timeline = json.loads(pages["events"][0])["data"]
    assert band and timeline
    for trace in (*band, *timeline):
        assert all(ENGLISH_MARK.strip() in h for h in trace["hovertext"]), trace["hovertext"]
    labels_shown = [x for t in single for x in t.get("text", []) if x]
    assert labels_shown and all(x.endswith(ENGLISH_MARK) for x in labels_shown)


# --- the chart modules, one by one -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "value", "precision", "end", "expected"),
    [
        ("ru", "2022-01-05", "day", "2022-01-11", "5-11 января 2022"),
        ("ru", "2021-12-01", "month", "2022-01-01", "декабрь 2021 - январь 2022"),
        ("ru", "2011-12-16", "day", None, "16 декабря 2011"),
        ("ru", "1995-01-01", "year", None, "1995"),
        ("kk", "2022-01-05", "day", "2022-01-11", "5-11 қаңтар 2022"),
        ("kk", "2022-01-01", "month", None, "қаңтар 2022"),
        ("ru", "early 2022", "day", None, "early 2022"),
    ],
)
def test_shown_dates_in_russian_and_kazakh(
    lang: str, value: str, precision: str, end: str | None, expected: str
) -> None:
    with using(lang):
        assert shown_date(value, precision, end) == expected
    assert shown_date("2022-01-05", "day", "2022-01-11") == "5-11 Jan 2022"  # English as ever


def test_a_period_label_of_ours_is_said_again_in_the_language() -> None:
    label, start, end = "Sep 2001 - Sep 2002", "2001-09-01", "2002-09-01"
    assert shown_period(label, start, end) == label
    with using("ru"):
        assert shown_period(label, start, end) == "сентябрь 2001 - сентябрь 2002"
        assert shown_period("2024", "2024-01-01", "2024-12-31") == "2024"
    with using("kk"):
        assert shown_period(label, start, end) == "қыркүйек 2001 - қыркүйек 2002"


def test_numbers_and_date_ticks_follow_the_locale() -> None:
    assert shown_number(34.41) == "34.41" and date_ticks("2021-11-01", "2023-01-01") == {}
    with using("ru"):
        assert shown_number(34.41) == "34,41" and shown_number(12345) == "12\xa0345"
        ticks = date_ticks("2021-11-01", "2023-01-01")
        assert ticks["ticktext"][:2] == ["янв. 2022", "апр. 2022"]
        assert date_ticks("2002-01-01", "2026-12-31")["ticktext"][0] == "2005"
    with using("kk"):
        assert date_ticks("2021-11-01", "2023-01-01")["ticktext"][0] == "қаң. 2022"


def test_event_titles_in_the_language_or_marked_english() -> None:
    event = {"title": "Snap presidential election", "kind": "election", "date": "2022-11-20"}
    assert event_title(event) == "Snap presidential election"
    with using("ru"):
        assert event_title(event) == "Snap presidential election [EN]"
        assert event_title({**event, "title": "x [EN]"}) == "x [EN]"  # marked once
        assert event_title({**event, "title_ru": "Досрочные выборы"}) == "Досрочные выборы"
        item = event_items(pd.DataFrame([{**event, "date_precision": "day"}]))[0]
        assert item.label.endswith("[EN]") and "20 ноября 2022" in item.hover


@pytest.fixture(scope="module")
def rankings(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The embedded rankings (RSF's editions for Eastern Europe and Central Asia)."""
    store = open_default_store(tmp_path_factory.mktemp("embedded") / "store")
    return store.table("rankings")


def test_world_map_situations_in_the_language(rankings: pd.DataFrame) -> None:
    """The table's situations, the colour bar's ticks and the map's colours agree in Russian."""
    with using("ru"):
        table = edition_table(rankings, "rsf_wpfi", "2026")
        fig = world_map_figure(table, "2026", "situation")
        words = {s: _(s) for s in SITUATIONS}
    assert set(table["situation_label"].dropna()) <= set(words.values())
    assert table.loc[table["iso3"] == "KAZ", "situation_label"].iloc[0] == "Очень серьёзная"
    bar = fig.layout.coloraxis.colorbar
    assert tuple(bar.ticktext) == tuple(words.values()) and words["Good"] == "Хорошая"
    ranked = next(t for t in fig.data if (t.meta or {}).get("role") == "ranked")
    assert pd.Series(ranked.z).notna().all()  # the translated situations still find a colour
    assert not english_words(fig.layout.title.text.replace("RSF", ""))


def test_footer_in_the_language() -> None:
    with using("ru"):
        line = version_line(7, "2026-11-30")
        assert line == "Версия данных 7 (30 ноября 2026)"
        assert footer_lines("Источник: RSF", line, MADE, 1200) == [
            "Источник: RSF · Версия данных 7 (30 ноября 2026) · Создано 1 декабря 2026"
        ]
    with using("kk"):
        assert footer_lines("Sources: RSF", "v", MADE, 1200)[0].startswith("Дереккөз: RSF · v")


# --- Cyrillic survives every export -------------------------------------------------------


def _kazakhstan_chart(lang: str) -> go.Figure:
    """The Overview's chart of Kazakhstan in ``lang`` (two editions, one method)."""
    frame = pd.DataFrame(
        {
            "index": "rsf_wpfi",
            "iso3": "KAZ",
            "country": "Қазақстан",
            "edition": ["2025", "2026"],
            "edition_year": [2025, 2026],
            "period_start": ["2024-01-01", "2025-01-01"],
            "period_end": ["2024-12-31", "2025-12-31"],
            "period_label": ["2024", "2025"],
            "rank": [141, 149],
            "n_ranked": [180, 180],
            "position": [22.3, 17.3],
            "score": [38.0, 34.41],
            "methodology": "rsf_2022",
        }
    )
    with using(lang):
        return position_chart(frame, "position", countries=["KAZ"])


def _needs_browser() -> None:
    if figure_export.browser_path() is None:
        pytest.skip("chart images need Chromium (/usr/bin/chromium or BROWSER_PATH)")


def _svg_texts(svg: bytes) -> str:
    return " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg.decode("utf-8"), re.S))


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_svg_keeps_cyrillic_titles_and_the_charts_own_words(lang: str) -> None:
    _needs_browser()
    fig = _kazakhstan_chart(lang)
    with using(lang):
        svg = export_figure(
            fig,
            title=TITLES[lang],
            subtitle="Әділ сөз / Адил Соз",
            source="RSF",
            version_line=version_line(3, "2026-11-30"),
            fmt="svg",
            made=MADE,
        )
        axis = str(fig.layout.xaxis.title.text)
    texts = _svg_texts(svg)
    assert TITLES[lang] in texts and "Әділ сөз / Адил Соз" in texts
    assert axis in texts  # the chart's own axis title, drawn by plotly inside the image
    if lang == "kk":
        assert all(letter in texts for letter in KAZAKH_LETTERS)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_png_draws_the_cyrillic_title(lang: str, tmp_path: Path) -> None:
    """The PNG is not blank, and its title band differs from the same figure's without a
    title (the glyphs are drawn, not left out); written out to be looked at."""
    _needs_browser()
    from PIL import Image, ImageChops

    fig = _kazakhstan_chart(lang)
    with using(lang):
        made = {
            title: export_figure(fig, title=title, source="RSF", version_line="v", made=MADE)
            for title in (TITLES[lang], "")
        }
    images = {t: Image.open(io.BytesIO(png)).convert("RGB") for t, png in made.items()}
    (tmp_path / f"chart-{lang}.png").write_bytes(made[TITLES[lang]])
    titled = images[TITLES[lang]]
    band = titled.crop((0, 0, titled.width, 2 * (figure_export.PAD_PX + figure_export.TITLE_PX)))
    assert band.getextrema() != ((255, 255), (255, 255), (255, 255))  # ink in the title band
    plain = images[""].crop((0, 0, band.width, band.height))
    assert ImageChops.difference(band, plain).getbbox() is not None
    assert titled.height > images[""].height


@pytest.mark.parametrize("lang", LANGS)
def test_csv_round_trips_cyrillic(lang: str) -> None:
    """The CSV a page downloads (UTF-8, no BOM, as the app encodes it) reads back with every
    Cyrillic letter; a shown export has translated headers and dates."""
    frame = pd.DataFrame(
        {
            "country": ["Қазақстан", "Казахстан"],
            "title": ["Выборы; «=тест»", "Сайлау әғқңөұүһі"],
            "date": ["2022-01-05", "2022-11-20"],
            "date_precision": ["day", "month"],
            "source_name": ["Әділ сөз", "Адил Соз"],
        }
    )
    with using(lang):
        raw = to_safe_csv(frame).encode("utf-8")
        shown = to_shown_csv(frame, ["country", "title", "date"], version=3, version_date="x")
        headers = list(shown_frame(frame, ["date"], version=3).columns)
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8", dtype=str)
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert list(back["country"]) == ["Қазақстан", "Казахстан"]
    assert back["title"][1] == "Сайлау әғқңөұүһі" and back["title"][0].startswith("Выборы")
    rows = list(csv.reader(io.StringIO(shown)))
    assert rows[1][0] == "Қазақстан" and rows[2][1] == "Сайлау әғқңөұүһі"
    assert rows[1][2] == ("5 января 2022" if lang == "ru" else "5 қаңтар 2022")
    assert ("Версия данных" if lang == "ru" else "Деректер нұсқасы") in headers
