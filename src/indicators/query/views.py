"""View-ready frames: what the CLI prints and the app charts, from canonical tables.

The same tables in a reader's words (dates at their precision, codes as labels) are made by
:mod:`indicators.present.tables_in_words`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from indicators.pipeline.derive import with_rank_change
from indicators.sources.countries import CountryIndex, default_index
from indicators.text import one_line

EXPORT_COLUMNS = [
    "index",
    "edition",
    "iso3",
    "country",
    "rank",
    "n_ranked",
    "position",
    "score",
    "score_normalised",
    "methodology",
    "edition_year",
    "period_label",
    "period_start",
    "period_end",
    "tied",
    "entity_kind",
    "score_direction",
    "score_as_printed",
    "rank_change",
    "rank_change_published",
    "zone",
    "situation",
    "political_score",
    "political_rank",
    "economic_score",
    "economic_rank",
    "legal_score",
    "legal_rank",
    "social_score",
    "social_rank",
    "safety_score",
    "safety_rank",
    "citation",
    "source_file",
    "source_sha256",
    "source_row",
]


class UnknownCountry(ValueError):
    """A country given by a person could not be resolved."""


def resolve_countries_arg(values: Sequence[str], index: CountryIndex | None = None) -> list[str]:
    """Resolve codes or names given on the command line or in the URL to entity codes."""
    lookup = index or default_index()
    out = []
    for value in values:
        entity = lookup.resolve(value)
        if entity is None:
            raise UnknownCountry(
                f"unknown country {value!r}: use an ISO3 code such as KAZ or a name"
            )
        out.append(entity.iso3)
    return out


def rankings_view(
    rankings: pd.DataFrame,
    countries: Sequence[str] | None = None,
    index: str | None = None,
    include_pseudo: bool = False,
) -> pd.DataFrame:
    """Rankings with the computed rank change, filtered and ordered for reading."""
    table = (
        with_rank_change(rankings)
        if not rankings.empty
        else rankings.assign(
            rank_change=pd.Series(dtype="Int64"), rank_change_checked=pd.Series(dtype="boolean")
        )
    )
    if countries:
        table = table[table["iso3"].isin(list(countries))]
    if index:
        table = table[table["index"] == index]
    if not include_pseudo and not countries:
        table = table[table["entity_kind"] != "pseudo"]
    table = table.sort_values(["index", "iso3", "edition_year", "source_code"])
    return table[[c for c in EXPORT_COLUMNS if c in table.columns]].reset_index(drop=True)


def rankings_listing(
    rankings: pd.DataFrame, countries: Sequence[str] | None = None, index: str | None = None
) -> pd.DataFrame:
    """Every ranked row, split entries included (RSF's USA/Israel rows for the US territory and
    outside it, 2003-2012): flagged by ``entity_kind`` = ``pseudo``, shown next to the name."""
    view = rankings_view(rankings, countries, index, include_pseudo=True)
    columns = [c for c in view.columns if c != "entity_kind"]
    if "entity_kind" in view:
        at = columns.index("country") + 1 if "country" in columns else 0
        columns.insert(at, "entity_kind")
    return view[columns]


def entity_names(
    rankings: pd.DataFrame, incidents: pd.DataFrame, events: pd.DataFrame
) -> pd.Series:
    """Display names by entity code, sorted, for every non-pseudo entity that has any data.

    Codes with incidents or events but no ranking are shown as their code.
    """
    ranked = rankings[rankings["entity_kind"] != "pseudo"]
    names = ranked.drop_duplicates("iso3").set_index("iso3")["country"].astype(str)
    known = set(names.index)
    extra = sorted(
        {str(c) for frame in (incidents, events) for c in frame["country"].dropna().unique()}
        - known
    )
    if extra:
        names = pd.concat([names, pd.Series(extra, index=extra, dtype=names.dtype)])
    return names.sort_values()


@dataclass(frozen=True)
class CountryChoice:
    """The country a page shows, and why it is not the one asked for (None when it is)."""

    code: str
    problem: str | None = None


MAX_SHOWN_REQUEST = 40  # characters of an unknown request repeated back to the reader


def choose_country(wanted: str, names: pd.Series, default: str) -> CountryChoice:
    """The country to show for a requested code or name (from the URL: hostile text).

    A known code is shown; a name, a two-letter or lower-case code resolves through the
    country tables ('Turkey', 'Казахстан', 'kaz'); anything else falls back to ``default``
    (or the first country) and says so in words. ``problem`` is plain text (one line,
    shortened): the page still escapes it before showing it.
    """
    codes = [str(c) for c in names.index]
    fallback = default if default in codes or not codes else codes[0]
    if wanted in codes:
        return CountryChoice(wanted)
    entity = default_index().resolve(wanted)
    if entity is not None and entity.iso3 in codes:
        return CountryChoice(entity.iso3)
    showing = str(names.get(fallback, fallback)) if codes else fallback
    if entity is not None:
        asked = f"{entity.name} ({entity.iso3})"
        return CountryChoice(fallback, f"No data for {asked} is loaded; showing {showing}.")
    asked = one_line(wanted).strip()
    if len(asked) > MAX_SHOWN_REQUEST:
        asked = asked[:MAX_SHOWN_REQUEST] + "…"
    what = "the code" if re.fullmatch(r"[A-Za-z0-9]{2,6}", asked) else "the code or name"
    return CountryChoice(
        fallback, f"No country with {what} {asked} is in the data; showing {showing}."
    )
