"""Rebuild data/geo/world_110m.geojson from Natural Earth's 1:110m admin-0 countries.

Usage: python scripts/build_world_geometry.py ORIGINAL.geojson [OUT.geojson]

ORIGINAL is ``ne_110m_admin_0_countries`` as GeoJSON (public domain; see data/geo/SOURCE.md for
the copy used). The output keeps, per country, the project's entity code (``iso3``), the
English name and the outline with coordinates rounded to 0.01 degree (about 1 km, far below
what 1:110m resolves); Antarctica is left out. Natural Earth gives ISO_A3 = -99 where ISO has
no code or the feature is not the whole state (France, Norway, Kosovo, Northern Cyprus,
Somaliland): ADM0_A3 is used there, mapped to the project's codes (Kosovo XKX, Northern
Cyprus XNC).

States ranked by RSF but too small for 1:110m outlines are added as Point features at their
capital (approximate, 0.01 degree), flagged ``small``; the OECS as one point at its seat
(Castries, Saint Lucia). The map draws them as markers.
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
# Capitals (lon, lat) of the ranked entities 1:110m has no outline for.
SMALL: dict[str, tuple[str, float, float]] = {
    "AND": ("Andorra", 1.52, 42.51),
    "BHR": ("Bahrain", 50.59, 26.23),
    "COM": ("Comoros", 43.26, -11.70),
    "CPV": ("Cabo Verde", -23.51, 14.93),
    "HKG": ("Hong Kong", 114.17, 22.32),
    "LIE": ("Liechtenstein", 9.52, 47.14),
    "MDV": ("Maldives", 73.51, 4.18),
    "MLT": ("Malta", 14.51, 35.90),
    "MUS": ("Mauritius", 57.50, -20.16),
    "SGP": ("Singapore", 103.82, 1.35),
    "SYC": ("Seychelles", 55.45, -4.62),
    "TON": ("Tonga", -175.20, -21.14),
    "WSM": ("Samoa", -171.76, -13.83),
    "XCD": ("Organisation of Eastern Caribbean States", -60.99, 14.01),
}


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


def reduce(original: dict[str, Any]) -> dict[str, Any]:
    """The reduced FeatureCollection: code, name and rounded outline, then the small points."""
    features = []
    for feature in original["features"]:
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
    drawn = {f["id"] for f in features}
    for code, (name, lon, lat) in sorted(SMALL.items()):
        if code not in drawn:
            features.append(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"iso3": code, "name": name, "small": True},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> int:
    """Read the original, write the reduced file, print its size."""
    if len(argv) not in (2, 3):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[2]) if len(argv) == 3 else OUT
    original = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    text = json.dumps(reduce(original), separators=(",", ":"), ensure_ascii=False)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"{out}: {len(original['features'])} features in, {out.stat().st_size} bytes out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
