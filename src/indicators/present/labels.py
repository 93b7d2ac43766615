"""Display labels: the words a reader sees instead of column names, codes and keys.

One place for every label the app, the exports and the brief show: indices, measures, columns
(``data/labels/*.csv``, extended by ``<name>_*.csv`` files as data), vocabulary values and event
kinds (from their value), statutes (from ``data/reference/statutes*.csv`` titles and the legal
codes' names), regions (by name) and countries (with the names a reader would type). Every
function is pure: the same key gives the same text for filters, legends, tables and files.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from indicators.paths import embedded_data_dir
from indicators.sources.countries import load_alias_tables, resolve
from indicators.sources.reference import Reference, load_reference, parse_iso
from indicators.tables.values import is_missing

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


def humanize(text: object) -> str:
    """A stored value in words: 'case_dropped' -> 'Case dropped' (capitals kept: 'NGO')."""
    if is_missing(text):
        return ""
    words = re.sub(r"\s+", " ", str(text).replace("_", " ")).strip()
    return words[:1].upper() + words[1:]


def index_label(key: object) -> str:
    """An index's name ('rsf_wpfi' -> 'RSF World Press Freedom Index'); an analyst's index
    without a label keeps the name it was given."""
    return "" if is_missing(key) else _labels("indices").get(str(key), str(key))


def measure_label(key: object) -> str:
    """A ranking measure with its scale: 'rank' -> 'Rank (1 = freest)'."""
    return "" if is_missing(key) else _labels("measures").get(str(key), humanize(key))


def column_label(key: object) -> str:
    """A column's header: 'n_ranked' -> 'Number ranked'; an unlisted column in words."""
    return "" if is_missing(key) else _labels("columns").get(str(key), humanize(key))


def index_phrase(key: object) -> str:
    """An index as a sentence names it: 'rsf_wpfi' -> "RSF's World Press Freedom Index"."""
    if is_missing(key):
        return ""
    return _labels("index_phrases").get(str(key)) or index_label(key)


def method_label(key: object) -> str:
    """A scoring method (era) in words: 'rsf_2022' -> 'RSF 2022- method'."""
    return "" if is_missing(key) else _labels("methods").get(str(key), humanize(key))


def value_label(value: object) -> str:
    """A vocabulary value (incident type, target type, statute category ...) in words:
    'case_dropped' -> 'Case dropped', 'insult_defamation' -> 'Insult and defamation'."""
    if is_missing(value):
        return ""
    return _labels("values").get(str(value)) or humanize(value)


def event_kind_label(kind: object) -> str:
    """An event kind in words: 'law change' -> 'Law change'."""
    return value_label(kind)


def region_short_label(code: object, fallback: object = None) -> str:
    """A region's name short enough for a map tile ('KZ-75' -> 'Almaty', 'KZ-19' ->
    'Almaty reg.'); without one, ``fallback``, else the full label."""
    if is_missing(code):
        return ""
    short = _labels("region_short").get(str(code))
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


@lru_cache(maxsize=4)
def statute_labels(ref: Reference | None = None) -> dict[str, str]:
    """Labels by statute key: 'Criminal Code art. 274: dissemination of knowingly false
    information' (a past code keeps its year: 'Criminal Code (1997) art. 129: ...')."""
    ref = ref or load_reference()
    codes = _code_names(ref)
    out: dict[str, str] = {}
    for row in ref.statutes.to_dict("records"):
        code = codes.get((str(row["country"]), str(row["code"])), str(row["code"]))
        title = str(row["title_en"]).strip()
        out[str(row["key"])] = f"{code} art. {row['article']}" + (f": {title}" if title else "")
    return out


def statute_label(key: object, ref: Reference | None = None) -> str:
    """One statute's label (an unknown key is shown as written)."""
    return "" if is_missing(key) else statute_labels(ref).get(str(key), str(key))


@lru_cache(maxsize=4)
def region_labels(ref: Reference | None = None) -> dict[str, str]:
    """Labels by region code: 'KZ-75' -> 'Almaty (city)', 'KZ-YUZ' -> '... Region (until 2018)'."""
    ref = ref or load_reference()
    out: dict[str, str] = {}
    for row in ref.regions.to_dict("records"):
        label = str(row["name_en"]) or str(row["code"])
        if row["kind"] == "city":
            label += " (city)"
        ended = parse_iso(str(row["valid_to"]))
        if ended is not None:
            label += f" (until {ended.year})"
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


@lru_cache(maxsize=1)
def _russian() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    except OSError:
        return gettext.NullTranslations()


def _iso_names(iso3: str) -> list[str]:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return []
    names = [str(getattr(country, a, "") or "") for a in ("common_name", "name")]
    names += [_russian().gettext(n) for n in names if n]
    return [n for n in names if n]


def country_option_label(iso3: str, name: str) -> str:
    """A country as the picker lists it, with what a reader would type to find it:
    'Kazakhstan (KAZ) · Kazakstan · Qazaqstan · Қазақстан · Казахстан'."""
    shown = name if name and name != iso3 else (_entity_name(iso3) or iso3)
    seen = [f"{shown} ({iso3})".casefold()]
    others: list[str] = []
    for other in [*_iso_names(iso3), *_other_names().get(iso3, [])]:
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
        return column.map(lambda v: "" if is_missing(v) else ("Yes" if v else "No")).astype(object)
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
    """Every label of the label tables, in the context of its table, for the catalogs
    (``scripts/update_catalogs.py``)."""
    return [
        (label, f"labels/{name}", f"data/labels/{name}*.csv: {key}")
        for name in LABEL_TABLES
        for key, label in _labels(name).items()
    ]
