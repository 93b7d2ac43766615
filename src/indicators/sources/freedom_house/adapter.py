"""Freedom House: Freedom in the World, Freedom on the Net, and a tidy Freedom of the Press file.

Each quirk below is handled where noted (see ``shared/data/SOURCES.md``, section 2). Freedom
House publishes scores, not ranks, so ``rank`` and ``n_ranked`` are empty; derive then leaves
``n_tied`` and ``position`` empty and ``tied`` False in every row.

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

import pandas as pd

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Adapter, Parsed, ParseOptions
from indicators.sources.freedom_house.checks import (
    ENTITY,
    MAX_PROBLEMS,
    MISSING,
    STATUSES,
    Checks,
    Roles,
    bad_sum,
    calendar_periods,
    canonical_rows,
    common_columns,
    count_columns,
    find_roles,
    guard_direction,
    off_band,
    require_columns,
    rows_note,
    series_columns,
)
from indicators.sources.reading import TextTable

__all__ = [
    "ADAPTERS",
    "ENTITY",
    "FIW_CITATION",
    "FIW_MARKERS",
    "FIW_ROLES",
    "FOTN_BANDS",
    "FOTN_CITATION",
    "FOTN_MARKERS",
    "FOTN_ROLES",
    "FOTP_BANDS",
    "FOTP_CITATION",
    "FOTP_NOTE",
    "FOTP_PLACEHOLDER_STATUS",
    "FOTP_ROLES",
    "MAX_PROBLEMS",
    "MISSING",
    "PARTS",
    "STATUSES",
    "FreedomInTheWorld",
    "FreedomOfThePressTidy",
    "FreedomOnTheNet",
    "Roles",
    "fotn_period",
]

# Column roles: each role is found by regular expression (any case), as in the RSF adapter.
FIW_ROLES: Roles = {"country": r"Country/Territory", "ct": r"C/T", "region": r"Region"}
FIW_ROLES |= {"edition": r"Edition", "status": r"Status", "d1": r"D1", "total": r"Total"}
FIW_MARKERS = (r"C/T", r"Country/Territory", r"PR rating", r"CL rating", r"D1")
FOTN_ROLES: Roles = {"country": r"Country", "edition": r"Edition", "status": r"Status"}
FOTN_ROLES |= {"total": r"Total"}
FOTN_MARKERS = (r"A5", r"B8", r"C8")
FOTP_ROLES: Roles = {"country": r"country", "collected": r"year\.collected"}
FOTP_ROLES |= {"reported": r"year\.reported", "score": r"score", "status": r"status"}
PARTS = (r"A", r"B", r"C")  # FOTN category totals; FOTP a/b/c (columns match any case)

FOTP_PLACEHOLDER_STATUS = "0"
FOTN_BANDS = {"F": (70, 100), "PF": (40, 69), "NF": (0, 39)}
FOTP_BANDS = {"F": (0, 30), "PF": (31, 60), "NF": (61, 100)}

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


class FreedomInTheWorld:
    """Freedom House's "All data FIW 2013-2024" workbook: Total and indicator D1 per edition."""

    name = "fh_fiw_xlsx"
    kind = "rankings"
    owned_indexes = ("fh_fiw", "fh_fiw_d1")
    description = "Freedom House, Freedom in the World all-data workbook (Total and D1 media)"

    def sniff(self, table: TextTable) -> float:
        """Sure with every FIW role column; partly sure with three FIW-only columns."""
        if all(find_roles(table, FIW_ROLES).values()):
            return 1.0
        return 0.6 if count_columns(table, FIW_MARKERS) >= 3 else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Two series per sheet row: fh_fiw (Total) and fh_fiw_d1 (free and independent media)."""
        cols = require_columns(table, FIW_ROLES, "Freedom in the World")
        check = Checks(table)
        edition = check.numbers(cols["edition"], (1973, options.today.year), integer=True)
        total = check.numbers(cols["total"], (-4, 100))
        d1 = check.numbers(cols["d1"], (0, 4))
        status = check.statuses(cols["status"])
        ct = table.frame[cols["ct"]].str.strip().str.lower()
        check.flag(~ct.isin(["c", "t"]), cols["ct"], msg("C/T must be c or t"))
        entities = check.entities(cols["country"], edition, options)
        check.done()
        pr_cl = bad_sum(table, total, ("PR", "CL"))  # if not, the columns are misaligned
        check.flag(pr_cl, cols["total"], msg("Total is not PR + CL"))
        check.done()
        guard_direction(table.source.name, total, status, higher_is_freer=True)
        entities.loc[ct == "t", "entity_kind"] = "territory"
        common = common_columns(entities, edition, status, FIW_CITATION)
        common |= calendar_periods(edition - 1) | {
            "zone": table.frame[cols["region"]].replace("", None)
        }
        fiw = series_columns("fh_fiw", "fh_fiw_2013", total, total.clip(lower=0, upper=100))
        media = series_columns("fh_fiw_d1", "fh_fiw_d1", d1, d1 * 25)
        canonical = canonical_rows(table, common, [fiw, media])
        n = len(table.frame)
        notes = [
            f"{n} sheet rows, each giving two series (fh_fiw, fh_fiw_d1); rows read counts both",
            "PR, CL and the A-G sub-scores are not stored (no place in the rankings schema)",
            *rows_note("negative Totals kept as published, normalised to 0", table, total < 0),
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
        if count_columns(table, FIW_MARKERS) or not count_columns(table, FOTN_MARKERS):
            return 0.0
        return 1.0 if all(find_roles(table, FOTN_ROLES).values()) else 0.6

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One fh_fotn row per country: Total 0-100, higher = freer."""
        cols = require_columns(table, FOTN_ROLES, "Freedom on the Net")
        check = Checks(table)
        edition = check.numbers(cols["edition"], (2009, options.today.year), integer=True)
        total = check.numbers(cols["total"], (0, 100))
        status = check.statuses(cols["status"])
        entities = check.entities(cols["country"], edition, options)
        period = edition.map(lambda y: fotn_period(int(y)) if pd.notna(y) else None)
        unknown = msg(
            "coverage period unknown: add the edition to {function}",
            function=f"{__name__}.fotn_period",
        )
        check.flag(edition.notna() & period.isna(), cols["edition"], unknown)
        check.done()
        check.flag(bad_sum(table, total, PARTS), cols["total"], msg("Total is not A + B + C"))
        bands = msg("Status does not match Total (F 70-100, PF 40-69, NF 0-39)")
        check.flag(off_band(status, total, FOTN_BANDS), cols["status"], bands)
        check.done()
        guard_direction(table.source.name, total, status, higher_is_freer=True)
        common = common_columns(entities, edition, status, FOTN_CITATION)
        labels = ("period_start", "period_end", "period_label")
        common |= {label: period.str[k] for k, label in enumerate(labels)}
        canonical = canonical_rows(
            table, common, [series_columns("fh_fotn", "fh_fotn", total, total)]
        )
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
        if all(find_roles(table, FOTP_ROLES).values()):
            return 1.0
        return 0.6 if count_columns(table, (r"year\.collected", r"year\.reported")) == 2 else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One fh_fotp row per rated country-year; unrated rows are dropped and counted."""
        cols = require_columns(table, FOTP_ROLES, "Freedom of the Press (tidy)")
        whole = Checks(table)
        score = whole.numbers(cols["score"], (0, 100), required=False)
        placeholder = (table.frame[cols["status"]] == FOTP_PLACEHOLDER_STATUS) & (score == 0)
        unrated = int((score.isna() & ~placeholder).sum())
        rated = dataclasses.replace(table, frame=table.frame.loc[score.notna() & ~placeholder])
        if rated.frame.empty and not whole.problems:
            raise ValidationFailed(
                [
                    Problem(
                        table.source.name,
                        msg("no row has a score: nothing to ingest"),
                        fix=msg("check that this is the file you meant"),
                    )
                ]
            )
        check = Checks(rated, whole.problems)  # checks only the rows that are kept
        years = (1979, options.today.year)
        collected = check.numbers(cols["collected"], years, integer=True)
        reported = check.numbers(cols["reported"], years, integer=True)
        one_year = msg("year.reported must be year.collected + 1")

        check.flag(reported != collected + 1, cols["reported"], one_year)
        status = check.statuses(cols["status"])
        entities = check.entities(cols["country"], reported, options)
        check.done()
        score = score[rated.frame.index]
        guard_direction(table.source.name, score, status, higher_is_freer=False)
        common = common_columns(entities, reported, status, FOTP_CITATION) | calendar_periods(
            collected
        )
        fotp = series_columns("fh_fotp", "fh_fotp", score, 100 - score, "lower_is_freer")
        canonical = canonical_rows(rated, common, [fotp])
        notes = [
            FOTP_NOTE,
            f"{unrated} rows without a score (not rated that year) dropped",
            *rows_note("placeholder rows (status '0', every score 0) dropped", table, placeholder),
            *rows_note(
                "rows whose status does not match the score bands (F 0-30, PF 31-60, NF 61-100), "
                "kept as published",
                rated,
                off_band(status, score, FOTP_BANDS),
            ),
            *rows_note(
                "rows where a + b + c is not the score (sub-scores are not stored)",
                rated,
                bad_sum(rated, score, PARTS),
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
