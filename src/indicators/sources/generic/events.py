"""Event files: dated markers for the charts (elections, unrest, law changes, visits ...).

One row per event with a date (day, month or year; an optional end date for ranges), a title
and a kind from ``data/vocabularies/event_kinds.csv``. Headers in English or Russian.
"""

from __future__ import annotations

import pandas as pd

from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.columns import match_columns
from indicators.sources.generic.incident_rows import stable_id
from indicators.sources.normalisers.dates import date_problem, parse_date
from indicators.sources.reading import TextTable
from indicators.tables.schemas import EVENTS_COLUMNS, EVENTS_SCHEMA, conform, validate
from indicators.tables.vocab import vocabulary

# fmt: off
EVENT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("event_id", "id"),
    "date": ("date", "date_start", "start", "start date", "дата", "дата начала"),
    "date_end": ("date_end", "end", "end date", "дата окончания"),
    "country": ("country", "iso3", "страна"),
    "title": ("title", "event", "name", "событие", "название"),
    "kind": ("kind", "type", "category", "тип", "вид", "категория"),
    "description": ("description", "details", "summary", "описание"),
    "source_name": ("source_name", "source", "источник"),
    "source_url": ("source_url", "url", "link", "ссылка"),
}
# fmt: on


class EventTable:
    """A file of events with date, title and kind."""

    name = "events_table"
    kind = "events"
    description = "Events (CSV/XLSX): date, title, kind, description, source"

    def sniff(self, table: TextTable) -> float:
        """Likely when date, title and kind are recognised."""
        found = match_columns(table, EVENT_ALIASES, {})
        return 0.75 if {"date", "title", "kind"} <= set(found) else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Parse dates and kinds row by row; every problem is reported at once."""
        name = table.source.name
        found = match_columns(table, EVENT_ALIASES, options.mapping)
        missing = [f for f in ("date", "title", "kind") if f not in found]
        if missing:
            raise ValidationFailed(
                [missing_columns_problem(name, "events", missing, table.frame.columns)]
            )
        kinds = vocabulary("event_kinds")
        index = options.country_index()
        problems: list[Problem] = []
        rows = []
        frame = table.frame
        for pos, rec in enumerate(frame.to_dict("records")):
            cell = {f: str(rec[c]).strip() for f, c in found.items()}
            if not any(cell.values()):
                continue
            where = table.row_number(pos)
            parsed = parse_date(cell["date"])
            reason = (
                date_problem(cell["date"], options.today) if cell["date"] else "the date is missing"
            )
            if parsed is None or reason:
                problems.append(
                    Problem(name, reason or "not a date", where, found["date"], cell["date"])
                )
                continue
            end = parse_date(cell.get("date_end", "")) if cell.get("date_end") else None
            kind = kinds.resolve(cell["kind"])
            if kind is None:
                problems.append(
                    Problem(
                        name,
                        "unknown event kind",
                        where,
                        found["kind"],
                        cell["kind"],
                        "use one of: " + ", ".join(kinds.values),
                    )
                )
            entity = index.resolve(cell.get("country") or options.country or "")
            if entity is None:
                problems.append(
                    Problem(
                        name,
                        "unknown or missing country",
                        where,
                        found.get("country", "country"),
                        cell.get("country", ""),
                    )
                )
                continue
            if not cell["title"]:
                problems.append(Problem(name, "the title is missing", where, found["title"]))
            rows.append(
                {
                    "event_id": cell.get("id")
                    or stable_id("ev", entity.iso3, parsed.start, cell["title"]),
                    "country": entity.iso3,
                    "date": parsed.start.isoformat(),
                    "date_precision": parsed.precision,
                    "date_end": end.start.isoformat() if end else None,
                    "title": cell["title"],
                    "kind": kind,
                    "description": cell.get("description") or None,
                    "source_name": cell.get("source_name") or options.source_name,
                    "source_url": cell.get("source_url") or None,
                    "source_file": name,
                    "source_sha256": table.source.sha256,
                    "source_row": where,
                }
            )
        if problems:
            raise ValidationFailed(problems)
        out = validate(
            conform(pd.DataFrame.from_records(rows), EVENTS_COLUMNS), EVENTS_SCHEMA, name
        )
        return Parsed("events", self.name, out, {"source": "events file"}, rows_read=len(frame))


ADAPTERS = [EventTable()]
