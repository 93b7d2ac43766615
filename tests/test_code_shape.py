"""The code's shape: no module over 400 lines, no function over 60, no import cycle.

Read with ``ast`` (nothing is imported): every Python file under ``src/``, ``app.py``,
``app_pages/`` and ``server.py``. A function's length runs from its first decorator to its
last line, nested functions included. An import cycle is looked for among the ``indicators``
modules, following module-level imports only (imports inside functions, and those under
``if TYPE_CHECKING:``, run later or never, so they cannot make a cycle at import time).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "src", ROOT / "app.py", ROOT / "app_pages", ROOT / "server.py")
PACKAGE = ROOT / "src" / "indicators"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# Known exceptions: the most lines each may have (it may shrink, never grow), and why.
# Paths are relative to the repository root; function entries are "path:Class.function".
# Remove an entry once its code keeps the limit; add none without a reason.
MODULE_EXCEPTIONS: dict[str, tuple[int, str]] = {}
FUNCTION_EXCEPTIONS: dict[str, tuple[int, str]] = {}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def python_files() -> list[Path]:
    """Every Python file the limits apply to."""
    files: list[Path] = []
    for source in SOURCES:
        if source.is_file():
            files.append(source)
        elif source.is_dir():
            files.extend(sorted(source.rglob("*.py")))
    return files


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_lines(text: str) -> int:
    """The number of lines in a module's text."""
    return len(text.splitlines())


def long_functions(tree: ast.AST, limit: int = MAX_FUNCTION_LINES) -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function longer than ``limit``, decorators included."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, Function):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                length = (child.end_lineno or child.lineno) - first + 1
                if length > limit:
                    yield name, length
                yield from walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def module_name(path: Path, src: Path) -> str:
    """The dotted name of a file under ``src`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements run when the module is imported (not in functions or classes)."""
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
        elif isinstance(statement, ast.If):
            if not _is_type_checking(statement.test):
                yield from _module_level(statement.body)
            yield from _module_level(statement.orelse)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody):
                yield from _module_level(block)
            for handler in statement.handlers:
                yield from _module_level(handler.body)
        elif isinstance(statement, ast.With):
            yield from _module_level(statement.body)


def imported_modules(name: str, tree: ast.Module, known: set[str], package: bool) -> set[str]:
    """The known modules that ``name``'s module-level imports need, by name.

    ``from pkg import sub`` needs the submodule only: the package of the importing module is
    always imported first, so a submodule importing a sibling this way is no cycle.
    """
    found: set[str] = set()
    for statement in _module_level(tree.body):
        if isinstance(statement, ast.Import):
            targets = [alias.name for alias in statement.names]
        else:
            base = statement.module or ""
            if statement.level:
                anchor = name.split(".") if package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - statement.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # 'from pkg import sub' loads the submodule; any other name needs pkg itself
            subs = [f"{base}.{alias.name}" for alias in statement.names]
            targets = [t for t in subs if t in known]
            if len(targets) < len(subs):
                targets.append(base)
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module-level import edges among the modules of one package."""
    files = {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}
    known = set(files)
    return {
        name: imported_modules(
            name, ast.parse(path.read_text(encoding="utf-8")), known, path.stem == "__init__"
        )
        for name, path in files.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _beyond(too_long: dict[str, int], exceptions: dict[str, tuple[int, str]]) -> dict[str, int]:
    """The entries over the limit that are no exception, or longer than their exception allows."""
    return {k: n for k, n in too_long.items() if n > exceptions.get(k, (0, ""))[0]}


# -- the checks --------------------------------------------------------------------------------


def test_sources_found() -> None:
    """The walk finds the package, the app and the server (a typo would pass every check)."""
    names = {_relative(p) for p in python_files()}
    assert {"app.py", "server.py", "src/indicators/__init__.py"} <= names
    assert any(n.startswith("app_pages/") for n in names)
    assert len(import_graph()) > 30
    for path in [*MODULE_EXCEPTIONS, *(f.split(":")[0] for f in FUNCTION_EXCEPTIONS)]:
        assert (ROOT / path).is_file(), f"an exception names a missing file: {path}"


def test_no_module_over_400_lines() -> None:
    """Every module keeps the limit, or is a listed exception no longer than it was."""
    too_long = {}
    for path in python_files():
        lines = module_lines(path.read_text(encoding="utf-8"))
        if lines > MAX_MODULE_LINES:
            too_long[_relative(path)] = lines
    unexpected = _beyond(too_long, MODULE_EXCEPTIONS)
    assert not unexpected, f"modules over {MAX_MODULE_LINES} lines: {unexpected}"


def test_no_function_over_60_lines() -> None:
    """Every function (methods and nested functions too) stays under the limit."""
    too_long = {}
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, lines in long_functions(tree):
            too_long[f"{_relative(path)}:{name}"] = lines
    unexpected = _beyond(too_long, FUNCTION_EXCEPTIONS)
    assert not unexpected, f"functions over {MAX_FUNCTION_LINES} lines: {unexpected}"


def test_no_import_cycle_among_indicators_modules() -> None:
    """No group of indicators modules imports one another at module level."""
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


# -- the checks can fail -----------------------------------------------------------------------


def test_long_function_is_named() -> None:
    """A 61-line method is found, named with its class; a 60-line function is not."""
    text = "class A:\n    def long(self):\n" + "        x = 1\n" * 59 + "        return x\n"
    text += "def ok():\n" + "    x = 1\n" * 59
    assert dict(long_functions(ast.parse(text))) == {"A.long": 61}


def test_decorators_count_toward_length() -> None:
    """Lines of decorators above a function are part of it."""
    tree = ast.parse("@decorator\ndef f():\n" + "    x = 1\n" * 59)
    assert dict(long_functions(tree)) == {"f": 61}


def test_exceptions_may_shrink_but_not_grow() -> None:
    """An exception's length is a ceiling; anything not listed is held to the limit."""
    allowed = {"m.py": (70, "why")}
    assert _beyond({"m.py": 70}, allowed) == {}
    assert _beyond({"m.py": 65}, allowed) == {}
    assert _beyond({"m.py": 71}, allowed) == {"m.py": 71}
    assert _beyond({"other.py": 61}, allowed) == {"other.py": 61}


def test_module_length_counts_lines() -> None:
    """The limit is on lines, as ``wc -l`` counts them."""
    assert module_lines("a = 1\n" * 401) == 401
    assert module_lines("a = 1\n" * 400) == 400


def _graph_of(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    package = tmp_path / "src" / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(package)


def test_cycle_found_through_every_import_form(tmp_path: Path) -> None:
    """'import a', 'from pkg import a', 'from pkg.a import x' and relative imports all count."""
    graph = _graph_of(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": "from pkg.c import thing\n",
            "c.py": "from . import d\n",
            "d.py": "import pkg.a\n",
            "e.py": "from pkg.sub.f import g\n",
            "sub/__init__.py": "",
            "sub/f.py": "from ..e import h\n",
        },
    )
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.d"], ["pkg.e", "pkg.sub.f"]]


def test_imports_in_functions_and_type_checking_are_not_cycles(tmp_path: Path) -> None:
    """A deferred import inside a function, or one only for type checkers, breaks no import."""
    graph = _graph_of(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "import pkg.b\n",
            "b.py": "def later():\n    import pkg.a\n",
            "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n",
            "d.py": "try:\n    import pkg.c\nexcept ImportError:\n    pass\n",
        },
    )
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == set() and graph["pkg.c"] == set()
    assert graph["pkg.d"] == {"pkg.c"}
    assert import_cycles(graph) == []


def test_this_file_keeps_the_limits() -> None:
    """The checker itself is held to the same limits."""
    text = Path(__file__).read_text(encoding="utf-8")
    assert module_lines(text) <= MAX_MODULE_LINES
    assert not list(long_functions(ast.parse(text)))
