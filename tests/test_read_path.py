"""The read path stays light (issue 12: first chart within 1.3x of a bare app, "keep pandera
and the ingest code off the read path").

What a reader's page run loads is checked in a fresh interpreter, so nothing another test
imported counts: app.py's and the page's own imports, the default store opened (already
seeded: every start but the first) and its tables read. The server's warm-up (server.py)
imports the same read path before the first visitor's run needs it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.pipeline.embedded import open_default_store

ROOT = Path(__file__).resolve().parents[1]
READ_PAGES = ("overview", "rankings", "incidents", "events", "claim", "brief", "sources")
# The write path: readers of outside files, detection, adapters, extraction, validation, commit.
WRITE_PATH = (
    "indicators.sources.reading",
    "indicators.sources.detect",
    "indicators.sources.registry",
    "indicators.sources.generic",
    "indicators.sources.rsf",
    "indicators.pipeline.extract",
    "indicators.pipeline.prepare",
    "indicators.pipeline.validate",
    "indicators.pipeline.commit",
)


def source(relative: str) -> str:
    """The text of a module of the package."""
    return (ROOT / "src" / "indicators" / relative).read_text(encoding="utf-8")


def top_level_imports(path: Path) -> list[str]:
    """The modules a file imports at module level (absolute imports only)."""
    names: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            names.append(str(node.module))
    return names


def loaded_after(code: str) -> tuple[set[str], str]:
    """The modules loaded (and what was logged) after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "INDICATORS_DATABASE_URL": ""},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1])), done.stderr


def write_path_in(modules: set[str]) -> list[str]:
    """The write-path modules (and their submodules) among ``modules``."""
    return sorted(m for m in modules if any(m == w or m.startswith(w + ".") for w in WRITE_PATH))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the embedded data, seeded here (the seed is the write path)."""
    root = tmp_path_factory.mktemp("read-path") / "store"
    open_default_store(root)
    return root


def page_run(page: str, store: Path) -> str:
    """What one page run does before drawing: its imports, the store opened, tables read."""
    modules = top_level_imports(ROOT / "app.py") + top_level_imports(ROOT / f"app_pages/{page}.py")
    return (
        "import importlib\n"
        f"for name in {sorted(set(modules))!r}:\n"
        "    importlib.import_module(name)\n"
        "from indicators.pipeline.embedded import open_default_store\n"
        f"store = open_default_store({str(store)!r})\n"
        "for name in ('rankings', 'incidents', 'events'):\n"
        "    store.table(name, store.head())\n"
    )


@pytest.mark.parametrize("page", READ_PAGES)
def test_page_run_loads_no_write_path(page: str, seeded: Path) -> None:
    """A reader's page on a seeded store loads no reader, adapter, extraction or commit code."""
    modules, _ = loaded_after(page_run(page, seeded))
    assert "indicators.pipeline.embedded" in modules  # the run did open the store
    assert write_path_in(modules) == []


def test_page_run_loads_no_pandera(seeded: Path) -> None:
    """The Overview's run on a seeded store never imports pandera (validation is the write path)."""
    modules, _ = loaded_after(page_run("overview", seeded))
    assert "pandera" not in modules


def test_warm_up_imports_the_read_path_only() -> None:
    """server.py's warm-up imports every module it names (a renamed one would be logged as a
    failure) and nothing of the write path."""
    modules, log = loaded_after("import server\nserver.warm_up()")
    assert "warm-up failed" not in log
    assert set(top_level_imports(ROOT / "app.py")) - {"pathlib", "streamlit"} <= modules
    assert write_path_in(modules) == []


def test_warm_up_failure_is_logged_not_raised() -> None:
    """A module the warm-up cannot import is logged; the server goes on (the page reports it)."""
    _, log = loaded_after("import server\nserver.warm_up(['indicators.no_such_module'])")
    assert "warm-up failed" in log
    assert "indicators.no_such_module" in log


def test_server_listens_before_pandas() -> None:
    """What server.py imports before it listens (sign-in routes, edges) needs no pandas: the
    data libraries are the warm-up's, while the browser loads the frontend."""
    modules, _ = loaded_after("import server")
    assert {"pandas", "pyarrow", "pandera"}.isdisjoint(modules)
