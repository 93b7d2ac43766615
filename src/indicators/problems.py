"""Problems found in input files, reported to people as a table, never as a stack trace.

Row numbers are the row a spreadsheet shows: the header is row 1 and the first data
row is row 2. A problem that concerns a whole file has row ``None``.

A file can have a million problems (a million unreadable dates): the first ``MAX_LISTED`` are
listed one by one and the rest are counted by kind (file, column, problem, fix), one summary
line per kind ("and 999,000 more: ..."). :class:`ValidationFailed` applies the cap, so the app,
the problems CSV and the CLI all get it, and :class:`ProblemList` lets a reader collect
problems capped from the start, without building an object for each one beyond the cap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import reduce

import pandas as pd

from indicators.i18n import Msg, msg, tr

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]
MAX_VALUE_CHARS = 80
MAX_LISTED = 1_000  # problems listed one by one; the rest are counted by kind
MAX_KINDS = 50  # kinds of unlisted problems named; beyond them one line counts the others


def either(words: Iterable[str]) -> str:
    """``"a or b or c"`` as a message, "or" translated where it is shown (the words are data)."""
    items = [str(w) for w in words]
    return reduce(lambda a, b: msg("{a} or {b}", a=a, b=b), items) if items else ""


def _clip(value: object) -> str:
    """Return a short, printable rendering of a cell value for an error table."""
    if value is None:
        return ""
    text = str(value)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    if len(text) > MAX_VALUE_CHARS:
        return text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located by file, row and column."""

    file: str
    problem: str
    row: int | None = None
    column: str | None = None
    value: str = ""
    fix: str = ""
    omitted: int = 0  # above 0: a summary line for this many unlisted problems of this kind

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _clip(self.value))

    @property
    def count(self) -> int:
        """How many problems this line stands for."""
        return self.omitted or 1

    @property
    def text(self) -> str:
        """The problem as shown in a table: a summary line says how many it stands for."""
        if self.omitted:
            return msg("and {n:,} more: {problem}", n=self.omitted, problem=self.problem)
        return self.problem

    def as_line(self) -> str:
        """Render the problem as one readable line."""
        if self.omitted:
            where = self.file + (f", column '{self.column}'" if self.column else "")
            return f"{where}: {self.text}" + (f". Fix: {self.fix}" if self.fix else "")
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        line = f"{where}: {self.problem}"
        if self.value:
            line += f" (value: {self.value!r})"
        if self.fix:
            line += f". Fix: {self.fix}"
        return line


_Kind = tuple[str, str | None, str, str]


class ProblemList(list[Problem]):
    """Problems collected with the cap: the first ``MAX_LISTED`` kept, the rest counted by kind.

    A list of the listed problems (``append`` and ``extend`` take ``Problem`` objects, summary
    lines included); :meth:`add` takes a problem's parts and builds no object beyond the cap.
    ``capped()`` gives the listed problems followed by the summary lines.
    """

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.unlisted: Counter[_Kind] = Counter()
        self.extend(problems)

    def add(
        self,
        file: str,
        problem: str,
        row: int | None = None,
        column: str | None = None,
        value: object = "",
        fix: str = "",
    ) -> None:
        """Collect one problem (an object only while fewer than ``MAX_LISTED`` are listed)."""
        if len(self) < MAX_LISTED:
            super().append(
                Problem(file, problem, row, column, "" if value is None else str(value), fix)
            )
        else:
            self.unlisted[(file, column, problem, fix)] += 1

    def append(self, problem: Problem) -> None:
        """Collect one problem (or a summary line, counted with its kind)."""
        if problem.omitted or len(self) >= MAX_LISTED:
            self.unlisted[(problem.file, problem.column, problem.problem, problem.fix)] += (
                problem.count
            )
        else:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Collect several problems."""
        for problem in problems:
            self.append(problem)

    @property
    def total(self) -> int:
        """How many problems were collected, listed or not."""
        return len(self) + sum(self.unlisted.values())

    def capped(self) -> list[Problem]:
        """The listed problems, then one summary line per kind of unlisted problem."""
        kinds = self.unlisted.most_common()
        lines = [
            Problem(file, problem, None, column, "", fix, omitted=n)
            for (file, column, problem, fix), n in kinds[:MAX_KINDS]
        ]
        others = sum(n for _, n in kinds[MAX_KINDS:])
        if others:
            files = {file for (file, _, _, _), _ in kinds[MAX_KINDS:]}
            where = files.pop() if len(files) == 1 else msg("(several files)")
            lines.append(Problem(where, msg("problems of other kinds"), omitted=others))

        return [*self, *lines]


class ValidationFailed(Exception):
    """Raised when input files have problems; carries every problem found, not just the first.

    At most ``MAX_LISTED`` are listed; the rest are summary lines counted by kind, and
    ``total`` says how many problems there are in all.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        collected = problems if isinstance(problems, ProblemList) else ProblemList(problems)
        self.problems: list[Problem] = collected.capped()
        self.total: int = collected.total
        first = self.problems[0].as_line() if self.problems else "no details"
        more = f" (and {self.total - 1:,} more)" if self.total > 1 else ""
        super().__init__(first + more)

    def __reduce__(self) -> tuple[type[ValidationFailed], tuple[list[Problem]]]:
        """Pickled with its problems (a worker process sends it back to the app)."""
        return (ValidationFailed, (self.problems,))


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Return problems as a table with the columns file, row, column, value, problem, fix.

    A summary line of unlisted problems says in its problem column how many it stands for.
    The words (problem, fix, and a summary line's file) are in the reader's language (the
    command line's, English, is the text itself); the values are the file's own.
    """
    rows = [
        {
            **asdict(p),
            "file": tr(p.file) if isinstance(p.file, Msg) else p.file,
            "problem": tr(p.text),
            "fix": tr(p.fix) if p.fix else "",
        }
        for p in problems
    ]

    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def problem_count(problems: Iterable[Problem]) -> int:
    """How many problems these lines stand for (summary lines count what they summarise)."""
    return sum(p.count for p in problems)
