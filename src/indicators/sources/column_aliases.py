"""The words people write in their own files: column names (English and Russian) and cells.

``COLUMN_ALIASES`` is the whole list of column names; ``docs/analyst-files.md`` mirrors it and
a test keeps the two in step. Headers are compared after folding (see :func:`header_key`):
case, ``ё``/``е``, runs of spaces, underscores, hyphens and dots, and a trailing note in
brackets are ignored, so ``Number_Ranked``, ``number ranked`` and ``Number ranked (2024)`` all
match ``number ranked``.

An alias listed under two fields (``index`` and ``индекс`` name either the index or its score)
is settled by the column's cells: numbers make it the score, text the index name. Anything
still unsure is a Problem that names the candidate columns and the mapping that settles it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.i18n import Msg, msg
from indicators.problems import Problem
from indicators.sources.column_messages import NO_COLUMN, RENAME
from indicators.sources.countries import CountryIndex

Aliases = Mapping[str, tuple[str, ...]]
FieldTest = Callable[[pd.Series], bool]

# One line per field: English aliases first, then Russian. Keep docs/analyst-files.md in step.
# fmt: off
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "country_code": ("iso3", "iso", "iso2", "iso_code", "iso3_code", "country_code", "code",
                     "country_text_id",
                     "код", "код страны", "код iso"),
    "country": ("country", "country_name", "country_en", "nation", "entity",
                "страна", "государство", "название страны"),
    "year": ("year", "edition", "edition_year", "год", "издание", "выпуск", "год издания"),
    "period": ("period", "period_label", "период"),
    "rank": ("rank", "position", "place", "rank_position",
             "место", "ранг", "позиция", "место в рейтинге"),
    "n_ranked": ("number ranked", "n_ranked", "out_of", "of", "total", "countries ranked",
                 "number of countries",
                 "из", "всего стран", "всего", "число стран", "количество стран"),
    "score": ("score", "value", "points", "global score", "overall score", "index",
              "балл", "баллы", "оценка", "значение", "индекс"),
    "index": ("index", "index_name", "index_id", "indicator",
              "индекс", "название индекса", "индикатор"),
    "methodology": ("methodology", "method", "методология", "методика"),
    "higher_is_better": ("higher_is_better", "higher_is_freer", "выше лучше", "больше лучше"),
    "direction": ("direction", "score_direction", "направление", "направление шкалы"),
    "score_max": ("score_max", "max_score", "scale_max", "maximum score", "max",
                  "максимум", "максимальный балл", "макс балл"),
    "score_min": ("score_min", "min_score", "scale_min", "minimum score", "min",
                  "минимум", "минимальный балл", "мин балл"),
    "score_low": ("score_low", "low", "lower bound", "lower limit", "ci low", "codelow",
                  "нижняя граница", "нижняя оценка", "нижний предел"),
    "score_high": ("score_high", "high", "upper bound", "upper limit", "ci high", "codehigh",
                   "верхняя граница", "верхняя оценка", "верхний предел"),
    "zone": ("zone", "region", "зона", "регион"),
    "source": ("source", "citation", "reference", "source_url", "url", "источник", "ссылка"),
}
# fmt: on

NUMERIC_FIELDS = frozenset(
    {"year", "rank", "n_ranked", "score", "score_max", "score_min", "score_low", "score_high"}
)
"""Fields whose cells are numbers: they settle aliases listed under two fields."""

EMPTY_CELLS = frozenset({"", "na", "n/a", "-", "—", "none", "null", "nan"})
"""Cells that mean 'nothing here' (compared case-insensitively)."""

# Cell values that say which way a score runs, folded like headers.
# fmt: off
HIGHER_WORDS = frozenset({"higher", "higher is better", "higher is freer", "high", "up",
                          "больше", "выше", "больше лучше", "выше лучше"})
LOWER_WORDS = frozenset({"lower", "lower is better", "lower is freer", "low", "down",
                         "меньше", "ниже", "меньше лучше", "ниже лучше"})
# fmt: on
YES_WORDS = frozenset({"yes", "y", "true", "1", "да"})
NO_WORDS = frozenset({"no", "n", "false", "0", "нет"})

INDEX_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_SPAN = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$")
_TRANSLIT = {
    **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya"},
    **dict(zip("қәөүұіңғһ", "qaouuingh", strict=True)),
}


def header_key(text: str) -> str:
    """Fold a column name (or a word in a cell): case, ё, separators, a bracketed note ignored."""
    folded = str(text).strip().lstrip("\ufeff").casefold().replace("ё", "е")
    folded = re.sub(r"\s*\([^()]*\)\s*$", "", folded)
    return re.sub(r"[\s_.\-]+", " ", folded).strip(" :")


def slug(text: str) -> str:
    """Fold a name to lowercase ASCII words joined by '_' (Russian and Kazakh transliterated)."""
    folded = "".join(_TRANSLIT.get(ch, ch) for ch in str(text).casefold())
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def index_id_for(name: str) -> str | None:
    """An index id (``^[a-z][a-z0-9_]{1,39}$``) made from an index name, or None if impossible."""
    text = slug(name)
    if text and not text[0].isalpha():
        text = "index_" + text
    text = text[:40].rstrip("_")
    return text if INDEX_ID.match(text) else None


def edition_of(text: str) -> tuple[str, int] | None:
    """The edition as written and its year: '2024' -> 2024, '2011-12' -> 2012; else None."""
    if m := _YEAR.match(text):
        return m.group(1), int(m.group(1))
    if m := _SPAN.match(text):
        first, second = int(m.group(1)), m.group(2)
        end = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        end += 100 if end < first else 0
        if first < end <= first + 5:
            return text, end
    return None


def direction_of(text: str, yes_means_higher: bool) -> bool | None:
    """True for 'higher is better', False for 'lower is better', None when not understood."""
    key = header_key(text)
    if key in HIGHER_WORDS or (yes_means_higher and key in YES_WORDS):
        return True
    if key in LOWER_WORDS or (yes_means_higher and key in NO_WORDS):
        return False
    return None


def looks_like_years(values: pd.Series) -> bool:
    """True when every non-empty cell is a plausible year (1900 to next year) or an edition
    such as 2011-12."""
    last = date.today().year + 1
    present = [v for v in values.astype(str).str.strip() if v]
    found = [edition_of(v) for v in present]
    return bool(present) and all(f is not None and 1900 <= f[1] <= last for f in found)


def looks_like_numbers(values: pd.Series) -> bool:
    """True when every non-empty cell is a number and they are not all years."""
    return is_numeric_column(values) and not looks_like_years(values)


def looks_like_ranks(editions: pd.Series | None = None) -> FieldTest:
    """A test: are the cells ranks? Whole numbers from 1 to the number of rows.

    With ``editions`` (each row's edition) the test holds within each edition, where ranks
    are also mostly different (ties aside); without it, a column of fewer than ten values
    (a 1-7 rating) is not taken for ranks unless every value differs.
    """

    def test(values: pd.Series) -> bool:
        text = values.astype(str).str.strip()
        present = text[~text.str.casefold().isin(EMPTY_CELLS)]
        if present.empty or not present.str.fullmatch(r"\d+(?:\.0+)?").all():
            return False
        ranks = pd.to_numeric(present)
        if editions is None:
            spread = ranks.nunique() >= min(len(ranks), 10)
            return spread and ranks.min() >= 1 and ranks.max() <= len(ranks)
        for _, group in ranks.groupby(editions.reindex(ranks.index).fillna("")):
            if group.min() < 1 or group.max() > len(group) or group.nunique() < 0.8 * len(group):
                return False
        return True

    return test


def looks_like_countries(index: CountryIndex) -> Callable[[pd.Series], bool]:
    """A test: are at least 80% of the non-empty cells (years aside) known countries?"""

    def test(values: pd.Series) -> bool:
        present = [v for v in values.astype(str).str.strip() if v and not edition_of(v)]
        known = sum(index.resolve(v) is not None for v in present)
        return bool(present) and known >= 0.8 * len(present)

    return test


def without_empty_rows(frame: pd.DataFrame, used: list[str]) -> pd.DataFrame:
    """Blank the cells that mean 'nothing here' in the used columns; drop rows empty in all."""
    used = list(dict.fromkeys(used))
    out = frame.copy()
    for c in used:
        out[c] = out[c].where(~out[c].astype(str).str.casefold().isin(EMPTY_CELLS), "")
    return out[(out[used] != "").any(axis=1)]


def text_or_none(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A column's stripped text with empty cells as None (all None when there is no column)."""
    if column is None:
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[column].astype(str).str.strip()
    return values.where(values != "", None)


def fields_of(header: str, aliases: Aliases = COLUMN_ALIASES) -> list[str]:
    """The fields whose aliases include this header (most often one, sometimes none or two)."""
    key = header_key(header)
    return [f for f, names in aliases.items() if key in {header_key(a) for a in names}]


def is_numeric_column(values: pd.Series) -> bool:
    """True when every non-empty cell is a plain number (point or comma decimal)."""
    text = values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    present = text[~text.str.casefold().isin(EMPTY_CELLS)]
    return bool(len(present)) and bool(present.str.match(_NUMBER).all())


def candidates(frame: pd.DataFrame, aliases: Aliases = COLUMN_ALIASES) -> dict[str, list[str]]:
    """For each field, the columns that could hold it, settling two-field aliases by content."""
    found: dict[str, list[str]] = {f: [] for f in aliases}
    for column in frame.columns:
        fields = fields_of(column, aliases)
        if len(fields) > 1:
            numeric = is_numeric_column(frame[column])
            fields = [f for f in fields if (f in NUMERIC_FIELDS) == numeric] or fields
        for f in fields:
            found[f].append(column)
    return found


BAND_SUFFIXES = {"score_low": "codelow", "score_high": "codehigh"}
"""V-Dem's names for an estimate's band: ``v2x_freexp_altinf_codelow`` and ``_codehigh``."""


def band_columns(frame: pd.DataFrame, score: str) -> dict[str, str]:
    """The band columns V-Dem writes beside a score column: ``<score>_codelow`` as
    ``score_low`` and ``<score>_codehigh`` as ``score_high`` (those the file has)."""
    keys = {header_key(c): str(c) for c in frame.columns}
    key = header_key(score)
    found = {field: keys.get(f"{key} {suffix}") for field, suffix in BAND_SUFFIXES.items()}
    return {field: column for field, column in found.items() if column}


def banded_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose ``_codelow`` and ``_codehigh`` columns are in the file too (V-Dem's layout:
    the column is an estimate, the other two its band)."""
    keys = {header_key(c) for c in frame.columns}
    return [
        str(c)
        for c in frame.columns
        if all(f"{header_key(c)} {suffix}" in keys for suffix in BAND_SUFFIXES.values())
    ]


def _any(values: pd.Series) -> bool:
    return True


FIELD_TESTS: dict[str, FieldTest] = {
    "year": looks_like_years,
    "rank": looks_like_ranks(),
    "n_ranked": is_numeric_column,
    "score": looks_like_numbers,
    "score_max": is_numeric_column,
    "score_min": is_numeric_column,
    "score_low": is_numeric_column,
    "score_high": is_numeric_column,
}
"""What a column's cells must look like for a suggestion to name it for a field."""


@dataclass
class ColumnChoice:
    """The column chosen for each field, the fields several columns could hold, the problems."""

    columns: dict[str, str] = field(default_factory=dict)
    unsure: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _header_problem(file: str, message: str, column: str | None, value: str, fix: str) -> Problem:
    return Problem(file, message, 1, column, value, fix=fix)


def _apply_mapping(
    choice: ColumnChoice,
    file: str,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    aliases: Aliases,
) -> None:
    columns = [str(c) for c in frame.columns]
    listed = ", ".join(repr(c) for c in columns)
    for wanted, column in mapping.items():
        key = wanted.strip().casefold()
        found = [c for c in columns if c == column] or [
            c for c in columns if header_key(c) == header_key(column)
        ]
        if key not in aliases:
            message = msg(
                "the column mapping names an unknown field '{field}'; the fields are: {fields}",
                field=wanted,
                fields=", ".join(aliases),
            )
            fix = msg("use one of the field names listed, e.g. rank=<the column holding ranks>")
            choice.problems.append(_header_problem(file, message, None, wanted, fix))
        elif len(found) != 1:
            message = msg(
                "the column mapping says {field} is in column '{column}', but the file has "
                "no such column; its columns are: {columns}",
                field=key,
                column=column,
                columns=listed,
            )
            fix = msg("copy the column name exactly as it is written in the header row")
            choice.problems.append(_header_problem(file, message, str(column), str(column), fix))
        else:
            choice.columns[key] = found[0]


def choose_columns(
    frame: pd.DataFrame, file: str, mapping: Mapping[str, str], aliases: Aliases = COLUMN_ALIASES
) -> ColumnChoice:
    """Pick one column per field: the mapping first, then aliases that only one column matches.

    Problems: unknown mapping fields, mapped columns not in the file, and fields that several
    columns could hold (each names the candidates and the mapping that would settle it).
    """
    choice = ColumnChoice()
    _apply_mapping(choice, file, frame, mapping, aliases)
    taken = set(choice.columns.values())
    for name, cols in candidates(frame, aliases).items():
        free = [c for c in cols if c not in taken]
        if name in choice.columns or not free:
            continue
        if len(free) == 1:
            choice.columns[name] = free[0]
            continue
        choice.unsure[name] = free
        columns = ", ".join(repr(c) for c in free)
        message = msg(
            "several columns could be the {field}: {columns}", field=name, columns=columns
        )
        fitting = [c for c in free if FIELD_TESTS.get(name, _any)(frame[c])]
        example = (
            msg("e.g. {example}", example=f"{name}={fitting[0]!r}") if fitting else f"{name}=COLUMN"
        )
        fix = msg(
            "say which one with a column mapping, {example}, or rename the others", example=example
        )
        choice.problems.append(_header_problem(file, message, free[0], ", ".join(free), fix))
    return choice


def missing_field(
    file: str,
    frame: pd.DataFrame,
    tests: Mapping[str, FieldTest],
    what: str,
    taken: Mapping[str, str] | None = None,
) -> Problem:
    """A problem for a field no column holds, naming free columns whose cells fit it.

    ``tests`` gives each field that would do (``rank`` or ``score``) and the test its cells
    must pass; a suggested mapping names a column only for a field its values fit.
    """
    fields = list(tests)
    names = [n for f in fields for n in COLUMN_ALIASES[f]]
    expected = ", ".join(
        [n for n in names if n.isascii()][:4] + [n for n in names if not n.isascii()][:2]
    )
    found = ", ".join(repr(str(c)) for c in frame.columns)
    used = set((taken or {}).values())
    likely: list[tuple[str, str]] = []
    for c in frame.columns:
        fit = next((f for f, test in tests.items() if c not in used and test(frame[c])), None)
        if fit:
            likely.append((fit, str(c)))
    likely.sort(key=lambda pair: fields.index(pair[0]))  # a rank before a score
    example = f"{likely[0][0]}={likely[0][1]!r}" if likely else f"{fields[0]}='your column'"
    facts = {"what": Msg(what), "expected": expected, "found": found, "example": example}
    facts["likely"] = ", ".join(repr(c) for _, c in likely)
    message, fix = Msg(NO_COLUMN[bool(likely)], facts), Msg(RENAME["year" in fields], facts)
    return _header_problem(file, message, None, "", fix)
