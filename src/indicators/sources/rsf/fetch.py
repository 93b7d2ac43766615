"""Downloading RSF editions straight from RSF's site, each checked before it is returned.

RSF serves every edition of the World Press Freedom Index at the same address,
``<base><YEAR>.csv`` (see ``shared/data/SOURCES.md``). There is no ``2011.csv``: the combined
2011-12 edition is ``2012.csv``. :func:`download_editions` downloads each asked-for edition
with a timeout and a size cap, refuses HTML pages and empty bodies, runs the caller's check of
what the file holds (:func:`indicators.pipeline.fetch.check_edition`: the RSF adapter reads
it, as that edition), and returns the files with a status per edition. Failures are returned
as problems, never raised. Nothing here writes, and nothing here knows the store.

The parts live beside this module: :mod:`indicators.sources.rsf.fetch_years` (which editions,
where) and :mod:`indicators.sources.fetch_http` (downloading one edition); their public names
are importable from here too. The next stages: :mod:`indicators.pipeline.fetch` (fetch and
prepare the change), :mod:`indicators.pipeline.commit` (store it), :mod:`indicators.cli.fetch`
(``indicators fetch rsf``).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
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

__all__ = [
    "ALLOWED_SCHEMES",
    "BASE_ENV",
    "DEFAULT_RSF_BASE",
    "FIRST_EDITION",
    "MISSING_YEAR",
    "RSF_ADAPTER",
    "USER_AGENT",
    "EditionCheck",
    "EditionStatus",
    "FetchResult",
    "all_editions",
    "download_editions",
    "edition_url",
    "file_name",
    "parse_editions",
    "resolve_base",
]

RSF_ADAPTER = "rsf_csv"

EditionCheck = Callable[[int, SourceFile], None]
"""A check of a downloaded file: raises ValidationFailed unless it is a readable edition YEAR."""


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
    check: EditionCheck | None,
) -> _Outcome:
    """Fetch and check one edition; failures come back as problems, never as exceptions."""
    url = edition_url(base, year)
    try:
        data = download(year, url, timeout, opener)
        check_content(year, url, data)
        source = SourceFile(file_name(year), data)
        if check is not None:
            check(year, source)
    except FetchError as exc:
        status = EditionStatus(year, url, False, exc.problem.problem)
        return _Outcome(None, status, [exc.problem], exc.network)
    except ValidationFailed as exc:
        message = msg("downloaded from {url} but cannot be read as an RSF edition", url=url)
        return _Outcome(None, EditionStatus(year, url, False, message), exc.problems)
    status = EditionStatus(
        year, url, True, msg("fetched {url}", url=url), source.size, source.sha256
    )
    return _Outcome(source, status, [])


def _not_tried(years: Sequence[int], base: str) -> tuple[list[EditionStatus], Problem]:
    statuses = [
        EditionStatus(y, edition_url(base, y), False, msg("not tried after the network failure"))
        for y in years
    ]
    listed = ", ".join(file_name(y) for y in years)
    problem = Problem(
        listed,
        msg("not tried: the server could not be reached for an earlier edition"),
        fix=msg("fix the network problem above and fetch again"),
    )
    return statuses, problem


def download_editions(
    years: Sequence[int],
    *,
    base: str | None = None,
    timeout: float = 20.0,
    opener: urllib.request.OpenerDirector | None = None,
    check: EditionCheck | None = None,
) -> FetchResult:
    """Download and check each edition; return all of them, or none plus every problem.

    Writes nothing. ``result.sources`` is empty unless every edition succeeded. ``check``
    is run on each downloaded file (its ValidationFailed becomes that edition's problems).
    When the server cannot be reached at all, the remaining editions are not tried (each
    would wait for the same timeout) and are listed as such.
    """
    chosen = resolve_base(base)
    director = opener or urllib.request.build_opener()
    result = FetchResult()
    if not years:
        result.problems.append(Problem("(editions)", msg("no editions were asked for")))

        return result
    sources: list[SourceFile] = []
    for position, year in enumerate(years):
        outcome = _fetch_one(year, chosen, timeout=timeout, opener=director, check=check)
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
