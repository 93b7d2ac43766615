"""The incidents table: one row per incident and statute.

An incident charged under two articles has two rows with the same ``incident_id``
(``statute_seq`` 1 and 2). Counts are always of distinct ``incident_id``.
"""

from __future__ import annotations

from indicators.tables.spec import (
    DATE_PRECISIONS,
    ISO3,
    ISO_DATE,
    Column,
    TableSpec,
    ge,
    in_range,
    isin,
    optional,
    provenance,
    str_length,
)

STATUTE_APPLIED_TO = ("target", "perpetrator")

INCIDENTS = TableSpec(
    name="incidents",
    columns=(
        Column("incident_id", check=str_length(1, 80)),
        Column("statute_seq", "Int64", check=ge(1)),
        Column("date", check=ISO_DATE),
        Column("date_precision", check=isin(DATE_PRECISIONS)),
        optional("date_as_written"),
        Column("year", "Int64", check=in_range(1900, 2100)),
        Column("country", check=ISO3),
        optional("region_code"),
        optional("region_name"),
        optional("place_as_written"),
        optional("target_name"),
        optional("target_type"),
        optional("outlet"),
        Column("incident_type"),
        optional("incident_type_as_written"),
        optional("statute_key"),
        optional("statute_category"),
        optional("statute_as_written"),
        optional("statute_applied_to", check=isin(STATUTE_APPLIED_TO)),
        optional("case_stage"),
        optional("summary"),
        Column("source_name"),
        optional("source_url"),
        Column("synthetic", "boolean"),
        *provenance(),
    ),
    row_keys=("incident_id", "statute_seq"),
    batch_keys=("incident_id",),
    replaces=(
        "a file adds incidents and updates those with the same id, all of their statute rows "
        "at once; a monthly file never deletes last month's incidents"
    ),
)
