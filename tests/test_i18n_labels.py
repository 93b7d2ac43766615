"""Labels, vocabularies and the methods text in Russian and Kazakh (indicators.present.labels,
indicators.present.methods): every word a reader sees is in the reader's language, English is
unchanged, and caches never hand one language's text to another."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from indicators.i18n import using
from indicators.present import labels
from indicators.present.methods import (
    blocks,
    headings,
    localized,
    localized_heading,
    localized_section,
    methods_text,
    section,
)
from indicators.sources.reference import load_reference
from tests.i18n_scan import english_words

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
TRANSLATED = ("ru", "kk")
_FENCED = re.compile(r"```.*?```", re.S)
_CODE = re.compile(r"`[^`]*`")


def _prose(text: str) -> str:
    """The text without code blocks and code spans (file names, column names, formulas)."""
    return _CODE.sub(" ", _FENCED.sub(" ", text))


def _markup(unit: str) -> list[str]:
    """A unit's Markdown structure: heading marks, list items, table rows and fences by line."""
    marks = ("### ", "## ", "* ", "| ", "```")
    return [
        next((m for m in marks if line.startswith(m)), "")
        for line in unit.splitlines()
        if line.startswith(marks)
    ]


def _label_keys() -> dict[str, list[str]]:
    return {name: list(labels.load_labels(name)) for name in labels.LABEL_TABLES}


def _vocabulary_values() -> dict[str, list[str]]:
    from indicators.tables.vocab import VOCABULARIES, vocabulary

    return {name: list(vocabulary(name).values) for name in VOCABULARIES}


HAND_CHECKED = {
    "ru": {
        "country": "Казахстан",
        "incident": ("detention", "Задержание"),
        "event": ("law change", "Изменение закона"),
        "statute": "Уголовный кодекс, ст. 274: распространение заведомо ложной информации",
        "region": "Алматинская область",
        "city": "Алматы (город)",
        "ended": "Южно-Казахстанская область (до 2018 года)",
        "yes": "Да",
    },
    "kk": {
        "country": "Қазақстан",
        "incident": ("detention", "Ұстау"),
        "event": ("law change", "Заңның өзгеруі"),
        "statute": "Қылмыстық кодекс, 274-бап: көрінеу жалған ақпарат тарату",
        "region": "Алматы облысы",
        "city": "Алматы (қала)",
        "ended": "Оңтүстік Қазақстан облысы (2018 жылға дейін)",
        "yes": "Иә",
    },
}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_hand_checked_labels(lang: str) -> None:
    """Kazakhstan, an incident type, an event kind, art. 274, Almaty region, in each language."""
    want = HAND_CHECKED[lang]
    with using(lang):
        assert labels.country_name("KAZ") == want["country"]
        assert labels.country_name("KAZ", "Kazakhstan") == want["country"]
        assert labels.value_label(want["incident"][0]) == want["incident"][1]
        assert labels.event_kind_label(want["event"][0]) == want["event"][1]
        assert labels.statute_label("KAZ-CC2014-274") == want["statute"]
        assert labels.region_label("KZ-19") == want["region"]
        assert labels.region_label("KZ-75") == want["city"]
        assert labels.region_label("KZ-YUZ") == want["ended"]
        shown = labels.readable(pd.DataFrame({"tied": [True, False], "n_ranked": [180, 180]}))
        assert shown.iloc[0, 0] == want["yes"]
        assert all(CYRILLIC.search(str(c)) for c in shown.columns)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_known_key_reads_in_the_language(lang: str) -> None:
    """Every label table, vocabulary value, statute, region and legal code gives Cyrillic text
    with no English word (proper names such as Freedom House and RSF aside)."""
    functions = {
        "indices": labels.index_label,
        "measures": labels.measure_label,
        "columns": labels.column_label,
        "index_phrases": labels.index_phrase,
        "methods": labels.method_label,
        "values": labels.value_label,
        "region_short": labels.region_short_label,
    }
    shown: list[tuple[str, str]] = []
    with using(lang):
        for name, keys in _label_keys().items():
            shown += [(f"{name}:{k}", functions[name](k)) for k in keys]
        for name, values in _vocabulary_values().items():
            shown += [(f"{name}:{v}", labels.value_label(v, name)) for v in values]
            shown += [(f"{name}:{v}", labels.humanize(v)) for v in values]
        shown += [
            (f"event:{v}", labels.event_kind_label(v)) for v in _vocabulary_values()["event_kinds"]
        ]
        reference = load_reference()
        shown += [(f"category:{c}", labels.value_label(c)) for c in reference.statutes["category"]]
        shown += [(f"statute:{k}", t) for k, t in labels.statute_labels().items()]
        shown += [(f"region:{k}", t) for k, t in labels.region_labels().items()]
    bad = [(k, t) for k, t in shown if not CYRILLIC.search(t) or english_words(t)]
    assert not bad
    if lang == "kk":  # Kazakh, not Russian left in place
        assert KAZAKH_LETTERS.search(" ".join(t for _k, t in shown))


def test_every_statute_has_a_kazakh_title() -> None:
    """statutes.csv carries title_kk beside title_ru for every article, in Kazakh letters."""
    table = load_reference().statutes
    assert "title_kk" in table.columns
    assert all(CYRILLIC.search(t) for t in table["title_kk"])
    assert KAZAKH_LETTERS.search(" ".join(table["title_kk"]))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_country_options_lead_with_the_readers_name_and_keep_english(lang: str) -> None:
    """A Russian or Kazakh reader sees the name in their language first and can still type
    'Kazakhstan'; an entity with no ISO code keeps its name."""
    with using(lang):
        option = labels.country_option_label("KAZ", "Kazakhstan")
        assert option.startswith(f"{HAND_CHECKED[lang]['country']} (KAZ)")
        assert "Kazakhstan" in option and "Казахстан" in option
        assert labels.country_name("TUR") in ("Турция", "Түркия")
        assert labels.country_name("XKX", "Kosovo") == "Косово"
        assert labels.country_name("XNC", "Northern Cyprus") == "Northern Cyprus"
        assert labels.country_name("SCG", "Serbia-Montenegro").startswith("Сербия")


def test_english_is_unchanged() -> None:
    """English labels come out exactly as the tables write them."""
    assert labels.country_name("KAZ") == "Kazakhstan"
    assert labels.country_option_label("KAZ", "Kazakhstan").startswith("Kazakhstan (KAZ) · ")
    assert labels.statute_label("KAZ-CC2014-274") == (
        "Criminal Code art. 274: dissemination of knowingly false information"
    )
    assert labels.region_label("KZ-75") == "Almaty (city)"
    assert labels.value_label("case_dropped") == "Case dropped"
    assert labels.humanize("my_own_value") == "My own value"
    assert labels.readable(pd.DataFrame({"tied": [True]}))["Tied"].tolist() == ["Yes"]
    assert localized() == methods_text()
    assert localized_heading("Joint ranks") == "Joint ranks"


def test_caches_keep_each_language_apart() -> None:
    """Statute and region labels are cached per language: English after Russian is English."""
    english = labels.statute_labels(), labels.region_labels()
    with using("ru"):
        russian = labels.statute_labels(), labels.region_labels()
    with using("kk"):
        kazakh = labels.statute_labels(), labels.region_labels()
    assert (labels.statute_labels(), labels.region_labels()) == english
    assert russian != english and kazakh != english and kazakh != russian


def test_an_analysts_own_value_passes_through() -> None:
    """A value no vocabulary knows is data: shown in words, untranslated, in every language."""
    with using("ru"):
        assert labels.value_label("my_own_type") == "My own type"
        assert labels.index_label("vdem_v2x") == "vdem_v2x"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_methods_text_has_no_english_words(lang: str) -> None:
    """Every unit of the methods text is translated; outside code and formulas no English word
    is left, and the Markdown (headings, lists, tables, bold) is kept."""
    with using(lang):
        text = localized()
    assert not english_words(_prose(text))
    english, shown = blocks(methods_text()), blocks(text)
    assert len(shown) == len(english)
    for source, unit in zip(english, shown, strict=True):
        assert _markup(source) == _markup(unit)
        assert source.count("**") == unit.count("**")
        assert sorted(re.findall(r"`[^`]*`", source)) == sorted(re.findall(r"`[^`]*`", unit))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_translated_section_can_be_shown(lang: str) -> None:
    """``section`` is looked up by its English heading; ``localized(section(h))`` shows it in the
    reader's language, the same text as that section of the whole translated text."""
    with using(lang):
        whole = localized()
        for heading in headings()[1:]:
            body = localized_section(heading)
            assert body == localized(section(heading))
            assert body.strip() in whole and body.strip() != section(heading)
            assert f"### {localized_heading(heading)}\n\n{body.strip()}" in whole
