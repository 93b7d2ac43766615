"""The ``indicators`` command line: ingest, validate, query and inspect the store.

Every command that reads files prints problems as a table (file, row, column, value, problem,
fix) and exits with status 1, leaving the store exactly as it was. Everything printed goes
through :func:`indicators.cli.terminal.safe_output`: no terminal control character from a file,
a title or a commit message reaches the terminal. ``--user`` is a label (the audit record
also holds the operating-system account). A full disk is one error line, nothing stored.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

import pandas as pd

from indicators.cli.brief import add_brief_parser
from indicators.cli.explain import add_explain_parser
from indicators.cli.fetch import add_fetch_parser
from indicators.cli.output import emit
from indicators.cli.store import USER_HELP, add_store_parsers, store_from_args
from indicators.cli.terminal import safe_output
from indicators.cli.users import add_users_parser
from indicators.pipeline.commit import ingest
from indicators.pipeline.extract import IngestOptions, given_edition, parse_files
from indicators.present.sentences import describe_claim
from indicators.problems import ValidationFailed, problems_frame
from indicators.query.aggregate import BY_COLUMNS, IncidentFilter, filter_incidents, incident_counts
from indicators.query.claims import match_claim
from indicators.query.views import UnknownCountry, rankings_listing, resolve_countries_arg
from indicators.sources.base import KINDS
from indicators.sources.normalisers.dates import parse_date
from indicators.sources.reading import SourceFile
from indicators.sources.reference import load_reference
from indicators.sources.registry import ADAPTERS
from indicators.store import StoreError
from indicators.store.audit import AuditError

FORMATS = ("table", "csv", "json")


class UsageError(ValueError):
    """A command-line value a person gave cannot be used; the message says why."""


def _report_problems(exc: ValidationFailed) -> int:
    frame = problems_frame(exc.problems)
    sys.stderr.write(f"{exc.total:,} problem(s) found; nothing was written.\n")
    with pd.option_context(
        "display.max_rows", 200, "display.width", 200, "display.max_colwidth", 90
    ):
        sys.stderr.write(frame.astype(object).fillna("").to_string(index=False) + "\n")
    return 1


@dataclass(frozen=True)
class ReadingOption:
    """A flag of ``ingest`` and ``validate``: the IngestOptions field it fills, and how."""

    flag: str
    field: str
    help: str
    read: Callable[[Any], Any] = lambda value: value
    argparse: Mapping[str, Any] = dc_field(default_factory=dict)


def _mapping(items: list[str] | None) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in items or []]
    for item, pair in zip(items or [], pairs, strict=True):
        if len(pair) != 2 or not pair[0].strip() or not pair[1]:
            raise UsageError(f"--map {item!r} is not FIELD=COLUMN (e.g. --map rank=Place)")
    return {field.strip(): column for field, column in pairs}


def _adapter(name: str | None) -> str | None:
    if name is not None and name not in {a.name for a in ADAPTERS}:
        known = ", ".join(a.name for a in ADAPTERS)
        raise UsageError(f"--adapter {name!r} is not an adapter; the adapters are: {known}")
    return name


def _country(text: str | None) -> str | None:
    return resolve_countries_arg([text])[0] if text else None


def _year(text: str | None) -> str | None:
    try:
        return given_edition(text) if text else None
    except ValueError as exc:
        raise UsageError(f"--year: {exc}") from None


READING_OPTIONS = (
    ReadingOption(
        "--kind",
        "kind",
        "what the files hold, when it cannot be told from their columns",
        argparse={"choices": list(KINDS)},
    ),
    ReadingOption("--adapter", "adapter", "force a source format by adapter name", _adapter),
    ReadingOption(
        "--map",
        "mapping",
        "explicit column mapping, e.g. --map rank=Place (repeatable)",
        _mapping,
        {"action": "append", "metavar": "FIELD=COLUMN"},
    ),
    ReadingOption("--index-id", "index_id", "index id for an analyst's own file"),
    ReadingOption(
        "--country",
        "country",
        "country of every row (ISO3 code or name), for files that hold one country's records",
        _country,
    ),
    ReadingOption(
        "--source-name", "source_name", "who published the records, if the file does not say"
    ),
    ReadingOption(
        "--year",
        "year",
        "the edition of every row, for a file that holds one edition and has no edition column",
        _year,
        {"metavar": "YEAR"},
    ),
)
"""Every reading flag, declared once: the parser is built from it and so are the options."""


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", help="CSV or XLSX files")
    for option in READING_OPTIONS:
        p.add_argument(option.flag, dest=option.field, help=option.help, **option.argparse)


def parse_options(args: argparse.Namespace) -> IngestOptions:
    """The options of ``ingest`` and ``validate``: every flag of READING_OPTIONS, read."""
    return IngestOptions(**{o.field: o.read(getattr(args, o.field)) for o in READING_OPTIONS})


def _sources(paths: Sequence[str]) -> list[SourceFile]:
    return [SourceFile.from_path(p) for p in paths]


def cmd_ingest(args: argparse.Namespace) -> int:
    """Validate files and store them as a new version."""
    store = store_from_args(args)
    prepared, version = ingest(
        store,
        _sources(args.files),
        user=args.user,
        message=args.message,
        options=parse_options(args),
        via="cli",
    )
    for src, parsed in prepared.parsed:
        detected = "; ".join(f"{k}: {v}" for k, v in parsed.detected.items())
        print(
            f"{src.name}: {parsed.kind} via {parsed.adapter}, {parsed.rows_read} rows read, "
            f"{len(parsed.frame)} kept ({detected})"
        )
    for kind, change in prepared.changes.items():
        c = change.counts()
        print(f"{kind}: {c['added']} added, {c['changed']} changed, {c['removed']} removed")
    for note in prepared.notes:
        print(f"note: {note}")
    print(f"stored as version {version.number} in {store.location}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run every check on files and report, writing nothing."""
    sources = _sources(args.files)
    for src, parsed in zip(sources, parse_files(sources, parse_options(args)), strict=True):
        print(
            f"{src.name}: OK, {parsed.kind} via {parsed.adapter}, {len(parsed.frame)} rows "
            f"({parsed.detected.get('format', '')})"
        )
    return 0


def cmd_rankings(args: argparse.Namespace) -> int:
    """Print the canonical normalised rankings table."""
    store = store_from_args(args)
    countries = resolve_countries_arg(args.country) if args.country else None
    view = rankings_listing(store.table("rankings"), countries, args.index)
    emit(view, args.format)
    return 0


def cmd_match_claim(args: argparse.Namespace) -> int:
    """Say which editions put a country at 'N of M'."""
    store = store_from_args(args)
    iso3 = resolve_countries_arg([args.country])[0]
    result = match_claim(store.table("rankings"), iso3, args.rank, args.of, args.index)
    print(describe_claim(result, args.country, args.rank, args.of))
    if result.holds:
        emit(result.matches, args.format)
    return 0 if result.holds else 3


INCIDENT_LIST_COLUMNS = [
    "date",
    "date_precision",
    "country",
    "region_name",
    "place_as_written",
    "target_name",
    "target_type",
    "incident_type",
    "statute_key",
    "statute_as_written",
    "source_name",
    "source_url",
    "incident_id",
]


def _date_arg(text: str | None, label: str) -> date | None:
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        raise UsageError(f"{label} {text!r} is not a date (use 2025-04-10, 2025-04 or 2025)")
    return parsed.start


def cmd_incidents(args: argparse.Namespace) -> int:
    """Count incidents by statute, region, period ... or list them."""
    store = store_from_args(args)
    country = resolve_countries_arg([args.country])[0] if args.country else None
    chosen = IncidentFilter(
        country=country,
        start=_date_arg(args.date_from, "--from"),
        end=_date_arg(args.date_to, "--to"),
    )
    rows = filter_incidents(store.table("incidents"), chosen)
    if not args.by:
        listing = rows.drop_duplicates("incident_id")[INCIDENT_LIST_COLUMNS].sort_values("date")
        emit(listing.reset_index(drop=True), args.format)
        return 0
    counts = incident_counts(rows, args.by)
    if "statute" in args.by:
        titles = load_reference().statutes.set_index("key")["title_en"]
        counts.insert(1, "statute_title", counts["statute_key"].map(titles))
    emit(counts, args.format)
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    """List events (the markers on every time chart)."""
    store = store_from_args(args)
    events = store.table("events")
    if args.country:
        events = events[events["country"] == resolve_countries_arg([args.country])[0]]
    columns = [
        "date",
        "date_precision",
        "date_end",
        "country",
        "kind",
        "title",
        "source_name",
        "source_url",
    ]
    emit(events.sort_values("date")[columns].reset_index(drop=True), args.format)
    return 0


def _with_store(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--store", help="store folder (default: the embedded default store)")
    return p


def _add_query_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """rankings, match-claim, incidents, events: reading the current version."""
    p = _with_store(sub.add_parser("rankings", help="the canonical normalised rankings"))
    p.add_argument("--country", action="append", help="ISO3 code or name (repeatable)")
    p.add_argument("--index", help="index id, e.g. rsf_wpfi")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_rankings)

    p = _with_store(sub.add_parser("match-claim", help="which editions match 'Nth of M'"))
    p.add_argument("--country", required=True)
    p.add_argument("--rank", type=int, required=True)
    p.add_argument("--of", type=int)
    p.add_argument("--index")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_match_claim)

    p = _with_store(sub.add_parser("incidents", help="incident counts (or the list of incidents)"))
    p.add_argument("--country", help="ISO3 code or name")
    p.add_argument(
        "--by",
        action="append",
        choices=sorted(BY_COLUMNS),
        help="count by this (repeatable: --by statute --by year)",
    )
    p.add_argument("--from", dest="date_from", help="first date (2022, 2022-01 or 2022-01-15)")
    p.add_argument("--to", dest="date_to", help="last date")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_incidents)

    p = _with_store(sub.add_parser("events", help="events: the markers on every time chart"))
    p.add_argument("--country", help="ISO3 code or name")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_events)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="indicators", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = _with_store(sub.add_parser("ingest", help="validate files and store a new version"))
    _add_reading_options(p)
    p.add_argument("--user", default=getpass.getuser(), help=USER_HELP)
    p.add_argument("--message", "-m", default="", help="what this change is")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("validate", help="check files, writing nothing")
    _add_reading_options(p)
    p.set_defaults(func=cmd_validate)
    _add_query_parsers(sub)
    add_store_parsers(sub, _with_store, FORMATS, getpass.getuser())
    add_fetch_parser(sub)
    add_users_parser(sub)
    add_brief_parser(sub, _with_store)
    add_explain_parser(sub, _with_store)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (no stack traces for expected errors)."""
    with safe_output():
        args = build_parser().parse_args(argv)
        try:
            return int(args.func(args))
        except ValidationFailed as exc:
            return _report_problems(exc)
        except (StoreError, UnknownCountry, UsageError, AuditError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            return 0
        except OSError as exc:  # a full disk, a folder that cannot be written: one line
            where = f" ({exc.filename})" if exc.filename else ""
            print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
