"""View-ready frames: what the CLI prints and the app charts, from canonical tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.countries import CountryIndex, default_index
from indicators.normalise import with_rank_change

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
