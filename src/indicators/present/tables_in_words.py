"""Tables as a reader sees them: dates at their precision, codes and keys in words.

Each function returns a frame keyed by canonical column names (so ``labels.readable`` and the
CSV export give the headers), holding the words a reader sees; the ISO dates follow the readable
ones (scripts still sort on them), then the provenance columns. The frames come from
:mod:`indicators.query` (incident counts, events, a monitor's own figures, claim matches).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from indicators.present.labels import (
    event_kind_label,
    index_label,
    region_label,
    statute_label,
    value_label,
)
from indicators.present.precision import at_precision, shown_date

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


CLAIM_SHOWN = [
    "index",
    "edition",
    "period_label",
    "country",
    "rank",
    "n_ranked",
    "tied",
    "position",
    "citation",
]


def claim_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Matching editions as a reader sees them: the index in words, then the figures and the
    citation (keyed by canonical columns: ``labels.readable`` gives the headers)."""
    out = rows[[c for c in CLAIM_SHOWN if c in rows.columns]].copy()
    if "index" in out:
        out["index"] = out["index"].map(index_label)
    return out
