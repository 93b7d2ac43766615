"""The package's folders are the pipeline's stages, and a stage uses only the stages before it.

A file travels ``sources`` (bytes to tables, one package per publisher) -> ``pipeline`` (extract,
derive, validate, change, commit) -> ``store`` -> ``query`` -> ``present``; ``tables`` states what
every table holds, below them all; ``accounts`` and ``cli`` sit on top. A module that imports a
later stage (an adapter computing what ``pipeline/derive.py`` computes, a query wording a
sentence) breaks the layout a newcomer reads, so the import is refused here, lazy imports inside
functions included. The README's architecture section names the same stages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "indicators"
README = ROOT / "README.md"

# In order: a module may import its own stage and the stages before it, never one after it.
STAGES = ("tables", "sources", "store", "pipeline", "query", "present", "accounts", "cli")
# Top-level modules every stage may use: where files live, what a problem is, text as text.
SHARED = {"i18n", "paths", "problems", "text"}


def _stage_of(module: str) -> str | None:
    """The stage of ``indicators.<stage>...``; None for a shared top-level module."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in SHARED:
        return None
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``indicators`` module the file imports, at any depth (lazy imports too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "indicators":
                found.extend((node.lineno, f"indicators.{a.name}") for a in node.names)
            elif node.module.startswith("indicators."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, a.name) for a in node.names if a.name.startswith("indicators.")
            )
    return found


def test_every_folder_is_a_stage_and_every_module_sits_in_one() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    folders -= {"_embedded", "locale"}  # data: the embedded files, the catalogs (i18n.py)
    assert folders == set(STAGES), f"folders that are not stages: {sorted(folders - set(STAGES))}"
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert top <= SHARED, f"top-level modules outside every stage: {sorted(top - SHARED)}"


def test_no_stage_imports_a_later_stage() -> None:
    order = {stage: i for i, stage in enumerate(STAGES)}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _stage_of(_module_name(path))
        if own is None:
            continue
        for line, target in _imports(path):
            theirs = _stage_of(target)
            if theirs is not None and order[theirs] > order[own]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {target} ({theirs})")
    assert not wrong, "a stage imports a later one:\n" + "\n".join(wrong)


def test_the_shared_modules_use_no_stage() -> None:
    for name in SHARED:
        for line, target in _imports(PACKAGE / f"{name}.py"):
            assert _stage_of(target) is None, f"{name}.py:{line} imports {target}"


def _architecture_section() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^## Architecture\n(.*?)(?=^## )", text, re.S | re.M)
    assert found, "the README has no '## Architecture' section"
    return found.group(1)


def test_readme_architecture_names_every_stage_in_order() -> None:
    section = _architecture_section()
    at = [section.find(f"`{stage}/`") for stage in STAGES]
    missing = [s for s, i in zip(STAGES, at, strict=True) if i < 0]
    assert not missing, f"stages the README's architecture section does not name: {missing}"
    assert at == sorted(at), "the README names the stages out of their order"


def test_readme_architecture_paths_exist() -> None:
    section = _architecture_section()
    named = set(
        re.findall(r"`((?:src/indicators/)?[a-z_]+/(?:[a-z_]+/)*[a-z_]*(?:\.py)?)`", section)
    )
    missing = []
    for rel in sorted(named):
        if not (ROOT / rel).exists() and not (PACKAGE / rel).exists():
            missing.append(rel)
    assert not missing, (
        f"paths the README's architecture section names that do not exist: {missing}"
    )
