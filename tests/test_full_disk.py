"""A full disk during a commit: one line from the CLI, and the store exactly as it was.

The local store is given ``ENOSPC`` at each of a commit's writes in turn (the first object,
the second, the manifest, HEAD), half-way through the write as a real full disk does; the
PostgreSQL store gets the server's ``DiskFull`` error. No orphan object or manifest is left.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import psycopg
import pytest

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store import audit
from indicators.store.factory import open_store
from tests.conftest import shared_file, tree_snapshot
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)
from tests.test_store_backends import EVENTS, snapshot

WRITES = ["rankings object", "events object", "manifest", "HEAD"]


class _HalfWritten:
    """A file that takes half of what is written to it, then says the disk is full."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def write(self, data: bytes) -> int:
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _HalfWritten:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def _full_at(monkeypatch: pytest.MonkeyPatch, which: int) -> list[int]:
    """Make the ``which``-th file written by the store (from 1) hit a full disk."""
    real = os.fdopen
    count = [0]

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real(fd, mode, *args, **kwargs)
        if "w" not in mode:
            return fh
        count[0] += 1
        return _HalfWritten(fh) if count[0] == which else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    return count


def _files(tmp_path: Path) -> list[str]:
    events = tmp_path / "events.csv"
    events.write_text(EVENTS)
    return [str(shared_file("rsf", "2026.csv")), str(events)]


@pytest.mark.parametrize("which", range(1, len(WRITES) + 1), ids=WRITES)
def test_full_disk_gives_one_line_and_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], which: int
) -> None:
    """ENOSPC at any write of a commit: `indicators ingest` prints one error line (no
    traceback), exits 2, and every file of the store is as before (no orphan object)."""
    root = tmp_path / "store"
    ingest(open_store(str(root)), [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="a")
    before = tree_snapshot(root)
    files = _files(tmp_path)
    count = _full_at(monkeypatch, which)
    capsys.readouterr()
    assert main(["ingest", *files, "--store", str(root)]) == 2
    err = capsys.readouterr().err
    assert count[0] >= which  # the full disk was hit
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert "the disk is full" in err and "nothing was stored" in err
    assert tree_snapshot(root) == before
    monkeypatch.undo()
    assert main(["ingest", *files, "--store", str(root)]) == 0  # and it works once there is room
    assert open_store(str(root)).verify() == []


def test_full_disk_for_the_audit_line_keeps_the_commit_and_adds_the_line_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A commit that lands but cannot write its audit line (disk full) is kept, says so,
    and `indicators check` adds the line from the manifest once there is room."""
    root = tmp_path / "store"
    real = os.write

    def write(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("audit.log"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    assert main(["ingest", str(shared_file("rsf", "2025.csv")), "--store", str(root)]) == 0
    assert "stored as version 1" in capsys.readouterr().out
    assert audit.read(store_root=root) == []
    monkeypatch.undo()
    assert main(["check", "--store", str(root)]) == 0
    (event,) = audit.read(store_root=root)
    assert event["details"]["version"] == 1 and event["details"]["reconciled"] is True


def test_full_database_disk_gives_one_line_and_leaves_the_store_as_it_was(
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """PostgreSQL's DiskFull during a commit: one error line, exit 2, every table and the
    audit log as before (the transaction stores nothing)."""
    store = open_store(postgres_url)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="a")
    before = snapshot(postgres_url), audit.read(store_root=store.root)
    import indicators.store.postgres as pg

    real = pg.put_object
    calls = [0]

    def put_object(conn: psycopg.Connection[Any], frame: Any) -> str:
        calls[0] += 1
        if calls[0] == 2:
            raise psycopg.errors.DiskFull('could not extend file "base/16384/16390"')
        return real(conn, frame)

    monkeypatch.setattr(pg, "put_object", put_object)
    capsys.readouterr()
    assert main(["ingest", *_files(tmp_path), "--store", postgres_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "is full" in err and "nothing was stored" in err
    assert (snapshot(postgres_url), audit.read(store_root=store.root)) == before
