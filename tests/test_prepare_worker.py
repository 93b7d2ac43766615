"""The upload worker: parses in its own process, reports progress per file, commits what it
prepared only on the version it was prepared on, and never outnumbers its limit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indicators.pipeline import prepare_worker
from indicators.pipeline.commit import ingest
from indicators.pipeline.prepare_worker import Preview, PreviewJob
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.synthetic import COLUMNS, synthetic_incidents
from indicators.store import LocalStore, StaleVersion
from indicators.store.factory import open_store
from tests.conftest import shared_file
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)

EVENTS = (
    "date,title,kind,country,source_name\n{y}-01-05,Unrest {y},protest/unrest,KAZ,public record\n"
)


def _events(year: int) -> SourceFile:
    return SourceFile(f"events_{year}.csv", EVENTS.format(y=year).encode())


def _finished(job: PreviewJob) -> Preview | ValidationFailed:
    deadline = time.monotonic() + 120
    while (result := job.wait(0.2)) is None:
        job.poll()
        assert time.monotonic() < deadline, "the worker did not answer"
    job.poll()
    return result


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    """A local store holding RSF 2025 (version 1)."""
    s = LocalStore(tmp_path / "store")
    ingest(s, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="seed")
    return s


@pytest.fixture(params=["local", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store holding RSF 2025 (version 1) is, on each backend."""
    where = (
        str(request.getfixturevalue("postgres_url"))
        if request.param == "postgres"
        else str(tmp_path / "store")
    )
    ingest(open_store(where), [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="seed")
    return where


def test_progress_follows_the_files(store: LocalStore) -> None:
    """One progress message as each file's reading starts, in order, then the preview's."""
    job = PreviewJob(str(store.root), [_events(y) for y in (2020, 2021, 2022)], ParseOptions())
    try:
        result = _finished(job)
        assert isinstance(result, Preview) and result.base_version == 1
        texts = [p.text for p in job.history]
        assert texts == [
            "Reading and checking file 1 of 3: events_2020.csv",
            "Reading and checking file 2 of 3: events_2021.csv",
            "Reading and checking file 3 of 3: events_2022.csv",
            "Working out the preview",
        ]
        fractions = [p.fraction for p in job.history]
        assert fractions == sorted(fractions) and fractions[-1] < 1
    finally:
        job.close()


def test_problems_come_back_as_the_answer(store: LocalStore) -> None:
    """A file that cannot be read comes back as its problems, not as a crash."""
    job = PreviewJob(str(store.root), [SourceFile("x.csv", b"a;b\n1;2\n")], ParseOptions())
    try:
        result = _finished(job)
        assert isinstance(result, ValidationFailed)
        assert "cannot tell what this file holds" in result.problems[0].problem
    finally:
        job.close()


def test_worker_commit_refused_when_the_store_moved(location: str) -> None:
    """The worker commits its change on the previewed version only: after another commit it
    raises StaleVersion and stores nothing; prepared again, it commits."""
    store = open_store(location)
    job = PreviewJob(location, [_events(2020)], ParseOptions())
    try:
        assert isinstance(_finished(job), Preview)
        ingest(store, [_events(2021)], user="cli")
        with pytest.raises(StaleVersion):
            job.commit("amina", "events 2020", via="app")
        assert store.head() == 2
        job.prepare_again()
        again = _finished(job)
        assert isinstance(again, Preview) and again.base_version == 2
        version = job.commit("amina", "events 2020", via="app")
        assert version.number == 3
        assert set(store.table("events")["title"]) == {"Unrest 2020", "Unrest 2021"}
    finally:
        job.close()


def test_no_more_workers_than_the_limit(store: LocalStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting one worker more than MAX_LIVE stops the least recently used one."""
    monkeypatch.setattr(prepare_worker, "MAX_LIVE", 2)
    jobs = [PreviewJob(str(store.root), [_events(2020 + i)], ParseOptions()) for i in range(3)]
    try:
        assert [j.closed for j in jobs] == [True, False, False]
        assert len(prepare_worker._live) <= 2
    finally:
        for j in jobs:
            j.close()


def test_closing_a_job_ends_its_worker_mid_parse(store: LocalStore, tmp_path: Path) -> None:
    """A job closed while it parses (a new upload, an evicted preview) ends its process."""
    frame = synthetic_incidents(200_000)
    data = frame[[c for c in COLUMNS if c != "synthetic"]].to_csv(index=False).encode()
    job = PreviewJob(str(store.root), [SourceFile("big.csv", data)], ParseOptions(country="KAZ"))
    deadline = time.monotonic() + 60
    while not job.poll().text.startswith("Reading"):
        assert time.monotonic() < deadline and job.wait(0.05) is None
    workers = list(job._pool._processes.values())
    assert workers and all(p.is_alive() for p in workers)
    job.close()
    for p in workers:
        p.join(10)
        assert not p.is_alive()
    assert job.closed and id(job) not in prepare_worker._live
