"""Fetching RSF editions over HTTP, against a local server only (nothing reaches the internet)."""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from indicators.cli.fetch import add_fetch_parser
from indicators.pipeline.commit import ingest
from indicators.pipeline.fetch import fetch_and_prepare, fetch_editions
from indicators.pipeline.fetch_preview import describe_new_editions
from indicators.pipeline.prepare import prepare
from indicators.problems import ValidationFailed
from indicators.sources import reading
from indicators.sources.reading import SourceFile
from indicators.sources.rsf import fetch
from indicators.sources.rsf.fetch import DEFAULT_RSF_BASE, edition_url, parse_editions, resolve_base
from indicators.store.local import LocalStore
from tests.conftest import shared_file

TODAY = date(2026, 7, 1)
TINY_TIMEOUT = 0.3
HANG_SECONDS = 1.5
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head></html>\n"
CHANGED_CSV = b"Land;Platz;Punkte;Jahr\nKAZ;149;34,41;2026\nNOR;1;92,72;2026\n"


@dataclass
class Server:
    """A running local HTTP server and the requests it received."""

    base: str
    requests: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)


class _Handler(SimpleHTTPRequestHandler):
    """Serves a folder, plus failure endpoints under /html/, /hang/, /slow/, /error/ ..."""

    server_record: Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _send(self, status: int, body: bytes, content_type: str = "text/csv") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _wrong_edition(self) -> None:
        self._send(200, (shared_file("rsf") / "2025.csv").read_bytes())

    def do_GET(self) -> None:
        """Answer failure endpoints by their prefix; serve files for everything else."""
        self.server_record.requests.append(self.path)
        self.server_record.agents.append(self.headers.get("User-Agent", ""))
        prefix = self.path.split("/")[1] if self.path.count("/") > 1 else ""
        try:
            if prefix == "html":
                self._send(200, HTML_PAGE, "text/html")
            elif prefix == "hang":
                time.sleep(HANG_SECONDS)
                self._send(200, b"too late")
            elif prefix == "slow":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"ISO;Rank")
                self.wfile.flush()
                time.sleep(HANG_SECONDS)
            elif prefix == "error":
                self._send(500, b"Internal Server Error", "text/plain")
            elif prefix == "empty":
                self._send(200, b"")
            elif prefix == "changed":
                self._send(200, CHANGED_CSV)
            elif prefix == "wrong":
                self._wrong_edition()
            else:
                super().do_GET()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)


def _serve(directory: Path) -> Iterator[Server]:
    record = Server("")
    handler = functools.partial(
        type("Handler", (_Handler,), {"server_record": record}), directory=str(directory)
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    record.base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield record
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on 127.0.0.1: no proxy from the environment, no base from it."""
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.delenv(fetch.BASE_ENV, raising=False)


@pytest.fixture
def server() -> Iterator[Server]:
    """A local server over the real RSF files, with the failure endpoints."""
    yield from _serve(shared_file("rsf"))


@pytest.fixture
def partial_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A local server over a folder that holds 2025.csv but not 2026.csv."""
    folder = tmp_path_factory.mktemp("rsf-partial")
    shutil.copy(shared_file("rsf") / "2025.csv", folder / "2025.csv")
    yield from _serve(folder)


@pytest.fixture
def closed_port() -> str:
    """A base address on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="indicators")
    add_fetch_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["fetch", "rsf", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_with(tmp_path: Path, *sources: SourceFile) -> LocalStore:
    store = LocalStore(tmp_path / "store")
    ingest(store, list(sources), user="test", message="seed")
    return store


def rsf_source(year: int) -> SourceFile:
    return SourceFile.from_path(shared_file("rsf") / f"{year}.csv")


# -- parse_editions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2025-2026", [2025, 2026]),
        ("2025", [2025]),
        ("2019,2021-2022", [2019, 2021, 2022]),
        ("2011-12", [2012]),
        ("2010-2013", [2010, 2012, 2013]),
        ("2025-26", [2025, 2026]),
        (" 2026 , 2025 ", [2025, 2026]),
        ("2024\u20132025", [2024, 2025]),
    ],
)
def test_parse_editions_valid(text: str, years: list[int]) -> None:
    """Years, ranges, lists and the combined 2011-12 edition become sorted file years."""
    assert parse_editions(text, TODAY) == years


def test_parse_editions_all() -> None:
    """'all' is 2002-2010 and 2012 to this year, without 2011."""
    years = parse_editions("all", TODAY)
    assert years == [*range(2002, 2011), *range(2012, 2027)]
    assert len(years) == 24


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2011", "2011-12 edition, served as 2012.csv"),
        ("2011-2011", "2012.csv"),
        ("2001", "starts with 2002"),
        ("1999-2003", "starts with 2002"),
        ("2027", "in the future"),
        ("2025-2027", "in the future"),
        ("2026-2025", "ends before it starts"),
        ("last year", "is not an edition"),
        ("2025,,2026", "empty item"),
        ("", "no editions given"),
    ],
)
def test_parse_editions_refused(text: str, message: str) -> None:
    """2011 alone, years outside 2002..this year and nonsense are refused with a clear message."""
    with pytest.raises(ValueError, match=message):
        parse_editions(text, TODAY)


def test_base_from_argument_env_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The base is the argument, else $INDICATORS_RSF_BASE, else RSF's address."""
    assert resolve_base(None) == DEFAULT_RSF_BASE
    monkeypatch.setenv(fetch.BASE_ENV, "http://127.0.0.1:9/mirror")
    assert resolve_base(None) == "http://127.0.0.1:9/mirror"
    assert resolve_base("http://127.0.0.1:8/x/") == "http://127.0.0.1:8/x/"
    assert edition_url("http://127.0.0.1:9/mirror", 2012) == "http://127.0.0.1:9/mirror/2012.csv"
    assert edition_url(DEFAULT_RSF_BASE, 2026).endswith("/import_classement/2026.csv")


# -- successful fetches ------------------------------------------------------------------------


def test_fetch_and_commit_into_empty_store(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--yes commits both editions: 360 rows, files recorded with the local files' SHA-256."""
    code, out, err = run_cli(
        capsys, "--editions", "2025-2026", "--base", server.base, "--store", str(tmp_path), "--yes"
    )
    assert code == 0, err
    assert "rankings: 360 added, 0 changed, 0 removed" in out
    assert "stored as version 1" in out
    store = LocalStore(tmp_path)
    assert len(store.table("rankings")) == 360
    files = {f["name"]: f["sha256"] for f in store.version(1).files}
    rsf = shared_file("rsf")
    assert files == {"2025.csv": sha256(rsf / "2025.csv"), "2026.csv": sha256(rsf / "2026.csv")}
    assert all("indicators" in agent for agent in server.agents)
    assert all(r.startswith("/") and r.endswith(".csv") for r in server.requests)


def test_preview_without_yes_writes_nothing(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --yes the preview is printed and the store folder stays empty."""
    code, out, _ = run_cli(
        capsys, "--editions", "2025-2026", "--base", server.base, "--store", str(tmp_path)
    )
    assert code == 0
    assert "rankings: 360 added" in out
    assert "Kazakhstan 2026: new edition, rank 149 of 180" in out
    assert "nothing written; run again with --yes to commit" in out
    assert list(tmp_path.iterdir()) == []


def test_new_edition_described_when_store_holds_2025(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With 2025 stored, 2026 is a new edition and 2025 is unchanged; the store is untouched."""
    store = store_with(tmp_path, rsf_source(2025))
    before = snapshot(store.root)
    code, out, _ = run_cli(
        capsys, "--editions", "2025-2026", "--base", server.base, "--store", str(store.root)
    )
    assert code == 0
    assert "Kazakhstan 2026: new edition, rank 149 of 180" in out
    assert "Kazakhstan 2025: unchanged" in out
    assert "rankings: 180 added, 0 changed, 0 removed" in out
    assert snapshot(store.root) == before


def test_changed_rank_described(tmp_path: Path) -> None:
    """A stored edition that differs from RSF's file is described as a changed rank."""
    text = rsf_source(2025).data.decode("cp1252")
    rows = [line.split(";") for line in text.split("\n")]
    scores = {cells[0]: cells[1] for cells in rows if cells[0] in ("KAZ", "HND")}
    lines = []
    for cells in rows:
        if cells[0] in ("KAZ", "HND"):  # ranks and scores swapped together: still in order
            cells[2] = {"KAZ": "142", "HND": "141"}[cells[0]]
            cells[1] = scores["HND" if cells[0] == "KAZ" else "KAZ"]
        lines.append(";".join(cells))
    altered = SourceFile("2025.csv", "\n".join(lines).encode("cp1252"))
    store = store_with(tmp_path, altered)
    prepared = prepare(store, [rsf_source(2025)])
    [line] = describe_new_editions(prepared)
    assert line.startswith("Kazakhstan 2025: changed rank 142 -> 141")
    assert describe_new_editions(prepared, "HND")[0].startswith("Honduras 2025: changed rank 141")


def test_fetch_and_prepare_returns_prepared_change(server: Server, tmp_path: Path) -> None:
    """fetch_and_prepare gives a Prepared change and one line per fetched file, writing nothing."""
    prepared, lines = fetch_and_prepare(LocalStore(tmp_path), [2012], base=server.base)
    assert [src.name for src, _ in prepared.parsed] == ["2012.csv"]
    assert len(prepared.tables["rankings"]) == 179
    assert lines[0].startswith(f"2012.csv: fetched {server.base}2012.csv")
    assert describe_new_editions(prepared) == ["Kazakhstan 2011-12: new edition, rank 154 of 179"]
    assert list(tmp_path.iterdir()) == []


# -- refusals and failures ---------------------------------------------------------------------


def test_2011_refused_before_any_request(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2011 alone is refused by the command line before any request is made."""
    code, _, err = run_cli(capsys, "--editions", "2011", "--base", server.base, "--yes")
    assert code == 2
    assert "2011-12 edition, served as 2012.csv" in err
    assert server.requests == []


def test_missing_edition_404(
    partial_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 404 names the edition and URL, exits 1 and writes nothing, not even the good edition."""
    code, out, err = run_cli(
        capsys,
        "--editions",
        "2025-2026",
        "--base",
        partial_server.base,
        "--store",
        str(tmp_path),
        "--yes",
    )
    assert code == 1
    url = f"{partial_server.base}2026.csv"
    assert f"RSF has not published edition 2026 at {url}" in err
    assert "nothing was written" in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_connection_refused(
    closed_port: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closed port gives 'connection refused', and later editions are not tried."""
    code, _, err = run_cli(
        capsys, "--editions", "2025-2026", "--base", closed_port, "--store", str(tmp_path), "--yes"
    )
    assert code == 1
    assert f"the connection to {closed_port}2025.csv was refused" in err
    assert "not tried" in err
    assert list(tmp_path.iterdir()) == []
    result = fetch_editions([2025, 2026], base=closed_port)
    assert [s.ok for s in result.statuses] == [False, False]
    assert result.statuses[1].message.startswith("not tried")
    assert result.sources == []


@pytest.mark.parametrize("endpoint", ["hang", "slow"])
def test_timeout(server: Server, endpoint: str) -> None:
    """A server that does not answer (or stops mid-file) within the timeout is reported."""
    started = time.monotonic()
    result = fetch_editions([2025], base=server.base + endpoint, timeout=TINY_TIMEOUT)
    assert time.monotonic() - started < HANG_SECONDS
    [problem] = result.problems
    assert f"no answer from {server.base}{endpoint}/2025.csv within 0.3 s (timed out)" in (
        problem.problem
    )
    assert not result.ok and result.sources == []


def test_html_page_refused(server: Server) -> None:
    """An HTML page served instead of the CSV is named as such."""
    result = fetch_editions([2025], base=server.base + "html", today=TODAY)
    [problem] = result.problems
    assert problem.file == "2025.csv"
    assert f"{server.base}html/2025.csv served an HTML web page, not a CSV file" in problem.problem


def test_server_error(server: Server) -> None:
    """HTTP 500 is reported with its status and URL."""
    [problem] = fetch_editions([2025], base=server.base + "error").problems
    assert (
        f"the server answered HTTP 500 (Internal Server Error) for {server.base}error/2025.csv"
        in (problem.problem)
    )


def test_empty_body(server: Server) -> None:
    """An empty answer is reported as an empty body."""
    [problem] = fetch_editions([2025], base=server.base + "empty").problems
    assert "answered with an empty body instead of a CSV file" in problem.problem


def test_changed_format_gives_adapter_message(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV in a changed format fails with the RSF adapter's expected and found columns."""
    code, _, err = run_cli(
        capsys,
        "--editions",
        "2026",
        "--base",
        server.base + "changed",
        "--store",
        str(tmp_path),
        "--yes",
    )
    assert code == 1
    assert "expected ISO, Rank N or Rank" in err
    assert "found 'Land', 'Platz', 'Punkte', 'Jahr'" in err
    assert list(tmp_path.iterdir()) == []


def test_wrong_edition_in_file(server: Server) -> None:
    """A file that holds another edition than its address says is refused."""
    [problem] = fetch_editions([2026], base=server.base + "wrong", today=TODAY).problems
    assert problem.problem == "the file at this address holds edition 2025, not 2026"


def test_size_cap(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file above the size limit is refused without being read whole."""
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    [problem] = fetch_editions([2025], base=server.base).problems
    assert "is larger than the" in problem.problem


def test_any_failure_returns_no_files(partial_server: Server, tmp_path: Path) -> None:
    """When one edition fails, no file is returned and fetch_and_prepare raises every problem."""
    result = fetch_editions([2025, 2026], base=partial_server.base)
    assert [s.ok for s in result.statuses] == [True, False]
    assert result.sources == []
    with pytest.raises(ValidationFailed) as caught:
        fetch_and_prepare(LocalStore(tmp_path), [2025, 2026], base=partial_server.base)
    assert "RSF has not published edition 2026" in caught.value.problems[0].problem
    assert list(tmp_path.iterdir()) == []


def test_unsupported_scheme() -> None:
    """A base that is not http, https or file is refused without a request."""
    [problem] = fetch_editions([2025], base="ftp://127.0.0.1/rsf/").problems
    assert "must start with http://, https:// or file://" in problem.problem


def test_file_base_works_offline(tmp_path: Path) -> None:
    """A file:// base reads a local mirror of RSF's folder, with the same checks."""
    base = shared_file("rsf").as_uri() + "/"
    result = fetch_editions([2002, 2012], base=base, today=TODAY)
    assert result.ok, result.problems
    assert [s.name for s in result.sources] == ["2002.csv", "2012.csv"]
    assert result.sources[1].sha256 == sha256(shared_file("rsf") / "2012.csv")


def test_download_stage_knows_nothing_of_later_stages() -> None:
    """sources/rsf/fetch.py downloads and checks files only: it imports nothing from the
    pipeline, the store, the queries or the command line (the check of what a file holds is
    pipeline/fetch.py's, handed in)."""
    tree = ast.parse(Path(fetch.__file__).read_text(encoding="utf-8"))
    later = ("indicators.pipeline", "indicators.store", "indicators.query", "indicators.cli")
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "indicators.sources.fetch_http" in imported  # the walk sees the imports
    assert not {m for m in imported if m.startswith(later)}
