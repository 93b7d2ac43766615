"""Freedom House: Freedom in the World, Freedom on the Net, and a tidy Freedom of the Press file.

Each quirk below is handled where noted (see ``shared/data/SOURCES.md``, section 2). Freedom
House publishes scores, not ranks, so ``rank``, ``n_ranked``, ``n_tied`` and ``position`` are
empty and ``tied`` is False in every row.

Freedom in the World (``All_data_FIW_2013-2024.xlsx``, sheet ``FIW13-24``):

* Row 1 is a title, row 2 the header; the reader finds the header. The ``Index`` sheet is
  notes and sniffs 0.
* One sheet row gives two series: ``fh_fiw`` (Total, 0-100) and ``fh_fiw_d1`` (indicator D1
  "Are there free and independent media?", 0-4, normalised as D1 x 25). Both: higher = freer.
* ``Edition`` is the report year; it covers the previous calendar year.
* Total can be negative: the discretionary question Add Q subtracts up to 4 points from
  Political Rights, so PR (and Total) runs from -4 (Syria 2015-2018 = -1, Nagorno-Karabakh
  2024 = -3). The score is kept as published; ``score_normalised`` is clipped at 0.
* ``Add A`` holds the text ``N/A`` from the 2018 edition on (the question was dropped); the
  column is not read. Guard: Total must equal PR + CL, or the columns are misaligned.
* Methodology ``fh_fiw_2013``: the file holds one era. FH's 2018 change (Add A dropped,
  Add B renamed Add Q) kept the 25 questions and the 0-100 scale, so 2013-2024 compare.
* ``C/T`` says c (country) or t (territory). Territories without an ISO code (Abkhazia,
  Crimea, Tibet ...) resolve to user-assigned X?? codes in ``data/countries/freedom_house.csv``;
  rows marked t get the entity kind ``territory`` even where an ISO code exists (HKG, ESH, PRI).
* ``Region`` is kept as ``zone``. Before the 2022 edition North Africa was in "Middle East".
* Sub-scores (PR, CL, A-G, other indicators) have no place in the rankings schema.

Freedom on the Net (``FOTN24_Country_Score_Data.xlsx``, sheet ``FOTN 2024 score data``):

* Row 1 is a title. Total 0-100, higher = freer (FH inverted FOTN scores to match FIW). The
  ``Understanding our data`` sheet sniffs 0. Sub-scores A (access, 0-25), B (content, 0-35) and
  C (user rights, 0-40) are not in the schema; guard: A + B + C = Total, and the status follows
  the workbook's own thresholds (F >= 70, PF 40-69, NF <= 39).
* Edition N covers June of N-1 to May of N (editions 2015 on; earlier ones fail loudly).

Freedom of the Press (``fotp_2001_2014_etachov_tidy.csv``): a DERIVED file, a tidy reshape by
etachov of FH's "FOTP2015 Detailed Data and Subscores" workbook, not FH's own layout.

* CR-only line endings; ``reading.read_table`` (pandas' C parser) reads them. ``NA`` = missing.
* Score 0-100, LOWER = freer: ``score_normalised`` = 100 - score. Edition = year.reported,
  covering calendar year year.collected (guard: reported = collected + 1).
* 212 rows have no score (entities not rated that year, including whole historic entities such
  as the USSR): dropped and counted. One row (Kosovo, collected 2008) is a placeholder with
  status ``0`` and every score 0, which would make it the freest entry ever: dropped and counted.
* Kept as published but reported in notes: El Salvador 2004 is NF with a PF score (42), and in
  collected 2011 the a/b/c sub-scores of the two Congos are swapped (a + b + c != score).
* a/b/c (legal 0-30, political 0-40, economic 0-30, lower = freer) are not stored: the schema's
  sub-indicator columns hold RSF's higher-is-freer 0-100 scores.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from indicators.adapters.base import (
    Adapter,
    Parsed,
    ParseOptions,
    find_column,
    missing_columns_problem,
    parse_numbers,
    resolve_countries,
)
from indicators.problems import Problem, ValidationFailed
from indicators.reading import TextTable
from indicators.schemas import RANKINGS_COLUMNS, RANKINGS_SCHEMA, conform, validate

# Column roles: each role is found by regular expression (any case), as in the RSF adapter.
Roles = dict[str, str]
FIW_ROLES: Roles = {"country": r"Country/Territory", "ct": r"C/T", "region": r"Region"}
FIW_ROLES |= {"edition": r"Edition", "status": r"Status", "d1": r"D1", "total": r"Total"}
FIW_MARKERS = (r"C/T", r"Country/Territory", r"PR rating", r"CL rating", r"D1")
FOTN_ROLES: Roles = {"country": r"Country", "edition": r"Edition", "status": r"Status"}
FOTN_ROLES |= {"total": r"Total"}
FOTN_MARKERS = (r"A5", r"B8", r"C8")
FOTP_ROLES: Roles = {"country": r"country", "collected": r"year\.collected"}
FOTP_ROLES |= {"reported": r"year\.reported", "score": r"score", "status": r"status"}
PARTS = (r"A", r"B", r"C")  # FOTN category totals; FOTP a/b/c (columns match any case)

STATUSES = ("F", "PF", "NF")
FOTP_PLACEHOLDER_STATUS = "0"
FOTN_BANDS = {"F": (70, 100), "PF": (40, 69), "NF": (0, 39)}
FOTP_BANDS = {"F": (0, 30), "PF": (31, 60), "NF": (61, 100)}
ENTITY = ("iso3", "country", "source_code", "entity_kind")
MAX_PROBLEMS = 200
MISSING = ("", "NA", "N/A", "n/a", "-", "—", "None")  # what parse_numbers reads as empty

FIW_CITATION = "Freedom House, Freedom in the World {y}, All data FIW 2013-2024 workbook"
FOTN_CITATION = "Freedom House, Freedom on the Net {y}, country score data workbook"
FOTP_CITATION = (
    "Freedom House, Freedom of the Press {y}, via etachov/tidying-freedom-of-the-press"
    " (tidy reshape of FH's FOTP2015 Detailed Data and Subscores)"
)
FOTP_NOTE = (
    "derived file: a tidy reshape (etachov/tidying-freedom-of-the-press) of Freedom House's "
    "FOTP2015 detailed data workbook, not the publisher's own layout"
)


def _find(table: TextTable, roles: Roles) -> dict[str, str | None]:
    return {role: find_column(table.frame.columns, (rx,)) for role, rx in roles.items()}


def _count(table: TextTable, patterns: tuple[str, ...]) -> int:
    """How many of the patterns name a column of the table."""
    return sum(find_column(table.frame.columns, (p,)) is not None for p in patterns)


def _require(table: TextTable, roles: Roles, label: str) -> dict[str, str]:
    """The column of each role; fail listing expected and found columns if any is missing."""
    found, name = _find(table, roles), table.source.name
    if not all(found.values()):
        expected = [rx.replace("\\", "") for rx in roles.values()]
        problem = missing_columns_problem(name, label, expected, table.frame.columns)
        raise ValidationFailed([dataclasses.replace(problem, row=table.first_row - 1)])
    if table.frame.empty:
        raise ValidationFailed([Problem(name, "the sheet has a header but no rows")])
    return {role: col for role, col in found.items() if col}


@dataclass
class _Checks:
    """Cell checks on one table, collecting every problem before failing."""

    table: TextTable
    problems: list[Problem] = field(default_factory=list)

    def flag(self, mask: pd.Series, col: str, what: str) -> None:
        """One problem (file, spreadsheet row, column, value) per row where mask is True."""
        t = self.table
        for i in mask.index[mask.fillna(False).astype(bool)][:MAX_PROBLEMS]:
            self.problems.append(
                Problem(t.source.name, what, t.row_number(int(i)), col, t.frame.loc[i, col])
            )

    def numbers(
        self, col: str, span: tuple[int, int], *, integer: bool = False, required: bool = True
    ) -> pd.Series:
        """Parse a number column; problems for non-numbers, values out of range, empty cells."""
        raw = self.table.frame[col].str.strip()
        values = parse_numbers(
            self.table, col, decimal=".", problems=self.problems, integer=integer
        )
        lo, hi = span
        self.flag((values < lo) | (values > hi), col, f"must be from {lo} to {hi}")
        if required:
            self.flag(raw.isin(MISSING), col, "is empty")
        return values

    def statuses(self, col: str) -> pd.Series:
        """Freedom status F, PF or NF; a problem for anything else."""
        status = self.table.frame[col].str.strip()
        self.flag(~status.isin(STATUSES), col, "status must be F, PF or NF")
        return status

    def entities(self, col: str, edition: pd.Series, options: ParseOptions) -> pd.DataFrame:
        """Resolve countries; a problem when one edition names the same country twice."""
        entities = resolve_countries(self.table, col, options, self.problems)
        keys = pd.DataFrame({"edition": edition, "name": entities["source_code"]})
        self.flag(keys.duplicated(keep=False), col, "appears twice in one edition")
        return entities

    def done(self) -> None:
        """Raise every problem found so far, if any."""
        if self.problems:
            raise ValidationFailed(self.problems)


def _off_band(status: pd.Series, score: pd.Series, bands: dict[str, tuple[int, int]]) -> pd.Series:
    """True where the status does not match the score bands."""
    bad = pd.Series(False, index=status.index)
    for label, (lo, hi) in bands.items():
        bad |= (status == label) & ((score < lo) | (score > hi)).fillna(False)
    return bad


def _bad_sum(table: TextTable, total: pd.Series, parts: tuple[str, ...]) -> pd.Series:
    """True where the part columns do not add up to the total (all False if a part is absent)."""
    cols = [find_column(table.frame.columns, (p,)) for p in parts]
    if not all(cols):
        return pd.Series(False, index=total.index)
    frame = table.frame.loc[total.index, cols].apply(pd.to_numeric, errors="coerce")
    return (frame.sum(axis=1, min_count=len(cols)) != total).fillna(False)


def _guard_direction(name: str, score: pd.Series, status: pd.Series, higher_is_freer: bool) -> None:
    """Fail loudly if Free entries do not score on the freer side of Not Free ones."""
    free = score[status == "F"].astype(float).median()
    not_free = score[status == "NF"].astype(float).median()
    if pd.isna(free) or pd.isna(not_free) or (free > not_free) == higher_is_freer:
        return
    side = "higher" if higher_is_freer else "lower"
    fix = "check the file against Freedom House's methodology before ingesting"
    problem = Problem(
        name,
        f"Free entries do not score {side} than Not Free ones (medians "
        f"{free} and {not_free}): the score direction has changed or the columns "
        "are misaligned",
        fix=fix,
    )
    raise ValidationFailed([problem])


def _years(years: pd.Series, template: str) -> pd.Series:
    return years.map(lambda y: template.format(y=int(y)))


def _calendar(years: pd.Series) -> dict[str, pd.Series]:
    """Period columns for calendar years."""
    return {
        "period_start": _years(years, "{y}-01-01"),
        "period_end": _years(years, "{y}-12-31"),
        "period_label": _years(years, "{y}"),
    }


def _series(
    index: str,
    methodology: str,
    score: pd.Series,
    normalised: pd.Series,
    direction: str = "higher_is_freer",
) -> dict[str, object]:
    """The columns that differ between one index series and another."""
    return {
        "index": index,
        "methodology": methodology,
        "score": score,
        "score_as_printed": score,
        "score_normalised": normalised,
        "score_direction": direction,
    }


def _canonical(
    table: TextTable, common: dict[str, object], series: list[dict[str, object]]
) -> pd.DataFrame:
    """Validated canonical rows: each series plus the shared columns, no ranks, provenance."""
    empty = dict.fromkeys(("rank", "n_ranked", "n_tied", "position"), pd.NA)
    source = {
        "source_file": table.source.name,
        "source_sha256": table.source.sha256,
        "tied": False,
        "source_row": [table.row_number(int(i)) for i in table.frame.index],
    }
    frames = [
        conform(
            pd.DataFrame({**common, **s, **empty, **source}, index=table.frame.index),
            RANKINGS_COLUMNS,
        )
        for s in series
    ]
    return validate(pd.concat(frames, ignore_index=True), RANKINGS_SCHEMA, table.source.name)


def _common(
    entities: pd.DataFrame, edition: pd.Series, status: pd.Series, citation: str
) -> dict[str, object]:
    """Columns shared by every series of a file: entity, edition, status, citation."""
    return {
        **{c: entities[c] for c in ENTITY},
        "edition": edition.astype(str),
        "edition_year": edition,
        "situation": status,
        "citation": _years(edition, citation),
    }


def _rows_note(what: str, table: TextTable, mask: pd.Series) -> list[str]:
    """A note naming how many rows (and which spreadsheet rows) a mask selects; none if zero."""
    rows = [table.row_number(int(i)) for i in mask.index[mask]]
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
    return [f"{len(rows)} {what} (rows {shown})"]


class FreedomInTheWorld:
    """Freedom House's "All data FIW 2013-2024" workbook: Total and indicator D1 per edition."""

    name = "fh_fiw_xlsx"
    kind = "rankings"
    owned_indexes = ("fh_fiw", "fh_fiw_d1")
    description = "Freedom House, Freedom in the World all-data workbook (Total and D1 media)"

    def sniff(self, table: TextTable) -> float:
        """Sure with every FIW role column; partly sure with three FIW-only columns."""
        if all(_find(table, FIW_ROLES).values()):
            return 1.0
        return 0.6 if _count(table, FIW_MARKERS) >= 3 else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Two series per sheet row: fh_fiw (Total) and fh_fiw_d1 (free and independent media)."""
        cols = _require(table, FIW_ROLES, "Freedom in the World")
        check = _Checks(table)
        edition = check.numbers(cols["edition"], (1973, options.today.year), integer=True)
        total = check.numbers(cols["total"], (-4, 100))
        d1 = check.numbers(cols["d1"], (0, 4))
        status = check.statuses(cols["status"])
        ct = table.frame[cols["ct"]].str.strip().str.lower()
        check.flag(~ct.isin(["c", "t"]), cols["ct"], "C/T must be c or t")
        entities = check.entities(cols["country"], edition, options)
        check.done()
        pr_cl = _bad_sum(table, total, ("PR", "CL"))  # if not, the columns are misaligned
        check.flag(pr_cl, cols["total"], "Total is not PR + CL")
        check.done()
        _guard_direction(table.source.name, total, status, higher_is_freer=True)
        entities.loc[ct == "t", "entity_kind"] = "territory"
        common = _common(entities, edition, status, FIW_CITATION)
        common |= _calendar(edition - 1) | {"zone": table.frame[cols["region"]].replace("", None)}
        fiw = _series("fh_fiw", "fh_fiw_2013", total, total.clip(lower=0, upper=100))
        media = _series("fh_fiw_d1", "fh_fiw_d1", d1, d1 * 25)
        canonical = _canonical(table, common, [fiw, media])
        n = len(table.frame)
        notes = [
            f"{n} sheet rows, each giving two series (fh_fiw, fh_fiw_d1); rows read counts both",
            "PR, CL and the A-G sub-scores are not stored (no place in the rankings schema)",
            *_rows_note("negative Totals kept as published, normalised to 0", table, total < 0),
        ]
        detected = {
            "source": "Freedom House, Freedom in the World",
            "editions": f"{int(edition.min())}-{int(edition.max())}",
            "series": "fh_fiw, fh_fiw_d1",
            "methodology": "fh_fiw_2013, fh_fiw_d1",
            "sheet_rows": str(n),
        }
        return Parsed(
            "rankings", self.name, canonical, detected, notes, rows_read=n, rows_rejected=0
        )


def fotn_period(edition_year: int) -> tuple[str, str, str] | None:
    """The June-May period a FOTN edition covers (editions 2015 on); None when not known."""
    if edition_year < 2015:
        return None
    y = edition_year
    return f"{y - 1}-06-01", f"{y}-05-31", f"Jun {y - 1} - May {y}"


class FreedomOnTheNet:
    """Freedom House's Freedom on the Net country score workbook (one edition)."""

    name = "fh_fotn_xlsx"
    kind = "rankings"
    owned_indexes = ("fh_fotn",)
    description = "Freedom House, Freedom on the Net country score data workbook"

    def sniff(self, table: TextTable) -> float:
        """Sure with Country, Edition, Status, Total and FOTN's A5/B8/C8 indicator columns."""
        if _count(table, FIW_MARKERS) or not _count(table, FOTN_MARKERS):
            return 0.0
        return 1.0 if all(_find(table, FOTN_ROLES).values()) else 0.6

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One fh_fotn row per country: Total 0-100, higher = freer."""
        cols = _require(table, FOTN_ROLES, "Freedom on the Net")
        check = _Checks(table)
        edition = check.numbers(cols["edition"], (2009, options.today.year), integer=True)
        total = check.numbers(cols["total"], (0, 100))
        status = check.statuses(cols["status"])
        entities = check.entities(cols["country"], edition, options)
        period = edition.map(lambda y: fotn_period(int(y)) if pd.notna(y) else None)
        unknown = f"coverage period unknown: add the edition to {__name__}.fotn_period"
        check.flag(edition.notna() & period.isna(), cols["edition"], unknown)
        check.done()
        check.flag(_bad_sum(table, total, PARTS), cols["total"], "Total is not A + B + C")
        bands = "Status does not match Total (F 70-100, PF 40-69, NF 0-39)"
        check.flag(_off_band(status, total, FOTN_BANDS), cols["status"], bands)
        check.done()
        _guard_direction(table.source.name, total, status, higher_is_freer=True)
        common = _common(entities, edition, status, FOTN_CITATION)
        labels = ("period_start", "period_end", "period_label")
        common |= {label: period.str[k] for k, label in enumerate(labels)}
        canonical = _canonical(table, common, [_series("fh_fotn", "fh_fotn", total, total)])
        detected = {
            "source": "Freedom House, Freedom on the Net",
            "edition": ", ".join(sorted(canonical["edition"].unique())),
            "methodology": "fh_fotn",
        }
        notes = [
            "sub-scores A (access), B (content), C (user rights) are not stored (no schema place)"
        ]
        return Parsed("rankings", self.name, canonical, detected, notes, rows_read=len(table.frame))


class FreedomOfThePressTidy:
    """etachov's tidy reshape of Freedom of the Press 2002-2015 (a derived file, not FH's)."""

    name = "fh_fotp_tidy_csv"
    kind = "rankings"
    owned_indexes = ("fh_fotp",)
    description = "Freedom of the Press 2002-2015 editions, tidy CSV derived by etachov (not FH's)"

    def sniff(self, table: TextTable) -> float:
        """Sure with country, year.collected, year.reported, score and status."""
        if all(_find(table, FOTP_ROLES).values()):
            return 1.0
        return 0.6 if _count(table, (r"year\.collected", r"year\.reported")) == 2 else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One fh_fotp row per rated country-year; unrated rows are dropped and counted."""
        cols = _require(table, FOTP_ROLES, "Freedom of the Press (tidy)")
        whole = _Checks(table)
        score = whole.numbers(cols["score"], (0, 100), required=False)
        placeholder = (table.frame[cols["status"]] == FOTP_PLACEHOLDER_STATUS) & (score == 0)
        unrated = int((score.isna() & ~placeholder).sum())
        rated = dataclasses.replace(table, frame=table.frame.loc[score.notna() & ~placeholder])
        if rated.frame.empty and not whole.problems:
            raise ValidationFailed(
                [
                    Problem(
                        table.source.name,
                        "no row has a score: nothing to ingest",
                        fix="check that this is the file you meant",
                    )
                ]
            )
        check = _Checks(rated, whole.problems)  # checks only the rows that are kept
        years = (1979, options.today.year)
        collected = check.numbers(cols["collected"], years, integer=True)
        reported = check.numbers(cols["reported"], years, integer=True)
        one_year = "year.reported must be year.collected + 1"
        check.flag(reported != collected + 1, cols["reported"], one_year)
        status = check.statuses(cols["status"])
        entities = check.entities(cols["country"], reported, options)
        check.done()
        score = score[rated.frame.index]
        _guard_direction(table.source.name, score, status, higher_is_freer=False)
        common = _common(entities, reported, status, FOTP_CITATION) | _calendar(collected)
        fotp = _series("fh_fotp", "fh_fotp", score, 100 - score, "lower_is_freer")
        canonical = _canonical(rated, common, [fotp])
        notes = [
            FOTP_NOTE,
            f"{unrated} rows without a score (not rated that year) dropped",
            *_rows_note("placeholder rows (status '0', every score 0) dropped", table, placeholder),
            *_rows_note(
                "rows whose status does not match the score bands (F 0-30, PF 31-60, NF 61-100), "
                "kept as published",
                rated,
                _off_band(status, score, FOTP_BANDS),
            ),
            *_rows_note(
                "rows where a + b + c is not the score (sub-scores are not stored)",
                rated,
                _bad_sum(rated, score, PARTS),
            ),
            "sub-scores a/b/c (legal, political, economic environment) are not stored",
        ]
        detected = {
            "source": "Freedom of the Press (tidy reshape by etachov)",
            "editions": f"{int(reported.min())}-{int(reported.max())}",
            "methodology": "fh_fotp",
            "note": FOTP_NOTE,
        }
        return Parsed("rankings", self.name, canonical, detected, notes, rows_read=len(table.frame))


ADAPTERS: list[Adapter] = [FreedomInTheWorld(), FreedomOnTheNet(), FreedomOfThePressTidy()]
