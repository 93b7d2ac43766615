"""Country resolution: codes and names (English, Russian, variants) to one entity code.

Sources, in order: the project's alias tables (every CSV in ``data/countries/``, so another
NGO adds its own variants as data), then ISO 3166-1 via pycountry (names, official and common
names, and their Russian translations), then ISO 3166-3 for former countries.

Labels whose meaning depends on the row (CPJ's "Israel and the Occupied Palestinian Territory",
used for killings in Gaza, the West Bank and, from October 2023, Israel) are listed in
``data/countries/row_dependent/labels.csv`` and resolved from the row's place with
``data/countries/row_dependent/places.csv``; :func:`resolve_labels` is the one call every
adapter makes for a column, and lists what it cannot resolve with the fix.

Entities without an ISO 3166-1 code get a code from the user-assigned range (``XKX`` Kosovo,
``XNC`` Northern Cyprus, ``XCD`` the OECS). RSF's pseudo-entries (``USA1``, ``ISR2`` ...) resolve
to their country's code with the kind ``pseudo``, so they are flagged rather than dropped.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from indicators.i18n import N_, Msg, msg
from indicators.paths import embedded_data_dir
from indicators.problems import either
from indicators.tables.values import name_key


@dataclass(frozen=True)
class Entity:
    """What a country code or name resolved to."""

    iso3: str
    name: str
    kind: str  # country, territory, pseudo, historic or group


@dataclass(frozen=True)
class RowLabel:
    """A label that names more than one country: which one is read from the row's place."""

    label: str
    candidates: tuple[str, ...]
    places: dict[str, str]  # folded place name -> iso3


@dataclass(frozen=True)
class CountryIndex:
    """Lookup tables from codes and folded names to entities."""

    by_code: dict[str, Entity]
    by_name: dict[str, Entity]
    by_label: dict[str, RowLabel] = field(default_factory=dict)

    def resolve(self, value: str) -> Entity | None:
        """Resolve a code or a name; return None when nothing matches."""
        text = str(value).strip()
        if not text:
            return None
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        return self.by_name.get(name_key(text))

    def row_label(self, value: str) -> RowLabel | None:
        """The row-dependent label this value is, if any."""
        return self.by_label.get(name_key(str(value)))


def _display(country: object) -> str:
    return str(getattr(country, "common_name", None) or country.name)  # type: ignore[attr-defined]


def _iso_entities() -> tuple[dict[str, Entity], dict[str, Entity]]:
    by_code: dict[str, Entity] = {}
    by_name: dict[str, Entity] = {}
    ru: gettext.NullTranslations
    try:
        ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    except OSError:
        ru = gettext.NullTranslations()
    for c in pycountry.countries:
        entity = Entity(c.alpha_3, _display(c), "country")
        by_code[c.alpha_3] = entity
        by_code.setdefault(c.alpha_2, entity)
        for attr in ("name", "official_name", "common_name"):
            label = getattr(c, attr, None)
            if label:
                by_name.setdefault(name_key(label), entity)
                by_name.setdefault(name_key(ru.gettext(label)), entity)
    return by_code, by_name


def load_alias_tables(folder: Path) -> pd.DataFrame:
    """Read every alias CSV in a folder (columns: alias, iso3, kind, display_name, ...)."""
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        for p in sorted(folder.glob("*.csv"))
    ]
    if not frames:
        return pd.DataFrame(columns=["alias", "iso3", "kind", "display_name"])
    return pd.concat(frames, ignore_index=True)


def build_index(aliases: pd.DataFrame, row_dependent: Path | None = None) -> CountryIndex:
    """Build the lookup from ISO data plus an alias table; aliases win over ISO names.

    Row-dependent labels come from ``row_dependent`` (default: the embedded
    ``data/countries/row_dependent/``).
    """
    by_code, by_name = _iso_entities()
    display: dict[str, str] = {}
    records: list[dict[str, str]] = [
        {str(k): str(v) for k, v in r.items()} for r in aliases.fillna("").to_dict("records")
    ]
    for row in records:
        if row["display_name"] and row["kind"] != "pseudo":
            display.setdefault(row["iso3"], row["display_name"])
    for code, entity in list(by_code.items()):
        if entity.iso3 in display:
            by_code[code] = Entity(entity.iso3, display[entity.iso3], entity.kind)
    by_name = {k: by_code.get(e.iso3, e) for k, e in by_name.items()}
    for row in records:
        iso3, kind, alias = row["iso3"], row["kind"], row["alias"].strip()
        base = by_code.get(iso3)
        if kind == "pseudo":
            entity = Entity(iso3, row["display_name"] or alias, "pseudo")
        else:
            name = display.get(iso3) or (base.name if base else row["display_name"] or alias)
            entity = Entity(iso3, name, kind or "country")
        if re.fullmatch(r"[A-Z][A-Z0-9_]{1,9}", alias):
            by_code[alias] = entity
        else:
            by_name[name_key(alias)] = entity
        if kind != "pseudo":
            by_code.setdefault(iso3, entity)
    for h in pycountry.historic_countries:
        old = getattr(h, "alpha_3", None)
        if old and old not in by_code:
            by_code[str(old)] = Entity(str(old), str(h.name), "historic")
    folder = row_dependent or embedded_data_dir() / "countries" / "row_dependent"
    return CountryIndex(by_code, by_name, load_row_labels(folder))


@lru_cache(maxsize=1)
def default_index() -> CountryIndex:
    """The lookup built from the embedded alias tables (cached for the process)."""
    return build_index(load_alias_tables(embedded_data_dir() / "countries"))


def resolve(value: str) -> Entity | None:
    """Resolve a code or name with the embedded tables."""
    return default_index().resolve(value)


def load_row_labels(folder: Path) -> dict[str, RowLabel]:
    """Read ``labels.csv`` and ``places.csv`` from a folder; folded label -> its rule."""
    if not (folder / "labels.csv").is_file():
        return {}
    labels = pd.read_csv(folder / "labels.csv", dtype=str, keep_default_na=False)
    places = (
        pd.read_csv(folder / "places.csv", dtype=str, keep_default_na=False)
        if (folder / "places.csv").is_file()
        else pd.DataFrame(columns=["label", "place", "iso3"])
    )
    out: dict[str, RowLabel] = {}
    for row in labels.to_dict("records"):
        label = str(row["label"]).strip()
        mine = places[places["label"].map(name_key) == name_key(label)]
        table = {
            name_key(p): str(c).strip() for p, c in zip(mine["place"], mine["iso3"], strict=True)
        }
        out[name_key(label)] = RowLabel(label, tuple(str(row["candidates"]).split()), table)
    return out


UNKNOWN_FIX = N_(
    "use an ISO3 code (e.g. KAZ) or an English or Russian name, or add it to "
    "data/countries/aliases.csv (alias,iso3,kind,display_name,note,source)"
)


@dataclass(frozen=True)
class Resolved:
    """One cell's country: the entity, or the problem and its fix; ``how`` when read from the row."""

    value: str
    entity: Entity | None
    problem: str | None = None
    fix: str | None = None
    how: str | None = None


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _shown(text: str, limit: int = 60) -> str:
    """A cell's text as quoted in a message: printable, on one line, at most ``limit`` chars."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _from_place(rule: RowLabel, value: str, place: str, index: CountryIndex) -> Resolved:
    """The country a row-dependent label means, read from the row's place (never guessed)."""
    which = either(rule.candidates)
    label, shown = _shown(value), _shown(place)
    if not place:
        return Resolved(
            value,
            None,
            msg(
                "the country {label!r} names {which} and the row gives no place",
                label=label,
                which=which,
            ),
            msg(
                "write the place of death in the row, or write {which} as its country", which=which
            ),
        )
    folded = name_key(place)
    exact = rule.places.get(folded)
    found = (
        {exact}
        if exact
        else {
            iso3
            for key, iso3 in rule.places.items()
            if re.search(rf"(^| ){re.escape(key)}( |$)", folded)
        }
    )
    if len(found) != 1:
        problem = (
            msg(
                "the country {label!r} names {which}, and the place {shown!r} names places in {codes}",
                label=label,
                which=which,
                shown=shown,
                codes=" and ".join(sorted(found)),
            )
            if found
            else msg(
                "the country {label!r} names {which}, and the place {shown!r} is not listed",
                label=label,
                which=which,
                shown=shown,
            )
        )
        return Resolved(
            value,
            None,
            problem,
            msg(
                "add the place {shown!r} with its country ({which}) to "
                "data/countries/row_dependent/places.csv, or write the country as a code",
                shown=shown,
                which=which,
            ),
        )
    iso3 = found.pop()
    entity = index.by_code.get(iso3) or Entity(iso3, iso3, "country")
    return Resolved(value, entity, how=f"{label!r} read as {iso3} from the place")


def resolve_labels(
    values: Sequence[object],
    places: Sequence[object] | None = None,
    index: CountryIndex | None = None,
) -> list[Resolved]:
    """Resolve a column of country codes or names, reading row-dependent labels from ``places``.

    Every adapter calls this (or :meth:`CountryIndex.resolve` through it); a cell that does not
    resolve gets a problem and the fix, and an empty cell resolves to no entity with no problem.
    """
    index = index or default_index()
    cache: dict[tuple[str, str], Resolved] = {}
    rules: dict[str, RowLabel | None] = {}  # name_key once per distinct value, not per row
    out: list[Resolved] = []
    for pos, raw in enumerate(values):
        value = _cell(raw)
        if value not in rules:
            rules[value] = index.row_label(value) if value else None
        rule = rules[value]
        place = _cell(places[pos]) if places is not None and rule else ""
        key = (value, place)
        if key not in cache:
            cache[key] = _resolve_one(value, rule, place, places is not None, index)
        out.append(cache[key])
    return out


def _resolve_one(
    value: str, rule: RowLabel | None, place: str, has_places: bool, index: CountryIndex
) -> Resolved:
    if not value:
        return Resolved(value, None)
    if rule is not None:
        if not has_places:
            return Resolved(
                value,
                None,
                msg(
                    "the country {label!r} names {which}: it is read from the row's place, "
                    "and the file has no place column",
                    label=_shown(value),
                    which=either(rule.candidates),
                ),
                msg(
                    "map the place of death column (e.g. --map place=COLUMN), or write the "
                    "country as a code"
                ),
            )
        return _from_place(rule, value, place, index)
    entity = index.resolve(value)
    if entity is None:
        return Resolved(value, None, msg("unknown country"), Msg(UNKNOWN_FIX))

    return Resolved(value, entity)
