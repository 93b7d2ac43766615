"""What every step of the incident builder shares: raw fields, ids, the row context, lookups.

Used by the row function (``incident_rowwise``), the columnar plan (``incident_plan``) and
the builder in ``incident_rows`` (and by the tests' row-by-row reference builder).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pandas as pd

from indicators.problems import Problem, ProblemList
from indicators.sources.normalisers.statutes import StatuteMatch, resolve_statutes
from indicators.sources.reading import TextTable
from indicators.sources.reference import Reference

RAW_FIELDS = (
    "id",
    "date",
    "country",
    "place",
    "target_name",
    "target_type",
    "outlet",
    "incident_type",
    "statute",
    "statute_as_written",
    "statute_applied_to",
    "case_stage",
    "summary",
    "source_name",
    "source_url",
)

StatuteValues = tuple[str | None, str | None, str | None]  # key, category, as written


@dataclass
class Built:
    """Canonical rows, the problems (errors) and the notes (unresolved but accepted)."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def stable_id(prefix: str, *parts: object) -> str:
    """An id that stays the same when the same record is ingested again."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


class _RowContext:
    def __init__(self, table: TextTable, ref: Reference, today: date, strict: bool) -> None:
        self.table, self.ref, self.today, self.strict = table, ref, today, strict
        self.problems = ProblemList()
        self.unresolved: dict[str, list[int]] = {}

    def error(self, pos: int, column: str, value: object, problem: str, fix: str = "") -> None:
        # Past the listing cap only a count is kept: a million bad dates build no million objects.
        self.problems.add(
            self.table.source.name, problem, self.table.row_number(pos), column, value, fix
        )

    def unresolved_note(self, what: str, pos: int) -> None:
        rows = self.unresolved.setdefault(what, [])
        if self.table.row_number(pos) not in rows:
            rows.append(self.table.row_number(pos))


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:20]))
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


@lru_cache(maxsize=64)
def _has_regions(ref: Reference, country: str) -> bool:
    return bool((ref.regions["country"] == country).any())


@lru_cache(maxsize=16)
def _categories(ref: Reference) -> pd.Series:
    """Statute category by key (one Series per reference, not one per row)."""
    return ref.statutes.set_index("key")["category"]


def _statute_matches(
    coded: str | None, written: str | None, country: str, on: date, ref: Reference
) -> list[tuple[StatuteMatch, StatuteValues]]:
    """Each statute reference in the row, with its (key, category, as written) row values."""
    text = coded or written
    if not text:
        return []
    category = _categories(ref)
    out: list[tuple[StatuteMatch, StatuteValues]] = []
    for m in resolve_statutes(text, country, on, ref):
        shown = written if (coded and written) else m.written
        cat = category.get(m.key) if m.key else None
        out.append((m, (m.key, None if cat is None else str(cat), shown)))
    return out
