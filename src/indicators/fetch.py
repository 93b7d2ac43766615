"""Fetching RSF editions straight from RSF's site, checked before anything is written.

RSF serves every edition of the World Press Freedom Index at the same address,
``<base><YEAR>.csv`` (see ``shared/data/SOURCES.md``). There is no ``2011.csv``: the combined
2011-12 edition is ``2012.csv``. A fetch downloads each asked-for edition with a timeout and a
size cap, refuses HTML pages, empty bodies and files the RSF adapter cannot read, and returns
the files with a status per edition. Failures are returned as problems, never raised from the
download itself; :func:`fetch_and_prepare` raises them together, so a caller writes nothing
unless every edition arrived and parsed.

Only the standard library's ``urllib.request`` is used (no extra dependency). The timeout
applies to connecting and to each read of the answer.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from http.client import HTTPException
from typing import Protocol, TextIO

import pandas as pd

from indicators import reading
from indicators._values import is_missing
from indicators.adapters import ParseOptions
from indicators.embedded import open_default_store
from indicators.ingest import Prepared, commit, parse_file, prepare
from indicators.problems import Problem, ValidationFailed, problems_frame
from indicators.reading import SourceFile
from indicators.store.base import Store, StoreError
from indicators.store.factory import open_store
from indicators.views import UnknownCountry, resolve_countries_arg

DEFAULT_RSF_BASE = "https://rsf.org/sites/default/files/import_classement/"
BASE_ENV = "INDICATORS_RSF_BASE"
RSF_ADAPTER = "rsf_csv"
FIRST_EDITION = 2002
MISSING_YEAR = 2011  # RSF published one combined 2011-12 edition, served as 2012.csv
USER_AGENT = "indicators/0.1 (press-freedom indicators project; RSF edition fetcher)"
ALLOWED_SCHEMES = ("http", "https", "file")

_NO_2011 = (
    "there is no 2011 edition: RSF published one combined 2011-12 edition, served as 2012.csv; "
    "ask for 2012 (or 2011-12)"
)
# Columns whose old and new values a preview line shows; other changed columns are only named.
PUBLISHED_COLUMNS = ("rank", "n_ranked", "score")
_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


# -- which editions ----------------------------------------------------------------------------


def all_editions(today: date) -> list[int]:
    """Every edition RSF has published by ``today``'s year, as file years (no 2011)."""
    return [y for y in range(FIRST_EDITION, today.year + 1) if y != MISSING_YEAR]


def _check_year(year: int, today: date) -> None:
    if year < FIRST_EDITION:
        raise ValueError(f"edition {year} does not exist: RSF's index starts with {FIRST_EDITION}")
    if year > today.year:
        raise ValueError(
            f"edition {year} is in the future (this year is {today.year}); "
            "RSF publishes each edition in the spring of its year"
        )


def _parse_range(part: str, match: re.Match[str], today: date) -> list[int]:
    start, end_text = int(match.group(1)), match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end < start:
        raise ValueError(f"the range {part!r} ends before it starts")
    _check_year(start, today)
    _check_year(end, today)
    years = [y for y in range(start, end + 1) if y != MISSING_YEAR]
    if not years:
        raise ValueError(_NO_2011)
    return years


def _parse_part(part: str, today: date) -> list[int]:
    if part == "all":
        return all_editions(today)
    if _YEAR.match(part):
        year = int(part)
        if year == MISSING_YEAR:
            raise ValueError(_NO_2011)
        _check_year(year, today)
        return [year]
    match = _RANGE.match(part)
    if match:
        return _parse_range(part, match, today)
    raise ValueError(
        f"{part!r} is not an edition: use a year (2025), a range (2019-2022), a list "
        "(2019,2021-2022), 2011-12 for the combined edition, or all"
    )


def parse_editions(text: str, today: date) -> list[int]:
    """Turn '2025-2026', '2019,2021-2022', '2011-12' or 'all' into sorted file years.

    The combined 2011-12 edition is file year 2012; a range across 2011 skips it. 2011 alone,
    years before 2002 and years after ``today.year`` are refused with a ValueError.
    """
    cleaned = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    if not cleaned:
        raise ValueError("no editions given: use e.g. 2025-2026, 2019,2021 or all")
    years: set[int] = set()
    for raw in cleaned.split(","):
        part = raw.strip()
        if not part:
            raise ValueError(f"empty item in the list of editions {text!r}")
        years.update(_parse_part(part, today))
    return sorted(years)


# -- where they are ----------------------------------------------------------------------------


def resolve_base(base: str | None = None) -> str:
    """The base address: the argument, else $INDICATORS_RSF_BASE, else RSF's own."""
    chosen = base or os.environ.get(BASE_ENV) or DEFAULT_RSF_BASE
    return chosen.strip()


def edition_url(base: str, year: int) -> str:
    """The address of one edition's CSV under ``base``."""
    return base.rstrip("/") + f"/{year}.csv"


def file_name(year: int) -> str:
    """The name a fetched edition is recorded under."""
    return f"{year}.csv"


# -- downloading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionStatus:
    """What happened to one edition: fetched and readable, or why not."""

    year: int
    url: str
    ok: bool
    message: str
    size: int = 0
    sha256: str = ""


@dataclass
class FetchResult:
    """The files fetched (only when every edition succeeded) and a status per edition."""

    sources: list[SourceFile] = field(default_factory=list)
    statuses: list[EditionStatus] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every edition was fetched and parsed."""
        return not self.problems and bool(self.statuses)


class _FetchError(Exception):
    """One edition could not be fetched; carries the problem to report."""

    def __init__(self, problem: Problem, *, network: bool = False) -> None:
        super().__init__(problem.problem)
        self.problem = problem
        self.network = network  # the server could not be reached at all


class _Response(Protocol):
    """The part of an HTTP response that is read."""

    @property
    def headers(self) -> Message: ...

    def read(self, amt: int, /) -> bytes: ...


def _fail(year: int, text: str, fix: str = "", *, network: bool = False) -> _FetchError:
    return _FetchError(Problem(file_name(year), text, fix=fix), network=network)


def _request(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/csv"})


def _http_error(year: int, url: str, exc: urllib.error.HTTPError) -> _FetchError:
    if exc.code == 404:
        return _fail(
            year,
            f"RSF has not published edition {year} at {url} (HTTP 404 not found)",
            fix="check the year and the address (--base); RSF publishes each edition in the spring, around 3 May",
        )
    return _fail(
        year,
        f"the server answered HTTP {exc.code} ({exc.reason}) for {url}",
        fix="try again later; if it persists, check the address (--base)",
    )


def _network_error(year: int, url: str, reason: object, timeout: float) -> _FetchError:
    if isinstance(reason, TimeoutError):
        return _fail(
            year,
            f"no answer from {url} within {timeout:g} s (timed out)",
            fix="check the network connection and try again, or raise the timeout",
            network=True,
        )
    if isinstance(reason, ConnectionRefusedError):
        return _fail(
            year,
            f"the connection to {url} was refused: nothing is listening at that address",
            fix="check the address (--base) and the network connection",
            network=True,
        )
    return _fail(
        year,
        f"could not reach {url}: {reason}",
        fix="check the network connection and the address (--base)",
        network=True,
    )


def _read_capped(year: int, url: str, response: _Response) -> bytes:
    limit = reading.MAX_FILE_BYTES
    length = response.headers.get("Content-Length") if response.headers is not None else None
    if length and length.strip().isdigit() and int(length) > limit:
        raise _too_large(year, url, int(length))
    data = response.read(limit + 1)
    if len(data) > limit:
        raise _too_large(year, url, len(data))
    return data


def _too_large(year: int, url: str, size: int) -> _FetchError:
    return _fail(
        year,
        f"{url} is larger than the {reading.MAX_FILE_BYTES / 1e6:.0f} MB limit "
        f"(at least {size / 1e6:.1f} MB): it is not an RSF edition file",
        fix="check the address (--base)",
    )


def _download(year: int, url: str, timeout: float, opener: urllib.request.OpenerDirector) -> bytes:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise _fail(
            year,
            f"cannot fetch {url}: the address must start with http://, https:// or file://",
            fix="check --base or $" + BASE_ENV,
        )
    try:
        with opener.open(_request(url), timeout=timeout) as response:
            return _read_capped(year, url, response)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _http_error(year, url, exc) from exc
    except urllib.error.URLError as exc:
        raise _network_error(year, url, exc.reason, timeout) from exc
    except (TimeoutError, ConnectionError, HTTPException, OSError, ValueError) as exc:
        raise _network_error(year, url, exc, timeout) from exc


def _check_content(year: int, url: str, data: bytes) -> None:
    if not data.strip():
        raise _fail(
            year,
            f"{url} answered with an empty body instead of a CSV file",
            fix="try again later; RSF may be updating the file",
        )
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html")):
        raise _fail(
            year,
            f"{url} served an HTML web page, not a CSV file (the address may have moved, "
            "or the site showed an error or consent page)",
            fix="open the address in a browser to see what it serves; check --base",
        )


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
        data = _download(year, url, timeout, opener)
        _check_content(year, url, data)
        source = SourceFile(file_name(year), data)
        _check_parses(year, source, today)
    except _FetchError as exc:
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
    ``indicators.ingest.commit``) and one line per edition saying what was fetched.
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


# -- describing the change ---------------------------------------------------------------------


def _editions_in(prepared: Prepared) -> list[tuple[str, str, int]]:
    """(index, edition, edition_year) of every rankings edition in the prepared files."""
    seen: dict[tuple[str, str], int] = {}
    for _src, parsed in prepared.parsed:
        if parsed.kind != "rankings":
            continue
        cols = parsed.frame[["index", "edition", "edition_year"]].drop_duplicates()
        for index, edition, year in cols.itertuples(index=False):
            seen[(str(index), str(edition))] = int(year)
    return sorted(((i, e, y) for (i, e), y in seen.items()), key=lambda t: (t[2], t[0]))


def _rows(frame: pd.DataFrame, index: str, edition: str, iso3: str | None = None) -> pd.DataFrame:
    mask = (frame["index"] == index) & (frame["edition"] == edition)
    if iso3 is not None:
        mask &= frame["iso3"] == iso3
    return frame[mask]


def _fmt(value: object) -> str:
    if is_missing(value):
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _ranked(row: pd.Series) -> str:
    if is_missing(row["rank"]):
        return "not ranked"
    of = "" if is_missing(row["n_ranked"]) else f" of {int(row['n_ranked'])}"
    return f"rank {int(row['rank'])}{of}"


def _describe_one(prepared: Prepared, index: str, edition: str, iso3: str) -> str:
    merged = prepared.tables["rankings"]
    change = prepared.changes["rankings"]
    row = _rows(merged, index, edition, iso3)
    if row.empty:
        return f"{iso3} {edition}: not in this edition"
    first = row.iloc[0]
    label = f"{first['country']} {edition}"
    edition_rows = _rows(merged, index, edition)
    added = _rows(change.added, index, edition)
    if len(added) == len(edition_rows):
        return f"{label}: new edition, {_ranked(first)}"
    if not _rows(change.added, index, edition, iso3).empty:
        return f"{label}: new in this edition, {_ranked(first)}"
    cells = _rows(change.changed, index, edition, iso3)
    if cells.empty:
        return f"{label}: unchanged"
    return f"{label}: changed " + _changed_cells(cells)


def _changed_cells(cells: pd.DataFrame) -> str:
    """'rank 142 -> 141; score 39.3 -> 39.34 (also: position)': published values first."""
    records = cells.to_dict("records")
    by_column = {str(r["column"]): r for r in records}
    shown = [c for c in PUBLISHED_COLUMNS if c in by_column]
    parts = [f"{c} {_fmt(by_column[c]['old'])} -> {_fmt(by_column[c]['new'])}" for c in shown]
    others = sorted(c for c in by_column if c not in PUBLISHED_COLUMNS)
    text = "; ".join(parts) if parts else ""
    if others:
        text += (" (also: " if parts else "") + ", ".join(others) + (")" if parts else "")
    return text


def describe_new_editions(prepared: Prepared, iso3: str = "KAZ") -> list[str]:
    """One line per fetched edition on one country: new, unchanged or what changed.

    Compares the prepared rankings with the store's current ones through
    ``prepared.changes['rankings']`` (see :func:`indicators.store.changes.diff_tables`).
    """
    if "rankings" not in prepared.tables:
        return []
    return [_describe_one(prepared, i, e, iso3) for i, e, _y in _editions_in(prepared)]


def change_lines(prepared: Prepared) -> list[str]:
    """Rows added, changed and removed per table, for a preview."""
    lines = []
    for kind, change in prepared.changes.items():
        c = change.counts()
        lines.append(f"{kind}: {c['added']} added, {c['changed']} changed, {c['removed']} removed")
    return lines


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
