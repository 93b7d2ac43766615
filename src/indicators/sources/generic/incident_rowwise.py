"""One incident row normalised cell by cell: the row function that words problems and notes.

:func:`_one_incident` turns one row of raw cells into canonical rows (one per statute). The
columnar builder (``incident_rows.build_incidents``) sends here every row that raises a
problem or leaves a note, so problems and notes are always worded by this code. It is part of
the one builder, not a second one: the row-by-row reference builder the tests compare with
(every row through this function) lives in ``tests/reference_incidents.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from indicators.i18n import msg
from indicators.sources.generic.incident_common import (
    StatuteValues,
    _has_regions,
    _RowContext,
    _statute_matches,
    stable_id,
)
from indicators.sources.normalisers.dates import ParsedDate, date_problem, parse_date
from indicators.sources.normalisers.places import resolve_place
from indicators.tables.vocab import Vocabulary

Cells = dict[str, str | None]
Column = Callable[[str, str], str]


def _row_date(ctx: _RowContext, pos: int, cells: Cells, col: Column) -> ParsedDate | None:
    """The row's date, or None after recording why it is not one."""
    written_date = cells["date"]
    parsed = parse_date(written_date or "")
    reason = (
        date_problem(written_date or "", ctx.today) if written_date else msg("the date is missing")
    )
    if parsed is None or reason:
        ctx.error(
            pos,
            col("date", "date"),
            written_date,
            reason or msg("not a date"),
            msg("write the date as 2025-04-10, 10.04.2025, 2025-04 or 2025"),
        )
        return None
    return parsed


def _row_region(
    ctx: _RowContext, pos: int, place: str | None, country: str, on: date, col: Column
) -> tuple[str | None, str | None]:
    """(region code, region name) of the place where the country has regions."""
    if not (place and _has_regions(ctx.ref, country)):
        return None, None
    match = resolve_place(place, country, on, ctx.ref)
    if match.code:
        return match.code, match.name
    if ctx.strict:
        ctx.error(
            pos,
            col("place", "place"),
            place,
            msg("unknown region or place: {reason}", reason=match.reason),
            msg(
                "use a region or city name from data/reference/regions.csv or places.csv, "
                "or add the place there"
            ),
        )
    else:
        ctx.unresolved_note("place not resolved to a region", pos)
    return None, None


def _row_types(
    ctx: _RowContext, pos: int, cells: Cells, col: Column, types: Vocabulary, targets: Vocabulary
) -> tuple[str, str | None]:
    """(incident type, target type): unknown types are errors (strict) or kept as written."""
    itype = types.resolve(cells["incident_type"]) if cells["incident_type"] else None
    if itype is None:
        if ctx.strict and cells["incident_type"]:
            ctx.error(
                pos,
                col("incident_type", "incident_type"),
                cells["incident_type"],
                msg("unknown incident type"),
                msg("use a value from data/vocabularies/incident_types.csv"),
            )
        itype = "other"
    ttype = targets.resolve(cells["target_type"]) if cells["target_type"] else None
    if cells["target_type"] and ttype is None:
        ctx.unresolved_note(f"target type kept as written ({cells['target_type']})", pos)
        ttype = cells["target_type"]
    return itype, ttype


def _row_applied(ctx: _RowContext, pos: int, cells: Cells, col: Column) -> str | None:
    applied = (cells["statute_applied_to"] or "").lower() or None
    if applied not in (None, "target", "perpetrator"):
        ctx.error(
            pos,
            col("statute_applied_to", "statute_applied_to"),
            applied,
            msg("must be 'target' or 'perpetrator'"),
        )
    return applied


def _row_id(cells: Cells, id_prefix: str) -> str:
    """The row's own id with the prefix, else a stable id made from its cells."""
    if cells["id"]:
        return f"{id_prefix}-{cells['id']}"
    return stable_id(
        id_prefix,
        cells["source_name"],
        cells["date"],
        cells["target_name"],
        cells["incident_type"],
        cells["statute"],
        cells["statute_as_written"],
        cells["place"],
        cells["summary"],
        cells["source_url"],
    )


def _one_incident(
    ctx: _RowContext,
    pos: int,
    cells: Cells,
    columns: dict[str, str],
    types: Vocabulary,
    targets: Vocabulary,
    id_prefix: str,
) -> list[dict[str, object]]:
    col = columns.get
    parsed = _row_date(ctx, pos, cells, col)
    if parsed is None:
        return []
    country = cells["country"]
    if not country:
        ctx.error(
            pos,
            col("country", "country"),
            None,
            msg("the country is missing"),
            msg("add a country column or choose the country when uploading"),
        )
        return []
    on = parsed.start
    region_code, region_name = _row_region(ctx, pos, cells["place"], country, on, col)
    itype, ttype = _row_types(ctx, pos, cells, col, types, targets)
    statutes = _statutes(ctx, pos, cells, columns, country, on)
    applied = _row_applied(ctx, pos, cells, col)
    common = {
        "incident_id": _row_id(cells, id_prefix),
        "date": on.isoformat(),
        "date_precision": parsed.precision,
        "date_as_written": cells["date"],
        "year": on.year,
        "country": country,
        "region_code": region_code,
        "region_name": region_name,
        "place_as_written": cells["place"],
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
    return _per_statute(common, statutes, applied)


def _per_statute(
    common: Mapping[str, object], statutes: list[StatuteValues], applied: str | None
) -> list[dict[str, object]]:
    """One canonical row per statute (one row without a statute when there is none)."""
    return [
        {
            **common,
            "statute_seq": seq,
            "statute_key": key,
            "statute_category": category,
            "statute_as_written": written,
            "statute_applied_to": (applied or "target") if (key or written) else None,
        }
        for seq, (key, category, written) in enumerate(statutes or [(None, None, None)], start=1)
    ]


def _statutes(
    ctx: _RowContext,
    pos: int,
    cells: Cells,
    columns: dict[str, str],
    country: str,
    on: date,
) -> list[StatuteValues]:
    """(key, category, as written) for each statute in the row; errors for unknown numbers."""
    coded = cells["statute"]
    out: list[StatuteValues] = []
    for m, values in _statute_matches(coded, cells["statute_as_written"], country, on, ctx.ref):
        if m.key is None:
            if (coded and ctx.strict) or (coded and m.basis == "article number stated"):
                ctx.error(
                    pos,
                    columns.get("statute", "statute"),
                    m.written,
                    msg("unknown statute: {reason}", reason=m.reason),
                    msg(
                        "use a statute key or article from data/reference/statutes.csv, "
                        "or add it there"
                    ),
                )
            else:
                ctx.unresolved_note("statute not resolved (kept as written)", pos)
        out.append(values)
    return out
