"""Every commit and its audit record land together, on both backends, even under SIGKILL.

The record is part of the new version's manifest (who was named, the operating-system
account, host, time, files, message); the audit log line follows, and a line a kill left out
is added from the manifest at the next commit or check.
"""

from __future__ import annotations

import os
import pwd
import random
import signal
import socket
import time
from pathlib import Path

import pytest

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.pipeline.prepare import prepare
from indicators.sources.reading import SourceFile
from indicators.store import Store, audit
from indicators.store.factory import open_store
from indicators.store.integrity import manifest_digest
from tests.conftest import shared_file
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)
from tests.test_store_backends import _base, _marked, _rsf

KILLS = 10


def _lines(store: Store) -> list[dict[str, object]]:
    return audit.read(store_root=store.root)


def _logged_versions(store: Store) -> list[int]:
    """The version of every commit line in the audit log, in order."""
    return [
        int(e["details"]["version"])  # type: ignore[index, call-overload]
        for e in _lines(store)
        if e["action"] in ("ingest", "rollback")
    ]


def test_commit_and_rollback_record_their_own_audit(store: Store) -> None:
    """ingest and rollback write one audit line each, with the name given, the OS account,
    host, files and message, and the same record is inside the manifest."""
    _, v1 = ingest(store, _rsf("2025"), user="label-given", message="RSF 2025")
    v2 = store.rollback(1, user="ana", details={"via": "test"})
    account = pwd.getpwuid(os.getuid()).pw_name
    assert v1.audit["os_account"] == account and v1.audit["host"] == socket.gethostname()
    assert v1.audit["files"][0].startswith("2025.csv ")
    first, second = _lines(store)
    assert (first["action"], first["user"], second["action"], second["user"]) == (
        "ingest",
        "label-given",
        "rollback",
        "ana",
    )
    assert first["details"]["os_account"] == account  # type: ignore[index]
    assert first["details"]["message"] == "RSF 2025"  # type: ignore[index]
    assert first["details"]["manifest"] == manifest_digest(v1.as_dict())  # type: ignore[index]
    assert second["details"]["to"] == 1 and second["details"]["via"] == "test"  # type: ignore[index]
    assert v2.audit["to"] == 1


def _self_kill(*args: object, **kwargs: object) -> bool:
    os.kill(os.getpid(), signal.SIGKILL)
    return False  # pragma: no cover


def _commit_then_die(location: str, marker: int, table: object) -> int:
    """Fork a child that commits and is SIGKILLed right after the head moves; its status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            import indicators.store.audit_trail as trail

            trail.append = _self_kill  # type: ignore[assignment]
            open_store(location).commit(
                {"rankings": _marked(table, marker)},  # type: ignore[arg-type]
                user=f"child {marker}",
                message=f"marker {marker}",
            )
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return status


def test_kill_right_after_the_head_moves_never_loses_the_audit(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """10 commits killed (SIGKILL) right after the head moved, before their audit line: each
    landed with its record in the manifest, and the next commit or check adds the line."""
    table = prepare(store, _base()).tables["rankings"]
    store.commit({"rankings": _marked(table, 0)}, user="seed", message="seed")
    held = 0
    for kill in range(1, KILLS + 1):
        status = _commit_then_die(location, kill, table)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        fresh = open_store(location)
        landed = fresh.version(kill + 1)
        assert fresh.head() == kill + 1 and landed.audit["os_account"]
        assert kill + 1 not in _logged_versions(fresh)  # the kill came before the line ...
        assert sorted(_logged_versions(fresh)) == list(range(1, kill + 1))  # ... earlier: whole
        held += 1
    assert main(["check", "--store", location]) == 0
    logged = _logged_versions(open_store(location))
    with capsys.disabled():
        print(f"\nkills right after the head moved [{location[:10]}]: {held} / {KILLS} held")
    assert sorted(logged) == list(range(1, KILLS + 2))  # every commit once, none twice


_REAL_REPLACE = os.replace


def _replace_then_die(src: str, dst: str) -> None:
    """os.replace, then SIGKILL this process if it just replaced a HEAD file."""
    _REAL_REPLACE(src, dst)
    if Path(dst).name == "HEAD":
        os.kill(os.getpid(), signal.SIGKILL)


def test_cli_killed_right_after_head_moves_keeps_its_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`indicators ingest` SIGKILLed the moment HEAD is replaced (whatever runs after): after
    `indicators check`, every commit has its audit line (tried / held is printed)."""
    root = tmp_path / "store"
    years = ["2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023", "2024"]
    held = 0
    for year in years:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.replace = _replace_then_die  # type: ignore[assignment]
            try:
                path = str(shared_file("rsf", f"{year}.csv"))
                main(["ingest", path, "--store", str(root), "--user", "cli"])
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
        main(["check", "--store", str(root)])
        held += _logged_versions(open_store(str(root))).count(years.index(year) + 1) == 1
    capsys.readouterr()
    with capsys.disabled():
        print(f"\nCLI killed right after HEAD moved: {held} / {len(years)} held")
    assert held == len(years)


def test_random_kills_leave_exactly_the_landed_commits_audited(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Commits killed at random moments: after a check, every version that landed has one
    audit line and no line names a version that did not land."""
    table = prepare(store, _base()).tables["rankings"]
    store.commit({"rankings": _marked(table, 0)}, user="seed", message="seed")
    rng = random.Random(7)
    tried = held = 0
    for marker in range(1, 21):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.write(write, b"s")
                open_store(location).commit(
                    {"rankings": _marked(table, marker)}, user="child", message=f"{marker}"
                )
            finally:
                os._exit(0)
        os.close(write)
        assert os.read(read, 1) == b"s"
        os.close(read)
        time.sleep(rng.uniform(0, 0.15))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        fresh = open_store(location)
        fresh.verify()
        head = fresh.head()
        tried += 1
        held += sorted(_logged_versions(fresh)) == list(range(1, (head or 0) + 1))
    with capsys.disabled():
        print(f"\nrandom kills, audit of landed commits [{location[:10]}]: {held} / {tried} held")
    assert held == tried


def test_audit_command_completes_and_lists_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`indicators audit` adds a missing commit line from its manifest and lists the events."""
    root = tmp_path / "store"
    store = open_store(str(root))
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user="ana")
    log = root / "audit.log"
    log.write_bytes(b"")  # as if the process died before its line
    capsys.readouterr()
    assert main(["audit", "--store", str(root)]) == 0
    out = capsys.readouterr().out
    assert "1 commit(s) had no audit line" in out and "ana" in out
    (event,) = audit.read(log)
    assert event["details"]["reconciled"] is True  # type: ignore[index]
