"""The reported_counts table: aggregate figures a monitor publishes (Adil Soz's monthly counts).

Kept apart from incident records and never added to them.
"""

from __future__ import annotations

from indicators.tables.spec import ISO3, ISO_DATE, Column, TableSpec, isin, optional, provenance

PERIOD_KINDS = ("month", "year", "year to date", "range", "day")
_ROW_KEYS = ("source_name", "country", "period_start", "period_end", "group", "measure")

REPORTED_COUNTS = TableSpec(
    name="reported_counts",
    columns=(
        Column("source_name"),
        Column("country", check=ISO3),
        Column("period_start", check=ISO_DATE),
        Column("period_end", check=ISO_DATE),
        Column("period_kind", check=isin(PERIOD_KINDS)),
        optional("group"),
        Column("measure"),
        Column("value", "Float64"),
        Column("unit"),
        optional("comparison_value", "Float64"),
        optional("comparison_period"),
        optional("source_url"),
        *provenance(),
    ),
    row_keys=_ROW_KEYS,
    batch_keys=_ROW_KEYS,
    replaces="each figure stands alone: a file adds figures and updates those it states again",
)
