"""The one write-temp-fsync-rename helper, as the store and the private files use it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from indicators.accounts import private_files
from indicators.store import atomic
from indicators.store import files as store_files


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_one_implementation() -> None:
    """The store's helpers are the shared ones, not a second copy."""
    assert store_files.atomic_write is atomic.atomic_write
    assert store_files.fsync_dir is atomic.fsync_dir


def test_replaces_the_file_with_mode_0600(tmp_path: Path) -> None:
    """The new file holds the new bytes at 0600, whatever the old file's mode, and no temp is left."""
    path = tmp_path / "doc.json"
    path.write_bytes(b"old")
    path.chmod(0o644)
    atomic.atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


def test_private_file_creates_its_folder_0700(tmp_path: Path) -> None:
    """write_private makes a missing folder 0700 and the file 0600."""
    path = tmp_path / "private" / "users.json"
    private_files.write_json(path, {"a": 1})
    assert private_files.read_json(path) == {"a": 1}
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def _failing_fsync(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make fsync of a regular file fail with a full disk; return the temp names seen."""
    seen: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(os.readlink(f"/proc/self/fd/{fd}"))
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_failure_keeps_the_old_file_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way leaves the old bytes and no temporary file, and says why."""
    path = tmp_path / "HEAD"
    path.write_bytes(b"1\n")
    seen = _failing_fsync(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        atomic.atomic_write(path, b"2\n")
    assert path.read_bytes() == b"1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["HEAD"]
    assert len(seen) == 1 and Path(seen[0]).name.startswith(".tmp-HEAD-")


def test_private_failure_is_a_private_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_private turns the OS error into PrivateFileError naming the file."""
    path = tmp_path / "sessions.json"
    _failing_fsync(monkeypatch)
    with pytest.raises(private_files.PrivateFileError, match=r"cannot write .*sessions\.json"):
        private_files.write_private(path, b"{}")
    assert list(tmp_path.iterdir()) == []


def test_interrupt_removes_the_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a KeyboardInterrupt during the rename leaves no temporary file behind."""

    def replace(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(tmp_path / "x.parquet", b"data")
    assert list(tmp_path.iterdir()) == []


SRC = Path(__file__).resolve().parents[1] / "src" / "indicators"


def test_no_second_write_temp_rename_in_src() -> None:
    """Only store/atomic.py makes temporary files to rename over others (no second copy)."""
    found = [
        f"{path.relative_to(SRC)}: {word}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "atomic.py"
        for word in ("os.replace(", "os.rename(", "mkstemp(", "NamedTemporaryFile(")
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_profile_write_failure_keeps_the_old_profile_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """save_profile goes through atomic_write: a full disk leaves the old profile, no temp."""
    from indicators.accounts.profiles import Profile, load_profiles, save_profile

    save_profile(tmp_path, Profile("monthly", "incidents", {"date": "Дата"}))
    before = sorted(p.name for p in (tmp_path / "profiles").iterdir())
    seen = _failing_fsync(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        save_profile(tmp_path, Profile("monthly", "incidents", {"date": "Date"}))
    monkeypatch.undo()
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == before
    assert load_profiles(tmp_path)["monthly"].mapping == {"date": "Дата"}
    assert len(seen) == 1 and Path(seen[0]).name.startswith(".tmp-monthly.json-")


def test_brief_output_is_written_by_the_helper() -> None:
    """``indicators brief --out`` writes with the one helper (whole file or none)."""
    from indicators.cli import brief

    assert brief.atomic_write is atomic.atomic_write
