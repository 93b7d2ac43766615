"""Country resolution: codes and names (English, Russian, variants) to one entity code.

Sources, in order: the project's alias tables (every CSV in ``data/countries/``, so another
NGO adds its own variants as data), then ISO 3166-1 via pycountry (names, official and common
names, and their Russian translations), then ISO 3166-3 for former countries.

Entities without an ISO 3166-1 code get a code from the user-assigned range (``XKX`` Kosovo,
``XNC`` Northern Cyprus, ``XCD`` the OECS). RSF's pseudo-entries (``USA1``, ``ISR2`` ...) resolve
to their country's code with the kind ``pseudo``, so they are flagged rather than dropped.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from indicators.paths import embedded_data_dir


@dataclass(frozen=True)
class Entity:
    """What a country code or name resolved to."""

    iso3: str
    name: str
    kind: str  # country, territory, pseudo, historic or group


def name_key(text: str) -> str:
    """Fold a name for matching: no accents, case, punctuation, 'the' or 'republic of' noise."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("ё", "е").replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class CountryIndex:
    """Lookup tables from codes and folded names to entities."""

    by_code: dict[str, Entity]
    by_name: dict[str, Entity]

    def resolve(self, value: str) -> Entity | None:
        """Resolve a code or a name; return None when nothing matches."""
        text = str(value).strip()
        if not text:
            return None
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        return self.by_name.get(name_key(text))


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


def build_index(aliases: pd.DataFrame) -> CountryIndex:
    """Build the lookup from ISO data plus an alias table; aliases win over ISO names."""
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
        if re.fullmatch(r"[A-Z][A-Z0-9_]{1,5}", alias):
            by_code[alias] = entity
        else:
            by_name[name_key(alias)] = entity
        if kind != "pseudo":
            by_code.setdefault(iso3, entity)
    for h in pycountry.historic_countries:
        old = getattr(h, "alpha_3", None)
        if old and old not in by_code:
            by_code[str(old)] = Entity(str(old), str(h.name), "historic")
    return CountryIndex(by_code, by_name)


@lru_cache(maxsize=1)
def default_index() -> CountryIndex:
    """The lookup built from the embedded alias tables (cached for the process)."""
    return build_index(load_alias_tables(embedded_data_dir() / "countries"))


def resolve(value: str) -> Entity | None:
    """Resolve a code or name with the embedded tables."""
    return default_index().resolve(value)
