"""Two app servers on one PostgreSQL store: a commit is seen by the other server at once.

Two ``streamlit run server.py`` processes on different loopback ports share one database through
``INDICATORS_DATABASE_URL`` (as several servers behind a load balancer would). Server B shows
RSF 2025 for Kazakhstan ("141 of 180"); RSF 2026 is committed while both serve; reloading
server B's page, without restarting it, shows "149 of 180".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store.postgres import PostgresStore
from tests.browser.conftest import SERVER, free_port, screenshot, start_streamlit, stop
from tests.browser.test_dashboard import wait_for_app
from tests.conftest import shared_file
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
APP = SERVER  # as `make run` starts it


def _rsf(year: str) -> list[SourceFile]:
    return [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))]


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Servers A and B on one database holding RSF 2024 and 2025 (not 2026)."""
    store = PostgresStore(postgres_url)
    for year in ("2024", "2025"):
        ingest(store, _rsf(year), user="seed", message=f"RSF {year}")
    procs = []
    try:
        for name in ("a", "b"):
            env = {
                **os.environ,
                "INDICATORS_DATABASE_URL": postgres_url,
                # Local side files (audit log) and any local fallback stay apart per server.
                "INDICATORS_STORE": str(tmp_path / f"local-{name}"),
                "INDICATORS_STORE_SIDE_DIR": str(tmp_path / f"side-{name}"),
            }
            port = free_port()
            procs.append((f"http://127.0.0.1:{port}", start_streamlit(APP, port, env)))
        yield procs[0][0], procs[1][0]
    finally:
        for _, proc in procs:
            stop(proc)


def _headline(pg: Any, text: str) -> None:
    pg.locator("[data-testid='stMetricValue']", has_text=text).first.wait_for(timeout=60_000)


def test_commit_through_one_server_is_seen_by_the_other(
    page: Any, browser: Any, two_servers: tuple[str, str], postgres_url: str
) -> None:
    """B shows 141 of 180; RSF 2026 is committed while A serves; B, reloaded, shows 149 of 180."""
    server_a, server_b = two_servers
    page.goto(f"{server_b}/?country=KAZ")
    wait_for_app(page)
    _headline(page, "141 of 180")

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page_a = other.new_page()
        page_a.goto(f"{server_a}/?country=KAZ")
        wait_for_app(page_a)
        _headline(page_a, "141 of 180")
        # The commit an analyst would make on server A: RSF 2026 into the shared store.
        _, version = ingest(PostgresStore(postgres_url), _rsf("2026"), user="amina")
        assert version.number == 3
        page_a.reload()
        wait_for_app(page_a)
        _headline(page_a, "149 of 180")
    finally:
        other.close()

    page.reload()  # the same server B process, never restarted
    wait_for_app(page)
    _headline(page, "149 of 180")
    assert page.locator("[data-testid='stMetricValue']", has_text="141 of 180").count() == 0
    screenshot(page, "two-servers-b-after-commit")
