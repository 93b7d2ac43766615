"""Crash safety of the local store: killed commits, concurrent commits, damaged files.

A commit writes objects and the manifest to temporary files, fsyncs and renames them, and
only then replaces HEAD. These tests kill committing processes with SIGKILL at random moments
and check, after every kill, that the store is exactly the previous version or the new one;
run two processes committing at once; and damage stored files by hand.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from indicators.pipeline.commit import ingest
from indicators.pipeline.prepare import prepare
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore, StaleVersion, StoreError
from tests.test_store_backends import BASE, ISOS, _marked, _marker

KILLS = 120


def _child_commit(root: Path, table: pd.DataFrame, marker: int, expected: int, ready: int) -> None:
    """In a forked child: say 'starting', commit one marked version, say 'done', exit."""
    try:
        os.write(ready, b"s")
        LocalStore(root).commit(
            {"rankings": _marked(table, marker)},
            user="child",
            message=f"marker {marker}",
            expected_head=expected,
        )
        os.write(ready, b"d")
    except BaseException:
        os._exit(1)
    os._exit(0)


def _fork_commit(root: Path, table: pd.DataFrame, marker: int, expected: int) -> tuple[int, int]:
    """Fork a child that commits once; return its pid and the read end of its pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        _child_commit(root, table, marker, expected, write)
    os.close(write)
    return pid, read


def _read_byte(read: int, pid: int, seconds: float = 60.0) -> bytes:
    """One byte from a child's pipe; a child that hangs is killed and fails the test."""
    ready, _, _ = select.select([read], [], [], seconds)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail(f"child {pid} said nothing for {seconds:.0f} s")
    return os.read(read, 1)


def _wait(pid: int, seconds: float = 120.0) -> int:
    """A child's exit status; a child that hangs is killed and fails the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"child {pid} did not finish in {seconds:.0f} s")


def _commit_timing(root: Path, table: pd.DataFrame) -> tuple[float, float, float]:
    """Seconds from a child's start to its object written, to HEAD replaced, to its end.

    Medians of five whole commits in forked children; the object and HEAD times come from
    the files' modification times, so nothing in the store is instrumented.
    """
    timings = []
    store = LocalStore(root)
    for i in range(5):
        head = store.head()
        assert head is not None
        pid, read = _fork_commit(root, table, 900 + i, head)
        assert _read_byte(read, pid) == b"s"
        start, wall = time.perf_counter(), time.time_ns()
        assert _read_byte(read, pid) == b"d"
        total = time.perf_counter() - start
        _wait(pid)
        os.close(read)
        entry = store.version(head + 1).tables["rankings"]["object"]
        written = (root / "objects" / f"{entry}.parquet").stat().st_mtime_ns
        moved = (root / "HEAD").stat().st_mtime_ns
        timings.append(((written - wall) / 1e9, (moved - wall) / 1e9, total))
    return tuple(sorted(t[k] for t in timings)[2] for k in range(3))  # type: ignore[return-value]


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _phase(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]], head: int) -> str:
    """How far a killed commit got, from the files it left behind."""
    changed = {name for name, stat in after.items() if before.get(name) != stat}
    if "HEAD" in changed:
        return "after HEAD"
    if f"versions/{head + 1:06d}.json" in changed:
        return "after the manifest"
    if any(re.fullmatch(r"objects/[0-9a-f]{64}\.parquet", name) for name in changed):
        return "after the object"
    if changed - {"lock"}:
        return "writing temporary files"
    return "before writing"


def _assert_consistent(root: Path, allowed: dict[int, int]) -> int:
    """HEAD names a complete, intact version among ``allowed`` (version -> marker)."""
    store = LocalStore(root)  # a fresh reader: no cache from before the kill
    head = store.head()
    assert head in allowed, f"HEAD is {head}, expected one of {sorted(allowed)}"
    version = store.version(head)  # the manifest parses
    assert version.number == head and set(version.tables) == {"rankings"}
    assert store.verify() == []  # every object exists with its checksum
    assert len(store.table("rankings")) == len(ISOS)
    assert _marker(store) == allowed[head]
    return head


def test_sigkill_during_commit_leaves_previous_or_new_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """120 commits killed at random moments each leave the previous version or the new one."""
    root = tmp_path / "store"
    store = LocalStore(root)
    table = prepare(store, [SourceFile("base.csv", BASE.encode())]).tables["rankings"]
    store.commit({"rankings": _marked(table, 0)}, user="seed", message="seed")
    written, moved, total = _commit_timing(root, table)
    rng = random.Random(20251123)
    scale = 1.0  # follows the machine's speed: kills that land late shrink it, early ones grow it

    def delay() -> float:
        """A third of the kills anywhere in the commit, the rest around its writes and renames."""
        if rng.random() < 1 / 3:
            return rng.uniform(0, total * 1.3 * scale)
        return scale * rng.uniform(written * 0.9, moved * 1.05)

    head = _assert_consistent(root, {6: 904})
    current = 904
    before = after = 0
    phases: dict[str, int] = {}
    for kill in range(KILLS):
        marker = kill + 1
        files = _files(root)
        pid, read = _fork_commit(root, table, marker, head)
        assert _read_byte(read, pid) == b"s"  # the child is about to commit
        time.sleep(delay())
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(read)
        assert os.WIFSIGNALED(status) or os.WEXITSTATUS(status) == 0
        phase = _phase(files, _files(root), head)
        phases[phase] = phases.get(phase, 0) + 1
        scale *= {"after HEAD": 0.93, "before writing": 1.07}.get(phase, 1.0)
        new = _assert_consistent(root, {head: current, head + 1: marker})
        assert (new == head + 1) == (phase == "after HEAD")
        if new == head:
            before += 1
        else:
            after += 1
            head, current = new, marker
    leftovers = sorted(p.name for p in root.rglob(".tmp-*"))
    with capsys.disabled():
        print(
            f"\n{KILLS} kills (commit {total * 1000:.0f} ms, writes from {written * 1000:.0f} ms, "
            f"HEAD at {moved * 1000:.0f} ms): {before} before the new version "
            f"landed, {after} after; {KILLS} consistent; {len(leftovers)} temporary files left; "
            f"kills by phase: {phases}"
        )
    assert before + after == KILLS
    assert before > 0 and after > 0, "the kills did not spread over the commit"
    middle = ("writing temporary files", "after the object", "after the manifest")
    assert sum(phases.get(p, 0) for p in middle) > 0, phases
    # The history is whole: every version's manifest parses and names its parent.
    assert [v.parent for v in store.versions()] == [None, *range(1, head)]
    # Leftovers of killed commits are only temporary files, and the store still commits.
    assert all(name.startswith(".tmp-") for name in leftovers)
    store.commit({"rankings": _marked(table, 999)}, user="after", message="after the kills")
    _assert_consistent(root, {head + 1: 999})


# -- two processes committing at once -------------------------------------------------------------
def _analyst_file(index: str, year: int) -> SourceFile:
    text = (
        "index,country,year,rank,number ranked\n"
        f"{index},KAZ,{year},{year - 1990},180\n"
        f"{index},KGZ,{year},{year - 1989},180\n"
    )
    return SourceFile(f"{index}_{year}.csv", text.encode())


def _committer(root: Path, index: str, write: int) -> None:
    """In a forked child: ingest 20 editions, retrying every commit refused as stale."""
    stale = 0
    try:
        store = LocalStore(root)
        for year in range(2001, 2021):
            while True:
                try:
                    ingest(
                        store, [_analyst_file(index, year)], user=index, message=f"{index} {year}"
                    )
                    break
                except StaleVersion:
                    stale += 1
        os.write(write, f"{stale}\n".encode())
    except BaseException:
        os._exit(1)
    os._exit(0)


def test_two_processes_commit_20_times_each_and_lose_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two processes commit 20 changes each at once; stale commits retry; all 40 are kept."""
    root = tmp_path / "store"
    ingest(LocalStore(root), [SourceFile("base.csv", BASE.encode())], user="seed")
    children = []
    for index in ("team_a", "team_b"):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read)
            _committer(root, index, write)
        os.close(write)
        children.append((pid, read))
    stale = []
    for pid, read in children:
        status = _wait(pid)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        with os.fdopen(read) as fh:
            stale.append(int(fh.read().strip()))
    store = LocalStore(root)
    versions = store.versions()
    with capsys.disabled():
        print(f"\n40 commits from 2 processes; stale commits refused and retried: {stale}")
    assert len(versions) == 41 and store.head() == 41
    assert [v.parent for v in versions] == [None, *range(1, 41)]
    intended = {f"{i} {y}" for i in ("team_a", "team_b") for y in range(2001, 2021)}
    assert sorted(v.message for v in versions[1:]) == sorted(intended)
    assert all(v.changes["rankings"]["added"] == 2 for v in versions[1:])
    ranks = store.table("rankings")
    for index in ("team_a", "team_b"):
        editions = set(ranks.loc[ranks["index"] == index, "edition"])
        assert editions == {str(y) for y in range(2001, 2021)}, index
    assert store.verify() == []


# -- damaged objects, HEAD and manifests ----------------------------------------------------------
@pytest.fixture
def two_tables(tmp_path: Path) -> LocalStore:
    """A store whose current version holds a rankings and an events table."""
    store = LocalStore(tmp_path / "store")
    events = (
        "date,title,kind,country,source_name\n2022-01-05,Unrest,protest/unrest,KAZ,public record\n"
    )
    ingest(
        store,
        [SourceFile("base.csv", BASE.encode()), SourceFile("events.csv", events.encode())],
        user="seed",
    )
    return store


def _object(store: LocalStore, table: str) -> Path:
    head = store.head()
    assert head is not None
    return store.root / "objects" / f"{store.version(head).tables[table]['object']}.parquet"


def test_flipped_bytes_are_detected_with_the_table_name(two_tables: LocalStore) -> None:
    """An object with one flipped byte is named by verify() as that table's checksum mismatch."""
    path = _object(two_tables, "events")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    damage = two_tables.verify()
    assert [(d.table, d.problem) for d in damage] == [("events", "checksum mismatch")]
    assert damage[0].object_id == path.stem
    with pytest.raises(StoreError, match="stored events table of version 1 is damaged"):
        LocalStore(two_tables.root).table("events")
    assert len(LocalStore(two_tables.root).table("rankings")) == len(ISOS)  # the other is fine


def test_missing_object_is_detected_with_the_table_name(two_tables: LocalStore) -> None:
    """A deleted object is named by verify() as that table's missing object."""
    path = _object(two_tables, "rankings")
    path.unlink()
    assert [(d.table, d.problem, d.object_id) for d in two_tables.verify()] == [
        ("rankings", "missing", path.stem)
    ]
    with pytest.raises(StoreError, match="stored rankings table of version 1 is missing"):
        LocalStore(two_tables.root).table("rankings")


def _manifest(store: LocalStore) -> Path:
    return store.root / "versions" / "000001.json"


def _rewrite_manifest(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def rewrite(path: Path) -> None:
        path.write_text(json.dumps(change(json.loads(path.read_text()))))

    return rewrite


DAMAGE: list[object] = [
    pytest.param("HEAD", lambda p: p.write_text("garbage\n"), "HEAD is damaged", id="head-text"),
    pytest.param("HEAD", lambda p: p.write_text(""), "HEAD is damaged", id="head-empty"),
    pytest.param(
        "HEAD", lambda p: p.write_text("7\n"), "manifest of version 7 is missing", id="head-ahead"
    ),
    pytest.param("HEAD", lambda p: p.write_bytes(b"\xff\xfe\x00"), "HEAD is damaged", id="bin"),
    pytest.param("HEAD", lambda p: p.write_text("\u00b2\n"), "HEAD is damaged", id="head-sup2"),
    pytest.param("HEAD", lambda p: p.write_text("1 abc\n"), "HEAD is damaged", id="head-digest"),
    pytest.param(
        "manifest",
        lambda p: p.write_bytes(p.read_bytes()[:40]),
        "manifest of version 1 is damaged",
        id="manifest-truncated",
    ),
    pytest.param(
        "manifest", lambda p: p.unlink(), "manifest of version 1 is missing", id="manifest-gone"
    ),
    pytest.param(
        "manifest",
        lambda p: p.write_text("[]"),
        "manifest of version 1 is damaged",
        id="manifest-not-an-object",
    ),
    pytest.param(
        "manifest", lambda p: p.write_bytes(b"\xff"), "manifest of version 1 is damaged", id="m-bin"
    ),
    pytest.param(
        "manifest",
        _rewrite_manifest(lambda d: {**d, "version": "one"}),
        "manifest of version 1 is damaged",
        id="manifest-bad-number",
    ),
    pytest.param(
        "manifest",
        _rewrite_manifest(
            lambda d: {**d, "tables": {"rankings": {"rows": 6}, "events": {"rows": 1}}}
        ),
        "manifest of version 1 is damaged",
        id="manifest-entry-without-object",
    ),
]


@pytest.mark.parametrize(("target", "damage", "message"), DAMAGE)
def test_damaged_head_or_manifest_is_reported(
    two_tables: LocalStore, target: str, damage: Callable[[Path], None], message: str, capsys: Any
) -> None:
    """A damaged HEAD is a StoreError (check exits 2); a damaged manifest is named by verify()
    and check (exit 1); reading either gives a StoreError saying what is damaged, no traceback."""
    from indicators.cli.main import main

    damage(two_tables.root / "HEAD" if target == "HEAD" else _manifest(two_tables))
    with pytest.raises(StoreError, match=message):
        LocalStore(two_tables.root).table("rankings")
    capsys.readouterr()
    if message.startswith("HEAD"):
        with pytest.raises(StoreError, match=message):
            LocalStore(two_tables.root).verify()
        assert main(["check", "--store", str(two_tables.root)]) == 2
        said = message
    else:
        number = int(re.findall(r"version (\d+)", message)[0])
        assert ("manifest", number) in {(d.table, d.version) for d in two_tables.verify()}
        assert main(["check", "--store", str(two_tables.root)]) == 1
        said = message.replace(f"manifest of version {number} is", f"version {number}: manifest is")
    printed = capsys.readouterr().err
    assert said in printed and "Traceback" not in printed
