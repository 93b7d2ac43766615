"""Display labels: the words a reader sees instead of column names, codes and keys.

One place for every label the app, the exports and the brief show: indices, measures, columns
(``data/labels/*.csv``, extended by ``<name>_*.csv`` files as data), vocabulary values and event
kinds (from their value), statutes (from ``data/reference/statutes*.csv`` titles and the legal
codes' names), regions (by name) and countries (with the names a reader would type). Every
function is pure: the same key gives the same text for filters, legends, tables and files.

Every label is in the reader's language (:func:`indicators.i18n.language`): label tables and
vocabulary values through the ``labels`` catalogs (one context per table, see
:func:`catalog_messages`), statute titles and region names from the reference tables' own
columns (``title_ru``/``title_kk``, ``name_ru``/``name_kk``), countries from Babel's locale
data. English is the source and comes out as written in the tables.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from indicators.i18n import DEFAULT, _, language, p_
from indicators.paths import embedded_data_dir
from indicators.sources.countries import load_alias_tables, resolve
from indicators.sources.reference import Reference, load_reference, parse_iso
from indicators.tables.values import is_missing
from indicators.tables.vocab import VOCABULARIES, vocabulary

LABEL_TABLES = (
    "indices",
    "measures",
    "columns",
    "index_phrases",
    "methods",
    "values",
    "region_short",
)
SEPARATOR = " · "  # between a country's name and the other names it is found by
MAX_OTHER_NAMES = 5
_CODE_LIKE = re.compile(r"[A-Z][A-Z0-9_]{1,5}")  # alias-table codes (KAZ, USA1), not names
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
STATUTE_CATEGORIES = "statute_categories"  # the vocabulary of statutes.csv's category column
VOCABULARY_CONTEXTS = tuple(f"vocab/{n}" for n in (*VOCABULARIES, STATUTE_CATEGORIES))
STATUTE_CODES = "labels/statute_codes"  # context of the legal codes' short names
# The reference columns a language's titles and names are read from, best first.
TITLE_COLUMNS = {
    "en": ("title_en",),
    "ru": ("title_ru", "title_en"),
    "kk": ("title_kk", "title_ru", "title_en"),
}
NAME_COLUMNS = {"en": ("name_en",), "ru": ("name_ru", "name_en"), "kk": ("name_kk", "name_en")}
ALPHA2_EXTRA = {"XKX": "XK"}  # user-assigned codes whose territory Babel's locale data names


def load_labels(name: str, folder: Path | None = None) -> dict[str, str]:
    """One label table (``key,label``) and its extension files, as key -> label."""
    base = folder or embedded_data_dir() / "labels"
    paths = [base / f"{name}.csv", *sorted(base.glob(f"{name}_*.csv"))]
    labels: dict[str, str] = {}
    for path in paths:
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for key, label in zip(frame["key"], frame["label"], strict=True):
                if key.strip() and label.strip():
                    labels[key.strip()] = label.strip()
    return labels


@lru_cache(maxsize=len(LABEL_TABLES))
def _labels(name: str) -> dict[str, str]:
    return load_labels(name)


def _label(name: str, key: object) -> str | None:
    """The label of ``key`` in one label table, in the reader's language (None: not listed)."""
    label, context = _labels(name).get(str(key)), f"labels/{name}"
    return p_(context, label) if label else None


def _words(text: object) -> str:
    words = re.sub(r"\s+", " ", str(text).replace("_", " ")).strip()
    return words[:1].upper() + words[1:]


def _vocabulary_words(words: str, first: str | None = None) -> str:
    """``words`` (a value in words) as a vocabulary's catalog translates them, ``first``'s
    context tried first; as they are when no vocabulary knows them (an analyst's own value)."""
    if language() == DEFAULT:
        return words
    contexts = [*([f"vocab/{first}"] if first else []), *VOCABULARY_CONTEXTS, "labels/values"]
    for context in contexts:
        found = p_(context, words)
        if found != words:
            return found
    return words


def humanize(text: object) -> str:
    """A stored value in words: 'case_dropped' -> 'Case dropped' (capitals kept: 'NGO'); in
    another language, the vocabularies' translation of those words where they have one."""
    return "" if is_missing(text) else _vocabulary_words(_words(text))


def index_label(key: object) -> str:
    """An index's name ('rsf_wpfi' -> 'RSF World Press Freedom Index'); an analyst's index
    without a label keeps the name it was given."""
    return "" if is_missing(key) else _label("indices", key) or str(key)


def measure_label(key: object) -> str:
    """A ranking measure with its scale: 'rank' -> 'Rank (1 = freest)'."""
    return "" if is_missing(key) else _label("measures", key) or humanize(key)


def column_label(key: object) -> str:
    """A column's header: 'n_ranked' -> 'Number ranked'; an unlisted column in words."""
    return "" if is_missing(key) else _label("columns", key) or humanize(key)


def index_phrase(key: object) -> str:
    """An index as a sentence names it: 'rsf_wpfi' -> "RSF's World Press Freedom Index"."""
    if is_missing(key):
        return ""
    return _label("index_phrases", key) or index_label(key)


def method_label(key: object) -> str:
    """A scoring method (era) in words: 'rsf_2022' -> 'RSF 2022- method'."""
    return "" if is_missing(key) else _label("methods", key) or humanize(key)


def value_label(value: object, vocabulary_name: str | None = None) -> str:
    """A vocabulary value (incident type, target type, statute category ...) in words:
    'case_dropped' -> 'Case dropped', 'insult_defamation' -> 'Insult and defamation'
    (``vocabulary_name``: the vocabulary whose translation is tried first)."""
    if is_missing(value):
        return ""
    return _label("values", value) or _vocabulary_words(_words(value), vocabulary_name)


def event_kind_label(kind: object) -> str:
    """An event kind in words: 'law change' -> 'Law change'."""
    return value_label(kind, "event_kinds")


def region_short_label(code: object, fallback: object = None) -> str:
    """A region's name short enough for a map tile ('KZ-75' -> 'Almaty', 'KZ-19' ->
    'Almaty reg.'); without one, ``fallback``, else the full label."""
    if is_missing(code):
        return ""
    short = _label("region_short", code)
    if short:
        return short
    return str(fallback) if not is_missing(fallback) else region_label(code)


def _code_names(ref: Reference) -> dict[tuple[str, str], str]:
    """Short names of legal codes: 'Criminal Code' (in force), 'Criminal Code (1997)' (past)."""
    rows = ref.statute_codes.to_dict("records")
    short: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for row in rows:
        name = str(row["name_en"]) or str(row["code"])
        entity = resolve(str(row["country"]))
        if entity is not None:
            country = re.escape(entity.name)
            name = re.sub(rf"\s+of (the )?(Republic of )?{country}\b", "", name)
        bare = _YEAR.sub("", name)
        short[(str(row["country"]), str(row["code"]))] = (name, bare, not row["valid_to"])
    out: dict[tuple[str, str], str] = {}
    for (country, code), (name, bare, in_force) in short.items():
        same = [k for k, v in short.items() if k[0] == country and v[1] == bare and v[2]]
        out[(country, code)] = bare if in_force and len(same) == 1 else name
    return out


def _in_language(row: Mapping[Hashable, object], columns: dict[str, tuple[str, ...]]) -> str:
    """The first non-empty of a row's columns for the reader's language ('' when none is)."""
    for column in columns.get(language(), columns[DEFAULT]):
        text = str(row.get(column) or "").strip()
        if text:
            return text
    return ""


def statute_labels(ref: Reference | None = None) -> dict[str, str]:
    """Labels by statute key: 'Criminal Code art. 274: dissemination of knowingly false
    information' (a past code keeps its year: 'Criminal Code (1997) art. 129: ...'); in
    Russian and Kazakh with the title of ``title_ru``/``title_kk``."""
    return _statute_labels(ref, language())


@lru_cache(maxsize=8)
def _statute_labels(ref: Reference | None, lang: str) -> dict[str, str]:
    ref = ref or load_reference()
    codes = _code_names(ref)
    out: dict[str, str] = {}
    for row in ref.statutes.to_dict("records"):
        code = codes.get((str(row["country"]), str(row["code"])), str(row["code"]))
        title = _in_language(row, TITLE_COLUMNS)
        if lang != DEFAULT:  # "Уголовный кодекс, ст. 274: распространение ..."
            code, title = p_(STATUTE_CODES, code), title[:1].lower() + title[1:]
        values = {"code": code, "article": row["article"], "title": title}
        text = _("{code} art. {article}: {title}") if title else _("{code} art. {article}")
        out[str(row["key"])] = text.format(**values)
    return out


def statute_label(key: object, ref: Reference | None = None) -> str:
    """One statute's label (an unknown key is shown as written)."""
    return "" if is_missing(key) else statute_labels(ref).get(str(key), str(key))


def region_labels(ref: Reference | None = None) -> dict[str, str]:
    """Labels by region code: 'KZ-75' -> 'Almaty (city)', 'KZ-YUZ' -> '... Region (until 2018)';
    in Russian and Kazakh from ``name_ru``/``name_kk``: 'Алматы (город)'."""
    return _region_labels(ref, language())


@lru_cache(maxsize=8)
def _region_labels(ref: Reference | None, lang: str) -> dict[str, str]:
    ref = ref or load_reference()
    out: dict[str, str] = {}
    for row in ref.regions.to_dict("records"):
        label = _in_language(row, NAME_COLUMNS) or str(row["code"])
        if row["kind"] == "city":
            label = _("{name} (city)").format(name=label)
        ended = parse_iso(str(row["valid_to"]))
        if ended is not None:
            label = _("{name} (until {year})").format(name=label, year=ended.year)
        out[str(row["code"])] = label
    return out


def region_label(code: object, ref: Reference | None = None) -> str:
    """One region's label (an unknown code is shown as written)."""
    return "" if is_missing(code) else region_labels(ref).get(str(code), str(code))


def sorted_regions(codes: Iterable[str], ref: Reference | None = None) -> list[str]:
    """Region codes in the order of their names (as a reader looks for them), then by code."""
    return sorted(codes, key=lambda c: (region_label(c, ref).casefold(), str(c)))


@lru_cache(maxsize=1)
def _other_names() -> dict[str, list[str]]:
    """Names in the alias tables by entity code (codes and pseudo-entries left out)."""
    out: dict[str, list[str]] = {}
    aliases = load_alias_tables(embedded_data_dir() / "countries")
    for row in aliases.to_dict("records"):
        alias = str(row["alias"]).strip()
        if row["kind"] != "pseudo" and alias and not _CODE_LIKE.fullmatch(alias):
            out.setdefault(str(row["iso3"]), []).append(alias)
    return out


@lru_cache(maxsize=4)
def _pycountry_names(domain: str, lang: str) -> gettext.NullTranslations:
    """pycountry's translations of country names (``iso3166-1``; ``iso3166-3``: former ones)."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _iso_names(iso3: str) -> list[str]:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return []
    names = [str(getattr(country, a, "") or "") for a in ("common_name", "name")]
    names += [_pycountry_names("iso3166-1", "ru").gettext(n) for n in names if n]
    return [n for n in names if n]


@lru_cache(maxsize=4)
def _territories(lang: str) -> Mapping[str, str]:
    """Babel's names of territories (countries) by ISO alpha-2 code, in ``lang``."""
    import babel

    return dict(babel.Locale(lang).territories)


@lru_cache(maxsize=1024)
def _local_country_name(iso3: str, lang: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    alpha2 = country.alpha_2 if country is not None else ALPHA2_EXTRA.get(iso3)
    if alpha2 and _territories(lang).get(alpha2):
        return _territories(lang)[alpha2]
    former = pycountry.historic_countries.get(alpha_3=iso3) if country is None else None
    if former is not None:
        local = _pycountry_names("iso3166-3", lang).gettext(former.name)
        return local if local != former.name else None
    return None


def country_name(iso3: object, name: object = None) -> str:
    """A country's name in the reader's language: 'KAZ' -> 'Kazakhstan' / 'Казахстан' /
    'Қазақстан' (Babel's locale data by the ISO alpha-2 code); an entity without an ISO code
    keeps ``name`` (or its English name)."""
    if is_missing(iso3):
        return "" if is_missing(name) else str(name)
    code = str(iso3)
    given = str(name) if not is_missing(name) and str(name) and str(name) != code else None
    english = given or _entity_name(code) or code
    if language() == DEFAULT:
        return english
    return _local_country_name(code, language()) or english


def country_option_label(iso3: str, name: str) -> str:
    """A country as the picker lists it, with what a reader would type to find it:
    'Kazakhstan (KAZ) · Kazakstan · Qazaqstan · Қазақстан · Казахстан'; in Russian and Kazakh
    led by the reader's name, the English name kept for typing: 'Казахстан (KAZ) · Kazakhstan'."""
    english = name if name and name != iso3 else (_entity_name(iso3) or iso3)
    shown = country_name(iso3, english)
    seen = [f"{shown} ({iso3})".casefold()]
    others: list[str] = []
    for other in [english, *_iso_names(iso3), *_other_names().get(iso3, [])]:
        folded = other.casefold()  # a name inside one already listed is found by typing it
        if not any(folded in s for s in seen) and len(others) < MAX_OTHER_NAMES:
            others.append(other)
            seen.append(folded)
    return SEPARATOR.join([f"{shown} ({iso3})", *others])


def _entity_name(iso3: str) -> str | None:
    entity = resolve(iso3)
    return entity.name if entity is not None and entity.iso3 == iso3 else None


def country_options(names: pd.Series) -> dict[str, str]:
    """Picker labels by entity code for the display names of :func:`views.entity_names`."""
    return {str(code): country_option_label(str(code), str(n)) for code, n in names.items()}


def readable(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The frame with readable headers (``labels`` first, then :func:`column_label`) and
    blank cells blank: no 'None', 'nan' or '<NA>'; yes/no columns as 'Yes'/'No'.

    A number column with blanks becomes text (a table cannot show a blank number otherwise);
    one without blanks keeps its type, so it still sorts as numbers.
    """
    own = dict(labels or {})
    headers = [own.get(str(c)) or column_label(c) for c in frame.columns]
    counts = pd.Series(headers).value_counts()
    headers = [
        h if counts[h] == 1 else f"{h} ({c})" for h, c in zip(headers, frame.columns, strict=True)
    ]
    columns = {h: _cells(frame.iloc[:, i]) for i, h in enumerate(headers)}
    return pd.DataFrame(columns, index=frame.index)


def _cells(column: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(column.dtype):
        yes, no = _("Yes"), _("No")
        return column.map(lambda v: "" if is_missing(v) else (yes if v else no)).astype(object)
    if not column.isna().any():
        return column
    return column.map(_cell).astype(object)


def _cell(value: object) -> object:
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def catalog_messages() -> list[tuple[str, str, str]]:
    """Every label of the label tables, in the context of its table, then every vocabulary value
    without one (``vocab/incident_types`` ...) and the legal codes' short names, for the
    catalogs (``scripts/update_catalogs.py``)."""
    tables = [
        (label, f"labels/{name}", f"data/labels/{name}*.csv: {key}")
        for name in LABEL_TABLES
        for key, label in _labels(name).items()
    ]
    return tables + _vocabulary_messages() + _code_messages()


def _vocabulary_messages() -> list[tuple[str, str, str]]:
    """Vocabulary values, each in its vocabulary's context (those of ``values.csv`` are there)."""
    values = {n: vocabulary(n).descriptions for n in VOCABULARIES}
    categories = load_reference().statutes["category"].astype(str)
    values[STATUTE_CATEGORIES] = {c: "statutes*.csv category" for c in categories if c}
    return [
        (_words(value), f"vocab/{name}", f"{name}: {value} ({description})")
        for name, described in values.items()
        for value, description in described.items()
        if _labels("values").get(value) != _words(value)  # else translated as labels/values
    ]


def _code_messages() -> list[tuple[str, str, str]]:
    where = "data/reference/statute_codes*.csv"
    names = _code_names(load_reference())
    return [(n, STATUTE_CODES, f"{where}: {c} {code}") for (c, code), n in names.items()]
