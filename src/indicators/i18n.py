"""The reader's language: English, Russian or Kazakh, from gettext catalogs written with Babel.

Every word the app and the brief show goes through this module, and nothing else decides the
language. The catalogs are ``locale/<lang>/LC_MESSAGES/<domain>.po`` (one domain per part of
the program, see ``scripts/update_catalogs.py``), read with Babel and merged into one
:class:`gettext.GNUTranslations` per language, so that a translator edits ``.po`` files and
never code. English is the source language: it has no catalog and costs nothing.

The language is a context variable: the app sets it at the start of each script run from
``?lang=`` (:func:`set_language`), the brief's command line sets it for one rendering
(:func:`using`). Code in every stage asks for text with:

* :func:`_` for a message, :func:`n_` for one with a plural ("1 case", "3 cases"),
  :func:`p_` for a message that needs a context to be translated (a label of a data table);
* :func:`N_` to mark a module-level constant for the catalog without translating it yet;
* :func:`msg` for a message built now and translated where it is shown (a :class:`Msg` is the
  English text, a ``str``, that keeps its template and values): problems in input files are
  made this way, so that the CLI prints them in English and the app in the reader's language.

Numbers, dates and ranks are written by Babel in the reader's locale (:func:`number`,
:func:`month_year`, :func:`place`): "141st of 180", "141-е место из 180", "180 елдің ішінде
141-орын".
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "ru", "kk")
DEFAULT = "en"
NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}  # each in its own language
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN_GLOB = "*.po"
_CONTEXT_SEP = "\x04"  # gettext's separator between a message's context and its id

_language: ContextVar[str] = ContextVar("indicators_language", default=DEFAULT)


def parse_language(value: object) -> str:
    """A supported language code from a URL parameter or flag ("ru", "RU", " kk"); else English."""
    code = str(value or "").strip().lower()[:8]
    return code if code in LANGUAGES else DEFAULT


def set_language(lang: object) -> str:
    """Make ``lang`` the language of this thread's text from now on; returns the code used."""
    code = parse_language(lang)
    _language.set(code)
    return code


def language() -> str:
    """The language text is written in now."""
    return _language.get()


@contextmanager
def using(lang: object) -> Iterator[str]:
    """Write text in ``lang`` inside the block (the brief's ``--lang``), then as before."""
    token = _language.set(parse_language(lang))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def catalog_files(lang: str) -> list[Path]:
    """The ``.po`` files of one language, in a fixed order."""
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob(DOMAIN_GLOB))


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext.NullTranslations:
    """Every catalog of ``lang`` merged into one translation (compiled in memory, not on disk)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged: gettext.NullTranslations | None = None
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        one = gettext.GNUTranslations(buffer)
        if merged is None:
            merged = one
        else:
            merged.add_fallback(one)
    return merged or gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` in the reader's language (the English text when it has no translation)."""
    if _language.get() == DEFAULT or not message:  # gettext("") is the catalog's header
        return message
    return translations(_language.get()).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things, by the language's plural rules (Russian has 3)."""
    if _language.get() == DEFAULT:
        return singular if n == 1 else plural
    return translations(_language.get()).ngettext(singular, plural, n)


def p_(context: str, message: str) -> str:
    """``message`` translated in ``context`` (the same English word can need two translations)."""
    if _language.get() == DEFAULT or not message:
        return message
    found = translations(_language.get()).gettext(f"{context}{_CONTEXT_SEP}{message}")
    return message if _CONTEXT_SEP in found else found


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated later, where it is shown, with ``_``."""
    return message


class Msg(str):
    """A message in English (the ``str`` itself) that keeps its template and values, so that it
    can be shown later in another language: ``msg("row {row} is empty", row=3)``."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Msg:
        values = dict(params or {})
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.params = values
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Msg, (self.template, self.params))

    def translated(self) -> str:
        """The message in the reader's language, its values in place (values that are messages
        are translated too; the rest, such as a file's own column names, are kept as written)."""
        values = {k: tr(v) if isinstance(v, str) else v for k, v in self.params.items()}
        text = _(self.template)
        try:
            return text.format(**values) if values else text
        except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
            return self.template.format(**values) if values else self.template


def msg(template: str, **params: object) -> Msg:
    """A message for the catalog, with its values, translated where it is shown (see :class:`Msg`)."""
    return Msg(template, params)


def tr(value: object) -> str:
    """Any text to show: a :class:`Msg` translated with its values, a catalog message translated,
    anything else (data) as it is."""
    if isinstance(value, Msg):
        return value.translated()
    return _(str(value)) if isinstance(value, str) else str(value)


ENGLISH_MARK = "[EN]"  # after data a source gives only in English, shown in another language
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def english_data(text: object) -> str:
    """Data the sources give only in English (a title, a name, a monitor's category), marked
    " [EN]" when the reader reads another language; blank text, text with Cyrillic letters and
    text already marked are left as they are."""
    words = str(text)
    if (
        _language.get() == DEFAULT
        or not _LATIN.search(words)
        or _CYRILLIC.search(words)
        or words.endswith(ENGLISH_MARK)
    ):
        return words
    return f"{words} {ENGLISH_MARK}"


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a message (a translation must keep exactly these)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


# Numbers, dates and ranks in the reader's locale -------------------------------------------


def number(value: float, digits: int = 0) -> str:
    """A number with the locale's grouping and decimal sign ("12,345" / "12 345")."""
    if _language.get() == DEFAULT:
        return f"{value:,.{digits}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=_language.get()))


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal(n: int) -> str:
    """A rank as the language writes it: "141st", "141-е", "141-"."""
    lang = _language.get()
    if lang == "ru":
        return f"{n}-е"
    if lang == "kk":
        return f"{n}-"
    return _en_ordinal(n)


def place(rank: int, total: int | None = None) -> str:
    """A rank among so many: "141st of 180", "141-е место из 180", "180 елдің ішінде 141-орын"."""
    if total is None:
        return _("{ordinal} place").format(ordinal=ordinal(rank))
    return _("{ordinal} of {total}").format(ordinal=ordinal(rank), total=total)


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BABEL_DATE = {"year": "y", "month": "LLLL y", "day": "d MMMM y"}


def format_date(value: dt.date, precision: str = "day") -> str:
    """A date at its precision in the reader's language: "Mar 2024" / "март 2024" /
    "наурыз 2024", "5 Mar 2024" / "5 марта 2024" / "5 наурыз 2024"."""
    lang = _language.get()
    if lang == DEFAULT:
        month = f"{_MONTHS_EN[value.month - 1]} {value.year}"
        return {"year": str(value.year), "month": month}.get(precision, f"{value.day} {month}")
    from babel.dates import format_date as babel_date

    pattern = _BABEL_DATE.get(precision, _BABEL_DATE["day"])
    text = str(babel_date(value, pattern, locale=lang))
    return text[:1].lower() + text[1:]  # month names are not capitalised inside a sentence
