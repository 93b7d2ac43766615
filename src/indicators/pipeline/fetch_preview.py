"""Describing a fetched change for a preview: per table counts, and one country per edition."""

from __future__ import annotations

import pandas as pd

from indicators.i18n import N_, msg
from indicators.pipeline.prepare import Prepared
from indicators.tables.values import is_missing

# Columns whose old and new values a preview line shows; other changed columns are only named.
PUBLISHED_COLUMNS = ("rank", "n_ranked", "score")
# Columns named by a word in the reader's language (the others are named as the table names them).
COLUMN_WORDS = frozenset({N_("rank"), N_("score"), N_("position")})


# -- describing the change ---------------------------------------------------------------------


def _editions_in(prepared: Prepared) -> list[tuple[str, str, int]]:
    """(index, edition, edition_year) of every rankings edition in the prepared files."""
    seen: dict[tuple[str, str], int] = {}
    for _src, parsed in prepared.parsed:
        if parsed.kind != "rankings":
            continue
        cols = parsed.frame[["index", "edition", "edition_year"]].drop_duplicates()
        for index, edition, year in cols.itertuples(index=False):
            seen[(str(index), str(edition))] = int(year)
    return sorted(((i, e, y) for (i, e), y in seen.items()), key=lambda t: (t[2], t[0]))


def _rows(frame: pd.DataFrame, index: str, edition: str, iso3: str | None = None) -> pd.DataFrame:
    mask = (frame["index"] == index) & (frame["edition"] == edition)
    if iso3 is not None:
        mask &= frame["iso3"] == iso3
    return frame[mask]


def _fmt(value: object) -> str:
    if is_missing(value):
        return msg("none")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _ranked(row: pd.Series) -> str:
    if is_missing(row["rank"]):
        return msg("not ranked")
    if is_missing(row["n_ranked"]):
        return msg("rank {rank}", rank=int(row["rank"]))
    return msg("rank {rank} of {total}", rank=int(row["rank"]), total=int(row["n_ranked"]))


def _describe_one(prepared: Prepared, index: str, edition: str, iso3: str) -> str:
    merged = prepared.tables["rankings"]
    change = prepared.changes["rankings"]
    row = _rows(merged, index, edition, iso3)
    if row.empty:
        return msg("{country} {edition}: not in this edition", country=iso3, edition=edition)
    first = row.iloc[0]
    label = f"{first['country']} {edition}"  # a name and an edition: no words of ours
    edition_rows = _rows(merged, index, edition)
    added = _rows(change.added, index, edition)
    if len(added) == len(edition_rows):
        return msg("{label}: new edition, {rank}", label=label, rank=_ranked(first))
    if not _rows(change.added, index, edition, iso3).empty:
        return msg("{label}: new in this edition, {rank}", label=label, rank=_ranked(first))
    cells = _rows(change.changed, index, edition, iso3)
    if cells.empty:
        return msg("{label}: unchanged", label=label)
    return msg("{label}: changed {cells}", label=label, cells=_changed_cells(cells))


def _column(name: str) -> str:
    return msg(name) if name in COLUMN_WORDS else name


def _changed_cells(cells: pd.DataFrame) -> str:
    """'rank 142 -> 141; score 39.3 -> 39.34 (also: position)': published values first."""
    records = cells.to_dict("records")
    by_column = {str(r["column"]): r for r in records}
    shown = [c for c in PUBLISHED_COLUMNS if c in by_column]
    parts = [
        msg(
            "{column} {old} -> {new}",
            column=_column(c),
            old=_fmt(by_column[c]["old"]),
            new=_fmt(by_column[c]["new"]),
        )
        for c in shown
    ]
    others = ", ".join(sorted(c for c in by_column if c not in PUBLISHED_COLUMNS))
    if not parts:
        return others  # column names only
    changes = parts[0]
    for part in parts[1:]:  # each part stays a message, shown in the reader's language
        changes = msg("{changes}; {change}", changes=changes, change=part)
    return (
        msg("{changes} (also: {columns})", changes=changes, columns=others) if others else changes
    )


def describe_new_editions(prepared: Prepared, iso3: str = "KAZ") -> list[str]:
    """One line per fetched edition on one country: new, unchanged or what changed.

    Compares the prepared rankings with the store's current ones through
    ``prepared.changes['rankings']`` (see :func:`indicators.tables.changes.diff_tables`).
    """
    if "rankings" not in prepared.tables:
        return []
    return [_describe_one(prepared, i, e, iso3) for i, e, _y in _editions_in(prepared)]


def change_lines(prepared: Prepared) -> list[str]:
    """Rows added, changed and removed per table, for a preview."""
    lines: list[str] = []
    for kind, change in prepared.changes.items():
        c = change.counts()
        line = msg(
            "{table}: {added} added, {changed} changed, {removed} removed",
            table=kind,
            added=c["added"],
            changed=c["changed"],
            removed=c["removed"],
        )
        lines.append(line)
    return lines
