"""An analyst's own ranking file: one row per country and edition, in English or Russian.

The layout, every accepted column name and every message a person may see are in
``docs/analyst-files.md`` (the messages are in :mod:`indicators.sources.generic.analyst_messages`;
the scores' scale, band and rescaling to 0-100 in :mod:`indicators.sources.generic.analyst_scores`).
Columns are found by name (``indicators.sources.column_aliases``), and an explicit mapping (``ParseOptions.mapping``) overrides detection. Nothing is guessed silently:
a derived number ranked or an empty normalised score comes with a note saying why.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import PurePath

import pandas as pd

from indicators.i18n import N_, Msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, parse_numbers
from indicators.sources.column_aliases import (
    INDEX_ID,
    ColumnChoice,
    FieldTest,
    band_columns,
    banded_columns,
    candidates,
    choose_columns,
    direction_of,
    edition_of,
    index_id_for,
    looks_like_countries,
    looks_like_numbers,
    looks_like_ranks,
    looks_like_years,
    missing_field,
    slug,
    text_or_none,
    without_empty_rows,
)
from indicators.sources.generic.analyst_messages import MESSAGES, NOTES, Notes, note
from indicators.sources.generic.analyst_messages import cell_problem as _problem
from indicators.sources.generic.analyst_scores import check_band, check_scale, derive_scores
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS

RSF_MARKERS = frozenset({"year (n)", "rank n-1", "rank evolution", "rank_pol", "score n-1"})
GROUP = ["index", "edition"]
Rows = pd.DataFrame


class AnalystRankings:
    """A long-form ranking file an analyst keeps: country, year, rank and/or score per row."""

    name = "analyst_rankings"
    kind = "rankings"
    description = "An analyst's own rankings: one row per country and year (CSV or XLSX)"

    def sniff(self, table: TextTable) -> float:
        """0.8 when a country, a year and a rank or score column are recognised, else 0."""
        if {str(c).strip().casefold() for c in table.frame.columns} & RSF_MARKERS:
            return 0.0
        found = {f for f, cols in candidates(table.frame).items() if cols}
        if banded_columns(table.frame):
            found.add("score")  # V-Dem's layout: an estimate beside its _codelow and _codehigh
        if found & {"country", "country_code"} and "year" in found and found & {"rank", "score"}:
            return 0.8
        return 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Parse to canonical rankings rows, or raise ValidationFailed listing every problem."""
        cols = _columns(table, options)
        body = _body(table, cols)
        problems: list[Problem] = []
        rows = _read_rows(body, cols, options, problems)
        _check_rows(body, cols, rows, problems)
        if problems:
            raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
        notes: Notes = {}
        rows["n_ranked"] = _n_ranked(rows, notes)
        out = derive_scores(rows, notes)
        canonical = conform(out, RANKINGS)
        return Parsed(
            kind=self.kind,
            adapter=self.name,
            frame=canonical,
            detected=_detected(table, cols, canonical),
            notes=[f"{NOTES[key]} ({', '.join(where)})" for key, where in notes.items()],
            rows_read=len(table.frame),
        )


ADAPTERS = [AnalystRankings()]


def _detected(table: TextTable, cols: dict[str, str], canonical: pd.DataFrame) -> dict[str, str]:
    detected = {
        "source": "analyst ranking file",
        "columns": ", ".join(f"{f}={c!r}" for f, c in cols.items()),
        "indexes": ", ".join(sorted(canonical["index"].unique())),
        "editions": ", ".join(sorted(canonical["edition"].unique())),
        "format": table.format_label,
    }
    ignored = [str(c) for c in table.frame.columns if c not in set(cols.values())]
    if ignored:
        detected["ignored columns"] = ", ".join(ignored)
    return detected


def _columns(table: TextTable, options: ParseOptions) -> dict[str, str]:
    name, frame = table.source.name, table.frame
    choice = choose_columns(frame, name, options.mapping)
    _band(frame, name, choice)
    have = set(choice.columns) | set(choice.unsure)
    year = choice.columns.get("year")
    ranks = looks_like_ranks(frame[year] if year else None)
    known = looks_like_countries(options.country_index())
    needs: tuple[tuple[dict[str, FieldTest], str], ...] = (
        ({"country": known, "country_code": known}, N_("the country")),
        ({"year": looks_like_years}, N_("the year or edition")),
        ({"rank": ranks, "score": looks_like_numbers}, N_("the rank or the score")),
    )
    for tests, what in needs:
        if not set(tests) & have:
            choice.problems.append(missing_field(name, frame, tests, what, choice.columns))
    if choice.problems:
        raise ValidationFailed(choice.problems)
    mapped = {key.strip().casefold() for key in options.mapping}
    if "country" in mapped and "country_code" not in mapped:
        choice.columns.pop("country_code", None)  # the mapped country column wins
    return choice.columns


def _band(frame: pd.DataFrame, name: str, choice: ColumnChoice) -> None:
    """The score's band: its columns as named, else V-Dem's ``<score>_codelow`` and
    ``_codehigh``; without a score column, the one column V-Dem's band columns go with."""
    if "score" not in choice.columns and "score" not in choice.unsure:
        taken = set(choice.columns.values())
        banded = [c for c in banded_columns(frame) if c not in taken]
        if len(banded) == 1:
            choice.columns["score"] = banded[0]
        elif banded:
            message, fix = MESSAGES["banded_scores"]
            found = {"columns": ", ".join(repr(c) for c in banded), "first": banded[0]}
            problem = Problem(name, Msg(message, found), 1, banded[0], "", Msg(fix, found))
            choice.problems.append(problem)
    if "score" in choice.columns:
        for field, column in band_columns(frame, choice.columns["score"]).items():
            choice.columns.setdefault(field, column)
    bounds = {"score_low": N_("lower bound"), "score_high": N_("upper bound")}
    given = [f for f in bounds if f in choice.columns]
    if len(given) == 1:
        column, (missing,) = (
            choice.columns[given[0]],
            [w for f, w in bounds.items() if f != given[0]],
        )
        message, fix = MESSAGES["band_column"]
        found = {"column": column, "have": Msg(bounds[given[0]]), "missing": Msg(missing)}
        choice.problems.append(Problem(name, Msg(message, found), 1, column, column, Msg(fix)))


def _body(table: TextTable, cols: dict[str, str]) -> TextTable:
    """The table with empty-looking cells blanked and rows empty in every used column dropped."""
    frame = without_empty_rows(table.frame, list(cols.values()))
    if frame.empty:
        message, fix = MESSAGES["no_rows"]
        raise ValidationFailed([Problem(table.source.name, Msg(message), fix=Msg(fix))])
    return replace(table, frame=frame)


def _read_rows(
    t: TextTable, cols: dict[str, str], options: ParseOptions, problems: list[Problem]
) -> Rows:
    decimal = "," if t.decimal == "," or t.delimiter == ";" else "."
    rows = _countries(t, cols, options, problems)
    rows[["edition", "edition_year"]] = _editions(t, cols["year"], options, problems)
    for key in ("rank", "n_ranked", "score", "score_min", "score_max", "score_low", "score_high"):
        whole = key in ("rank", "n_ranked")
        values = pd.Series(pd.NA, index=t.frame.index, dtype="Int64" if whole else "Float64")
        if key in cols:
            values = parse_numbers(t, cols[key], decimal=decimal, problems=problems, integer=whole)
        rows["n_given" if key == "n_ranked" else key] = values
    rows["higher"] = _directions(t, cols, problems)
    rows["index"] = _index_ids(t, cols, options, problems)
    rows["methodology"] = _text(t, cols, "methodology").fillna(rows["index"])
    period = _text(t, cols, "period")
    rows["period_label"] = period.fillna(rows["edition"])
    plain = period.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
    rows["period_start"] = period.where(plain) + "-01-01"
    rows["period_end"] = period.where(plain) + "-12-31"
    rows["zone"] = _text(t, cols, "zone")
    rows["source_file"], rows["source_sha256"] = t.source.name, t.source.sha256
    rows["source_row"] = [t.row_number(int(i)) for i in t.frame.index]
    cited = [f"{t.source.name}, row {n}" for n in rows["source_row"]]
    rows["citation"] = _text(t, cols, "source").fillna(pd.Series(cited, index=rows.index))
    return rows


def _text(t: TextTable, cols: dict[str, str], key: str) -> pd.Series:
    return text_or_none(t.frame, cols.get(key))


def _countries(
    t: TextTable, cols: dict[str, str], options: ParseOptions, problems: list[Problem]
) -> Rows:
    """Resolve the code column (or the name column where the code is empty); check they agree."""
    index = options.country_index()
    code_col, name_col = cols.get("country_code"), cols.get("country")
    blank = pd.Series("", index=t.frame.index)
    codes = t.frame[code_col] if code_col else blank
    names = t.frame[name_col] if name_col else blank
    resolve = lru_cache(maxsize=None)(index.resolve)
    rows: list[tuple[str | None, str | None, str | None, str]] = []
    for i, code, name in zip(t.frame.index, codes, names, strict=True):
        column = str(code_col if code or not name_col else name_col)
        entity = resolve(code or name) if code or name else None
        if entity is None:
            key = "unknown_country" if code or name else "empty_country"
            problems.append(_problem(t, i, column, key))
            rows.append((None, None, None, code or name))
            continue
        other = resolve(name) if code and name else None
        if other is not None and other.iso3 != entity.iso3:
            found = {"name": other.name, "code": code, "code_name": entity.name}
            problems.append(_problem(t, i, str(name_col), "name_vs_code", **found))
        rows.append((entity.iso3, entity.name, entity.kind, code or name))
    columns = ["iso3", "country", "entity_kind", "source_code"]
    return pd.DataFrame(rows, columns=columns, index=t.frame.index)


def _year_problem(text: str, found: tuple[str, int] | None, today: int) -> str | None:
    if not text:
        return "empty_year"
    if found is None:
        return "not_a_year"
    return "early_year" if found[1] < 1900 else "future_year" if found[1] > today else None


def _editions(t: TextTable, column: str, options: ParseOptions, problems: list[Problem]) -> Rows:
    out = []
    for i, text in t.frame[column].items():
        found = edition_of(text)
        key = _year_problem(text, found, options.today.year)
        if key:
            problems.append(_problem(t, i, column, key, year=options.today.year))
        out.append(found if found and not key else (None, None))
    frame = pd.DataFrame(out, columns=["edition", "edition_year"], index=t.frame.index)
    return frame.astype({"edition_year": "Int64"})


def _directions(t: TextTable, cols: dict[str, str], problems: list[Problem]) -> pd.Series:
    """True where higher is better; a higher_is_better column wins over a direction column."""
    out = pd.Series(pd.NA, index=t.frame.index, dtype="boolean")
    for key, yes_means_higher in (("direction", False), ("higher_is_better", True)):
        if key not in cols:
            continue
        cells = t.frame[cols[key]]
        words = [direction_of(text, yes_means_higher) if text else None for text in cells]
        said = pd.Series(words, index=cells.index, dtype="boolean")
        for i in cells.index[(cells != "") & said.isna()]:
            problems.append(_problem(t, i, cols[key], "direction"))
        out = said.fillna(out)
    return out


def _index_ids(
    t: TextTable, cols: dict[str, str], options: ParseOptions, problems: list[Problem]
) -> pd.Series:
    """The index column made into ids, else the given index id, else analyst_<file name>."""
    default = options.index_id or ("analyst_" + slug(PurePath(t.source.name).stem))[:40]
    default = default if options.index_id else default.rstrip("_")
    if not INDEX_ID.match(default):
        message, fix = MESSAGES["index_id"]
        problems.append(Problem(t.source.name, Msg(message, {"index_id": default}), fix=Msg(fix)))
    if "index" not in cols:
        return pd.Series(default, index=t.frame.index, dtype=object)
    ids = []
    for i, text in t.frame[cols["index"]].items():
        made = index_id_for(text) if text else default
        if made is None:
            problems.append(_problem(t, i, cols["index"], "index_name"))
        ids.append(made or default)
    return pd.Series(ids, index=t.frame.index, dtype=object)


def _check_rows(t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]) -> None:
    """Problems about a cell's value against other cells: one per bad cell."""
    rank, n_given, score = rows["rank"], rows["n_given"], rows["score"]
    for i in rows.index[(rank < 1).fillna(False)]:
        problems.append(_problem(t, i, cols["rank"], "rank_below_1"))
    for i in rows.index[(n_given < 1).fillna(False)]:
        problems.append(_problem(t, i, cols["n_ranked"], "n_below_1"))
    for i in rows.index[((rank > n_given) & (n_given >= 1)).fillna(False)]:
        problems.append(_problem(t, i, cols["rank"], "rank_above_n", n=n_given[i]))
    blank = rank.isna() & score.isna()
    for key in ("rank", "score"):
        blank &= (t.frame[cols[key]] == "") if key in cols else True
    for i in rows.index[blank]:
        problems.append(_problem(t, i, cols.get("rank") or cols["score"], "no_rank_or_score"))
    check_scale(t, cols, rows, problems)
    check_band(t, cols, rows, problems)
    _check_duplicates(t, cols, rows, problems)
    _check_same_n(t, cols, rows, problems)
    _check_direction(t, cols, rows, problems)


def _check_duplicates(
    t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]
) -> None:
    entity = rows["iso3"].where(rows["entity_kind"] != "pseudo", rows["source_code"])
    keys = ["index", "edition", "entity"]
    keyed = rows.assign(entity=entity).dropna(subset=keys)
    first = keyed.groupby(keys)["source_row"].transform("first")
    column = cols.get("country_code") or cols["country"]
    for i in keyed.index[keyed.duplicated(keys)]:
        edition = keyed.loc[i, "edition"]
        problems.append(_problem(t, i, column, "duplicate", edition=edition, first=first[i]))


def _check_same_n(t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]) -> None:
    valid = rows[(rows["n_given"] >= 1).fillna(False)].dropna(subset=["edition"])
    for (_, edition), group in valid.groupby(GROUP):
        usual = int(group["n_given"].mode().iloc[0])
        for i in group.index[group["n_given"] != usual]:
            found = {"edition": edition, "usual": usual}
            problems.append(_problem(t, i, cols["n_ranked"], "n_differs", **found))


def _check_direction(
    t: TextTable, cols: dict[str, str], rows: Rows, problems: list[Problem]
) -> None:
    """Fail when the scores run against the direction the file states (5+ ranked rows)."""
    column = cols.get("higher_is_better") or cols.get("direction")
    known = rows.dropna(subset=["rank", "score", "higher", "edition"])
    for (_, edition), group in known.groupby(GROUP) if column else ():
        if len(group) < 5 or group["higher"].nunique() != 1:
            continue
        corr = group["rank"].astype(float).rank().corr(group["score"].astype(float).rank())
        higher = bool(group["higher"].iloc[0])
        if (corr > 0.5) if higher else (corr < -0.5):
            said, found = (N_("higher"), N_("lower")) if higher else (N_("lower"), N_("higher"))
            facts = {"edition": edition, "found": Msg(found), "said": Msg(said), "corr": corr}

            problems.append(_problem(t, group.index[0], str(column), "against_direction", **facts))


def _edition_size(ranks: pd.Series, given: pd.Series) -> tuple[int | None, str]:
    """The number ranked of an edition whose rows do not all say it, and the note to add."""
    if not given.empty:
        return int(given.mode().iloc[0]), "n_copied"
    count, top = len(ranks), int(ranks.max())
    if ranks.min() == 1 and top <= count:
        return count, "n_rows"
    if ranks.min() == 1 and count >= 0.9 * top:
        return top, "n_top"
    return None, "n_unknown"


def _n_ranked(rows: Rows, notes: Notes) -> pd.Series:
    """The number ranked: given, else the edition's size when the file holds (nearly) all of it."""
    n = rows["n_given"].copy()
    for (index, edition), group in rows.groupby(GROUP, sort=False):
        missing = group.index[group["n_given"].isna() & group["rank"].notna()]
        if missing.empty:
            continue
        value, key = _edition_size(group["rank"].dropna(), group["n_given"].dropna())
        note(notes, key, index, edition)
        if value is not None:
            n[missing] = value
    return n
