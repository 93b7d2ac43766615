"""Matching a file's headers to canonical fields through alias lists (English and Russian)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.countries import name_key
from indicators.sources.reading import TextTable

_URL = re.compile(r"^https?://", re.IGNORECASE)


def header(text: str) -> str:
    """Fold a header for matching: case, accents, punctuation, underscores, bracketed notes."""
    text = re.sub(r"\(.*?\)", " ", str(text))
    return name_key(text.replace("_", " "))


def match_columns(
    table: TextTable, aliases: Mapping[str, tuple[str, ...]], mapping: Mapping[str, str]
) -> dict[str, str]:
    """Field -> column: explicit mapping first, then the first alias each header matches."""
    columns = list(table.frame.columns)
    found: dict[str, str] = {}
    problems = []
    for field, column in mapping.items():
        if field not in aliases:
            continue
        if column not in columns:
            problems.append(
                Problem(
                    table.source.name,
                    msg(
                        "the mapping names column {column!r} for "
                        "'{field}', but the file has no such column",
                        column=column,
                        field=field,
                    ),
                    1,
                    column,
                    fix=msg("the columns are: {columns}", columns=", ".join(map(repr, columns))),
                )
            )
        found[field] = column
    if problems:
        raise ValidationFailed(problems)
    keys = {c: header(c) for c in columns}
    taken = set(found.values())
    for field, names in aliases.items():
        if field in found:
            continue
        wanted = [header(n) for n in names]
        for name in wanted:
            hit = next((c for c in columns if keys[c] == name and c not in taken), None)
            if hit:
                found[field] = hit
                taken.add(hit)
                break
    if "source_name" in found and "source_url" not in found:
        values = table.frame[found["source_name"]].head(50)
        if values.str.match(_URL).mean() > 0.5:
            found["source_url"] = found.pop("source_name")
    return found
