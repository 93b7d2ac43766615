"""RSF World Press Freedom Index, every edition 2002-2026 exactly as RSF exports it.

Each quirk below is written down where it is handled (see ``shared/data/SOURCES.md``):

* Encoding: UTF-8 with BOM (2002-2024), Windows-1252 without BOM (2025, 2026); the
  reader detects both. 2022's lines end ``\\r\\r\\n``; the CSV parser copes.
* ``;``-separated, decimal comma, no quoting.
* Header eras: 16 columns (2002-2021: ``Year (N);ISO;Rank N;Score N;...``), 22 (2022), 25
  (2023), 26 (2024, with the French ``Situation``), 25 (2025-26: ``Score 2025``, ``Score 2026``).
  Columns are found by role, not position, so a future edition that renames or reorders them
  still ingests when ISO, rank, score and year can be recognised.
* ``2012.csv`` is the combined "2011-12" edition: ``Year (N)`` is the text ``2011-12``.
* Score direction: 2002-2012 points, lower = freer (negative and >100 values occur);
  2013-2021 stored as 100 minus the score RSF printed at the time (so higher = freer in the
  file); 2022 on, a new 0-100 method, higher = freer. Guarded: the rank/score correlation
  must have the expected sign, or the edition fails loudly.
* Joint ranks: RSF printed joint ranks up to 2011-12, but its files number tied entries one
  after another in 2002, 2006, 2008, 2010 and 2011-12 (Finland 1, Norway 2, both -10 in
  2011-12; 2003-2005, 2007 and 2009 already repeat the shared rank). For every edition up to
  2011-12 ``rank`` is the shared rank by standard competition ranking on the published score
  (1, 1, 3 ...) and ``rank_as_numbered`` keeps the file's number: the adapter gives the file's
  number and declares the rule (``RsfCsv.rank_rule``), derive applies it. From 2013 equal rounded
  scores need not share a rank (2018: South Africa 28th, Cape Verde 29th, both 79.61): as
  published.
* Pseudo-entries (USA1, USA2, USA_I, ISR1-3) count toward the number ranked and are kept,
  flagged ``pseudo``. Legacy codes (CTU, XKO/XKX, XCD/CSS, SCG, YUG) resolve via the alias table.
* ``Rank evolution`` = Rank N-1 minus Rank N (positive = improved).
"""

from __future__ import annotations

import pandas as pd

from indicators.i18n import N_, Msg, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import (
    EMPTY_CELLS,
    Parsed,
    ParseOptions,
    find_column,
    missing_columns_problem,
    parse_numbers,
    resolve_countries,
)
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS, SUB_INDICATORS, RankRule

INDEX_ID = "rsf_wpfi"
SOURCE_URL = "https://rsf.org/sites/default/files/import_classement/{year}.csv"

ROLES: dict[str, tuple[str, ...]] = {
    "iso": (r"ISO", r"ISO ?3", r"Code"),
    "rank": (r"Rank N", r"Rank", r"Rank \d{4}"),
    "score": (r"Score N", r"Score", r"Score \d{4}", r"Global score"),
    "year": (r"Year \(N\)", r"Year", r"Edition"),
}
OPTIONAL_ROLES: dict[str, tuple[str, ...]] = {
    "rank_previous": (r"Rank N-1",),
    "rank_change": (r"Rank evolution",),
    "zone": (r"Zone",),
    "situation": (r"Situation",),
    "political_score": (r"Political Context",),
    "economic_score": (r"Economic Context",),
    "legal_score": (r"Legal Context",),
    "social_score": (r"Social Context",),
    "safety_score": (r"Safety",),
    "political_rank": (r"Rank_Pol",),
    "economic_rank": (r"Rank_Eco",),
    "legal_rank": (r"Rank_Leg",),
    "social_rank": (r"Rank_Soc",),
    "safety_rank": (r"Rank_Saf",),
}

# The last edition whose published ranks are joint (equal score, equal rank), although the
# files number tied entries one after another: derive applies it (RsfCsv.rank_rule).
JOINT_RANKS_UNTIL = 2012

# Editions whose "Year (N)" is not a plain year, and the publication year they stand for.
EDITION_YEARS = {"2011-12": 2012}

# What each edition covers. Before 2014 RSF's survey periods ran from autumn to autumn
# (2002-2010) or December to November (2011-12, 2013); from 2014 edition N covers year N-1.
PERIODS: dict[str, tuple[str, str, str]] = {
    **{
        str(y): (f"{y - 1}-09-01", f"{y}-09-01", f"Sep {y - 1} - Sep {y}")
        for y in range(2002, 2011)
    },
    "2011-12": ("2010-12-01", "2011-11-30", "Dec 2010 - Nov 2011"),
    "2013": ("2011-12-01", "2012-11-30", "Dec 2011 - Nov 2012"),
}


def methodology_for(edition_year: int) -> str:
    """The RSF methodology era of an edition: scores compare only within one era."""
    if edition_year <= 2012:
        return "rsf_2002_2012"
    if edition_year <= 2021:
        return "rsf_2013_2021"
    return "rsf_2022"


def period_for(edition: str, edition_year: int) -> tuple[str, str, str]:
    """Start, end and label of the period an edition covers."""
    if edition in PERIODS:
        return PERIODS[edition]
    y = edition_year - 1
    return (f"{y}-01-01", f"{y}-12-31", str(y))


class RsfCsv:
    """RSF's per-edition CSV export (``import_classement/<YEAR>.csv``)."""

    name = "rsf_csv"
    kind = "rankings"
    owned_indexes = (INDEX_ID,)  # no other format may write RSF's series
    rank_rule = RankRule(joint_until=JOINT_RANKS_UNTIL)
    description = "RSF World Press Freedom Index, one edition per file, as exported 2002-2026"

    def sniff(self, table: TextTable) -> float:
        """Sure when ISO, a rank, a score and 'Year (N)' are all present."""
        cols = list(table.frame.columns)
        found = {role: find_column(cols, pats) for role, pats in ROLES.items()}
        if find_column(cols, (r"Year \(N\)",)) and found["iso"] and found["rank"]:
            return 1.0 if found["score"] else 0.6
        if any(find_column(cols, p) for p in (OPTIONAL_ROLES["rank_change"], (r"Rank_Pol",))):
            return 0.5
        return 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Parse one RSF edition to canonical rankings rows."""
        name = table.source.name
        cols = list(table.frame.columns)
        found = {role: find_column(cols, pats) for role, pats in ROLES.items()}
        if not all(found.values()):
            expected = ["ISO", "Rank N or Rank", "Score N, Score or Score YYYY", "Year (N)"]
            raise ValidationFailed([missing_columns_problem(name, N_("RSF index"), expected, cols)])
        if table.frame.empty:
            raise ValidationFailed([Problem(name, msg("the file has a header but no rows"))])
        year_col = found["year"]
        assert year_col
        edition, edition_year = _edition(table, year_col, options)
        problems: list[Problem] = []
        values = _read_values(table, found, problems)
        entities = resolve_countries(table, str(found["iso"]), options, problems)
        problems += _row_problems(table, found, values["rank"], entities)
        if problems:
            raise ValidationFailed(problems)
        methodology = methodology_for(edition_year)
        _guard_direction(name, edition, values["rank"], values["score"], methodology)
        out = _canonical(table, edition, edition_year, methodology, values, entities)
        canonical = conform(out, RANKINGS)
        pseudo = int((canonical["entity_kind"] == "pseudo").sum())
        notes = [f"{pseudo} pseudo-entries kept and flagged"] if pseudo else []
        return Parsed(
            kind="rankings",
            adapter=self.name,
            frame=canonical,
            detected={
                "source": "RSF World Press Freedom Index",
                "edition": edition,
                "format": table.format_label,
                "methodology": methodology,
            },
            notes=notes,
            rows_read=len(table.frame),
        )


def _edition(table: TextTable, year_col: str, options: ParseOptions) -> tuple[str, int]:
    """The file's one edition and the year it stands for, or a Problem naming the column."""
    name = table.source.name
    editions = table.frame[year_col].astype(str).str.strip().unique().tolist()
    if len(editions) != 1:
        message = msg("one RSF file must hold one edition; found several")
        raise ValidationFailed([Problem(name, message, None, year_col, ", ".join(editions[:5]))])
    edition = editions[0]
    edition_year = EDITION_YEARS.get(edition) or (int(edition) if edition.isdigit() else None)
    if edition_year is None or not 2002 <= edition_year <= options.today.year:
        message = msg(
            "edition must be a year from 2002 to {year} (or 2011-12)", year=options.today.year
        )
        fix = msg("check the 'Year (N)' column")
        raise ValidationFailed([Problem(name, message, 2, year_col, edition, fix=fix)])
    return edition, edition_year


def _read_values(
    table: TextTable, found: dict[str, str | None], problems: list[Problem]
) -> dict[str, pd.Series]:
    """Rank, score and every optional column the file has, as numbers or stripped text."""
    decimal = table.decimal if table.decimal == "," or table.delimiter == ";" else "."
    rank_col, score_col = str(found["rank"]), str(found["score"])
    values = {
        "rank": parse_numbers(table, rank_col, decimal=decimal, problems=problems, integer=True),
        "score": parse_numbers(table, score_col, decimal=decimal, problems=problems),
    }
    cols = list(table.frame.columns)
    for key, patterns in OPTIONAL_ROLES.items():
        col = find_column(cols, patterns)
        if col is None:
            continue
        if key in ("zone", "situation"):
            values[key] = table.frame[col].astype(str).str.strip().replace("", None)
        else:
            integer = key.endswith("_rank") or key in ("rank_previous", "rank_change")
            values[key] = parse_numbers(
                table, col, decimal=decimal, problems=problems, integer=integer
            )
    return values


def _row_problems(
    table: TextTable, found: dict[str, str | None], rank: pd.Series, entities: pd.DataFrame
) -> list[Problem]:
    """Empty ranks, ranks outside 1..number ranked, a country listed twice: each with its row."""
    name, frame = table.source.name, table.frame
    rank_col, iso_col = str(found["rank"]), str(found["iso"])
    n_ranked = len(frame)
    blank = frame[rank_col].astype(str).str.strip().isin(EMPTY_CELLS)
    problems = [
        Problem(
            name,
            msg("the rank is empty: RSF ranks every entry of its index"),
            table.row_number(int(i)),
            rank_col,
            frame.loc[i, rank_col],
            fix=msg("check the row against RSF's own table"),
        )
        for i in rank.index[rank.isna() & blank]
    ]
    problems += [
        Problem(
            name,
            msg("rank must be between 1 and the number ranked ({n})", n=n_ranked),
            table.row_number(int(i)),
            rank_col,
            frame.loc[i, rank_col],
        )
        for i in rank.index[rank.notna() & ((rank < 1) | (rank > n_ranked))]
    ]
    dupes = entities["source_code"].duplicated(keep=False)
    problems += [
        Problem(
            name,
            msg("the same country appears twice in this edition"),
            table.row_number(int(i)),
            iso_col,
            entities.loc[i, "source_code"],
        )
        for i in entities.index[dupes]
    ]
    return problems


def _canonical(
    table: TextTable,
    edition: str,
    edition_year: int,
    methodology: str,
    values: dict[str, pd.Series],
    entities: pd.DataFrame,
) -> pd.DataFrame:
    """The canonical rankings rows of one edition (before the schema's conform and check).

    ``rank`` is the file's number; derive makes it the published joint rank where
    :data:`JOINT_RANKS_UNTIL` says so, and computes ties and positions.
    """
    start, end, label = period_for(edition, edition_year)
    numbered, score = values["rank"], values["score"]
    higher_is_freer = methodology != "rsf_2002_2012"
    return pd.DataFrame(
        {
            "index": INDEX_ID,
            "edition": edition,
            "edition_year": edition_year,
            "period_start": start,
            "period_end": end,
            "period_label": label,
            **{c: entities[c] for c in ("iso3", "country", "source_code", "entity_kind")},
            "zone": values.get("zone"),
            "rank": numbered,
            "rank_as_numbered": numbered,
            "n_ranked": len(table.frame),
            "score": score,
            "score_as_printed": (100 - score) if methodology == "rsf_2013_2021" else score,
            "score_normalised": score if higher_is_freer else pd.NA,
            "score_direction": "higher_is_freer" if higher_is_freer else "lower_is_freer",
            "methodology": methodology,
            "rank_previous": values.get("rank_previous"),
            "rank_change_published": values.get("rank_change"),
            "situation": values.get("situation"),
            **{
                f"{s}_{m}": values.get(f"{s}_{m}")
                for s in SUB_INDICATORS
                for m in ("score", "rank")
            },
            "citation": f"RSF World Press Freedom Index {edition}, "
            + SOURCE_URL.format(year=edition_year),
            "source_file": table.source.name,
            "source_sha256": table.source.sha256,
            "source_row": [table.row_number(int(i)) for i in table.frame.index],
        },
        index=table.frame.index,
    )


def _guard_direction(
    name: str, edition: str, rank: pd.Series, score: pd.Series, methodology: str
) -> None:
    """Fail loudly if the scores do not run the way this edition's era says they do."""
    both = pd.DataFrame({"rank": rank, "score": score}).dropna().astype(float)
    if len(both) < 10:
        return
    corr = both["rank"].rank().corr(both["score"].rank())  # Spearman without scipy
    expected_positive = methodology == "rsf_2002_2012"
    if (corr > 0) != expected_positive:
        template = (
            N_(
                "edition {edition}: scores do not run the way the {methodology} era says "
                "(lower = freer; rank/score correlation {corr:.2f}). The publisher may have "
                "changed the score direction again"
            )
            if expected_positive
            else N_(
                "edition {edition}: scores do not run the way the {methodology} era says "
                "(higher = freer; rank/score correlation {corr:.2f}). The publisher may have "
                "changed the score direction again"
            )
        )
        facts = {"edition": edition, "methodology": methodology, "corr": corr}
        raise ValidationFailed(
            [
                Problem(
                    name,
                    Msg(template, facts),
                    fix=msg("check the file against RSF's methodology before ingesting"),
                )
            ]
        )
