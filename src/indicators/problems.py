"""Problems found in input files, reported to people as a table, never as a stack trace.

Row numbers are the row a spreadsheet shows: the header is row 1 and the first data
row is row 2. A problem that concerns a whole file has row ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]
MAX_VALUE_CHARS = 80


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _clip(self.value))

    def as_line(self) -> str:
        """Render the problem as one readable line."""
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


class ValidationFailed(Exception):
    """Raised when input files have problems; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        first = self.problems[0].as_line() if self.problems else "no details"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Return problems as a table with the columns file, row, column, value, problem, fix."""
    rows = [asdict(p) for p in problems]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame
