"""Downloading one RSF edition: timeout, size cap, HTTP and network failures as problems.

Only the standard library's ``urllib.request`` is used (no extra dependency). The timeout
applies to connecting and to each read of the answer. Failures are raised as
:class:`FetchError` carrying the :class:`~indicators.problems.Problem` to report.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException
from typing import Protocol

from indicators.i18n import msg
from indicators.problems import Problem
from indicators.sources import reading
from indicators.sources.reading import SourceFile
from indicators.sources.rsf.fetch_years import BASE_ENV, file_name

USER_AGENT = "indicators/0.1 (press-freedom indicators project; RSF edition fetcher)"
ALLOWED_SCHEMES = ("http", "https", "file")


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


class FetchError(Exception):
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


def _fail(year: int, text: str, fix: str = "", *, network: bool = False) -> FetchError:
    return FetchError(Problem(file_name(year), text, fix=fix), network=network)


def _request(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/csv"})


def _http_error(year: int, url: str, exc: urllib.error.HTTPError) -> FetchError:
    if exc.code == 404:
        return _fail(
            year,
            msg(
                "RSF has not published edition {year} at {url} (HTTP 404 not found)",
                year=year,
                url=url,
            ),
            fix=msg(
                "check the year and the address (--base); RSF publishes each edition in the "
                "spring, around 3 May"
            ),
        )
    return _fail(
        year,
        msg(
            "the server answered HTTP {code} ({reason}) for {url}",
            code=exc.code,
            reason=str(exc.reason),
            url=url,
        ),
        fix=msg("try again later; if it persists, check the address (--base)"),
    )


def _network_error(year: int, url: str, reason: object, timeout: float) -> FetchError:
    if isinstance(reason, TimeoutError):
        return _fail(
            year,
            msg("no answer from {url} within {timeout:g} s (timed out)", url=url, timeout=timeout),
            fix=msg("check the network connection and try again, or raise the timeout"),
            network=True,
        )
    if isinstance(reason, ConnectionRefusedError):
        return _fail(
            year,
            msg(
                "the connection to {url} was refused: nothing is listening at that address",
                url=url,
            ),
            fix=msg("check the address (--base) and the network connection"),
            network=True,
        )
    return _fail(
        year,
        msg("could not reach {url}: {reason}", url=url, reason=str(reason)),
        fix=msg("check the network connection and the address (--base)"),
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


def _too_large(year: int, url: str, size: int) -> FetchError:
    return _fail(
        year,
        msg(
            "{url} is larger than the {limit:.0f} MB limit (at least {size:.1f} MB): "
            "it is not an RSF edition file",
            url=url,
            limit=reading.MAX_FILE_BYTES / 1e6,
            size=size / 1e6,
        ),
        fix=msg("check the address (--base)"),
    )


def download(year: int, url: str, timeout: float, opener: urllib.request.OpenerDirector) -> bytes:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise _fail(
            year,
            msg(
                "cannot fetch {url}: the address must start with http://, https:// or file://",
                url=url,
            ),
            fix=msg("check --base or ${variable}", variable=BASE_ENV),
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


def check_content(year: int, url: str, data: bytes) -> None:
    if not data.strip():
        raise _fail(
            year,
            msg("{url} answered with an empty body instead of a CSV file", url=url),
            fix=msg("try again later; RSF may be updating the file"),
        )
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html")):
        raise _fail(
            year,
            msg(
                "{url} served an HTML web page, not a CSV file (the address may have moved, "
                "or the site showed an error or consent page)",
                url=url,
            ),
            fix=msg("open the address in a browser to see what it serves; check --base"),
        )
