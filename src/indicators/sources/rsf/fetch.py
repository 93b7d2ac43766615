"""Fetching RSF editions straight from RSF's site, checked before anything is written.

RSF serves every edition of the World Press Freedom Index at the same address,
``<base><YEAR>.csv`` (see ``shared/data/SOURCES.md``). There is no ``2011.csv``: the combined
2011-12 edition is ``2012.csv``. A fetch downloads each asked-for edition with a timeout and a
size cap, refuses HTML pages, empty bodies and files the RSF adapter cannot read, and returns
the files with a status per edition. Failures are returned as problems, never raised from the
download itself; :func:`fetch_and_prepare` raises them together, so a caller writes nothing
unless every edition arrived and parsed.

The parts live beside this module: :mod:`indicators.sources.rsf.fetch_years` (which editions, where),
:mod:`indicators.sources.fetch_http` (downloading one edition) and :mod:`indicators.pipeline.fetch_preview`
(describing the change). Their public names are importable from here too.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TextIO

import pandas as pd

from indicators.pipeline.commit import commit
from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import parse_file
from indicators.pipeline.fetch_preview import PUBLISHED_COLUMNS, change_lines, describe_new_editions
from indicators.pipeline.prepare import Prepared, prepare
from indicators.problems import Problem, ValidationFailed, problems_frame
from indicators.query.views import UnknownCountry, resolve_countries_arg
from indicators.sources.fetch_http import (
    ALLOWED_SCHEMES,
    USER_AGENT,
    EditionStatus,
    FetchError,
    FetchResult,
    check_content,
    download,
)
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.rsf.fetch_years import (
    BASE_ENV,
    DEFAULT_RSF_BASE,
    FIRST_EDITION,
    MISSING_YEAR,
    all_editions,
    edition_url,
    file_name,
    parse_editions,
    resolve_base,
)
from indicators.store.base import Store, StoreError
from indicators.store.factory import open_store

__all__ = [
    "ALLOWED_SCHEMES",
    "BASE_ENV",
    "DEFAULT_RSF_BASE",
    "FIRST_EDITION",
    "MISSING_YEAR",
    "PUBLISHED_COLUMNS",
    "RSF_ADAPTER",
    "USER_AGENT",
    "EditionStatus",
    "FetchResult",
    "add_fetch_parser",
    "all_editions",
    "change_lines",
    "cmd_fetch_rsf",
    "describe_new_editions",
    "edition_url",
    "fetch_and_prepare",
    "fetch_editions",
    "file_name",
    "parse_editions",
    "print_problems",
    "resolve_base",
]

RSF_ADAPTER = "rsf_csv"


def _check_parses(year: int, source: SourceFile, today: date) -> None:
    """Raise ValidationFailed (the adapter's own problems) unless the file is edition ``year``."""
    parsed = parse_file(source, ParseOptions(adapter=RSF_ADAPTER, today=today))
    years = {int(y) for y in parsed.frame["edition_year"].dropna().unique()}
    if years != {year}:
        found = ", ".join(str(y) for y in sorted(years)) or "none"
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    f"the file at this address holds edition {found}, not {year}",
                    None,
                    "Year (N)",
                    found,
                    fix="check the address (--base)",
                )
            ]
        )


@dataclass(frozen=True)
class _Outcome:
    source: SourceFile | None
    status: EditionStatus
    problems: list[Problem]
    network_failure: bool = False


def _fetch_one(
    year: int,
    base: str,
    *,
    timeout: float,
    opener: urllib.request.OpenerDirector,
    today: date,
) -> _Outcome:
    """Fetch and check one edition; failures come back as problems, never as exceptions."""
    url = edition_url(base, year)
    try:
        data = download(year, url, timeout, opener)
        check_content(year, url, data)
        source = SourceFile(file_name(year), data)
        _check_parses(year, source, today)
    except FetchError as exc:
        status = EditionStatus(year, url, False, exc.problem.problem)
        return _Outcome(None, status, [exc.problem], exc.network)
    except ValidationFailed as exc:
        message = f"downloaded from {url} but cannot be read as an RSF edition"
        return _Outcome(None, EditionStatus(year, url, False, message), exc.problems)
    status = EditionStatus(year, url, True, f"fetched {url}", source.size, source.sha256)
    return _Outcome(source, status, [])


def _not_tried(years: Sequence[int], base: str) -> tuple[list[EditionStatus], Problem]:
    statuses = [
        EditionStatus(y, edition_url(base, y), False, "not tried after the network failure")
        for y in years
    ]
    listed = ", ".join(file_name(y) for y in years)
    problem = Problem(
        listed,
        "not tried: the server could not be reached for an earlier edition",
        fix="fix the network problem above and fetch again",
    )
    return statuses, problem


def fetch_editions(
    years: Sequence[int],
    *,
    base: str | None = None,
    timeout: float = 20.0,
    opener: urllib.request.OpenerDirector | None = None,
    today: date | None = None,
) -> FetchResult:
    """Download and check each edition; return all of them, or none plus every problem.

    Writes nothing. ``result.sources`` is empty unless every edition succeeded. When the
    server cannot be reached at all, the remaining editions are not tried (each would wait
    for the same timeout) and are listed as such.
    """
    chosen = resolve_base(base)
    director = opener or urllib.request.build_opener()
    day = today or date.today()
    result = FetchResult()
    if not years:
        result.problems.append(Problem("(editions)", "no editions were asked for"))
        return result
    sources: list[SourceFile] = []
    for position, year in enumerate(years):
        outcome = _fetch_one(year, chosen, timeout=timeout, opener=director, today=day)
        result.statuses.append(outcome.status)
        result.problems.extend(outcome.problems)
        if outcome.source is not None:
            sources.append(outcome.source)
        rest = years[position + 1 :]
        if outcome.network_failure and rest:
            statuses, problem = _not_tried(rest, chosen)
            result.statuses.extend(statuses)
            result.problems.append(problem)
            break
    if not result.problems:
        result.sources = sources
    return result


def fetch_and_prepare(
    store: Store,
    years: Sequence[int],
    *,
    base: str | None = None,
    timeout: float = 20.0,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[Prepared, list[str]]:
    """Fetch editions and prepare them against ``store`` (writing nothing).

    Returns the prepared change (preview ``prepared.changes``; then
    ``indicators.pipeline.commit.commit``) and one line per edition saying what was fetched.
    Raises ValidationFailed with every problem when any edition failed.
    """
    result = fetch_editions(years, base=base, timeout=timeout, opener=opener)
    if not result.ok:
        raise ValidationFailed(result.problems)
    prepared = prepare(store, result.sources, ParseOptions(adapter=RSF_ADAPTER))
    lines = [
        f"{file_name(s.year)}: {s.message} ({s.size:,} bytes, SHA-256 {s.sha256[:16]}…)"
        for s in result.statuses
    ]
    return prepared, lines


# -- command line ------------------------------------------------------------------------------


def print_problems(problems: Sequence[Problem], out: TextIO | None = None) -> None:
    """Write problems as a table (file, row, column, value, problem, fix)."""
    stream = out or sys.stderr
    frame = problems_frame(problems)
    stream.write(f"{len(frame)} problem(s) found; nothing was written.\n")
    with pd.option_context(
        "display.max_rows", 200, "display.width", 200, "display.max_colwidth", 110
    ):
        stream.write(frame.astype(object).fillna("").to_string(index=False) + "\n")


def _open_store(path: str | None) -> Store:
    return open_store(path) if path else open_default_store()


def _country(value: str) -> str:
    try:
        return resolve_countries_arg([value])[0]
    except UnknownCountry as exc:
        raise ValueError(str(exc)) from exc


def cmd_fetch_rsf(args: argparse.Namespace) -> int:
    """Fetch RSF editions, preview the change, and commit it only with --yes."""
    try:
        years = parse_editions(args.editions, date.today())
        iso3 = _country(args.country)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    base = resolve_base(args.base)
    try:
        store = _open_store(args.store)
        prepared, fetched = fetch_and_prepare(store, years, base=base, timeout=args.timeout)
    except ValidationFailed as exc:
        print_problems(exc.problems)
        return 1
    for line in [*fetched, *change_lines(prepared), *describe_new_editions(prepared, iso3)]:
        print(line)
    for note in prepared.notes:
        print(f"note: {note}")
    if not args.yes:
        print("nothing written; run again with --yes to commit")
        return 0
    names = ", ".join(file_name(y) for y in years)
    message = args.message or f"fetch RSF {names} from {base}"
    try:
        version = commit(
            store,
            prepared,
            user=args.user,
            message=message,
            details={"via": "fetch", "base": base, "editions": years},
        )  # audited by the store: the record is in the manifest, the line in the audit log
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"stored as version {version.number} in {store.location}")
    return 0


def add_fetch_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``indicators fetch rsf --editions ...`` to a command line's subcommands."""
    fetch = subparsers.add_parser("fetch", help="download publisher files (RSF) and ingest them")
    sources = fetch.add_subparsers(dest="source", required=True)
    p = sources.add_parser("rsf", help="RSF World Press Freedom Index editions from rsf.org")
    p.add_argument(
        "--editions",
        required=True,
        help="2025, 2025-2026, 2019,2021-2022, 2011-12 (the combined edition, 2012.csv) or all",
    )
    p.add_argument(
        "--base",
        help=f"address of the folder of <YEAR>.csv files (default: ${BASE_ENV} or {DEFAULT_RSF_BASE})",
    )
    p.add_argument("--store", help="store folder (default: the embedded default store)")
    p.add_argument("--yes", action="store_true", help="commit the change (default: preview only)")
    p.add_argument(
        "--user",
        default=getpass.getuser(),
        help="a label for who is fetching, recorded with the change (the audit record also "
        "holds the operating-system account)",
    )
    p.add_argument("--message", "-m", default="", help="what this change is")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the server")
    p.add_argument("--country", default="KAZ", help="country to describe in the preview")
    p.set_defaults(func=cmd_fetch_rsf)
