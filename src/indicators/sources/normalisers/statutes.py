"""Statute references as written ("ч. 2 ст. 274 УК РК", "CC-274", "slander") to article keys.

Rules, all driven by ``data/reference/statute_codes*.csv`` and ``statutes*.csv``:

* A cell may hold several references, separated by ``;``, ``,``, "and", "и" or "және".
* A code is recognised by its abbreviations (``УК``, ``CC``, ``КоАП`` ...) or its own name
  (``CC1997``). Where one abbreviation covers several codes (the 1997 and 2014 Criminal
  Codes), a year written next to it picks the code adopted that year, else the date does.
* A bare number with no code is read in the code marked ``default_for_bare_numbers`` that was
  in force on the date (the Criminal Code for Kazakhstan); the reason says so.
* ``NNN-K`` is first looked up as an article of the code (AC ``73-3``, ``456-2``); when the
  code has no such article but has ``NNN``, it is read as article NNN, part K (``274-2``).
* With no number, the keywords of each article (offence names in English, Russian, Kazakh)
  are searched; the longest match wins, then the article in force on the date. A tie between
  articles in force is reported as unresolved, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from indicators.sources.reference import Reference, fold, parse_iso, records, split_list, valid_on

Basis = Literal["article number stated", "inferred from offence name", "unresolved"]
STATED: Basis = "article number stated"
INFERRED: Basis = "inferred from offence name"
UNRESOLVED: Basis = "unresolved"
TABLE = "data/reference/statutes.csv"

_SEGMENTS = re.compile(r"\s*(?:;|\r?\n|\\r\\n|\\n)\s*")
_ITEMS = re.compile(r"\s*,\s*|\s+(?:and|и|және|&)\s+", re.IGNORECASE)
_PART = re.compile(
    r"(?<!\w)(?:ч|часть|части|частью|part|pt|бөлігі|бөлік)\s*(\d{1,2})(?!\w)"
    r"|(?<!\w)(\d{1,2})\s+(?:я\s+|ші\s+)?(?:часть|бөлігі|бөлік)(?!\w)"
)
_CLAUSE = re.compile(r"(?<!\w)(?:п|пп|пункт\w*|paragraph|para|clause|тармақ\w*)\s*\d{1,2}(?!\w)")
_YEAR = re.compile(r"(?<![\w-])(1[89]\d\d|20\d\d)(?![\w-])")
_NUMBER = r"(\d{1,3}(?:-\d{1,3})?)"
_ARTICLE_WORD = re.compile(
    rf"(?<!\w)(?:articles?|art|arts|ст|статья|статьи|статье|статьеи|бап\w*)\s*{_NUMBER}(?!\w)"
    rf"|(?<!\w){_NUMBER}\s+(?:бап|бабы|бабына|бабының)(?!\w)"
)
_ANY_NUMBER = re.compile(rf"(?<!\w){_NUMBER}(?!\w)")


@dataclass(frozen=True)
class StatuteMatch:
    """One statute reference: the key it resolved to (or None) and why."""

    key: str | None
    written: str
    code: str | None
    article: str | None
    part: str | None
    basis: Basis
    reason: str


@dataclass(frozen=True)
class _Code:
    code: str
    adopted_year: int | None
    valid_from: str
    valid_to: str
    default: bool


@dataclass(frozen=True)
class _Keyword:
    pattern: re.Pattern[str]
    length: int
    key: str
    phrase: str  # as written in the table


@dataclass(frozen=True, eq=False)  # one per (reference, country), cached: hashed by identity
class _Index:
    codes: dict[str, _Code]
    by_abbreviation: dict[str, frozenset[str]]
    abbreviation_pattern: re.Pattern[str]
    articles: dict[tuple[str, str], dict[str, str]]
    by_key: dict[str, dict[str, str]]
    keywords: tuple[_Keyword, ...]


def _code_record(row: dict[str, str]) -> _Code:
    adopted = parse_iso(row["adopted"])
    default = row["default_for_bare_numbers"].casefold() in {"yes", "true", "1"}
    year = adopted.year if adopted else None
    return _Code(row["code"], year, row["valid_from"], row["valid_to"], default)


def _abbreviations(rows: list[dict[str, str]]) -> dict[str, frozenset[str]]:
    """Folded abbreviation -> the codes it can mean (a code's own name means only itself)."""
    found: dict[str, set[str]] = {}
    for row in rows:
        for abbr in [row["code"], *split_list(row["abbreviations"])]:
            if fold(abbr):
                found.setdefault(fold(abbr), set()).add(row["code"])
    return {k: frozenset(v) for k, v in found.items()}


def _whole_words(phrases: list[str]) -> re.Pattern[str]:
    """A pattern for any of the (folded) phrases as whole words, longest first."""
    longest_first = sorted(phrases, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, longest_first)) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _keywords(rows: list[dict[str, str]]) -> tuple[_Keyword, ...]:
    return tuple(
        _Keyword(_whole_words([fold(kw)]), len(fold(kw)), row["key"], kw)
        for row in rows
        for kw in split_list(row["keywords"])
        if fold(kw)
    )


@lru_cache(maxsize=16)
def _index(ref: Reference, country: str) -> _Index:
    code_rows = records(ref.statute_codes[ref.statute_codes["country"] == country])
    rows = records(ref.statutes[ref.statutes["country"] == country])
    abbreviations = _abbreviations(code_rows)
    return _Index(
        codes={r["code"]: _code_record(r) for r in code_rows},
        by_abbreviation=abbreviations,
        abbreviation_pattern=_whole_words(list(abbreviations)),
        articles={(r["code"], r["article"]): r for r in rows},
        by_key={r["key"]: r for r in rows},
        keywords=_keywords(rows),
    )


def _pick_code(
    candidates: frozenset[str], years: list[int], on: date | None, idx: _Index
) -> tuple[str | None, str]:
    """Choose one code among candidates by a written year, then the date; say why."""
    ordered = sorted(candidates)
    if len(ordered) == 1:
        return ordered[0], ""
    by_year = [c for c in ordered if idx.codes[c].adopted_year in years]
    if len(by_year) == 1:
        return by_year[0], f"year {idx.codes[by_year[0]].adopted_year} written: {by_year[0]}"
    if on is None:
        current = [c for c in ordered if not idx.codes[c].valid_to]
        if len(current) == 1:
            return current[0], f"no date given: assumed {current[0]}, the code in force now"
        return None, f"no date given to choose between {', '.join(ordered)}"
    live = [c for c in ordered if valid_on(idx.codes[c].valid_from, idx.codes[c].valid_to, on)]
    if len(live) == 1:
        return live[0], f"{live[0]} was in force on {on.isoformat()}"
    if live:
        return None, f"several codes were in force on {on.isoformat()}: {', '.join(live)}"
    return None, f"none of {', '.join(ordered)} was in force on {on.isoformat()}"


def _article_status(row: dict[str, str], on: date | None) -> str:
    if on is None or valid_on(row["valid_from"], row["valid_to"], on):
        return ""
    span = f"{row['valid_from'] or '…'} to {row['valid_to'] or '…'}"
    successor = f"; successor {row['successor_key']}" if row["successor_key"] else ""
    return f"; note: {row['key']} was not in force on {on.isoformat()} (valid {span}{successor})"


def _by_number(
    written: str,
    number: str,
    part: str | None,
    hint: frozenset[str],
    years: list[int],
    on: date | None,
    idx: _Index,
) -> StatuteMatch:
    """Resolve one written article number within the hinted (or default) code."""
    defaults = frozenset(c for c, rec in idx.codes.items() if rec.default)
    code, why = _pick_code(hint or defaults, years, on, idx)
    if not hint and code is not None:
        when = f"in force on {on.isoformat()}" if on else "in force now (no date given)"
        why = f"no code written: read as {code}, the default code {when}"
    if code is None:
        lead = "no code written and " if not hint else ""
        return StatuteMatch(None, written, None, number, part, UNRESOLVED, lead + why)
    row = idx.articles.get((code, number))
    base, _, suffix = number.partition("-")
    if row is None and suffix and part is None and (code, base) in idx.articles:
        row, part = idx.articles[(code, base)], suffix
        why += f"; '{number}' read as article {base} part {suffix} ({code} has no article {number})"
    if row is None:
        reason = f"article {number} of {code} is not in {TABLE}"
        return StatuteMatch(
            None, written, code, number, part, UNRESOLVED, f"{reason} ({why})" if why else reason
        )
    reason = f"article {row['article']} of {code} stated" + (f"; {why}" if why else "")
    return StatuteMatch(
        row["key"], written, code, row["article"], part, STATED, reason + _article_status(row, on)
    )


def _clusters(text: str, idx: _Index) -> list[list[tuple[int, int, int, str]]]:
    """Keyword hits (start, end, length, key), grouped where they overlap."""
    hits = sorted(
        (m.start(), m.end(), kw.length, kw.key)
        for kw in idx.keywords
        for m in kw.pattern.finditer(text)
    )
    groups: list[list[tuple[int, int, int, str]]] = []
    for hit in hits:
        if groups and hit[0] < max(h[1] for h in groups[-1]):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    return groups


def _by_cluster(
    written: str,
    folded: str,
    group: list[tuple[int, int, int, str]],
    hint: frozenset[str],
    part: str | None,
    on: date | None,
    idx: _Index,
) -> StatuteMatch:
    """Choose the article for one group of overlapping offence-name hits."""
    rows = {key: idx.by_key[key] for *_, key in group}
    if hint:
        group = [h for h in group if rows[h[3]]["code"] in hint] or group
    longest = max(h[2] for h in group)
    best = [h for h in group if h[2] == longest]
    phrase = next(
        (kw.phrase for kw in idx.keywords if (kw.key, kw.length) == (best[0][3], longest)),
        folded[best[0][0] : best[0][1]],
    )
    keys = sorted({h[3] for h in best})
    live = [k for k in keys if valid_on(rows[k]["valid_from"], rows[k]["valid_to"], on)]
    if on is None and len(live) > 1:
        live = [k for k in live if not rows[k]["valid_to"]]
    if len(live) == 1:
        row = rows[live[0]]
        when = f"in force on {on.isoformat()}" if on else "no date given: the article in force now"
        reason = f"offence name '{phrase}' matched {row['key']} ({row['title_en']}), {when}"
        return StatuteMatch(
            row["key"], written, row["code"], row["article"], part, INFERRED, reason
        )
    spans = "; ".join(
        f"{k} valid {rows[k]['valid_from'] or '…'} to {rows[k]['valid_to'] or '…'}" for k in keys
    )
    problem = "matches several articles" if live else f"matches no article in force on {on}"
    return StatuteMatch(
        None, written, None, None, part, UNRESOLVED, f"offence name '{phrase}' {problem}: {spans}"
    )


def _codes_in(folded: str, idx: _Index) -> tuple[frozenset[str], str]:
    """The codes named in a folded text, and the text with those names blanked out."""
    found = [idx.by_abbreviation[m.group(0)] for m in idx.abbreviation_pattern.finditer(folded)]
    codes = frozenset.intersection(*found) if found else frozenset()
    return codes or frozenset().union(*found), idx.abbreviation_pattern.sub(" ", folded)


def _resolve_item(
    written: str, inherited: frozenset[str], on: date | None, idx: _Index
) -> list[StatuteMatch]:
    """All references in one item: by article number when one is written, else by name."""
    folded = fold(written)
    hint, rest = _codes_in(folded, idx)
    hint = hint or inherited
    parts = [a or b for a, b in _PART.findall(rest)]
    part = parts[0] if parts else None
    rest = _CLAUSE.sub(" ", _PART.sub(" ", rest))
    years = [int(y) for y in _YEAR.findall(rest)]
    rest = _YEAR.sub(" ", rest)
    numbers = [a or b for a, b in _ARTICLE_WORD.findall(rest)] or _ANY_NUMBER.findall(rest)
    if numbers:
        return [_by_number(written, n, part, hint, years, on, idx) for n in dict.fromkeys(numbers)]
    found = [_by_cluster(written, folded, g, hint, part, on, idx) for g in _clusters(folded, idx)]
    unique = {(m.key or m.reason): m for m in found}
    if unique:
        return list(unique.values())
    reason = "no article number and no offence name from " + TABLE
    return [StatuteMatch(None, written, None, None, part, UNRESOLVED, reason)]


@lru_cache(maxsize=16_384)
def _resolve_segment(segment: str, on: date | None, idx: _Index) -> tuple[StatuteMatch, ...]:
    """Split a segment on commas and 'and' when every piece resolves; else read it whole.

    Cached: the same segment recurs in many cells ("ст. 274 ч. 2", "art. 174"), and the
    answer depends only on it, the day and the country's index.
    """
    hint, _ = _codes_in(fold(segment), idx)
    items = [i for i in _ITEMS.split(segment) if i.strip()]
    if len(items) > 1:
        results = [m for item in items for m in _resolve_item(item.strip(), hint, on, idx)]
        if all(m.key for m in results):
            return tuple(results)
    return tuple(_resolve_item(segment, hint, on, idx))


def resolve_statutes(
    text: str, country: str, on: date | None, ref: Reference
) -> list[StatuteMatch]:
    """Every statute reference in a cell, each resolved to a key or explained; [] when empty."""
    written = str(text).strip()
    if not written:
        return []
    idx = _index(ref, str(country).strip().upper())
    if not idx.codes:
        reason = f"no legal codes for country {country!r} in data/reference/statute_codes.csv"
        return [StatuteMatch(None, written, None, None, None, UNRESOLVED, reason)]
    segments = [s for s in _SEGMENTS.split(written) if s.strip()]
    return [m for s in segments for m in _resolve_segment(s.strip(), on, idx)]
