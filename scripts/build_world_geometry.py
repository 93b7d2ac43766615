"""Rebuild data/geo/world_110m.geojson from Natural Earth's 1:110m countries and capitals.

Usage: python scripts/build_world_geometry.py COUNTRIES.geojson PLACES.geojson [OUT.geojson]

COUNTRIES is ``ne_110m_admin_0_countries`` and PLACES ``ne_110m_populated_places``, both as
GeoJSON (public domain; see data/geo/SOURCE.md for the copies used). The output keeps, per country, the project's entity code (``iso3``), the
English name and the outline with coordinates rounded to 0.01 degree (about 1 km, far below
what 1:110m resolves); Antarctica is left out. Natural Earth gives ISO_A3 = -99 where ISO has
no code or the feature is not the whole state (France, Norway, Kosovo, Northern Cyprus,
Somaliland): ADM0_A3 is used there, mapped to the project's codes (Kosovo XKX, Northern
Cyprus XNC).

States too small for 1:110m outlines (Andorra, Bahrain, Singapore, ...) are Point features
flagged ``small``, at their capital as Natural Earth's populated places give it (the place of
class "Admin-0 capital", or "Admin-0 region capital" for Hong Kong), rounded to 0.01 degree;
the OECS, which RSF ranks as one entity, at the seat of its Commission (Castries, Saint
Lucia). The map draws them as markers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "data" / "geo" / "world_110m.geojson"
PROJECT_CODES = {"KOS": "XKX", "CYN": "XNC", "SAH": "ESH", "SDS": "SSD", "PSX": "PSE"}
LEFT_OUT = {"ATA"}
DIGITS = 2
CAPITALS = ("Admin-0 capital", "Admin-0 region capital")  # FEATURECLA of a capital
# Entities RSF ranks that are no state: drawn at the capital of the state that is their seat.
SEATS = {"XCD": ("LCA", "Organisation of Eastern Caribbean States")}


def project_code(properties: dict[str, Any]) -> str:
    """The project's entity code of a Natural Earth feature (ADM0_A3 where ISO_A3 is -99)."""
    iso = str(properties.get("ISO_A3", "-99"))
    code = str(properties["ADM0_A3"]) if iso in ("-99", "") else iso
    return PROJECT_CODES.get(code, code)


def _ring(ring: list[list[float]]) -> list[list[float]]:
    """A ring rounded to DIGITS, without repeated points."""
    points = [[round(float(x), DIGITS), round(float(y), DIGITS)] for x, y in ring]
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _polygon(rings: list[Any]) -> list[Any] | None:
    """A rounded polygon; rings that collapse below 4 points are dropped (plotly cannot draw
    them), and so is the polygon when its outer ring collapses."""
    kept = [r for r in (_ring(ring) for ring in rings) if len(r) >= 4]
    return kept if kept and len(kept[0]) >= 4 and kept[0] == _ring(rings[0]) else None


def _round(geometry: dict[str, Any]) -> dict[str, Any] | None:
    """The geometry rounded, or None when nothing drawable is left."""
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    polygons = [p for p in (_polygon(rings) for rings in parts) if p]
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def reduce(countries: dict[str, Any], places: dict[str, Any]) -> dict[str, Any]:
    """The reduced FeatureCollection: code, name and rounded outline, then the small points."""
    features: list[dict[str, Any]] = []
    for feature in countries["features"]:
        props = feature["properties"]
        code = project_code(props)
        if code in LEFT_OUT:
            continue
        geometry = _round(feature["geometry"])
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"iso3": code, "name": props["NAME"]},
                "geometry": geometry,
            }
        )
    drawn = {str(f["id"]) for f in features}
    return {"type": "FeatureCollection", "features": features + small_states(places, drawn)}


def small_states(places: dict[str, Any], drawn: set[str]) -> list[dict[str, Any]]:
    """A Point at the capital of every state the outlines leave out (and of every seat)."""
    capitals: dict[str, tuple[str, str, list[float]]] = {}
    for feature in places["features"]:
        props = feature["properties"]
        code = project_code(props)
        if props.get("FEATURECLA") in CAPITALS and code not in capitals:
            lon, lat = feature["geometry"]["coordinates"][:2]
            where = [round(float(lon), DIGITS), round(float(lat), DIGITS)]
            capitals[code] = (str(props["ADM0NAME"]), str(props["NAME"]), where)
    for code, (seat, name) in SEATS.items():
        if seat in capitals:
            capitals[code] = (name, capitals[seat][1], capitals[seat][2])
    return [
        {
            "type": "Feature",
            "id": code,
            "properties": {"iso3": code, "name": name, "capital": capital, "small": True},
            "geometry": {"type": "Point", "coordinates": where},
        }
        for code, (name, capital, where) in sorted(capitals.items())
        if code not in drawn
    ]


def main(argv: list[str]) -> int:
    """Read the originals, write the reduced file, print its size."""
    if len(argv) not in (3, 4):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[3]) if len(argv) == 4 else OUT
    countries, places = (json.loads(Path(a).read_text(encoding="utf-8")) for a in argv[1:3])
    reduced = reduce(countries, places)
    text = json.dumps(reduced, separators=(",", ":"), ensure_ascii=False)
    out.write_text(text + "\n", encoding="utf-8")
    small = sum("small" in f["properties"] for f in reduced["features"])
    print(
        f"{out}: {len(countries['features'])} countries and {len(places['features'])} places "
        f"in, {len(reduced['features']) - small} outlines and {small} small states out, "
        f"{out.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
