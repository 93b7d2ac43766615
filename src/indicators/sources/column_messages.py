"""The words of :func:`indicators.sources.column_aliases.missing_field`: a field no column holds."""

from __future__ import annotations

from indicators.i18n import N_

# The problem: without, then with, columns whose cells look like the field.
NO_COLUMN = (
    N_("no column holds {what} (expected a name such as {expected}); found {found}"),
    N_(
        "no column holds {what} (expected a name such as {expected}); found {found}; "
        "columns that look like it: {likely}"
    ),
)
# The fix: for any field, then for the year (which a file of one edition can be given).
RENAME = (
    N_("rename the column, or give a column mapping, e.g. {example}"),
    N_(
        "rename the column, or give a column mapping, e.g. {example}; for a file that "
        "holds one edition, give it with --year (Upload: Edition)"
    ),
)
