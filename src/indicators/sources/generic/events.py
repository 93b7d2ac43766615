"""Event files: dated markers for the charts (elections, unrest, law changes, visits ...).

One row per event with a date (day, month or year; an optional end date for ranges), a title
and a kind from ``data/vocabularies/event_kinds.csv``. Headers in English or Russian.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from indicators.i18n import N_, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.columns import match_columns
from indicators.sources.generic.incident_rows import stable_id
from indicators.sources.normalisers.dates import ParsedDate, date_problem, parse_date
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.events import EVENTS
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
        found = match_columns(table, EVENT_ALIASES, options.mapping)
        missing = [f for f in ("date", "title", "kind") if f not in found]
        if missing:
            raise ValidationFailed(
                [
                    missing_columns_problem(
                        table.source.name, N_("events"), missing, table.frame.columns
                    )
                ]
            )
        rows = _EventRows(table, options, found)
        records = [
            event
            for pos, rec in enumerate(table.frame.to_dict("records"))
            if (event := rows.event(pos, rec)) is not None
        ]
        if rows.problems:
            raise ValidationFailed(rows.problems)
        out = conform(pd.DataFrame.from_records(records), EVENTS)
        return Parsed(
            "events", self.name, out, {"source": "events file"}, rows_read=len(table.frame)
        )


@dataclass
class _EventRows:
    """Reads one row after another into an event, collecting every row's problems."""

    table: TextTable
    options: ParseOptions
    found: dict[str, str]  # field -> the file's column
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kinds = vocabulary("event_kinds")
        self.index = self.options.country_index()

    def event(self, pos: int, rec: Mapping[Hashable, object]) -> dict[str, object] | None:
        """The canonical event of one row; None for an empty row or one that cannot be read."""
        cell = {f: str(rec[c]).strip() for f, c in self.found.items()}
        if not any(cell.values()):
            return None
        where = self.table.row_number(pos)
        start = self._date(cell, where)
        if start is None:
            return None
        end = parse_date(cell.get("date_end", "")) if cell.get("date_end") else None
        kind = self._kind(cell, where)
        entity = self.index.resolve(cell.get("country") or self.options.country or "")
        if entity is None:
            column = self.found.get("country", "country")
            self._problem(msg("unknown or missing country"), where, column, cell.get("country", ""))
            return None
        if not cell["title"]:
            self._problem(msg("the title is missing"), where, self.found["title"])
        return {
            "event_id": cell.get("id") or stable_id("ev", entity.iso3, start.start, cell["title"]),
            "country": entity.iso3,
            "date": start.start.isoformat(),
            "date_precision": start.precision,
            "date_end": end.start.isoformat() if end else None,
            "title": cell["title"],
            "kind": kind,
            "description": cell.get("description") or None,
            "source_name": cell.get("source_name") or self.options.source_name,
            "source_url": cell.get("source_url") or None,
            "source_file": self.table.source.name,
            "source_sha256": self.table.source.sha256,
            "source_row": where,
        }

    def _date(self, cell: dict[str, str], where: int) -> ParsedDate | None:
        """The row's date, or None after saying why it cannot be read."""
        text = cell["date"]
        parsed = parse_date(text)
        reason = date_problem(text, self.options.today) if text else msg("the date is missing")
        if parsed is None or reason:
            self._problem(reason or msg("not a date"), where, self.found["date"], text)
            return None
        return parsed

    def _kind(self, cell: dict[str, str], where: int) -> str | None:
        """The row's event kind from the vocabulary (a problem when it is not there)."""
        kind = self.kinds.resolve(cell["kind"])
        if kind is None:
            fix = msg("use one of: {values}", values=", ".join(self.kinds.values))
            self._problem(msg("unknown event kind"), where, self.found["kind"], cell["kind"], fix)

        return kind

    def _problem(self, problem: str, row: int, column: str, value: str = "", fix: str = "") -> None:
        self.problems.append(Problem(self.table.source.name, problem, row, column, value, fix))


ADAPTERS = [EventTable()]
