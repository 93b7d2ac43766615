"""Reference tables: legal codes, statutes, regions and places, kept as data with sources.

Every CSV in the folder whose name starts with a table's name is read (``statutes.csv``,
``statutes_kgz.csv`` ...), so another country's NGO adds its statutes and regions by dropping
files in ``data/reference/`` with no code change. ``check_reference`` lists every problem at
once (as sentences), so a person who added rows sees all of them together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import pandas as pd

from indicators.paths import embedded_data_dir

CATEGORIES: tuple[str, ...] = (
    "false_information",
    "discord_extremism",
    "insult_defamation",
    "public_order",
    "obstruction_of_journalists",
    "violence",
    "privacy_data",
    "other",
)
REGION_KINDS: tuple[str, ...] = ("city", "region")

COLUMNS: dict[str, tuple[str, ...]] = {
    "statute_codes": (
        "country", "code", "name_en", "name_ru", "abbreviations", "adopted",
        "valid_from", "valid_to", "default_for_bare_numbers", "source",
    ),
    "statutes": (
        "key", "country", "code", "article", "title_en", "title_ru", "category",
        "valid_from", "valid_to", "successor_key", "keywords", "source",
    ),
    "regions": (
        "code", "country", "kind", "name_en", "name_ru", "name_kk", "iso_alpha_code",
        "aliases", "valid_from", "valid_to", "predecessor", "source",
    ),
    "places": (
        "place", "aliases", "country", "region_code", "kind", "valid_from", "valid_to", "source",
    ),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "statute_codes": ("country", "code", "source"),
    "statutes": ("key", "country", "code", "article", "category", "source"),
    "regions": ("code", "country", "kind", "name_en", "source"),
    "places": ("place", "country", "region_code", "source"),
}
FILE_COLUMN = "file"
LINE_COLUMN = "line"  # the row's line in its file (header = line 1)


@dataclass(frozen=True, eq=False)
class Reference:
    """The four reference tables (all columns are strings; empty string means 'none')."""

    statute_codes: pd.DataFrame
    statutes: pd.DataFrame
    regions: pd.DataFrame
    places: pd.DataFrame


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    """Read every ``<name>*.csv`` in the folder into one frame with a ``file`` column."""
    frames = []
    for path in sorted(folder.glob(f"{name}*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame = frame.apply(lambda col: col.str.strip())
        lines = [str(n + 2) for n in range(len(frame))]
        frames.append(frame.assign(**{FILE_COLUMN: path.name, LINE_COLUMN: lines}))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    own = (*COLUMNS[name], FILE_COLUMN, LINE_COLUMN)
    extra = [c for c in table.columns if c not in own]
    return table.reindex(columns=[*COLUMNS[name], *extra, FILE_COLUMN, LINE_COLUMN]).fillna("")


def load_reference(folder: Path | None = None) -> Reference:
    """Load the reference tables from a folder (default: the embedded ``data/reference``)."""
    if folder is None:
        return _default_reference()
    return Reference(
        statute_codes=_read_table(folder, "statute_codes"),
        statutes=_read_table(folder, "statutes"),
        regions=_read_table(folder, "regions"),
        places=_read_table(folder, "places"),
    )


@lru_cache(maxsize=1)
def _default_reference() -> Reference:
    return load_reference(embedded_data_dir() / "reference")


def split_list(cell: str) -> list[str]:
    """Split a pipe-separated cell into its non-empty, stripped items."""
    return [item.strip() for item in str(cell).split("|") if item.strip()]


def parse_iso(text: str) -> date | None:
    """An ISO date cell as a date; None when empty or not an ISO date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def valid_on(valid_from: str, valid_to: str, on: date | None) -> bool:
    """Whether a row with these validity cells applies on a date (no date: always)."""
    if on is None:
        return True
    start, end = parse_iso(valid_from), parse_iso(valid_to)
    return (start is None or start <= on) and (end is None or on <= end)


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_DIGIT_HYPHEN = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_CYRILLIC_DIGIT = re.compile(r"(?<=[\u0400-\u04ff])(?=\d)")
_NOT_WORD = re.compile(r"[^\w\x00]+|_")


def fold(text: str) -> str:
    """Fold text for matching: no accents or case, punctuation to spaces, ``274-2`` kept whole."""
    text = str(text).replace("\\r\\n", " ").replace("\\n", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DIGIT_HYPHEN.sub("\x00", _DASHES.sub("-", text))
    text = _NOT_WORD.sub(" ", _CYRILLIC_DIGIT.sub(" ", text)).replace("\x00", "-")
    return " ".join(text.split())


def records(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The rows of a reference table as plain string dictionaries."""
    return [{str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _where(row: dict[str, str]) -> str:
    return f"{row[FILE_COLUMN]} line {row[LINE_COLUMN]}"


def _check_rows(name: str, frame: pd.DataFrame) -> list[str]:
    """Empty required cells and bad or reversed validity dates."""
    problems = []
    for row in records(frame):
        problems += [f"{_where(row)}: {col} is empty" for col in REQUIRED[name] if not row[col]]
        start, end = row["valid_from"], row["valid_to"]
        for col, text in (("valid_from", start), ("valid_to", end)):
            if text and parse_iso(text) is None:
                problems.append(f"{_where(row)}: {col} {text!r} is not an ISO date")
        first, last = parse_iso(start), parse_iso(end)
        if first and last and first > last:
            problems.append(f"{_where(row)}: valid_from {start} is after valid_to {end}")
    return problems


def _check_unique(frame: pd.DataFrame, columns: list[str], label: str) -> list[str]:
    dupes = frame[frame.duplicated(columns, keep=False)]
    keys = sorted({" ".join(row[c] for c in columns) for row in records(dupes)})
    return [f"{label} {key!r} appears more than once" for key in keys]


def _statute_problems(
    row: dict[str, str], codes: set[tuple[str, str]], keys: set[str]
) -> list[str]:
    where, problems = _where(row), []
    if row["category"] and row["category"] not in CATEGORIES:
        problems.append(f"{where}: category {row['category']!r} is not one of {CATEGORIES}")
    if (row["country"], row["code"]) not in codes:
        problems.append(f"{where}: code {row['code']!r} is not in statute_codes")
    expected = f"{row['country']}-{row['code']}-{row['article']}"
    if row["key"] != expected:
        problems.append(f"{where}: key {row['key']!r} should be {expected!r}")
    if row["successor_key"] and row["successor_key"] not in keys:
        problems.append(f"{where}: successor_key {row['successor_key']!r} is not a key")
    return problems


def _check_statutes(ref: Reference) -> list[str]:
    codes = {(r["country"], r["code"]) for r in records(ref.statute_codes)}
    keys = set(ref.statutes["key"])
    problems = _check_unique(ref.statutes, ["key"], "statute key")
    for row in records(ref.statutes):
        problems += _statute_problems(row, codes, keys)
    return problems


def _check_regions(ref: Reference) -> list[str]:
    problems = _check_unique(ref.regions, ["code"], "region code")
    codes = set(ref.regions["code"])
    for row in records(ref.regions):
        if row["kind"] not in REGION_KINDS:
            problems.append(f"{_where(row)}: kind {row['kind']!r} is not one of {REGION_KINDS}")
        for code in split_list(row["predecessor"]):
            if code not in codes:
                problems.append(f"{_where(row)}: predecessor {code!r} is not a region code")
    return problems


def _check_places(ref: Reference) -> list[str]:
    regions = {r["code"]: r for r in records(ref.regions)}
    problems = _check_unique(ref.places, ["country", "place", "valid_from"], "place")
    for row in records(ref.places):
        region = regions.get(row["region_code"])
        if region is None:
            problems.append(f"{_where(row)}: region_code {row['region_code']!r} is not in regions")
            continue
        for col in ("valid_from", "valid_to"):
            day = parse_iso(row[col])
            if day and not valid_on(region["valid_from"], region["valid_to"], day):
                problems.append(
                    f"{_where(row)}: {col} {day} is outside the validity of {region['code']}"
                )
    return problems + _check_overlaps(ref.places)


def _check_overlaps(places: pd.DataFrame) -> list[str]:
    spans: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for row in records(places):
        span = (parse_iso(row["valid_from"]) or date.min, parse_iso(row["valid_to"]) or date.max)
        spans.setdefault((row["country"], row["place"]), []).append(span)
    return [
        f"place {country} {place!r}: rows overlap in time"
        for (country, place), periods in spans.items()
        if any(start <= end for (_, end), (start, _) in pairwise(sorted(periods)))
    ]


def check_reference(ref: Reference) -> list[str]:
    """Every problem in the tables, as sentences; an empty list means the tables are sound."""
    problems: list[str] = []
    for name in COLUMNS:
        problems += _check_rows(name, getattr(ref, name))
    problems += _check_unique(ref.statute_codes, ["country", "code"], "statute code")
    return problems + _check_statutes(ref) + _check_regions(ref) + _check_places(ref)
