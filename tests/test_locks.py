"""The store's commit lock and the audit log's lock: filelock's flock, through one helper.

Each excludes another process while held and is freed when its holder is killed (the kernel
drops an flock with its process; a soft lock's marker file would keep everyone out). No
module but ``store/locks.py`` calls ``fcntl`` or builds a ``FileLock`` itself.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from indicators.store import audit
from indicators.store.local import LocalStore
from indicators.store.locks import file_lock, locked_descriptor

HOLD_SECONDS = 0.6
SRC = Path(__file__).resolve().parents[1] / "src" / "indicators"


def _child_holding(lock: Callable[[], AbstractContextManager[object]], *, then_kill: bool) -> int:
    """Fork a child that takes the lock and holds it (or dies holding it); return its pid
    once it holds it."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(ready_r)
        with lock():
            os.write(ready_w, b"x")
            if then_kill:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(HOLD_SECONDS)
        os._exit(0)
    os.close(ready_w)
    assert os.read(ready_r, 1) == b"x"
    os.close(ready_r)
    return pid


def _waited_for(lock: Callable[[], AbstractContextManager[object]], *, then_kill: bool) -> float:
    """Seconds this process waited for the lock while a child held it (or died holding it)."""
    pid = _child_holding(lock, then_kill=then_kill)
    if then_kill:
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
    started = time.monotonic()
    with lock():
        waited = time.monotonic() - started
    if not then_kill:
        os.waitpid(pid, 0)
    return waited


def test_store_commit_lock_excludes_another_process(tmp_path: Path) -> None:
    """While another process holds the store's lock, taking it waits until it lets go."""
    store = LocalStore(tmp_path / "store")
    assert _waited_for(store.locked, then_kill=False) >= HOLD_SECONDS * 0.5
    assert (tmp_path / "store" / "lock").exists()


def test_store_commit_lock_dies_with_its_holder(tmp_path: Path) -> None:
    """A holder killed with SIGKILL does not keep the store locked."""
    store = LocalStore(tmp_path / "store")
    assert _waited_for(store.locked, then_kill=True) < HOLD_SECONDS / 2


def test_audit_append_waits_for_the_log_lock(tmp_path: Path) -> None:
    """record() appends only under the log's lock: it waits while another process holds it."""
    log = tmp_path / "audit.log"
    audit.record("first", "a", path=log)

    def hold_log() -> AbstractContextManager[object]:
        fd = os.open(log, os.O_RDONLY)  # closed with the child
        return locked_descriptor(fd)

    pid = _child_holding(hold_log, then_kill=False)
    started = time.monotonic()
    audit.record("second", "b", path=log)
    waited = time.monotonic() - started
    os.waitpid(pid, 0)
    assert waited >= HOLD_SECONDS * 0.5
    assert [e["action"] for e in audit.read(log)] == ["first", "second"]


def test_descriptor_lock_and_file_lock_exclude_each_other(tmp_path: Path) -> None:
    """The two forms of the helper take the same flock, so they contend on one file."""
    path = tmp_path / "lock"
    path.touch()
    pid = _child_holding(lambda: file_lock(path), then_kill=False)
    fd = os.open(path, os.O_RDONLY)
    started = time.monotonic()
    try:
        with locked_descriptor(fd):
            waited = time.monotonic() - started
    finally:
        os.close(fd)
    os.waitpid(pid, 0)
    assert waited >= HOLD_SECONDS * 0.5


def test_no_hand_written_lock_in_src() -> None:
    """Only store/locks.py takes locks itself (fcntl, FileLock)."""
    found = [
        f"{path.relative_to(SRC)}: {word}"
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).as_posix() != "store/locks.py"
        for word in ("fcntl", "flock(", "lockf(", "FileLock(", "import filelock", "from filelock")
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []
