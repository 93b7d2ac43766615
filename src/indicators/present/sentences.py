"""Sentences from the data: ranks in words, the claim check's answer, the overview's sentences.

Every sentence names the edition it comes from and carries the caveat it needs (a rank alone
is not comparable across editions; incident counts are the cases in the loaded sources, not all
that happened, and no count at all is given where no source is loaded). The figures come from
:mod:`indicators.query` (:mod:`~indicators.query.overview`, :mod:`~indicators.query.claims`);
the low-baseline rule is :mod:`indicators.query.trend`. Sentences are plain text: the app
escapes them before showing them.
"""

from __future__ import annotations

import pandas as pd

from indicators.present.labels import index_phrase
from indicators.query.claims import ClaimResult
from indicators.query.overview import Headline, IncidentSummary
from indicators.query.trend import Comparison
from indicators.tables.values import is_missing
from indicators.text import one_line


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 11th, 141st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(rank: object, n_ranked: object) -> str:
    """'141st of 180', or '' when the rank is unknown."""
    if is_missing(rank):
        return ""
    r = int(str(rank))
    if is_missing(n_ranked):
        return ordinal(r)
    return f"{ordinal(r)} of {int(str(n_ranked))}"


MOST_NAMED = 3  # co-holders of a joint rank named in the answer; beyond this, counted


def _others(shared: str) -> str:
    """'Finland', 'Finland and Iceland', '5 others'."""
    names = [n for n in shared.split(" | ") if n]
    if len(names) > MOST_NAMED:
        return f"{len(names)} others"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _edition_note(row: pd.Series) -> str:
    """The edition, with what a reader must know: split entry, joint rank."""
    notes = []
    if row.get("entity_kind") == "pseudo":
        notes.append(f"as its split entry '{row['country']}'")
    shared = row.get("shared_with")
    if isinstance(shared, str) and shared:
        notes.append(f"joint with {_others(shared)}")
    return str(row["edition"]) + (f" ({'; '.join(notes)})" if notes else "")


def _editions(editions: list[str]) -> str:
    """'2018', '2018 and 2019', '2017, 2018 and 2019'."""
    return editions[0] if len(editions) == 1 else ", ".join(editions[:-1]) + " and " + editions[-1]


def _in_indices(rows: pd.DataFrame) -> str:
    """ "RSF's World Press Freedom Index 2018 and 2019" (one phrase per index, in words)."""
    parts = []
    for index, group in rows.groupby("index", sort=False):
        notes = [_edition_note(row) for _, row in group.iterrows()]
        parts.append(f"{index_phrase(index)} {_editions(notes)}")
    return "; ".join(parts)


def describe_claim(result: ClaimResult, country: str, rank: int, of: int | None) -> str:
    """A plain sentence answering the claim, naming each index in words:
    "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."."""
    claim = rank_phrase(rank, of)
    if result.holds:
        return f"Yes: {country} was {claim} in {_in_indices(result.matches)}."
    if not result.same_rank_other_total.empty:
        near = "; ".join(
            f"{index_phrase(row['index'])} {_edition_note(row)} "
            f"({rank_phrase(row['rank'], row['n_ranked'])})"
            for _, row in result.same_rank_other_total.iterrows()
        )
        return f"No edition puts {country} at {claim}; the same rank occurs in {near}."
    return f"No edition in the data puts {country} at {claim}."


def no_incidents_sentence(country: str) -> str:
    """What is said instead of a count for a country no loaded incident source covers."""
    return (
        f"No incident records are loaded for {country}, so no incident count is shown: "
        "that is not the same as no incidents."
    )


def incident_sentence(country: str, s: IncidentSummary | None) -> str:
    """The plain sentence on incidents: counts of the loaded sources, with the trend caveat."""
    if s is None:
        return no_incidents_sentence(country)
    before = f"{s.last} in {s.year - 1}" if s.last else f"none loaded for {s.year - 1}"
    c = s.comparison
    trend = c.sentence
    if isinstance(c, Comparison) and c.percent is not None:
        trend += " That is a change in what was recorded, not necessarily in what happened."
    return (
        f"The sources loaded here record {s.this} incident{'s' if s.this != 1 else ''} against "
        f"journalists, bloggers and activists in {country} in {s.year} ({before}). {trend} "
        "These are the cases in the loaded sources, not a census of all that happened."
    )


def _direction(change: float) -> str:
    if change > 0.5:
        return "improved"
    if change < -0.5:
        return "worsened"
    return "barely changed"


def places_moved(change: int | None) -> str:
    """'8 places down', '1 place up', 'the same rank' (rank change: + = up)."""
    n = int(change or 0)
    if n == 0:
        return "the same rank"
    return f"{abs(n)} place{'' if abs(n) == 1 else 's'} {'up' if n > 0 else 'down'}"


def summary_sentences(h: Headline | None, incidents: str | None = None) -> list[str]:
    """Two or three plain sentences for a report, with their caveats."""
    if h is None:
        return ["No ranking is stored for this country."]
    out = [
        f"In RSF's {h.edition} World Press Freedom Index (covering {h.period_label}), "
        f"{h.country} ranked {rank_phrase(h.rank, h.n_ranked)}: {round(100 - h.position)}% of the "
        f"other ranked countries were rated freer."
    ]
    if h.position_change is not None and h.previous_edition:
        moved = places_moved(h.rank_change)
        out.append(
            f"Its position {_direction(h.position_change)} since the {h.previous_edition} edition "
            f"({moved})"
            + (
                f", and {_direction(h.five_edition_change)} over five editions (since "
                f"{h.five_edition_edition})"
                if h.five_edition_change is not None
                else ""
            )
            + ". Positions compare editions with different numbers of countries; RSF's scores "
            "changed method in 2013 and 2022 and are only compared within one method."
        )
    if incidents is not None:
        out.append(incidents)
    return out


def source_line(names: pd.Series, most: int = 6) -> str:
    """The publishers behind what a chart shows, on one line: each citation up to its first
    colon ('The Diplomat, Crossroads Asia: "Russian Pressure ...", 2025' -> 'The Diplomat,
    Crossroads Asia'); the full citations are in the chart's table and CSV."""
    cited = [one_line(s) for s in names.dropna().unique()]
    found = sorted({(s if "://" in s else s.split(":")[0]).strip() for s in cited} - {""})
    return "; ".join(found[:most]) + ("; and others" if len(found) > most else "")
