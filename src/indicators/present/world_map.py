"""The rankings of one edition for every country: the world map and the sortable table.

The map is drawn from the geometry shipped in ``data/geo`` (Natural Earth 1:110m, public
domain; see ``data/geo/SOURCE.md``) with plotly's geo subplot and its own base map switched
off (``geo.visible = False``), so the browser fetches nothing from outside the app. Entities
too small for 1:110m outlines are markers at their capital; countries not ranked in the
edition are drawn grey.

Words are in the reader's language: the constants are English (marked ``N_``, as the tests
and the colour axis know them) and translated where shown; the table's situation is stored
in the reader's language.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators.i18n import N_, _, number
from indicators.present.chart_style import locale_layout
from indicators.query.views import rankings_view
from indicators.text import plotly_text

GEOMETRY = Path(__file__).resolve().parents[3] / "data" / "geo" / "world_110m.geojson"
COLOUR_BY = {
    "position": N_("Position (0-100, 100 = freest)"),
    "score": N_("Score (0-100, higher = freer)"),
    "situation": N_("Situation (RSF's category)"),
}
SITUATIONS = [N_("Good"), N_("Satisfactory"), N_("Problematic"), N_("Difficult")]
SITUATIONS.append(N_("Very serious"))
# Ordered light (good) to dark (very serious): viridis steps, readable with colour blindness.
SITUATION_COLOURS = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
CONTINUOUS = [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"]]
CONTINUOUS += [[1.0, "#fde725"]]
# RSF's own labels (its files print them in French) and its score bands per method:
# 2022 onwards on the score (higher = freer), 2013-2021 on the printed score (lower = freer).
PUBLISHED_SITUATIONS = {
    "bonne situation": "Good",
    "situation plutôt bonne": "Satisfactory",
    "situation problématique": "Problematic",
    "situation difficile": "Difficult",
    "situation très grave": "Very serious",
}
BANDS = {"rsf_2022": (85.0, 70.0, 55.0, 40.0), "rsf_2013_2021": (15.0, 25.0, 35.0, 55.0)}
SUBS = ("political", "economic", "legal", "social", "safety")
TABLE_LABELS = {
    "rank": N_("Rank (as published)"),
    "n_ranked": N_("Countries ranked"),
    "country": N_("Country"),
    "position": N_("Position (0-100)"),
    "score": N_("Score (as published)"),
    "score_normalised": N_("Score (0-100, higher = freer)"),
    "change": N_("Change in rank (+ = up)"),
    "situation_label": N_("Situation"),
    "iso3": N_("Code"),
    "political_score": N_("Political score"),
    "political_rank": N_("Political rank"),
    "economic_score": N_("Economic score"),
    "economic_rank": N_("Economic rank"),
    "legal_score": N_("Legal score"),
    "legal_rank": N_("Legal rank"),
    "social_score": N_("Social score"),
    "social_rank": N_("Social rank"),
    "safety_score": N_("Safety score"),
    "safety_rank": N_("Safety rank"),
}


@lru_cache(maxsize=2)
def world_geometry(path: Path = GEOMETRY) -> dict[str, Any]:
    """The shipped world geometry (a GeoJSON FeatureCollection keyed by ``properties.iso3``)."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def situation_label(row: pd.Series) -> str | None:
    """RSF's situation category of one ranking: as published, else from RSF's score bands."""
    published = row.get("situation")
    if isinstance(published, str) and published.strip().lower() in PUBLISHED_SITUATIONS:
        return PUBLISHED_SITUATIONS[published.strip().lower()]
    methodology = str(row.get("methodology"))
    bands = BANDS.get(methodology)
    value = row.get("score" if methodology == "rsf_2022" else "score_as_printed")
    if bands is None or value is None or pd.isna(value):
        return None
    higher_is_freer = methodology == "rsf_2022"
    for situation, edge in zip(SITUATIONS[:-1], bands, strict=True):
        if (value >= edge) if higher_is_freer else (value <= edge):
            return situation
    return SITUATIONS[-1]


def editions(rankings: pd.DataFrame, index: str) -> list[str]:
    """The editions of an index, newest first."""
    rows = rankings[rankings["index"] == index]
    return [str(e) for e in rows.sort_values("edition_year", ascending=False)["edition"].unique()]


def edition_table(rankings: pd.DataFrame, index: str, edition: str) -> pd.DataFrame:
    """Every entity ranked in one edition (no pseudo-entries), best rank first.

    Columns: iso3, country, rank (as published), n_ranked, position, score, change (the rank
    change from the previous edition, computed, else as published; + = up), situation_label,
    ``score`` as published and ``score_normalised`` (0-100, higher = freer),
    and the sub-indicator scores and ranks where the edition has them.
    """
    view = rankings_view(rankings, None, index)
    rows = view[view["edition"].astype(str) == str(edition)].copy()
    rows["change"] = rows["rank_change"].fillna(rows["rank_change_published"]).astype("Int64")
    found = [situation_label(r) for _row, r in rows.iterrows()]
    rows["situation_label"] = [_(s) if s else s for s in found]  # in the reader's language
    subs = [
        f"{s}_{m}"
        for s in SUBS
        for m in ("score", "rank")
        if f"{s}_{m}" in rows and rows[f"{s}_{m}"].notna().any()
    ]
    rows["score"] = rows["score_as_printed"].round(2)  # 100 - score carries float noise
    columns = ["iso3", "country", "rank", "n_ranked", "position", "score", "score_normalised"]
    columns.append("change")
    rows = rows[[*columns, "situation_label", *subs]]
    return rows.sort_values(["rank", "country"], na_position="last").reset_index(drop=True)


def table_labels(columns: list[str]) -> dict[str, str]:
    """Readable headers for the columns of :func:`edition_table`, in the reader's language."""
    return {c: _(TABLE_LABELS[c]) if c in TABLE_LABELS else c for c in columns}


def _values(table: pd.DataFrame, colour_by: str) -> pd.Series:
    if colour_by == "situation":
        codes = {_(s): i for i, s in enumerate(SITUATIONS)}  # as the table has them
        return table["situation_label"].map(codes).astype("Float64")
    column = "score_normalised" if colour_by == "score" else colour_by
    return table[column].astype("Float64")


# Below the map, across it: on a 390 px phone a bar at the side would take a third of the map.
COLOUR_BAR = {"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top"}
COLOUR_BAR |= {"len": 0.95, "thickness": 12, "tickangle": 0, "tickfont": {"size": 10}}


def _colour_axis(colour_by: str) -> dict[str, Any]:
    if colour_by == "situation":
        n = len(SITUATIONS)
        scale = [
            [edge, colour]
            for i, colour in enumerate(SITUATION_COLOURS)
            for edge in (i / n, (i + 1) / n)
        ]
        return {
            "colorscale": scale,
            "cmin": -0.5,
            "cmax": n - 0.5,
            "colorbar": {
                **COLOUR_BAR,
                "title": {"text": _("Situation"), "side": "top"},
                "tickvals": list(range(n)),
                "ticktext": [_(s) for s in SITUATIONS],
            },
        }
    return {
        "colorscale": CONTINUOUS,
        "cmin": 0,
        "cmax": 100,
        "colorbar": {
            **COLOUR_BAR,
            "title": {"text": plotly_text(_(COLOUR_BY[colour_by])), "side": "top"},
        },
    }


def _hover(table: pd.DataFrame, edition: str) -> list[str]:
    rank_line, of, unranked = _("Rank {rank} ({edition})"), _("{rank} of {total}"), _("not ranked")
    score_line = _("Score {score}")

    def one(r: pd.Series) -> str:
        rank = unranked if pd.isna(r["rank"]) else of.format(rank=r["rank"], total=r["n_ranked"])
        score = (
            "" if pd.isna(r["score"]) else "<br>" + score_line.format(score=number(r["score"], 2))
        )
        situation = f"<br>{r['situation_label']}" if r["situation_label"] else ""
        shown = rank_line.format(rank=rank, edition=plotly_text(edition))
        return f"{plotly_text(r['country'])}<br>{shown}{score}{situation}"

    return [one(r) for _, r in table.iterrows()]


def _subset(geometry: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    """Only the outlines a trace draws (each trace carries its own copy to the browser)."""
    wanted = set(codes)
    features = [f for f in geometry["features"] if f["properties"]["iso3"] in wanted]
    return {"type": "FeatureCollection", "features": features}


def _markers(points: pd.DataFrame, small: dict[str, list[float]]) -> go.Scattergeo:
    """The small states as markers at their capital, on the shared colour axis."""
    return go.Scattergeo(
        lon=[small[c][0] for c in points["iso3"]],
        lat=[small[c][1] for c in points["iso3"]],
        mode="markers",
        marker={
            "color": list(points["_z"].astype(float)),
            "coloraxis": "coloraxis",
            "size": 8,
            "line": {"color": "white", "width": 1},
        },
        customdata=list(points["iso3"]),
        hovertext=list(points["_hover"]),
        hoverinfo="text",
        name=_("Small states"),
        meta={"role": "small"},
    )


def _outlines(geometry: dict[str, Any], codes: list[str], **style: Any) -> go.Choropleth:
    """Outlines of ``codes`` from the shipped geometry (only those, to keep the page small)."""
    return go.Choropleth(
        geojson=_subset(geometry, codes),
        featureidkey="properties.iso3",
        locations=codes,
        hoverinfo="text",
        marker_line={"color": "white", "width": 0.5},
        **style,
    )


def world_map_figure(
    table: pd.DataFrame, edition: str, colour_by: str = "position", index_label: str = "RSF"
) -> go.Figure:
    """The world map of one edition's table (:func:`edition_table`), coloured by position,
    score or situation; each ranked entity carries its code as ``customdata``."""
    geometry = world_geometry()
    features = geometry["features"]
    small = {f["id"]: f["geometry"]["coordinates"] for f in features if "small" in f["properties"]}
    names = {f["id"]: f["properties"]["name"] for f in features if "small" not in f["properties"]}
    ranked = table.assign(_z=_values(table, colour_by).to_numpy(), _hover=_hover(table, edition))
    shapes = ranked[ranked["iso3"].isin(list(names))]
    points = ranked[ranked["iso3"].isin(list(small)) & ~ranked["iso3"].isin(list(names))]
    others = sorted(set(names) - set(ranked["iso3"]))
    # The markers go first: plotly.js fetches its own world topojson from a CDN when the
    # first trace of a geo subplot has a ``locationmode`` (every choropleth has one, even
    # with a custom geojson) or a base layer is shown; markers placed by lon/lat have none.
    fig = go.Figure([_markers(points, small)])
    not_ranked = _("not ranked in {edition}").format(edition=plotly_text(edition))
    fig.add_trace(
        _outlines(
            geometry,
            others,
            z=[0] * len(others),
            colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]],
            showscale=False,
            hovertext=[f"{plotly_text(names[c])}: {not_ranked}" for c in others],
            name=_("Not ranked"),
            meta={"role": "unranked"},
        )
    )
    fig.add_trace(
        _outlines(
            geometry,
            list(shapes["iso3"]),
            z=list(shapes["_z"].astype(float)),
            coloraxis="coloraxis",
            customdata=list(shapes["iso3"]),
            hovertext=list(shapes["_hover"]),
            name=_("Ranked"),
            meta={"role": "ranked"},
        )
    )
    fig.update_layout(
        title={"text": plotly_text(f"{index_label} {edition}: {_(COLOUR_BY[colour_by])}")},
        coloraxis=_colour_axis(colour_by),
        geo={
            "visible": False,
            "projection": {"type": "natural earth", "rotation": {"lon": 10}},
            "lonaxis": {"range": [-170, 190]},
            "lataxis": {"range": [-57, 84]},
        },
        showlegend=False,
        height=420,
        margin={"l": 0, "r": 0, "t": 40, "b": 70},
        clickmode="event+select",
        **locale_layout(),
    )
    return fig


def drawn_countries(fig: go.Figure) -> set[str]:
    """The codes of the ranked entities a map figure draws (outlines and markers)."""
    return {
        str(c)
        for trace in fig.data
        if (trace.meta or {}).get("role") in ("ranked", "small")
        for c in (trace.customdata if trace.customdata is not None else [])
    }
