"""Shared fixtures: the real publisher files and an isolated default store for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indicators.store import Store

SHARED = Path(os.environ.get("INDICATORS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SHARED_DATA = SHARED / "data"
RSF_DIR = SHARED_DATA / "rsf"


def shared_file(*parts: str) -> Path:
    """Path to a real publisher file; fail (in CI) or skip (elsewhere) when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must have shared/ beside the clone")
        pytest.skip(f"{path} is not available on this machine")
    return path


@pytest.fixture(autouse=True)
def isolated_default_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the default store at a fresh folder so no test touches a person's real store."""
    store = tmp_path_factory.mktemp("default-store")
    monkeypatch.setenv("INDICATORS_STORE", str(store))
    return store


@pytest.fixture
def rsf_files() -> list[Path]:
    """All 24 real RSF edition files."""
    files = sorted(shared_file("rsf").glob("*.csv"))
    assert len(files) == 24
    return files


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove a local store was left untouched)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# -- the two-backend store fixtures (a module that imports tests.pg's fixtures runs on both) --
@pytest.fixture(params=["local", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store lives: a folder, or a new database's URL."""
    if request.param == "local":
        return str(tmp_path / "store")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(location: str) -> Store:
    """A fresh, empty store on each backend."""
    from indicators.store.factory import open_store

    return open_store(location)
