"""The catalogs: every message the program shows has a Russian and a Kazakh translation that
keeps its placeholders; messages, numbers, dates and ranks come out in the reader's language."""

from __future__ import annotations

import datetime as dt
import pickle
import threading

import pytest

from indicators.i18n import (
    LANGUAGES,
    Msg,
    _,
    format_date,
    language,
    msg,
    n_,
    number,
    p_,
    parse_language,
    place,
    placeholders,
    set_language,
    tr,
    translations,
    using,
)
from scripts.update_catalogs import TRANSLATED, extract, read_catalog, untranslated, updated


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[object]]:
    return extract()  # type: ignore[return-value]


def _ids(message_id: object) -> list[str]:
    return list(message_id) if isinstance(message_id, tuple) else [str(message_id)]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(extracted: dict[str, list[object]], lang: str) -> None:
    missing: list[str] = []
    for domain, messages in extracted.items():
        catalog = updated(lang, domain, messages)  # type: ignore[arg-type]
        missing += [f"{domain}: {m[:70]!r}" for m in untranslated(catalog)]
    assert not missing, f"{len(missing)} messages without a {lang} translation:\n" + "\n".join(
        missing[:40]
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogs_hold_no_message_the_program_no_longer_shows(
    extracted: dict[str, list[object]], lang: str
) -> None:
    stale: list[str] = []
    for domain, messages in extracted.items():
        wanted = {(m.id, m.context) for m in messages}  # type: ignore[attr-defined]
        stored = read_catalog(lang, domain)
        stale += [
            f"{domain}: {str(m.id)[:70]!r}"
            for m in stored
            if m.id and (m.id, m.context) not in wanted
        ]
    assert not stale, "run `make catalogs`; stale messages:\n" + "\n".join(stale[:40])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(extracted: dict[str, list[object]], lang: str) -> None:
    broken: list[str] = []
    for domain in extracted:
        for message in read_catalog(lang, domain):
            if not message.id or not message.string:
                continue
            wanted = set().union(*(placeholders(i) for i in _ids(message.id)))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                got = placeholders(string)
                # a plural form may leave out the count it is about ("один случай")
                if got != wanted and not (isinstance(message.id, tuple) and got <= wanted):
                    broken.append(f"{domain}: {_ids(message.id)[0][:60]!r}: {sorted(got)}")
    assert not broken, "\n".join(broken[:40])


def test_english_is_the_source_and_needs_no_catalog() -> None:
    with using("en"):
        assert _("Overview") == "Overview"
        assert n_("{n} case", "{n} cases", 3) == "{n} cases"
        assert place(141, 180) == "141st of 180"
        assert number(12345) == "12,345"


def test_ranks_are_written_the_way_each_language_writes_them() -> None:
    assert [place(n, 180) for n in (1, 2, 3, 11, 141)] == [
        "1st of 180",
        "2nd of 180",
        "3rd of 180",
        "11th of 180",
        "141st of 180",
    ]
    with using("ru"):
        assert place(149, 180) == "149-е место из 180"
    with using("kk"):
        assert place(149, 180) == "180 елдің ішінде 149-орын"


def test_numbers_and_dates_follow_the_locale() -> None:
    day = dt.date(2024, 3, 5)
    assert (format_date(day, "month"), format_date(day, "day")) == ("Mar 2024", "5 Mar 2024")
    with using("ru"):
        assert number(12345) == "12\xa0345"
        assert format_date(day, "month") == "март 2024"
        assert format_date(day, "day") == "5 марта 2024"
        assert format_date(day, "year") == "2024"
    with using("kk"):
        assert format_date(day, "month") == "наурыз 2024"


def test_plurals_follow_each_languages_rules() -> None:
    with using("ru"):
        catalog = translations("ru")
        assert catalog.ngettext("x", "y", 1) != "x" or catalog.ngettext("x", "y", 5) == "y"


def test_a_message_is_english_text_that_keeps_its_template() -> None:
    m = msg("row {row}: {column} is empty", row=3, column="Счёт")
    assert isinstance(m, str) and m == "row 3: Счёт is empty"
    assert (m.template, dict(m.params)) == (
        "row {row}: {column} is empty",
        {"row": 3, "column": "Счёт"},
    )
    again = pickle.loads(pickle.dumps(m))  # problems cross a process boundary (prepare_worker)
    assert isinstance(again, Msg) and again == m and again.template == m.template
    assert tr(m) == m  # English: as made
    assert tr("data the source wrote") == "data the source wrote"


def test_empty_text_stays_empty_in_every_language() -> None:
    for lang in LANGUAGES:
        with using(lang):
            assert (_(""), tr(""), p_("labels/columns", "")) == ("", "", "")


def test_a_translation_with_a_broken_placeholder_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import indicators.i18n as i18n

    monkeypatch.setattr(i18n, "_", lambda text: "строка {wrong}")
    assert msg("row {row}", row=2).translated() == "row 2"


def test_the_language_is_per_thread_and_unknown_codes_mean_english() -> None:
    assert [parse_language(v) for v in ("ru", " KK", "de", None, "<b>")] == [
        "ru",
        "kk",
        "en",
        "en",
        "en",
    ]
    assert set(LANGUAGES) == {"en", "ru", "kk"}
    seen: list[str] = []
    with using("ru"):
        worker = threading.Thread(target=lambda: seen.append(language()))
        worker.start()
        worker.join()
        assert language() == "ru"
    assert seen == ["en"] and language() == "en"
    assert set_language("kk") == "kk"
    set_language("en")


def test_english_only_data_is_marked_once_and_only_outside_english() -> None:
    from indicators.i18n import english_data

    assert english_data("Zhanaozen unrest") == "Zhanaozen unrest"
    with using("ru"):
        assert english_data("Zhanaozen unrest") == "Zhanaozen unrest [EN]"
        assert english_data("Zhanaozen unrest [EN]") == "Zhanaozen unrest [EN]"
        assert english_data("Жанаозен") == "Жанаозен"  # the reader's script: not marked
        assert english_data("2011") == "2011" and english_data("") == ""


def test_country_names_in_the_tables_follow_the_language() -> None:
    import pandas as pd

    from indicators.present.local_names import with_local_names

    frame = pd.DataFrame(
        {"iso3": ["KAZ", "KAZ", "XNC"], "country": ["Kazakhstan"] * 2 + ["Northern Cyprus"]}
    )
    assert with_local_names(frame) is frame  # English: the table itself
    with using("ru"):
        assert list(with_local_names(frame)["country"]) == [
            "Казахстан",
            "Казахстан",
            "Northern Cyprus",
        ]
    with using("kk"):
        local = with_local_names(frame)
        assert list(local["country"])[:2] == ["Қазақстан", "Қазақстан"]
        assert list(local["iso3"]) == list(frame["iso3"])  # codes (filters, URLs) untouched


def test_make_catalogs_check_finds_nothing_to_do_and_domain_limits_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from scripts.update_catalogs import main

    assert main(["--check"]) == 0  # every catalog is up to date and translated
    everything = capsys.readouterr().out
    assert main(["--check", "--domain", "labels"]) == 0
    one = capsys.readouterr().out.splitlines()
    assert sorted(line.split(":")[0] for line in one) == ["kk/labels.po", "ru/labels.po"]
    assert len(everything.splitlines()) > len(one)
