"""Region layouts for maps: the project's tile grid, and boundary files an NGO configures.

A boundary file is optional (set ``INDICATORS_GEOJSON`` to a GeoJSON path). Its features are
matched to region codes through the same place resolver as incidents, using each feature's
ISO code where it has one (``shapeISO``) or its names (``name_en``, ``name``, ``shapeName``,
``local_name``). Nothing is fetched from the internet: no tiles, fonts or scripts.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.paths import embedded_data_dir
from indicators.sources.normalisers.places import resolve_place
from indicators.sources.reference import Reference, load_reference

NAME_PROPERTIES = ("name_en", "shapeName", "name", "local_name", "name_ru")


def tile_layout(country: str = "KAZ", folder: Path | None = None) -> pd.DataFrame | None:
    """The tile-grid layout for a country (``data/maps/<iso3 lower>_tilegrid.csv``), if any."""
    path = (folder or embedded_data_dir() / "maps") / f"{country.lower()}_tilegrid.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype={"region_code": str, "short": str, "name": str})


def configured_geojson() -> Path | None:
    """The boundary file configured for choropleths, if any and if it exists."""
    value = os.environ.get("INDICATORS_GEOJSON")
    return Path(value) if value and Path(value).is_file() else None


def _alpha_to_numeric(ref: Reference) -> dict[str, str]:
    out: dict[str, str] = {}
    if "iso_alpha_code" in ref.regions.columns:
        for code, alpha in zip(ref.regions["code"], ref.regions["iso_alpha_code"], strict=True):
            if isinstance(alpha, str) and alpha:
                out[alpha] = str(code)
    return out


def match_features(
    geojson: dict[str, Any], country: str, on: date, ref: Reference | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Give every feature an ``id`` that is its region code; list the names not matched."""
    reference = ref or load_reference()
    alpha = _alpha_to_numeric(reference)
    unmatched: list[str] = []
    features = []
    for feature in geojson.get("features", []):
        props = feature.get("properties") or {}
        code = alpha.get(str(props.get("shapeISO", "")))
        if code is None:
            for key in NAME_PROPERTIES:
                if props.get(key):
                    match = resolve_place(str(props[key]), country, on, reference)
                    if match.code:
                        code = match.code
                        break
        if code is None:
            unmatched.append(str(next((props[k] for k in NAME_PROPERTIES if props.get(k)), "?")))
            continue
        features.append({**feature, "id": code})
    return {"type": "FeatureCollection", "features": features}, unmatched


def load_geojson(path: Path, country: str, on: date) -> tuple[dict[str, Any], list[str]]:
    """Read a boundary file and match its features to region codes."""
    return match_features(json.loads(path.read_text(encoding="utf-8")), country, on)
