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

from indicators import i18n
from indicators.i18n import N_, _, language, n_, number, place
from indicators.present.labels import index_phrase
from indicators.query.claims import ClaimResult
from indicators.query.overview import Headline, IncidentSummary
from indicators.query.trend import Comparison, count_text
from indicators.tables.values import is_missing
from indicators.text import one_line


def ordinal(n: int) -> str:
    """A rank as the reader's language writes it: 1st, 2nd, 3rd, 11th, 141st (141-е, 141-)."""
    return i18n.ordinal(n)


def decimal(value: float) -> str:
    """A score as Python's ``g`` writes it (35.2, 40), with the reader's decimal sign."""
    text = f"{value:g}"
    if language() == "en" or "e" in text:
        return text
    return number(value, len(text.partition(".")[2]))


def rank_phrase(rank: object, n_ranked: object) -> str:
    """'141st of 180' ('141-е место из 180'), or '' when the rank is unknown."""
    if is_missing(rank):
        return ""
    r = int(str(rank))
    if is_missing(n_ranked):
        return ordinal(r)
    return place(r, int(str(n_ranked)))


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' in the reader's language."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


MOST_NAMED = 3  # co-holders of a joint rank named in the answer; beyond this, counted


def _others(shared: str) -> str:
    """'Finland', 'Finland and Iceland', '5 others'."""
    names = [n for n in shared.split(" | ") if n]
    if len(names) > MOST_NAMED:
        return n_("{n} other", "{n} others", len(names)).format(n=count_text(len(names)))
    return and_list(names)


def _edition_note(row: pd.Series) -> str:
    """The edition, with what a reader must know: split entry, joint rank."""
    notes = []
    if row.get("entity_kind") == "pseudo":
        notes.append(_("as its split entry '{name}'").format(name=row["country"]))
    shared = row.get("shared_with")
    if isinstance(shared, str) and shared:
        notes.append(_("joint with {others}").format(others=_others(shared)))
    return str(row["edition"]) + (f" ({'; '.join(notes)})" if notes else "")


def _in_indices(rows: pd.DataFrame) -> str:
    """ "RSF's World Press Freedom Index 2018 and 2019" (one phrase per index, in words)."""
    parts = []
    for index, group in rows.groupby("index", sort=False):
        notes = [_edition_note(row) for _, row in group.iterrows()]
        parts.append(f"{index_phrase(index)} {and_list(notes)}")
    return "; ".join(parts)


def describe_claim(result: ClaimResult, country: str, rank: int, of: int | None) -> str:
    """A plain sentence answering the claim, naming each index in words:
    "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."."""
    claim = rank_phrase(rank, of)
    if result.holds:
        return _("Yes: {country} was {claim} in {indices}.").format(
            country=country, claim=claim, indices=_in_indices(result.matches)
        )
    if not result.same_rank_other_total.empty:
        near = "; ".join(
            f"{index_phrase(row['index'])} {_edition_note(row)} "
            f"({rank_phrase(row['rank'], row['n_ranked'])})"
            for _i, row in result.same_rank_other_total.iterrows()
        )
        return _("No edition puts {country} at {claim}; the same rank occurs in {near}.").format(
            country=country, claim=claim, near=near
        )
    return _("No edition in the data puts {country} at {claim}.").format(
        country=country, claim=claim
    )


def no_incidents_sentence(country: str) -> str:
    """What is said instead of a count for a country no loaded incident source covers."""
    return _(
        "No incident records are loaded for {country}, so no incident count is shown: "
        "that is not the same as no incidents."
    ).format(country=country)


def incident_sentence(country: str, s: IncidentSummary | None) -> str:
    """The plain sentence on incidents: counts of the loaded sources, with the trend caveat."""
    if s is None:
        return no_incidents_sentence(country)
    if s.last:
        before = _("{n} in {year}").format(n=count_text(s.last), year=s.year - 1)
    else:
        before = _("none loaded for {year}").format(year=s.year - 1)
    c = s.comparison
    trend = c.sentence
    if isinstance(c, Comparison) and c.percent is not None:
        trend += " " + _("That is a change in what was recorded, not necessarily in what happened.")
    recorded = n_(
        "The sources loaded here record {n} incident against journalists, bloggers and "
        "activists in {country} in {year} ({before}).",
        "The sources loaded here record {n} incidents against journalists, bloggers and "
        "activists in {country} in {year} ({before}).",
        s.this,
    ).format(n=count_text(s.this), country=country, year=s.year, before=before)
    caveat = _("These are the cases in the loaded sources, not a census of all that happened.")
    return f"{recorded} {trend} {caveat}"


IMPROVED, WORSENED, BARELY = N_("improved"), N_("worsened"), N_("barely changed")


def _direction(change: float) -> str:
    if change > 0.5:
        return _(IMPROVED)
    if change < -0.5:
        return _(WORSENED)
    return _(BARELY)


def places_moved(change: int | None) -> str:
    """'8 places down', '1 place up', 'the same rank' (rank change: + = up)."""
    n = int(change or 0)
    if n == 0:
        return _("the same rank")
    if n > 0:
        return n_("{n} place up", "{n} places up", n).format(n=count_text(n))
    return n_("{n} place down", "{n} places down", -n).format(n=count_text(-n))


def _ranked_sentence(h: Headline) -> str:
    return _(
        "In RSF's {edition} World Press Freedom Index (covering {period}), {country} ranked "
        "{rank}: {percent}% of the other ranked countries were rated freer."
    ).format(
        edition=h.edition,
        period=h.period_label,
        country=h.country,
        rank=rank_phrase(h.rank, h.n_ranked),
        percent=round(100 - h.position),
    )


def _moved_sentence(h: Headline) -> str:
    assert h.position_change is not None
    out = _("Its position {direction} since the {edition} edition ({moved})").format(
        direction=_direction(h.position_change),
        edition=h.previous_edition,
        moved=places_moved(h.rank_change),
    )
    if h.five_edition_change is not None:
        out += _(", and {direction} over five editions (since {edition})").format(
            direction=_direction(h.five_edition_change), edition=h.five_edition_edition
        )
    return (
        out
        + ". "
        + _(
            "Positions compare editions with different numbers of countries; RSF's scores "
            "changed method in 2013 and 2022 and are only compared within one method."
        )
    )


def summary_sentences(h: Headline | None, incidents: str | None = None) -> list[str]:
    """Two or three plain sentences for a report, with their caveats."""
    if h is None:
        return [_("No ranking is stored for this country.")]
    out = [_ranked_sentence(h)]
    if h.position_change is not None and h.previous_edition:
        out.append(_moved_sentence(h))
    if incidents is not None:
        out.append(incidents)
    return out


def source_line(names: pd.Series, most: int = 6) -> str:
    """The publishers behind what a chart shows, on one line: each citation up to its first
    colon ('The Diplomat, Crossroads Asia: "Russian Pressure ...", 2025' -> 'The Diplomat,
    Crossroads Asia'); the full citations are in the chart's table and CSV."""
    cited = [one_line(s) for s in names.dropna().unique()]
    found = sorted({(s if "://" in s else s.split(":")[0]).strip() for s in cited} - {""})
    more = "; " + _("and others") if len(found) > most else ""
    return "; ".join(found[:most]) + more
