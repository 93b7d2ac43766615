"""Build canonical incident rows from raw cells: dates, places, statutes, vocabularies.

Shared by every incident adapter. Each adapter first finds its columns and produces a frame of
raw text in the fields below; this module normalises them and reports, row by row, what it
cannot resolve. In ``strict`` mode (a person's own file) an unresolved statute number, place,
or incident type is an error; in lenient mode (a publisher's export that we cannot correct) it
is kept as written, left unresolved and listed in the notes.

:func:`build_incidents` (what adapters call) is the one builder: the cells are stripped as
whole columns, and dates, places, statute references and vocabulary words are resolved once
per *distinct* value (places and statutes once per distinct value and *date class*, see
:func:`_date_classes`), then mapped back to the rows. Any row that would raise a problem or
leave a note (an unknown statute, place or type, a bad date, a missing country) goes through
the row function :func:`~indicators.sources.generic.incident_rowwise._one_incident`, so
problems and notes are always worded by that one code. The row-by-row reference builder
(every row through ``_one_incident``) lives in the tests only (``tests/reference_incidents.py``);
``tests/test_synthetic.py`` checks that both give the same frame, notes and problems.

The steps live in ``incident_common`` (raw fields, ids, the row context),
``incident_rowwise`` (one row, cell by cell), ``incident_columns`` (Arrow columns, codes,
date classes) and ``incident_plan`` (the columnar plan); every name is importable from here.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators.problems import ValidationFailed
from indicators.sources.generic.incident_columns import (
    _NONE,
    PLACE_TABLES,
    STATUTE_TABLES,
    WHITESPACE,
    _boundaries,
    _canonical,
    _date_classes,
    _encode,
    _resolve_once,
    _row_numbers,
    _take,
    _text_column,
)
from indicators.sources.generic.incident_common import (
    RAW_FIELDS,
    Built,
    _categories,
    _has_regions,
    _RowContext,
    _rows_text,
    _statute_matches,
    _text,
    stable_id,
)
from indicators.sources.generic.incident_plan import _Plan
from indicators.sources.generic.incident_rowwise import _one_incident, _statutes
from indicators.sources.reading import TextTable
from indicators.sources.reference import Reference, load_reference
from indicators.tables.conform import conform
from indicators.tables.incidents import INCIDENTS
from indicators.tables.vocab import vocabulary

__all__ = [
    "PLACE_TABLES",
    "RAW_FIELDS",
    "STATUTE_TABLES",
    "WHITESPACE",
    "_NONE",
    "Built",
    "_Plan",
    "_RowContext",
    "_boundaries",
    "_canonical",
    "_categories",
    "_date_classes",
    "_encode",
    "_has_regions",
    "_one_incident",
    "_resolve_once",
    "_row_numbers",
    "_rows_text",
    "_statute_matches",
    "_statutes",
    "_take",
    "_text",
    "_text_column",
    "build_incidents",
    "stable_id",
]


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

    Computed column by column: each distinct date, place, statute reference and vocabulary
    word is resolved once; rows with a problem or a note go through ``_one_incident``. The
    same rows, notes and problems as the row-by-row reference in ``tests/reference_incidents.py``
    (tested). ``columns`` maps each raw field to the file's column name, for messages.
    """
    ctx = _RowContext(table, ref or load_reference(), today, strict)
    types, targets = vocabulary("incident_types"), vocabulary("target_types")
    cells = {k: _text_column(raw[k] if k in raw.columns else None, len(raw)) for k in RAW_FIELDS}
    keep = np.zeros(len(raw), dtype=bool)
    for arr in cells.values():
        keep |= arr.is_valid().to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(keep)
    mask = pa.array(keep)
    kept = {k: arr.filter(mask) for k, arr in cells.items()}
    plan = _Plan(kept, ctx, types, targets)
    slow = positions[plan.slow]
    records: list[dict[str, object]] = []
    record_pos: list[int] = []
    for pos in slow.tolist():
        row = {k: cells[k][pos].as_py() for k in RAW_FIELDS}
        found = _one_incident(ctx, pos, row, columns, types, targets, id_prefix)
        records.extend(found)
        record_pos.extend([pos] * len(found))
    if ctx.problems:
        raise ValidationFailed(ctx.problems)
    notes = [f"{what}: rows {_rows_text(rows)}" for what, rows in ctx.unresolved.items()]
    fast = plan.frame(positions, id_prefix)
    if records:
        slow_frame = conform(pd.DataFrame.from_records(records), INCIDENTS)
        order = np.lexsort(
            (
                np.concatenate(
                    [fast["statute_seq"].to_numpy(int), slow_frame["statute_seq"].to_numpy(int)]
                ),
                np.concatenate([plan.exploded_positions, np.array(record_pos, dtype=np.int64)]),
            )
        )
        frame = pd.concat([fast, slow_frame], ignore_index=True).take(order)
        frame = frame.reset_index(drop=True)
    else:
        frame = fast
    return Built(frame, [], notes)
