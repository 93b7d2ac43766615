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
"""

from __future__ import annotations

import re

import pandas as pd

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
