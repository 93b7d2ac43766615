"""The private files' lock (filelock's flock): exclusive across processes, freed when its holder dies."""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import pytest

from indicators.accounts import private_files

HOLD_SECONDS = 0.6


def _child_holding(path: Path, *, then_kill: bool) -> tuple[int, float]:
    """Fork a child that takes the lock and holds it; return its pid once it holds it."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(ready_r)
        with private_files.locked(path):
            os.write(ready_w, b"x")
            if then_kill:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(HOLD_SECONDS)
        os._exit(0)
    os.close(ready_w)
    assert os.read(ready_r, 1) == b"x"
    os.close(ready_r)
    return pid, time.monotonic()


def test_lock_excludes_another_process(tmp_path: Path) -> None:
    """While another process holds the lock, taking it waits until that process lets go."""
    path = tmp_path / "users.json"
    pid, held_at = _child_holding(path, then_kill=False)
    with private_files.locked(path):
        waited = time.monotonic() - held_at
    os.waitpid(pid, 0)
    assert waited >= HOLD_SECONDS * 0.8


def test_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    """A holder killed with SIGKILL leaves the lock file but not the lock."""
    path = tmp_path / "sessions.json"
    pid, _ = _child_holding(path, then_kill=True)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    started = time.monotonic()
    with private_files.locked(path):
        assert time.monotonic() - started < HOLD_SECONDS / 2
    assert path.with_name("sessions.json.lock").exists()


def test_lock_file_is_private(tmp_path: Path) -> None:
    """The lock file is 0600 and a folder the lock creates is 0700."""
    path = tmp_path / "private" / "throttle.json"
    with private_files.locked(path):
        pass
    assert stat.S_IMODE(path.with_name("throttle.json.lock").stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_unlockable_folder_is_a_private_file_error(tmp_path: Path) -> None:
    """A lock that cannot be created is a PrivateFileError naming the file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    path = blocker / "users.json"
    refused = pytest.raises(private_files.PrivateFileError, match=r"cannot lock .*users\.json")
    with refused, private_files.locked(path):
        pass
