"""Normalisers: written statutes, places and dates to the project's keys, keeping what was written.

Pure functions: each takes the text, the country, the date it applies on and a
:class:`~indicators.sources.reference.Reference`, and returns a frozen match that records the text as
written, the key (or None) and a plain reason. Nothing here reads files.
"""

from __future__ import annotations

from indicators.sources.normalisers.dates import ParsedDate, date_problem, parse_date
from indicators.sources.normalisers.places import PlaceMatch, resolve_place
from indicators.sources.normalisers.statutes import StatuteMatch, resolve_statutes

__all__ = [
    "ParsedDate",
    "PlaceMatch",
    "StatuteMatch",
    "date_problem",
    "parse_date",
    "resolve_place",
    "resolve_statutes",
]
