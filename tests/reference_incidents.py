"""The row-by-row incident builder: the reference the columnar ``build_incidents`` is checked
against (``tests/test_synthetic.py``). It lives in the tests only; the application has one
builder, :func:`indicators.sources.generic.incident_rows.build_incidents`.

Each row goes through :func:`indicators.sources.generic.incident_rowwise._one_incident`, the
row function the columnar builder itself uses for every row that raises a problem or leaves a
note; everything else here is the plain loop over the rows that the columnar plan replaces.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicators.problems import ValidationFailed
from indicators.sources.generic.incident_common import (
    RAW_FIELDS,
    Built,
    _RowContext,
    _rows_text,
    _text,
)
from indicators.sources.generic.incident_rowwise import _one_incident
from indicators.sources.reading import TextTable
from indicators.sources.reference import Reference, load_reference
from indicators.tables.conform import conform
from indicators.tables.incidents import INCIDENTS
from indicators.tables.vocab import vocabulary


def build_incidents_rowwise(
    raw: pd.DataFrame,
    table: TextTable,
    *,
    columns: dict[str, str],
    today: date,
    strict: bool,
    ref: Reference | None = None,
    id_prefix: str = "inc",
) -> Built:
    """Normalise raw incident cells (``RAW_FIELDS``) row by row: the reference implementation.

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
    return Built(
        conform(frame, INCIDENTS), [], notes
    )  # validated by the pipeline, as every adapter
