"""Region and place names as written ("г. Алматы", "Almaty region (Kapshagai)") to region codes.

Everything comes from ``data/reference/regions*.csv`` (first-level units with their names and
aliases) and ``places*.csv`` (towns, districts and villages mapped to a region for a period):

* Names are folded (case, accents, punctuation) and qualifier words are read as a kind:
  region (``region``, ``oblast``, ``область``, ``облысы``), city (``city``, ``г.``, ``город``,
  ``қаласы``), district (``district``, ``район``, ``ауданы``) or village (``село``, ``village``).
  "Almaty" is the city; "Almaty region" is the region; "Medeu district" is a place.
* A date keeps only the rows in force on it: "Semey" is KZ-63 in 2021 and KZ-10 in 2023;
  "Shymkent" in 2015 is South Kazakhstan region (KZ-YUZ); "Abai region" in 2020 did not exist.
* Text outside brackets wins when it names a region; otherwise the bracketed name is used only
  when the outer text is unknown. Several candidate codes give ``unresolved`` with the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

import pandas as pd

from indicators.sources.reference import Reference, fold, records, split_list, valid_on

Via = Literal["region", "place", "unresolved"]

_QUALIFIERS: dict[str, str] = {
    **dict.fromkeys(
        ("region", "oblast", "oblys", "oblysy", "province", "область", "области", "обл", "облысы"),
        "region",
    ),
    **dict.fromkeys(("city", "town", "г", "гор", "город", "города", "қаласы", "qalasy"), "city"),
    **dict.fromkeys(("district", "раион", "раиона", "ауданы", "audany", "rayon"), "district"),
    **dict.fromkeys(("village", "село", "с", "пос", "поселок", "ауыл", "аул", "auyl"), "village"),
}
_IGNORED = frozenset({"of", "the", "court", "суд", "суда"})
_ADJECTIVE = re.compile(r"(?<=[сц]к)(?:ая|ои|ого|ую|ом|ии|ому)$")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")


@dataclass(frozen=True)
class PlaceMatch:
    """A written place: the region code it resolved to (or None), and why."""

    code: str | None
    name: str | None
    written: str
    via: Via
    reason: str


@dataclass(frozen=True)
class _Entry:
    core: str
    qualifier: str | None
    code: str
    via: Literal["region", "place"]
    label: str
    region_kind: str
    valid_from: str
    valid_to: str


@dataclass(frozen=True)
class _Index:
    entries: tuple[_Entry, ...]
    names: dict[str, str]
    predecessors: dict[str, tuple[str, ...]]


def name_parts(text: str) -> tuple[str, str | None]:
    """A name's folded core and the kind its qualifier word gives (region, city ...), if any."""
    tokens = fold(text).split()
    kinds = [_QUALIFIERS[t] for t in tokens if t in _QUALIFIERS]
    core = [_ADJECTIVE.sub("ая", t) for t in tokens if t not in _QUALIFIERS and t not in _IGNORED]
    return " ".join(core), (kinds[0] if kinds else None)


def _rows(frame: pd.DataFrame, country: str) -> list[dict[str, str]]:
    return records(frame[frame["country"] == country])


def _region_entries(ref: Reference, country: str) -> list[_Entry]:
    entries = []
    for r in _rows(ref.regions, country):
        names = [r["code"], r["iso_alpha_code"], r["name_en"], r["name_ru"], r["name_kk"]]
        for name in dict.fromkeys(n for n in [*names, *split_list(r["aliases"])] if n):
            core, qual = name_parts(name)
            span = (r["valid_from"], r["valid_to"])
            entries.append(_Entry(core, qual, r["code"], "region", r["name_en"], r["kind"], *span))
    return entries


def _place_entries(ref: Reference, country: str) -> list[_Entry]:
    entries = []
    for p in _rows(ref.places, country):
        for name in dict.fromkeys([p["place"], *split_list(p["aliases"])]):
            core, qual = name_parts(name)
            span = (p["valid_from"], p["valid_to"])
            entries.append(_Entry(core, qual, p["region_code"], "place", p["place"], "", *span))
    return entries


@lru_cache(maxsize=16)
def _index(ref: Reference, country: str) -> _Index:
    regions = _rows(ref.regions, country)
    names = {r["code"]: r["name_en"] for r in regions}
    before = {r["code"]: tuple(split_list(r["predecessor"])) for r in regions}
    entries = tuple(_region_entries(ref, country) + _place_entries(ref, country))
    return _Index(entries, names, before)


def _candidates(core: str, qual: str | None, idx: _Index) -> list[_Entry]:
    """Entries a folded name can mean, given the kind its qualifier asks for."""
    same = [e for e in idx.entries if e.core == core and core]
    if qual in ("district", "village"):
        return [e for e in same if e.via == "place"]
    if qual == "region":
        return [e for e in same if e.via == "region" and e.region_kind == "region"]
    if qual == "city":
        return [e for e in same if e.via == "place" or e.region_kind == "city"]
    exact = [e for e in same if e.qualifier is None]
    return exact or same


def _span(entry: _Entry) -> str:
    start, end = entry.valid_from, entry.valid_to
    if start and end:
        return f" from {start} to {end}"
    return f" from {start}" if start else f" until {end}" if end else ""


def _describe(entry: _Entry, idx: _Index) -> str:
    region = f"{entry.code} ({idx.names.get(entry.code, '?')})"
    formed = idx.predecessors.get(entry.code) if entry.via == "region" else None
    origin = f", formed from {', '.join(formed)}" if formed else ""
    if entry.via == "place":
        return f"place {entry.label!r} in {region}{_span(entry)}"
    return f"{region}{_span(entry)}{origin}"


@dataclass(frozen=True)
class _Outcome:
    match: PlaceMatch
    known: bool  # the name is in the tables, whatever the date


def _unresolved(written: str, reason: str, known: bool) -> _Outcome:
    return _Outcome(PlaceMatch(None, None, written, "unresolved", reason), known)


def _resolve_name(text: str, written: str, on: date | None, idx: _Index) -> _Outcome:
    """Resolve one name (no brackets) on a date."""
    core, qual = name_parts(text)
    found = _candidates(core, qual, idx)
    if not found:
        return _unresolved(
            written, f"{text!r} is not in data/reference/regions.csv or places.csv", False
        )
    live = [e for e in found if valid_on(e.valid_from, e.valid_to, on)]
    codes = sorted({e.code for e in live})
    if len(codes) == 1:
        best = next((e for e in live if e.via == "region"), live[0])
        when = f"as of {on.isoformat()}" if on else "no date given"
        reason = f"{text!r} is {_describe(best, idx)} ({when})"
        match = PlaceMatch(codes[0], idx.names.get(codes[0]), written, best.via, reason)
        return _Outcome(match, True)
    listing = "; ".join(sorted({_describe(e, idx) for e in found}))
    if not codes and on is not None:
        return _unresolved(written, f"{text!r} did not exist on {on.isoformat()}: {listing}", True)
    lead = "depends on the date; give one" if on is None else "is ambiguous"
    return _unresolved(written, f"{text!r} {lead}: candidates {listing}", True)


def _split_brackets(written: str) -> tuple[str, list[str]]:
    """Outer text and bracketed names; a bracket holding only a qualifier joins the outer text."""
    outer = _BRACKETS.sub(" ", written)
    inner = []
    for a, b in _BRACKETS.findall(written):
        text = (a or b).strip()
        core, qual = name_parts(text)
        if qual and not core:
            outer += " " + text  # "Almaty (region)" is "Almaty region"
        elif text:
            inner.append(text)
    return " ".join(outer.split()), inner


def _with_brackets(written: str, on: date | None, idx: _Index) -> _Outcome:
    """Outer text wins when it is a region; the bracketed text helps only when outer is unknown."""
    outer, inner = _split_brackets(written)
    first = _resolve_name(outer, written, on, idx) if outer else None
    if first and (first.match.via == "region" or (first.known and not first.match.code)):
        return first
    others = [_resolve_name(text, written, on, idx) for text in inner]
    codes = sorted({o.match.code for o in others if o.match.code})
    if first and first.match.code:
        if set(codes) - {first.match.code}:
            said = f"{outer!r} is in {first.match.code}, the bracketed text in {', '.join(codes)}"
            return _unresolved(written, f"the names disagree: {said}", True)
        return first
    if len(codes) == 1:
        chosen = next(o for o in others if o.match.code)
        note = f"{outer!r} is unknown; used the bracketed name: " if outer else ""
        return _Outcome(_replace_reason(chosen.match, note + chosen.match.reason), True)
    if first is None and len(others) == 1:
        return others[0]
    reasons = "; ".join(o.match.reason for o in ([first] if first else []) + others)
    reason = f"no single region: {reasons}" if reasons else "no name inside or outside the brackets"
    return _unresolved(written, reason, any(o.known for o in others))


def _replace_reason(match: PlaceMatch, reason: str) -> PlaceMatch:
    return PlaceMatch(match.code, match.name, match.written, match.via, reason)


def _with_commas(written: str, on: date | None, idx: _Index) -> _Outcome:
    """'Kapshagai, Almaty region': every comma part must agree on one code."""
    parts = [p.strip() for p in written.split(",") if p.strip()]
    outcomes = [_resolve_name(p, written, on, idx) for p in parts]
    codes = {o.match.code for o in outcomes}
    if len(codes) == 1 and None not in codes:
        return next((o for o in outcomes if o.match.via == "region"), outcomes[0])
    reasons = "; ".join(o.match.reason for o in outcomes)
    return _unresolved(written, f"the comma-separated parts do not agree: {reasons}", True)


def resolve_place(text: str, country: str, on: date | None, ref: Reference) -> PlaceMatch:
    """Resolve a written region, city, district or village to a region code on a date."""
    written = str(text).strip()
    idx = _index(ref, str(country).strip().upper())
    if not written:
        return PlaceMatch(None, None, written, "unresolved", "empty")
    if not idx.entries:
        return PlaceMatch(None, None, written, "unresolved", f"no regions for country {country!r}")
    if _BRACKETS.search(written):
        return _with_brackets(written, on, idx).match
    whole = _resolve_name(written, written, on, idx)
    if whole.known or "," not in written:
        return whole.match
    return _with_commas(written, on, idx).match
