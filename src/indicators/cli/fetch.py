"""``indicators fetch rsf``: download RSF editions, preview the change, commit it with --yes.

Downloading is :mod:`indicators.sources.rsf.fetch`, preparing :mod:`indicators.pipeline.fetch`,
storing :func:`indicators.pipeline.commit.commit_fetch` (audited as action ``fetch``, via
``cli``). Problems are printed as a table and nothing is written.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date
from typing import TextIO

import pandas as pd

from indicators.pipeline.commit import commit_fetch
from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.fetch import fetch_and_prepare
from indicators.pipeline.fetch_preview import change_lines, describe_new_editions
from indicators.problems import Problem, ValidationFailed, problems_frame
from indicators.query.views import UnknownCountry, resolve_countries_arg
from indicators.sources.rsf.fetch import BASE_ENV, DEFAULT_RSF_BASE, parse_editions, resolve_base
from indicators.store.base import Store, StoreError
from indicators.store.factory import open_store


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
    return open_store(path) if path else open_default_store(via="cli")


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
    try:
        version = commit_fetch(
            store,
            prepared,
            base=base,
            editions=years,
            user=args.user,
            message=args.message,
            via="cli",
        )
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
