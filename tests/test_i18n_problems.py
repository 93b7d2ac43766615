"""Every problem in an input file, and every error an analyst reads, is a translatable message.

A :class:`indicators.i18n.Msg` is the English text (so the CLI, the problems CSV and the
existing tests see what they always saw) that keeps its template and values, so that the app
shows it in Russian or Kazakh with the file's own values in place. The guard below reads the
code: a ``Problem(...)`` whose problem or fix is an f-string, a concatenation, a ``.format``
call or a bare literal would reach the reader in English only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from indicators.i18n import Msg, tr, using
from indicators.pipeline.commit import ingest
from indicators.problems import Problem, ProblemList, ValidationFailed, problems_frame
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file

SRC = Path(__file__).resolve().parent.parent / "src" / "indicators"
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# The calls that take a problem's words: (name, position of the problem, position of the fix)
PROBLEM_CALLS = {
    "Problem": (1, 5),
    "add": (1, 5),
    "_problem": (0, 4),
    "error": (3, 4),
    "flag": (2, None),
}
GOOD = "ISO;Rank;Score;Year (N)\n" + "".join(
    f"{iso};{i + 1};{90 - 3 * i},5;2025\n"
    for i, iso in enumerate(
        ["NOR", "FIN", "EST", "KAZ", "KGZ", "RUS", "UZB", "TJK", "TKM", "CHN", "IRN", "PRK"]
    )
)


def _english_only(node: ast.expr) -> bool:
    """Text built in code that cannot be translated: an f-string, a concatenation with text,
    ``"...".format(...)``, or a literal not wrapped in msg()."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return any(
            _english_only(side) or isinstance(side, ast.Constant)
            for side in (node.left, node.right)
        )
    if isinstance(node, ast.IfExp):
        return _english_only(node.body) or _english_only(node.orelse)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value not in (", ", "; ")
    )


def _words(call: ast.Call, positions: tuple[int, int | None]) -> list[ast.expr]:
    found = []
    for position, keyword in zip(positions, ("problem", "fix"), strict=True):
        if position is not None and len(call.args) > position:
            found.append(call.args[position])
        found += [k.value for k in call.keywords if k.arg == keyword]
    return found


def english_only_problems() -> list[str]:
    """Where the code gives a problem English-only words (file:line and the code)."""
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if "cli" in path.relative_to(SRC).parts:
            continue  # the command line's own messages stay English
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in PROBLEM_CALLS:
                continue
            for node in _words(call, PROBLEM_CALLS[name]):
                if _english_only(node):
                    where = f"{path.relative_to(SRC)}:{node.lineno}"
                    bad.append(f"{where}: {ast.unparse(node)[:80]}")
    return bad


def test_no_problem_is_worded_in_english_only() -> None:
    """Every Problem(...) in src/ gets its problem and fix from msg() (or a Msg built there)."""
    assert english_only_problems() == []


def test_the_guard_sees_english_only_words() -> None:
    """The guard flags an f-string, a concatenation, .format and a bare literal; not msg()."""
    code = (
        'Problem(f, f"row {n}")\nProblem(f, "a" + b)\nProblem(f, "a {b}".format(b=1))\n'
        'Problem(f, "plain")\nProblem(f, msg("ok {n}", n=1), fix=msg("ok"))\n'
    )
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and n.args]
    flagged = [
        any(_english_only(w) for w in _words(c, PROBLEM_CALLS["Problem"]))
        for c in calls
        if getattr(c.func, "id", "") == "Problem"
    ]
    assert flagged == [True, True, True, True, False]


def _check_translated(problems: list[Problem]) -> None:
    """Each problem and fix is a Msg whose Russian and Kazakh text is Cyrillic, values in place,
    and whose English text is the Msg itself."""
    assert problems
    for p in problems:
        for text in (p.problem, p.text, *([p.fix] if p.fix else [])):
            assert isinstance(text, Msg), f"not a message: {text!r} ({p.file})"
            assert tr(text) == str(text)  # English: unchanged
            for lang in ("ru", "kk"):
                with using(lang):
                    shown = tr(text)
                assert CYRILLIC.search(shown), f"{lang}: no translation of {text.template!r}"
                assert "Project-Id-Version" not in shown
                for value in text.params.values():
                    if isinstance(value, str) and not isinstance(value, Msg) and value.strip():
                        assert value in shown or repr(value) in shown, (lang, value, shown)


def _refused(name: str, data: bytes, tmp_path: Path) -> list[Problem]:
    store = LocalStore(tmp_path / "store")
    with pytest.raises(ValidationFailed) as err:
        ingest(store, [SourceFile(name, data)], user="t")
    return err.value.problems


BAD_FILES = {
    "wrong score": GOOD.replace("KAZ;4;81,5", "KAZ;4;eighty"),
    "missing column": "\n".join(
        ";".join(line.split(";")[i] for i in (0, 2, 3)) for line in GOOD.splitlines()
    ),
    "duplicate row": GOOD + "KAZ;13;40,5;2025\n",
    "rank above number ranked": GOOD.replace("PRK;12;", "PRK;99;"),
    "edition in the future": GOOD.replace("2025", "2999"),
    "unknown country": GOOD.replace("KAZ", "XXX"),
    "empty file": "",
    "wrong delimiter": GOOD.replace(";", "#"),
    "extra field": GOOD.replace("RUS;6;", "RUS;6;1;"),
    "duplicate header": GOOD.replace("Score", "Rank", 1),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_ranking_files_are_translated(kind: str, tmp_path: Path) -> None:
    """Hand-made bad ranking files: every problem and fix in Russian and Kazakh."""
    _check_translated(_refused(f"{kind}.csv", BAD_FILES[kind].encode(), tmp_path))


INCIDENTS = (
    "date,country,incident_type,target_name,statute_applied_to\n"
    "2024-03-05,KAZ,detention,A,\n"
    "not a date,KAZ,detention,B,\n"
    "2024-02-30,KAZ,detention,C,\n"
    "2999-01-01,KAZ,detention,D,\n"
    "2024-03-06,KAZ,detention,E,somebody\n"
    ",KAZ,detention,F,\n"
)


def test_bad_incident_file_is_translated(tmp_path: Path) -> None:
    """An unreadable, an impossible, a future and a missing date, a bad statute_applied_to."""
    problems = _refused("incidents.csv", INCIDENTS.encode(), tmp_path)
    assert {p.row for p in problems} >= {3, 4, 5, 6, 7}
    _check_translated(problems)
    with using("ru"):
        impossible = tr(next(p.problem for p in problems if p.row == 4))
    assert "30 февраля" in impossible


def test_publisher_file_cut_short_is_translated(tmp_path: Path) -> None:
    """A real RSF edition (read in place) with its last row cut in the middle."""
    data = Path(shared_file("rsf", "2024.csv")).read_bytes().rstrip(b"\r\n")
    cut = data[: data.rfind(b";")]
    _check_translated(_refused("2024.csv", cut, tmp_path))


def test_summary_lines_and_pickles(tmp_path: Path) -> None:
    """A summary line of unlisted problems is a message too, and a Msg survives pickling (the
    worker process sends problems back to the app)."""
    import pickle

    problems = ProblemList()
    for row in range(2, 1_200):
        problems.add("f.csv", Msg("is not a number"), row, "Score", "x", Msg("write a number"))
    lines = ValidationFailed(problems).problems
    summary = lines[-1]
    assert summary.omitted and isinstance(summary.text, Msg)
    assert summary.text == "and 198 more: is not a number"
    assert problems_frame(lines)["problem"].iloc[-1] == "and 198 more: is not a number"
    with using("ru"):
        frame = problems_frame(lines)
    assert frame["problem"].iloc[-1] == "и ещё 198: не является числом"
    assert frame["fix"].iloc[0] == "write a number"  # not a catalog message: as written

    again = pickle.loads(pickle.dumps(ValidationFailed(lines)))
    assert isinstance(again.problems[0].problem, Msg)
    assert again.problems[0].problem.template == "is not a number"
