"""Which table of a file holds what, and which adapter reads it: one detection step.

Every table of a file (each sheet of a workbook) is sniffed by every adapter; the surest
(table, adapter) pair wins, the first on a tie. An explicit adapter, kind or column mapping
narrows the choice; a file no adapter recognises is refused with its columns named.
"""

from __future__ import annotations

from dataclasses import replace

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed, either
from indicators.sources.reading import TextTable
from indicators.sources.registry import (
    ADAPTERS,
    MAPPING_ADAPTERS,
    Adapter,
    ParseOptions,
    by_name,
)

SURE = 1.0  # the highest score a sniff gives (see Adapter.sniff)


def choose(tables: list[TextTable], options: ParseOptions) -> tuple[Adapter, TextTable]:
    if options.adapter:
        adapter = by_name(options.adapter)
        # The surest table; among equally sure ones the largest (not a notes sheet), then the first.
        chosen = max(
            range(len(tables)), key=lambda i: (adapter.sniff(tables[i]), tables[i].frame.size, -i)
        )
        return adapter, tables[chosen]
    best = best_sniff(tables, options)
    if best[0] <= 0 and (options.mapping or options.kind):
        kind = options.kind or "rankings"
        if kind in MAPPING_ADAPTERS:  # an explicit kind is read as that kind, never asked again
            return choose(tables, replace(options, adapter=MAPPING_ADAPTERS[kind]))
    if best[0] <= 0:
        raise ValidationFailed([_unknown_kind(tables[0], options)])
    return ADAPTERS[best[1]], tables[best[2]]


def _unknown_kind(first: TextTable, options: ParseOptions) -> Problem:
    kinds = sorted({a.kind for a in ADAPTERS if not options.kind or a.kind == options.kind})
    fix = msg("check the header row, say the kind with --kind, or give a column mapping")
    if options.kind:
        fix = msg(
            "check the header row: the {kind} formats are those in the README", kind=options.kind
        )
    return Problem(
        first.source.name,
        msg(
            "cannot tell what this file holds ({kinds}); its columns are {columns}",
            kinds=either(kinds),
            columns=", ".join(repr(c) for c in first.frame.columns[:30]),
        ),
        1,
        fix=fix,
    )


def best_sniff(tables: list[TextTable], options: ParseOptions) -> tuple[float, int, int]:
    """The highest sniff score, its adapter and its table; the first pair wins a tie.

    A sniff scores from 0 to 1, so a sure score (1.0) cannot be beaten: the adapters after it
    are not asked (for an RSF edition that is every adapter but the first; their sniffs took
    a tenth of the ingest of the 24 editions).
    """
    best: tuple[float, int, int] = (0.0, -1, -1)
    for ti, table in enumerate(tables):
        for ai, adapter in enumerate(ADAPTERS):
            if options.kind and adapter.kind != options.kind:
                continue
            score = adapter.sniff(table)
            if score > best[0]:
                best = (score, ai, ti)
                if score >= SURE:
                    return best
    return best
