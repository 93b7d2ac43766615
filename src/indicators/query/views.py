"""View-ready frames: what the CLI prints and the app charts, from canonical tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from indicators.pipeline.derive import with_rank_change
from indicators.present.labels import event_kind_label, region_label, statute_label, value_label
from indicators.present.precision import shown_date, shown_dates
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


# -- tables as a reader sees them: dates at their precision, values in words ------------------
# Each function returns a frame keyed by canonical column names (so ``labels.readable`` and
# the CSV export give the headers), holding the words a reader sees; the ISO dates follow the
# readable ones (scripts still sort on them), then the provenance columns.

INCIDENT_SHOWN = ["date", "place_as_written", "region_name", "target_name", "target_type"]
INCIDENT_SHOWN += ["incident_type", "statute_key", "statute_as_written", "case_stage"]
INCIDENT_SHOWN += ["source_name", "source_url", "date_iso"]
INCIDENT_PROVENANCE = ["incident_id", "statute_seq", "date_precision", "date_as_written"]
INCIDENT_PROVENANCE += ["region_code", "statute_code", "statute_category", "statute_applied_to"]
INCIDENT_PROVENANCE += ["outlet", "summary", "synthetic", "source_file", "source_sha256"]
INCIDENT_PROVENANCE += ["source_row"]
EVENT_SHOWN = ["date", "kind", "title", "description", "source_name", "source_url", "date_iso"]
EVENT_SHOWN += ["date_end_iso"]
EVENT_PROVENANCE = ["event_id", "date_precision", "source_file", "source_sha256", "source_row"]


SMALL = 5_000  # up to this many rows, dates are shown row by row (no grouping pays off)


def at_precision(frame: pd.DataFrame, column: str = "date") -> pd.Series:
    """:func:`precision.shown_dates` for every row ('1995', 'Jan 2022', '16 Dec 2011',
    '23 Mar 2019 - 17 Sep 2022'), worked out once per distinct date, precision and end (a
    million incidents share a few thousand)."""
    keys = [c for c in (column, "date_precision", "date_end") if c in frame.columns]
    if len(frame) <= SMALL:
        return shown_dates(frame, column)
    plain = frame[keys].astype(object).where(frame[keys].notna(), "")
    distinct = plain.drop_duplicates()
    found = shown_dates(distinct.replace("", None), column)
    table = distinct.assign(_shown=found.to_numpy())
    shown = plain.merge(table, on=keys, how="left")["_shown"]
    return pd.Series(shown.to_numpy(), index=frame.index, dtype=object)


def in_words(values: pd.Series, label: Callable[[object], str]) -> pd.Series:
    """``label`` of every value, each distinct value labelled once; blanks stay blank."""
    distinct = {v: label(v) for v in values.dropna().unique()}
    return values.map(distinct).astype(object)


def period_shown(values: pd.Series, freq: str) -> pd.Series:
    """Count periods in words: a year as '2022', a month ('2022-01') as 'Jan 2022'."""
    if freq == "month":
        return in_words(values.astype(str), lambda m: shown_date(f"{m}-01", "month"))
    return values.astype("Int64").astype(str).astype(object)


def _regions_in_words(rows: pd.DataFrame) -> pd.Series:
    named = in_words(rows["region_code"], region_label)
    return named.where(rows["region_code"].notna(), rows["region_name"])


def incident_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per incident record as the page lists it (see INCIDENT_SHOWN), then provenance."""
    out = pd.DataFrame(
        {
            "date": at_precision(rows),
            "place_as_written": rows["place_as_written"],
            "region_name": _regions_in_words(rows),
            "target_name": rows["target_name"],
            "target_type": in_words(rows["target_type"], value_label),
            "incident_type": in_words(rows["incident_type"], value_label),
            "statute_key": in_words(rows["statute_key"], statute_label),
            "statute_as_written": rows["statute_as_written"],
            "case_stage": in_words(rows["case_stage"], value_label),
            "source_name": rows["source_name"],
            "source_url": rows["source_url"],
            "date_iso": rows["date"],
            "statute_code": rows["statute_key"],
        },
        index=rows.index,
    )
    for column in INCIDENT_PROVENANCE:
        if column not in out.columns:
            out[column] = rows[column]
    return out[INCIDENT_SHOWN + INCIDENT_PROVENANCE]


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events as a reader sees them (EVENT_SHOWN: the date at its precision, a range where the
    event has an end, the kind in words), then their provenance."""
    out = pd.DataFrame(
        {
            "date": at_precision(events),
            "kind": in_words(events["kind"], event_kind_label),
            "title": events["title"],
            "description": events["description"],
            "source_name": events["source_name"],
            "source_url": events["source_url"],
            "date_iso": events["date"],
            "date_end_iso": events["date_end"],
        },
        index=events.index,
    )
    for column in EVENT_PROVENANCE:
        out[column] = events[column] if column in events.columns else None
    return out[EVENT_SHOWN + EVENT_PROVENANCE]


_IN_WORDS: dict[str, Callable[[object], str]] = {
    "statute_key": statute_label,
    "statute_category": value_label,
    "region_code": region_label,
    "incident_type": value_label,
    "target_type": value_label,
    "stage": value_label,
}


def series_in_words(counts: pd.DataFrame, column: str) -> pd.Series:
    """A count's series as the legend names it (a statute, category, region or type in words)."""
    label = _IN_WORDS.get(column)
    return counts[column].astype(object) if label is None else in_words(counts[column], label)


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts from :func:`aggregate.incident_counts` as the chart shows them: statutes,
    categories, regions and types in words, months as 'Jan 2022'; then the statute and region
    codes and the ISO month, so a script can join and sort."""
    out = counts.copy()
    codes: dict[str, pd.Series] = {}
    if "statute_key" in out:
        codes["statute_code"] = out["statute_key"]
    if "region_code" in out:
        codes["region_code"] = out.pop("region_code")
        out["region_name"] = _regions_in_words(counts)
    if "month" in out:
        codes["month_iso"] = out["month"]
        out["month"] = period_shown(out["month"], "month")
    for column in out.columns:
        if column in _IN_WORDS:
            out[column] = series_in_words(out, column)
    return out.assign(**codes)


def reported_table(reported: pd.DataFrame) -> pd.DataFrame:
    """A monitor's own figures as a reader sees them: the period in words ('Jun 2024' for a
    month, else its range), then the ISO period and the source."""
    months = reported["period_kind"] == "month"
    period = [
        shown_date(s, "month") if m else shown_date(s, "day", e)
        for s, e, m in zip(reported["period_start"], reported["period_end"], months, strict=True)
    ]
    shown = ["group", "measure", "value", "unit", "source_name", "source_url"]
    out = reported[[c for c in shown if c in reported.columns]].copy()
    values = out["value"].astype("Float64")
    if bool((values.dropna() % 1 == 0).all()):
        out["value"] = values.astype("Int64")  # counts as counts: 14, not 14.0
    out.insert(0, "period_label", pd.Series(period, index=reported.index, dtype=object))
    return out.assign(period_start=reported["period_start"], period_end=reported["period_end"])


def source_line(names: pd.Series, most: int = 6) -> str:
    """The publishers behind what a chart shows, on one line: each citation up to its first
    colon ('The Diplomat, Crossroads Asia: "Russian Pressure ...", 2025' -> 'The Diplomat,
    Crossroads Asia'); the full citations are in the chart's table and CSV."""
    cited = [one_line(s) for s in names.dropna().unique()]
    found = sorted({(s if "://" in s else s.split(":")[0]).strip() for s in cited} - {""})
    return "; ".join(found[:most]) + ("; and others" if len(found) > most else "")
