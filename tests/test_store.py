"""The local store's guarantees: versions, provenance, atomicity, serialised commits, checksums."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from indicators.ingest import commit as commit_prepared
from indicators.ingest import ingest, prepare
from indicators.problems import ValidationFailed
from indicators.reading import SourceFile
from indicators.store import LocalStore, StaleVersion, StoreError
from tests.conftest import shared_file


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove nothing changed)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _rsf(*years: str) -> list[SourceFile]:
    return [SourceFile.from_path(shared_file("rsf", f"{y}.csv")) for y in years]


def test_ingest_creates_version_with_provenance(tmp_path: Path) -> None:
    """An ingest records who, the message, each file's SHA-256, size, format and row counts."""
    store = LocalStore(tmp_path)
    _, v = ingest(store, _rsf("2025"), user="alice", message="RSF 2025")
    assert (v.number, v.user, v.message) == (1, "alice", "RSF 2025")
    f = v.files[0]
    assert f["name"] == "2025.csv" and len(f["sha256"]) == 64 and f["rows_kept"] == 180
    assert f["detected"]["encoding"] == "cp1252"
    assert v.changes["rankings"] == {"added": 180, "changed": 0, "removed": 0}
    assert len(store.table("rankings")) == 180


def test_new_edition_adds_and_same_file_changes_nothing(tmp_path: Path) -> None:
    """A new edition adds its rows; re-ingesting the same file makes a version with no change."""
    store = LocalStore(tmp_path)
    ingest(store, _rsf("2025"), user="a")
    _, v2 = ingest(store, _rsf("2026"), user="a")
    assert v2.changes["rankings"]["added"] == 180
    _, v3 = ingest(store, _rsf("2026"), user="a")
    assert v3.changes["rankings"] == {"added": 0, "changed": 0, "removed": 0}
    assert v3.tables["rankings"]["object"] == v2.tables["rankings"]["object"]


def test_rollback_is_a_new_version(tmp_path: Path) -> None:
    """Rolling back restores an old version's tables as a new version; history keeps all."""
    store = LocalStore(tmp_path)
    ingest(store, _rsf("2025"), user="a")
    ingest(store, _rsf("2026"), user="a")
    v3 = store.rollback(1, user="b")
    assert v3.number == 3 and v3.changes["rankings"]["removed"] == 180
    assert set(store.table("rankings")["edition"]) == {"2025"}
    assert [v.number for v in store.versions()] == [1, 2, 3]


def test_failed_validation_leaves_store_byte_identical(tmp_path: Path) -> None:
    """A batch with one bad file writes nothing, not even the good files."""
    store = LocalStore(tmp_path)
    ingest(store, _rsf("2024"), user="a")
    before = tree_snapshot(tmp_path)
    bad = SourceFile("bad.csv", b"ISO;Rank;Score;Year (N)\nKAZ;999;50;2025\n")
    with pytest.raises(ValidationFailed):
        ingest(store, [*_rsf("2025"), bad], user="a")
    assert tree_snapshot(tmp_path) == before


def test_stale_commit_refused(tmp_path: Path) -> None:
    """A change prepared against an older version is refused instead of overwriting."""
    store = LocalStore(tmp_path)
    ingest(store, _rsf("2024"), user="a")
    first = prepare(store, _rsf("2025"))
    second = prepare(store, _rsf("2026"))
    commit_prepared(store, first, user="alice", message="2025")
    with pytest.raises(StaleVersion, match="moved from version 1 to 2"):
        commit_prepared(store, second, user="bob", message="2026")
    assert store.head() == 2


def test_damaged_object_detected(tmp_path: Path) -> None:
    """A stored table whose bytes changed is reported by verify() and refused on read."""
    store = LocalStore(tmp_path)
    _, v = ingest(store, _rsf("2025"), user="a")
    obj = tmp_path / "objects" / f"{v.tables['rankings']['object']}.parquet"
    obj.write_bytes(obj.read_bytes()[:-10] + b"0123456789")
    assert [d.problem for d in store.verify()] == ["checksum mismatch"]
    with pytest.raises(StoreError, match="damaged"):
        LocalStore(tmp_path).table("rankings")


def test_missing_object_detected(tmp_path: Path) -> None:
    """A missing stored table is reported with how to recover."""
    store = LocalStore(tmp_path)
    _, v = ingest(store, _rsf("2025"), user="a")
    (tmp_path / "objects" / f"{v.tables['rankings']['object']}.parquet").unlink()
    assert [d.problem for d in store.verify()] == ["missing"]


def _commit_in_child(root: str, year: str, user: str) -> None:
    store = LocalStore(root)
    for _ in range(20):
        try:
            ingest(store, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user=user)
            return
        except StaleVersion:
            continue


def test_concurrent_commits_lose_nothing(tmp_path: Path) -> None:
    """Processes committing at once are serialised; every edition ends up stored."""
    years = ["2019", "2020", "2021", "2022"]
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_commit_in_child, args=(str(tmp_path), y, f"u{y}")) for y in years]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    store = LocalStore(tmp_path)
    assert set(store.table("rankings")["edition"]) == set(years)
    assert store.head() == len(years)
