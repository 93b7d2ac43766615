"""The brief and the plain-language sentences in English, Russian and Kazakh (issue 13 item 4):
the HTML says its language and holds no English words outside proper names and data marked
[EN], the PDF keeps its Cyrillic text, ``indicators brief --lang`` picks the language (English
by default, a bad value refused), and the sentences read right: a fall, a rise, no change and
the plural forms of places (1, 2, 5 and 21).

Names that come from the labels and the charts (the index's name, the statutes' titles, the
method's name, the chart's own text) are translated by their own modules; until those are
merged they may still be English, so the scan leaves out exactly those strings (see
:func:`_names_from_other_modules`)."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from indicators.cli.main import build_parser, main
from indicators.i18n import using
from indicators.pipeline.embedded import open_default_store
from indicators.present.brief import Brief, DataVersion, gather
from indicators.present.brief_html import document
from indicators.present.brief_pdf import html_to_pdf
from indicators.present.charts import ERA_LABELS, era_label
from indicators.present.labels import index_label, index_phrase, statute_labels
from indicators.present.rank_moves import headline, rank_move_sentence
from indicators.present.sentences import places_moved, rank_phrase
from indicators.query.explain import RankSplit
from indicators.query.trend import TOO_FEW, YEAR_ON_YEAR, Comparison, NoComparison
from tests.i18n_scan import ENGLISH_MARK, english_words

TODAY = date(2026, 12, 1)
MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5"/></svg>'
WIDE_SVG = (  # as wide as the chart kaleido draws for a brief
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 440" width="1000" height="440">'
    '<rect width="1000" height="440" fill="#eee"/></svg>'
)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
KAZAKH = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    store = open_default_store(tmp_path_factory.mktemp("i18n-brief-store"))
    return {name: store.table(name) for name in ("rankings", "incidents", "events")}


def _brief(tables: dict[str, pd.DataFrame], iso3: str = "KAZ") -> Brief:
    return gather(
        tables["rankings"], tables["incidents"], tables["events"], iso3, None,
        version=DataVersion(7, "2026-11-30"), today=TODAY,
    )  # fmt: skip


def _html(tables: dict[str, pd.DataFrame], lang: str, iso3: str = "KAZ", svg: str = SVG) -> str:
    with using(lang):
        return document(_brief(tables, iso3), svg, MADE)


class _Text(HTMLParser):
    """The text nodes of a document outside its style and its chart (the chart's words are
    the charts' own, tested with them)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "svg", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "svg", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(data)


def _nodes(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.nodes


def _names_from_other_modules(lang: str) -> list[str]:
    """Strings the labels and charts modules give (translated there, maybe not yet merged)."""
    with using(lang):
        names = [index_label("rsf_wpfi"), index_phrase("rsf_wpfi"), *statute_labels().values()]
        names += [era_label(m) for m in ERA_LABELS]
    return sorted(names, key=len, reverse=True)


def _english_left(page: str, lang: str) -> list[str]:
    """English words in the document's text, outside proper names, [EN] data and names."""
    found = []
    names = _names_from_other_modules(lang)
    for node in _nodes(page):
        text = html.unescape(node)
        for name in names:
            text = text.replace(name, " ")
        text = re.sub(r"indicators [a-z]+ --[^;]*", " ", text)  # commands to type
        text = re.sub(r"https?://\S+", " ", text)
        words = english_words(text)
        if words:
            found.append(f"{text[:80]!r}: {words}")
    return found


def test_english_brief_is_unchanged_in_its_words(tables: dict[str, pd.DataFrame]) -> None:
    page = _html(tables, "en")
    assert '<html lang="en">' in page and ENGLISH_MARK not in page
    assert "149th of 180" in page and "In plain words" in page and "Data version 7" in page
    assert "--lang" not in page and not CYRILLIC.search(re.sub(r"<svg.*</svg>", "", page))


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_brief_in_russian_and_kazakh_has_no_english_words(
    tables: dict[str, pd.DataFrame], lang: str
) -> None:
    page = _html(tables, lang)
    assert f'<html lang="{lang}">' in page
    assert CYRILLIC.search(page)
    assert bool(KAZAKH.search(page)) == (lang == "kk")
    assert _english_left(page, lang) == []
    assert f"--lang {lang}" in page  # the footer's remake command gives the same document
    assert ENGLISH_MARK in page  # event titles the dataset has only in English are marked


def test_russian_and_kazakh_headline_figures(tables: dict[str, pd.DataFrame]) -> None:
    ru, kk = _html(tables, "ru"), _html(tables, "kk")
    assert "149-е место из 180" in ru and "на 8 мест ниже" in ru
    assert "180 елдің ішінде 149-орын" in kk and "8 орын төмен" in kk
    assert "Версия данных 7 (сохранена 30 ноября 2026)" in ru
    assert "Деректер нұсқасы: 7" in kk


def test_brief_without_incident_source_in_russian(tables: dict[str, pd.DataFrame]) -> None:
    page = _html(tables, "ru", "UZB")
    assert "не загружено ни одной записи об инцидентах" in page
    assert _english_left(page, "ru") == []


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_pdf_keeps_the_cyrillic_text(tables: dict[str, pd.DataFrame], lang: str) -> None:
    """Chromium prints the Russian or Kazakh brief on one page, its text Cyrillic (the fonts
    hold the Kazakh letters)."""
    pdf = html_to_pdf(_html(tables, lang, svg=WIDE_SVG))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert CYRILLIC.search(text)
    if lang == "ru":
        assert "149-е место из 180" in text and "Простыми словами" in text
    else:
        assert "149-орын" in text and "Қарапайым тілмен" in text and KAZAKH.search(text)


def test_lang_flag_is_documented_defaults_to_english_and_refuses_a_bad_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    args = parser.parse_args(["brief", "--country", "KAZ", "--out", "b.html"])
    assert args.lang == "en"
    assert (
        parser.parse_args(["brief", "--country", "KAZ", "--out", "b", "--lang", "kk"]).lang == "kk"
    )
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["brief", "--country", "KAZ", "--out", "b.html", "--lang", "de"])
    assert refused.value.code == 2 and "invalid choice: 'de'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["brief", "--help"])
    assert "--lang {en,ru,kk}" in capsys.readouterr().out


def test_cli_writes_the_brief_in_russian_and_speaks_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--lang ru`` writes the Russian document; the command's own line stays English."""
    import indicators.present.brief_html as brief_html

    monkeypatch.setattr(brief_html, "chart_drawing", lambda brief: SVG)  # no Chromium needed
    store = tmp_path / "store"
    open_default_store(store)
    out = tmp_path / "brief-ru.html"
    code = main(
        ["brief", "--country", "KAZ", "--store", str(store), "--out", str(out), "--lang", "ru"]
    )
    said, err = capsys.readouterr()
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "149-е место из 180" in page
    assert (
        said.startswith(f"wrote {out} (HTML") and "149th of 180" in said and "Data version" in said
    )
    english = tmp_path / "brief-en.html"
    assert main(["brief", "--country", "KAZ", "--store", str(store), "--out", str(english)]) == 0
    assert '<html lang="en">' in english.read_text(encoding="utf-8")


def _split(rank_against: int, rank: int, own_rank: int, total: int = 180) -> RankSplit:
    return RankSplit(
        "rsf_wpfi", "KAZ", "Казахстан", "2026", "2025", rank, rank_against, total, total,
        own_rank, 40.0, 42.5,
    )  # fmt: skip


def test_rank_move_sentences_by_hand() -> None:
    fall, rise, same = _split(141, 149, 148), _split(149, 147, 147), _split(60, 60, 58)
    with using("ru"):
        assert headline(fall) == (
            "Казахстан: падение на 8 мест в выпуске 2026 (было 141-е, стало 149-е место из 180)"
        )
        assert headline(rise).startswith("Казахстан: подъём на 2 места в выпуске 2026")
        assert headline(same).startswith("Казахстан: место не изменилось в выпуске 2026")
        assert rank_move_sentence(fall).endswith(
            "из них 7 объясняет изменение собственного балла страны, 1 — изменения у других стран."
        )
        assert "одно лишь изменение собственного балла дало бы: подъём на 2 места" in (
            rank_move_sentence(same)
        )
    with using("kk"):
        assert headline(fall) == (
            "Казахстан: 2026 шығарылымында 8 орынға төмендеді "
            "(180 елдің ішінде 141-орыннан 149-орынға)"
        )
        assert headline(rise).startswith("Казахстан: 2026 шығарылымында 2 орынға көтерілді")
        assert headline(same).startswith("Казахстан: 2026 шығарылымында орны өзгермеді")


@pytest.mark.parametrize(
    ("n", "ru", "kk"),
    [
        (1, "на 1 место выше", "1 орын жоғары"),
        (2, "на 2 места выше", "2 орын жоғары"),
        (5, "на 5 мест выше", "5 орын жоғары"),
        (21, "на 21 место выше", "21 орын жоғары"),
        (-8, "на 8 мест ниже", "8 орын төмен"),
        (0, "то же место", "орны өзгермеді"),
    ],
)
def test_places_in_each_plural_form(n: int, ru: str, kk: str) -> None:
    with using("ru"):
        assert places_moved(n) == ru
    with using("kk"):
        assert places_moved(n) == kk
    english = {1: "1 place up", 2: "2 places up", -8: "8 places down", 0: "the same rank"}
    if n in english:
        assert places_moved(n) == english[n]


def test_ranks_and_trend_words_by_hand() -> None:
    with using("ru"):
        assert rank_phrase(149, 180) == "149-е место из 180"
        c = Comparison(YEAR_ON_YEAR, "2025", 24, "2024", 12)
        assert (
            c.sentence == "Год к году — значительный рост: на 100% больше (2025 — 24, 2024 — 12)."
        )
        assert NoComparison(YEAR_ON_YEAR, "x").change == "сравнения нет: x"
        assert Comparison(YEAR_ON_YEAR, "2025", 4, "2024", 6).change == _ru(TOO_FEW)
    with using("kk"):
        assert rank_phrase(149, 180) == "180 елдің ішінде 149-орын"
        c = Comparison(YEAR_ON_YEAR, "2025", 9, "2024", 12)
        assert c.change == "шектеулі өзгеріс: үрдіс туралы айту үшін оқиғалар тым аз"


def _ru(message: str) -> str:
    from indicators.i18n import _

    return _(message)
