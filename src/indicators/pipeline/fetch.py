"""Fetch: RSF editions downloaded, each read as the edition it should be, and prepared.

The download is :mod:`indicators.sources.rsf.fetch`'s; here each downloaded file is read by
the RSF adapter with every check an ingest runs (:func:`check_edition`), and the editions are
prepared against the store as one change, writing nothing. Storing that change is
:func:`indicators.pipeline.commit.commit_fetch` (action ``fetch``); describing it is
:mod:`indicators.pipeline.fetch_preview`.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Sequence
from datetime import date

from indicators.i18n import msg
from indicators.pipeline.extract import parse_file
from indicators.pipeline.prepare import Prepared, prepare
from indicators.problems import Problem, ValidationFailed
from indicators.sources.fetch_http import FetchResult
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.rsf.fetch import RSF_ADAPTER, download_editions, file_name
from indicators.store.base import Store


def check_edition(year: int, source: SourceFile, today: date) -> None:
    """Raise ValidationFailed (the adapter's own problems) unless the file is edition ``year``."""
    parsed = parse_file(source, ParseOptions(adapter=RSF_ADAPTER, today=today))
    years = {int(y) for y in parsed.frame["edition_year"].dropna().unique()}
    if years != {year}:
        found = ", ".join(str(y) for y in sorted(years)) or msg("none")
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    msg(
                        "the file at this address holds edition {found}, not {year}",
                        found=found,
                        year=year,
                    ),
                    None,
                    "Year (N)",
                    found,
                    fix=msg("check the address (--base)"),
                )
            ]
        )


def fetch_editions(
    years: Sequence[int],
    *,
    base: str | None = None,
    timeout: float = 20.0,
    opener: urllib.request.OpenerDirector | None = None,
    today: date | None = None,
) -> FetchResult:
    """Download each edition and read it as that edition; all of them, or none plus every
    problem (see :func:`indicators.sources.rsf.fetch.download_editions`). Writes nothing."""
    day = today or date.today()
    return download_editions(
        years,
        base=base,
        timeout=timeout,
        opener=opener,
        check=lambda year, source: check_edition(year, source, day),
    )


def prepare_fetched(store: Store, sources: Sequence[SourceFile]) -> Prepared:
    """Prepare fetched RSF files against ``store`` (again, after the store moved)."""
    return prepare(store, sources, ParseOptions(adapter=RSF_ADAPTER))


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
    :func:`indicators.pipeline.commit.commit_fetch`) and one line per edition saying what was
    fetched. Raises ValidationFailed with every problem when any edition failed.
    """
    result = fetch_editions(years, base=base, timeout=timeout, opener=opener)
    if not result.ok:
        raise ValidationFailed(result.problems)
    prepared = prepare_fetched(store, result.sources)
    lines: list[str] = [
        msg(
            "{file}: {status} ({size:,} bytes, SHA-256 {sha256}…)",
            file=file_name(s.year),
            status=s.message,
            size=s.size,
            sha256=s.sha256[:16],
        )
        for s in result.statuses
    ]
    return prepared, lines
