"""Safe exports: CSV that a spreadsheet opens without running anything.

A spreadsheet runs a field as a formula when its first character is ``=``, ``+``, ``-`` or
``@`` (some also after a leading tab or carriage return). Which text is a "field" depends on
how the file is split: a comma file opened where the list separator is ``;`` (Russian and
Kazakh settings) or tab is split there, and quotes in the middle of a field are not honoured,
so ``"x;=1+1"`` yields the field ``=1+1``. Quoting a cell is therefore not enough: wherever a
field can begin inside a text cell (its start, and after any ``,`` ``;`` tab, CR or line feed),
an apostrophe is put before a formula character, past any spaces and quotes a spreadsheet would
skip. The apostrophe makes the spreadsheet read the rest as text. Numbers stored as numbers
(``-3`` in a numeric column) are written as they are.

A CSV is UTF-8 (Cyrillic kept as it is). The canonical tables' columns keep their machine
names; a "shown" export (:func:`shown_frame`) has readable headers and shown dates, in the
reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from indicators.i18n import N_, _
from indicators.present.labels import readable
from indicators.present.precision import shown_date, shown_dates

FORMULA_START = "=+-@\t\r"
FIELD_BREAKS = ",;\t\r\n"  # after these a spreadsheet may begin a new field or line
# Where a field begins (the cell's start or after a break), past what a spreadsheet skips
# there (spaces other than tab and line ends, and quotes), a formula character follows.
_FIELD_FORMULA = re.compile(r"""(?:^|(?<=[,;\t\r\n]))((?:[^\S\t\r\n]|")*)(?=[=+\-@\t\r])""")


def neutralise_text(text: str) -> str:
    """``text`` with an apostrophe before every formula character that could begin a field."""
    return _FIELD_FORMULA.sub(r"\1'", text)


def neutralise_cell(value: object) -> object:
    """A text cell neutralised (see :func:`neutralise_text`); any other value unchanged, so
    plain negative numbers stored as numbers stay numbers."""
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        text = pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
        if text or pd.api.types.is_string_dtype(dtype):
            out[col] = out[col].map(neutralise_cell)
    return out


def to_safe_csv(frame: pd.DataFrame) -> str:
    """CSV text (UTF-8, header row, comma-separated) with formula-like cells neutralised.

    Records end in CRLF, as RFC 4180 has it: Python's writer then quotes every cell holding a
    CR or LF. With LF endings a cell holding a lone CR went out unquoted, and spreadsheets
    (and ``csv.reader``) split the record there.
    """
    return str(safe_frame(frame).to_csv(index=False, lineterminator="\r\n"))


# The columns that say where a row comes from, as the canonical tables name them
# (tables/registry.py): written after the columns a chart or table shows, in this order.
PROVENANCE_COLUMNS = (
    "source_name",
    "source_url",
    "citation",
    "source_file",
    "source_row",
    "source_sha256",
)
DATE_COLUMNS = ("date", "date_end", "period_start", "period_end")
VERSION_LABELS = {"data_version": N_("Data version"), "data_version_date": N_("Data version date")}


def _shown_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """One shown column's cells; a date at the precision the row gives (``date_precision``)."""
    if column in DATE_COLUMNS and "date_precision" in frame.columns:
        if column == "date":
            return shown_dates(frame, "date")
        precision = frame["date_precision"]
        cells = [shown_date(v, p) for v, p in zip(frame[column], precision, strict=True)]
        return pd.Series(cells, index=frame.index, dtype=object)
    return frame[column]


def shown_frame(
    frame: pd.DataFrame,
    shown: list[str],
    *,
    version: int | None = None,
    version_date: str = "",
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Exactly what a chart or table shows, for its CSV: the ``shown`` columns first, then the
    provenance columns the frame has (:data:`PROVENANCE_COLUMNS`) and the data version; no
    other column. Headers are the readable labels (:func:`indicators.present.labels.readable`,
    ``labels`` first), blank cells are blank and dates are shown at their precision.

    A ``shown`` column the frame does not have is an error (a CSV must not silently lack
    what the chart draws).
    """
    missing = [c for c in shown if c not in frame.columns]
    if missing:
        raise KeyError(f"columns shown but not in the data: {', '.join(missing)}")
    provenance = [c for c in PROVENANCE_COLUMNS if c in frame.columns and c not in shown]
    out = pd.DataFrame({c: _shown_column(frame, c) for c in shown}, index=frame.index)
    for column in provenance:
        out[column] = frame[column]
    if version is not None:
        out["data_version"] = version
        out["data_version_date"] = str(version_date)[:10]
    versions = {column: _(label) for column, label in VERSION_LABELS.items()}
    return readable(out.reset_index(drop=True), {**versions, **(labels or {})})


def to_shown_csv(frame: pd.DataFrame, shown: list[str], **stamp: Any) -> str:
    """:func:`shown_frame` as safe CSV (:func:`to_safe_csv`: formulas neutralised, CRLF)."""
    return to_safe_csv(shown_frame(frame, shown, **stamp))
