"""Incident files: an analyst's own CSV/XLSX (English or Russian headers) and Adil Soz's facts.

An incident file has one row per incident: a date, what happened, to whom or where, and
optionally the statute. Several statutes in one cell are separated by ``;``. Headers are
recognised from ``INCIDENT_ALIASES`` (documented in docs/incident-files.md); ``--map
field=column`` overrides. Analysts' files are checked strictly: an unknown statute number,
region or incident type is an error naming the row. Adil Soz's compiled file
(``shared/data/adilsoz/incidents.csv``) is a publisher's record we cannot correct, so what
does not resolve is kept as written and listed in the notes instead.
"""

from __future__ import annotations

import pandas as pd

from indicators.i18n import N_
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.columns import match_columns
from indicators.sources.countries import resolve_labels
from indicators.sources.generic.incident_rows import RAW_FIELDS, build_incidents
from indicators.sources.reading import TextTable

# fmt: off
INCIDENT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("incident_id", "id", "record id", "номер", "id инцидента"),
    "date": ("date", "incident date", "date of incident", "дата", "дата инцидента", "дата события"),
    "country": ("country", "iso3", "страна"),
    "place": ("region_or_city", "place", "region", "city", "location", "oblast",
              "место", "регион", "город", "область", "населенный пункт"),
    "target_name": ("target_name", "target", "name", "person", "victim", "journalist",
                    "имя", "фио", "пострадавший", "кто"),
    "target_type": ("target_type", "target type", "role", "тип цели", "роль", "кто пострадал"),
    "outlet": ("outlet", "media", "media outlet", "сми", "издание"),
    "incident_type": ("incident_type", "incident type", "type", "incident", "violation",
                      "тип нарушения", "нарушение", "вид нарушения", "что произошло", "тип"),
    "statute": ("statute", "statute key", "article", "статья", "статья закона"),
    "statute_as_written": ("statute_as_written", "charge", "charges", "обвинение", "формулировка"),
    "statute_applied_to": ("statute_applied_to", "applied to", "к кому применена статья"),
    "case_stage": ("case_stage", "stage", "outcome", "status", "стадия", "итог", "статус"),
    "summary": ("summary", "description", "details", "описание", "подробности", "суть"),
    "source_name": ("source_name", "source", "monitor", "источник"),
    "source_url": ("source_url", "url", "link", "ссылка"),
}
# fmt: on
ADILSOZ_COLUMNS = {"region_or_city", "statute_basis", "region_normalised", "statute_applied_to"}


def _raw(table: TextTable, found: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {f: table.frame[found[f]] if f in found else None for f in RAW_FIELDS},
        index=table.frame.index,
    )


def _resolve_country_column(
    table: TextTable,
    values: pd.Series,
    column: str,
    options: ParseOptions,
    places: pd.Series | None = None,
) -> tuple[pd.Series, list[str]]:
    """Codes or names to ISO3 (row-dependent labels read from the place), and notes on them.

    Every cell that names no known country, or a label its place does not settle, is a problem
    naming the row and the fix.
    """
    resolved = resolve_labels(
        values.tolist(), None if places is None else places.tolist(), options.country_index()
    )
    problems = [
        Problem(
            table.source.name,
            r.problem,
            table.row_number(pos),
            column,
            r.value,
            fix=r.fix or "",
        )
        for pos, r in enumerate(resolved)
        if r.problem
    ]
    if problems:
        raise ValidationFailed(problems)
    read: dict[str, int] = {}
    for r in resolved:
        if r.how:
            read[r.how] = read.get(r.how, 0) + 1
    out = [r.entity.iso3 if r.entity else None for r in resolved]
    notes = [f"{how} ({n} rows)" for how, n in read.items()]
    return pd.Series(out, index=values.index, dtype=object), notes


class IncidentTable:
    """An analyst's incident file: one row per incident, English or Russian headers."""

    name = "incidents_table"
    kind = "incidents"
    description = "Incident records (CSV/XLSX, English or Russian headers)"
    strict = True

    def sniff(self, table: TextTable) -> float:
        """Likely when a date, what happened, and who or where are all recognised."""
        found = match_columns(table, INCIDENT_ALIASES, {})
        core = "date" in found and ({"incident_type", "statute"} & set(found))
        who = {"target_name", "place", "outlet"} & set(found)
        return (
            0.7 if core and who and "title" not in {c.lower() for c in table.frame.columns} else 0.0
        )

    def defaults(self, options: ParseOptions) -> tuple[str | None, str | None]:
        """Country and source name for rows that do not give them."""
        return options.country, options.source_name

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Match columns, normalise every row, validate."""
        found = match_columns(table, INCIDENT_ALIASES, options.mapping)
        missing = [f for f in ("date", "incident_type") if f not in found]
        if missing:
            expected = [f"{f} (e.g. {', '.join(INCIDENT_ALIASES[f][:3])})" for f in missing]
            raise ValidationFailed(
                [
                    missing_columns_problem(
                        table.source.name, N_("incidents"), expected, table.frame.columns
                    )
                ]
            )
        raw = _raw(table, found)
        country, source_name = self.defaults(options)
        if country:
            raw["country"] = raw["country"].fillna(country) if "country" in found else country
        country_notes: list[str] = []
        if "country" in found:
            raw["country"], country_notes = _resolve_country_column(
                table,
                raw["country"],
                found["country"],
                options,
                raw["place"] if "place" in found else None,
            )
        if source_name:
            raw["source_name"] = (
                raw["source_name"].fillna(source_name) if "source_name" in found else source_name
            )
        columns = {**{f: f for f in RAW_FIELDS}, **found}
        built = build_incidents(
            raw,
            table,
            columns=columns,
            today=options.today,
            strict=self.strict,
            id_prefix=self.id_prefix(options),
        )
        notes = [*built.notes, *country_notes]
        if "statute_applied_to" not in found and built.frame["statute_key"].notna().any():
            notes.append("no statute_applied_to column: statutes taken as applied to the target")
        return Parsed(
            "incidents",
            self.name,
            built.frame,
            {
                "source": source_name or "incident file",
                "columns": ", ".join(f"{k}={v}" for k, v in found.items()),
            },
            notes=notes,
            rows_read=len(table.frame),
            rows_rejected=0,
        )

    def id_prefix(self, options: ParseOptions) -> str:
        """Prefix of generated incident ids."""
        return "inc"


class AdilSozIncidents(IncidentTable):
    """Facts compiled from Adil Soz's monthly monitoring of Kazakhstan (a sample, not a census)."""

    name = "adilsoz_incidents"
    description = "Adil Soz monitoring facts (shared/data/adilsoz/incidents.csv layout)"
    strict = False

    def sniff(self, table: TextTable) -> float:
        """Sure when the compiled file's own columns are present."""
        return 0.95 if set(table.frame.columns) >= ADILSOZ_COLUMNS else 0.0

    def defaults(self, options: ParseOptions) -> tuple[str | None, str | None]:
        """Every row is Kazakhstan, reported by Adil Soz."""
        return options.country or "KAZ", options.source_name or "Adil Soz"

    def id_prefix(self, options: ParseOptions) -> str:
        """Adil Soz ids are prefixed so they never collide with other monitors'."""
        return "adilsoz"


ADAPTERS = [IncidentTable(), AdilSozIncidents()]
