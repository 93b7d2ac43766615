"""A throwaway PostgreSQL server for the tests, and a fresh database for each test.

Where the server comes from, in order:

1. ``$INDICATORS_TEST_DATABASE_URL``: an existing server (its user should be allowed to
   create databases; otherwise each test gets a schema of its own instead);
2. Debian's binaries (``/usr/lib/postgresql/*/bin/initdb``): a temporary cluster, created with
   ``initdb`` as the ``postgres`` user when running as root, listening on a free loopback port
   with its socket in the temporary folder, password-protected, stopped and removed at the end
   of the session;
3. otherwise the tests that need it skip with the reason, and fail in CI (``$CI`` set).

Use in a test module (pytest finds fixtures by their ``name``)::

    from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401

CI runs the whole test run with one server up (started before, stopped after, whatever
happens), handing it to the tests through ``$INDICATORS_TEST_DATABASE_URL``::

    .venv/bin/python -m tests.pg run -- make test
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

TEST_URL_ENV = "INDICATORS_TEST_DATABASE_URL"
OS_USER = "postgres"
_names = itertools.count(1)


@dataclass
class Server:
    """A running temporary cluster."""

    bin_dir: Path
    folder: Path
    url: str

    @property
    def data(self) -> Path:
        return self.folder / "data"


_server: Server | None = None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; in CI .ci/run must apt-get install postgresql")
    pytest.skip(reason)


def find_binaries() -> Path | None:
    """The newest Debian PostgreSQL bin folder that has initdb and pg_ctl, if any."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    found = [p for p in found if (p / "pg_ctl").exists()]
    return found[-1] if found else None


def _as_server_user(cmd: list[str]) -> list[str]:
    """Run as the postgres OS user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", OS_USER, "--", *cmd]
    return ["su", OS_USER, "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _as_server_user(cmd), cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(bin_dir: Path) -> Server:
    """initdb a cluster in a new temporary folder and start it on a free loopback port."""
    folder = Path(tempfile.mkdtemp(prefix="indicators-pg-"))
    password = secrets.token_hex(16)
    (folder / "pwfile").write_text(password + "\n")
    if os.geteuid() == 0:
        for path in (folder, folder / "pwfile"):
            shutil.chown(path, OS_USER, OS_USER)
    os.chmod(folder / "pwfile", 0o600)
    data = folder / "data"
    init = _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--pwfile",
            str(folder / "pwfile"),
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        folder,
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr or init.stdout}")
    errors = []
    for _ in range(3):  # another process may take the free port first
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = folder / "server.log"
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
        started = _run([*pg_ctl, "-o", options, "start"], folder)
        if started.returncode == 0:
            return Server(
                bin_dir, folder, f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres"
            )
        errors.append(started.stderr + (log.read_text() if log.exists() else ""))
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError("PostgreSQL did not start: " + "\n".join(errors))


def stop_server(server: Server) -> None:
    """Stop the cluster and remove its folder."""
    _run(
        [str(server.bin_dir / "pg_ctl"), "-D", str(server.data), "-m", "fast", "stop"],
        server.folder,
    )
    shutil.rmtree(server.folder, ignore_errors=True)


def with_database(url: str, dbname: str, search_path: str | None = None) -> str:
    """The same server URL, naming another database (and optionally a schema search path)."""
    parts = urlsplit(url)
    query = parts.query
    if search_path:
        option = "options=" + quote(f"-csearch_path={search_path}")
        query = f"{query}&{option}" if query else option
    return urlunsplit(parts._replace(path=f"/{dbname}", query=query))


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new empty database on the server (or a new schema, if databases cannot be created)."""
    import psycopg

    name = f"indicators_test_{os.getpid()}_{next(_names)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
            url, drop = (
                with_database(server_url, name),
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            )
        except psycopg.errors.InsufficientPrivilege:
            admin.execute(f'CREATE SCHEMA "{name}"')
            dbname = urlsplit(server_url).path.lstrip("/") or "postgres"
            url, drop = with_database(server_url, dbname, name), f'DROP SCHEMA "{name}" CASCADE'
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(drop)


def server_url(config: pytest.Config) -> str:
    """The URL of the test server, starting the temporary cluster on first use in the session."""
    global _server
    external = os.environ.get(TEST_URL_ENV, "").strip()
    if external:
        return external
    if _server is None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            _unavailable("the PostgreSQL store needs psycopg (pip install 'psycopg[binary]')")
        bin_dir = find_binaries()
        if bin_dir is None:
            _unavailable(
                "no PostgreSQL server: set INDICATORS_TEST_DATABASE_URL or install Debian's "
                "postgresql package (/usr/lib/postgresql/*/bin/initdb)"
            )
            raise AssertionError("unreachable")
        if os.geteuid() == 0 and shutil.which("runuser") is None and shutil.which("su") is None:
            _unavailable("running as root without runuser or su to start PostgreSQL as postgres")
        try:
            _server = start_server(bin_dir)
        except (RuntimeError, OSError, KeyError, LookupError) as exc:
            _unavailable(f"could not start a temporary PostgreSQL server: {exc}")
            raise
        server = _server

        def _stop() -> None:
            global _server
            stop_server(server)
            _server = None

        config.add_cleanup(_stop)
    return _server.url


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture(request: pytest.FixtureRequest) -> str:
    """The test server's URL (one server for the whole session, however many modules use it)."""
    return server_url(request.config)


@pytest.fixture(name="postgres_url")
def postgres_url_fixture(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database for one test, dropped afterwards."""
    with fresh_database(postgres_server) as url:
        yield url


def main(argv: list[str]) -> int:
    """``run -- COMMAND...``: run a command with a temporary server up, then stop it."""
    if len(argv) < 3 or argv[:2] != ["run", "--"]:
        print("usage: python -m tests.pg run -- COMMAND...", file=sys.stderr)
        return 2
    bin_dir = find_binaries()
    if bin_dir is None:
        print("no PostgreSQL binaries in /usr/lib/postgresql/*/bin", file=sys.stderr)
        return 2

    def _terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    server = start_server(bin_dir)
    try:
        print(f"PostgreSQL {bin_dir.parent.name} for the tests on {server.url.split('@')[1]}")
        env = {**os.environ, TEST_URL_ENV: server.url}
        return subprocess.run(argv[2:], env=env, check=False).returncode
    finally:
        stop_server(server)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
