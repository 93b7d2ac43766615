"""What a canonical table is, written as data: its columns, keys, storage and whole-row checks.

Each table is one :class:`TableSpec` (``tables/rankings.py``, ``incidents.py``,
``reported_counts.py``, ``events.py``), listed once in :data:`indicators.tables.registry.TABLES`.
Everything else is derived from that list: the store's table names, the row and batch keys
that merge and diff use, the kinds a file can hold (``--kind``), the folders of embedded data,
the readers of this project's own canonical CSVs, and the pandera schema that
:mod:`indicators.pipeline.validate` (the one module that imports pandera) builds from a spec.

Plain Python and pandas only: reading a stored table never needs the validator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Dtype = Literal["str", "Int64", "Float64", "boolean"]
CheckKind = Literal["str_matches", "in_range", "isin", "ge", "str_length"]


@dataclass(frozen=True)
class Check:
    """A check on each value of a column, as data: pandera's built-in check of that name.

    ``str_matches(pattern)``, ``in_range(low, high)`` (both ends included), ``isin(values)``,
    ``ge(low)`` and ``str_length(shortest, longest)``; a person sees it named the same way
    ("fails the check in_range(1900, 2100)").
    """

    kind: CheckKind
    args: tuple[object, ...]


def matches(pattern: str) -> Check:
    """The whole text matches the regular expression ``pattern``."""
    return Check("str_matches", (pattern,))


def in_range(low: float, high: float) -> Check:
    """``low <= value <= high``."""
    return Check("in_range", (low, high))


def isin(values: tuple[str, ...]) -> Check:
    """The value is one of ``values``."""
    return Check("isin", (values,))


def ge(low: float) -> Check:
    """``value >= low``."""
    return Check("ge", (low,))


def str_length(shortest: int, longest: int) -> Check:
    """The text has from ``shortest`` to ``longest`` characters."""
    return Check("str_length", (shortest, longest))


ISO3 = matches(r"^[A-Z]{3}$")
ISO_DATE = matches(r"^\d{4}-\d{2}-\d{2}$")
SHA256 = matches(r"^[0-9a-f]{64}$")
DATE_PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class Column:
    """One column: its name, its pandas dtype, whether it may be missing, and its check."""

    name: str
    dtype: Dtype = "str"
    nullable: bool = False
    check: Check | None = None


def optional(name: str, dtype: Dtype = "str", check: Check | None = None) -> Column:
    """A column whose value may be missing."""
    return Column(name, dtype, nullable=True, check=check)


def provenance() -> tuple[Column, ...]:
    """The columns every table ends with: the file, its SHA-256 and the row each row came from."""
    return (
        Column("source_file"),
        Column("source_sha256", check=SHA256),
        Column("source_row", "Int64", check=ge(1)),
    )


@dataclass(frozen=True)
class FrameCheck:
    """A rule on whole rows: ``holds(frame)`` is True for each row that keeps it."""

    error: str  # the rule as a person reads it: "rank must not exceed the number ranked"
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: everything the pipeline and the store need to know about it.

    ``row_keys`` identify a row (no two rows share them); ``batch_keys`` identify what one
    file replaces as a whole, and ``replaces`` says why. ``storage`` is the name the store
    keeps the table under (the manifest's key) and ``embedded_folder`` the folder of
    ``data/`` whose CSV files seed it; both default to ``name``.
    """

    name: str
    columns: tuple[Column, ...]
    row_keys: tuple[str, ...]
    batch_keys: tuple[str, ...]
    replaces: str
    storage: str = ""
    embedded_folder: str = ""
    checks: tuple[FrameCheck, ...] = ()

    def __post_init__(self) -> None:
        for attribute in ("storage", "embedded_folder"):
            if not getattr(self, attribute):
                object.__setattr__(self, attribute, self.name)
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is listed twice")
        unknown = (set(self.row_keys) | set(self.batch_keys)) - set(names)
        if unknown:
            raise ValueError(f"table {self.name}: keys {sorted(unknown)} are not its columns")

    @property
    def names(self) -> list[str]:
        """The column names, in the table's order."""
        return [c.name for c in self.columns]

    def dtypes(self) -> dict[str, Dtype]:
        """Each column's dtype."""
        return {c.name: c.dtype for c in self.columns}
