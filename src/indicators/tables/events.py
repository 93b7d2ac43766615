"""The events table: dated markers for the charts (elections, unrest, law changes, visits ...)."""

from __future__ import annotations

from indicators.tables.spec import (
    DATE_PRECISIONS,
    ISO3,
    ISO_DATE,
    Column,
    TableSpec,
    isin,
    optional,
    provenance,
    str_length,
)

EVENTS = TableSpec(
    name="events",
    columns=(
        Column("event_id", check=str_length(1, 80)),
        Column("country", check=ISO3),
        Column("date", check=ISO_DATE),
        Column("date_precision", check=isin(DATE_PRECISIONS)),
        optional("date_end", check=ISO_DATE),
        Column("title"),
        Column("kind"),
        optional("description"),
        optional("source_name"),
        optional("source_url"),
        *provenance(),
    ),
    row_keys=("event_id",),
    batch_keys=("event_id",),
    replaces="a file adds events and updates those with the same id, never deleting others",
)
