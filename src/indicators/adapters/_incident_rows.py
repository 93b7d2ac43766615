"""Build canonical incident rows from raw cells: dates, places, statutes, vocabularies.

Shared by every incident adapter. Each adapter first finds its columns and produces a frame of
raw text in the fields below; this module normalises them and reports, row by row, what it
cannot resolve. In ``strict`` mode (a person's own file) an unresolved statute number, place,
or incident type is an error; in lenient mode (a publisher's export that we cannot correct) it
is kept as written, left unresolved and listed in the notes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.normalisers.dates import date_problem, parse_date
from indicators.normalisers.places import resolve_place
from indicators.normalisers.statutes import resolve_statutes
from indicators.problems import Problem, ValidationFailed
from indicators.reading import TextTable
from indicators.reference import Reference, load_reference
from indicators.schemas import INCIDENTS_COLUMNS, INCIDENTS_SCHEMA, conform, validate
from indicators.vocab import Vocabulary, vocabulary

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
        self.problems: list[Problem] = []
        self.unresolved: dict[str, list[int]] = {}

    def error(self, pos: int, column: str, value: object, problem: str, fix: str = "") -> None:
        self.problems.append(
            Problem(
                self.table.source.name,
                problem,
                self.table.row_number(pos),
                column,
                "" if value is None else str(value),
                fix,
            )
        )

    def unresolved_note(self, what: str, pos: int) -> None:
        rows = self.unresolved.setdefault(what, [])
        if self.table.row_number(pos) not in rows:
            rows.append(self.table.row_number(pos))


def build_incidents(
    raw: pd.DataFrame,
    table: TextTable,
    *,
    columns: dict[str, str],
    today: date,
    strict: bool,
    ref: Reference | None = None,
    id_prefix: str = "inc",
) -> Built:
    """Normalise raw incident cells (``RAW_FIELDS``) to canonical incident rows.

    ``columns`` maps each raw field to the file's column name, for error messages.
    """
    ctx = _RowContext(table, ref or load_reference(), today, strict)
    types, targets = vocabulary("incident_types"), vocabulary("target_types")
    records: list[dict[str, object]] = []
    for pos, row in enumerate(raw.to_dict("records")):
        cells = {k: _text(row.get(k)) for k in RAW_FIELDS}
        if not any(cells.values()):
            continue
        records.extend(_one_incident(ctx, pos, cells, columns, types, targets, id_prefix))
    if ctx.problems:
        raise ValidationFailed(ctx.problems)
    notes = [f"{what}: rows {_rows_text(rows)}" for what, rows in ctx.unresolved.items()]
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    canonical = validate(conform(frame, INCIDENTS_COLUMNS), INCIDENTS_SCHEMA, table.source.name)
    return Built(canonical, [], notes)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:20]))
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _one_incident(
    ctx: _RowContext,
    pos: int,
    cells: dict[str, str | None],
    columns: dict[str, str],
    types: Vocabulary,
    targets: Vocabulary,
    id_prefix: str,
) -> list[dict[str, object]]:
    col = columns.get
    written_date = cells["date"]
    parsed = parse_date(written_date or "")
    reason = date_problem(written_date or "", ctx.today) if written_date else "the date is missing"
    if parsed is None or reason:
        ctx.error(
            pos,
            col("date", "date"),
            written_date,
            reason or "not a date",
            "write the date as 2025-04-10, 10.04.2025, 2025-04 or 2025",
        )
        return []
    country = cells["country"]
    if not country:
        ctx.error(
            pos,
            col("country", "country"),
            None,
            "the country is missing",
            "add a country column or choose the country when uploading",
        )
        return []
    on = parsed.start
    region_code = region_name = None
    place = cells["place"]
    if place and _has_regions(ctx.ref, country):
        match = resolve_place(place, country, on, ctx.ref)
        if match.code:
            region_code, region_name = match.code, match.name
        elif ctx.strict:
            ctx.error(
                pos,
                col("place", "place"),
                place,
                f"unknown region or place: {match.reason}",
                "use a region or city name from data/reference/regions.csv or places.csv, "
                "or add the place there",
            )
        else:
            ctx.unresolved_note("place not resolved to a region", pos)
    itype = types.resolve(cells["incident_type"]) if cells["incident_type"] else None
    if itype is None:
        if ctx.strict and cells["incident_type"]:
            ctx.error(
                pos,
                col("incident_type", "incident_type"),
                cells["incident_type"],
                "unknown incident type",
                "use a value from data/vocabularies/incident_types.csv",
            )
        itype = "other"
    ttype = targets.resolve(cells["target_type"]) if cells["target_type"] else None
    if cells["target_type"] and ttype is None:
        ctx.unresolved_note(f"target type kept as written ({cells['target_type']})", pos)
        ttype = cells["target_type"]
    statutes = _statutes(ctx, pos, cells, columns, country, on)
    applied = (cells["statute_applied_to"] or "").lower() or None
    if applied not in (None, "target", "perpetrator"):
        ctx.error(
            pos,
            col("statute_applied_to", "statute_applied_to"),
            applied,
            "must be 'target' or 'perpetrator'",
        )
    base_id = cells["id"] or stable_id(
        id_prefix,
        cells["source_name"],
        written_date,
        cells["target_name"],
        cells["incident_type"],
        cells["statute"],
        cells["statute_as_written"],
        place,
        cells["summary"],
        cells["source_url"],
    )
    common = {
        "incident_id": base_id if not cells["id"] else f"{id_prefix}-{cells['id']}",
        "date": on.isoformat(),
        "date_precision": parsed.precision,
        "date_as_written": written_date,
        "year": on.year,
        "country": country,
        "region_code": region_code,
        "region_name": region_name,
        "place_as_written": place,
        "target_name": cells["target_name"],
        "target_type": ttype,
        "outlet": cells["outlet"],
        "incident_type": itype,
        "incident_type_as_written": cells["incident_type"],
        "case_stage": cells["case_stage"],
        "summary": cells["summary"],
        "source_name": cells["source_name"] or "unknown",
        "source_url": cells["source_url"],
        "synthetic": False,
        "source_file": ctx.table.source.name,
        "source_sha256": ctx.table.source.sha256,
        "source_row": ctx.table.row_number(pos),
    }
    out: list[dict[str, object]] = []
    for seq, (key, category, written) in enumerate(statutes or [(None, None, None)], start=1):
        out.append(
            {
                **common,
                "statute_seq": seq,
                "statute_key": key,
                "statute_category": category,
                "statute_as_written": written,
                "statute_applied_to": (applied or "target") if (key or written) else None,
            }
        )
    return out


def _has_regions(ref: Reference, country: str) -> bool:
    return bool((ref.regions["country"] == country).any())


def _statutes(
    ctx: _RowContext,
    pos: int,
    cells: dict[str, str | None],
    columns: dict[str, str],
    country: str,
    on: date,
) -> list[tuple[str | None, str | None, str | None]]:
    """(key, category, as written) for each statute in the row; errors for unknown numbers."""
    coded, written = cells["statute"], cells["statute_as_written"]
    text = coded or written
    if not text:
        return []
    category = ctx.ref.statutes.set_index("key")["category"]
    out: list[tuple[str | None, str | None, str | None]] = []
    for m in resolve_statutes(text, country, on, ctx.ref):
        if m.key is None:
            if (coded and ctx.strict) or (coded and m.basis == "article number stated"):
                ctx.error(
                    pos,
                    columns.get("statute", "statute"),
                    m.written,
                    f"unknown statute: {m.reason}",
                    "use a statute key or article from data/reference/statutes.csv, or add it there",
                )
            else:
                ctx.unresolved_note("statute not resolved (kept as written)", pos)
        shown = written if (coded and written) else m.written
        cat = category.get(m.key) if m.key else None
        out.append((m.key, None if cat is None else str(cat), shown))
    return out
