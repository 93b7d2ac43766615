"""Rankings page, "Every country in one edition": the world map and the sortable table.

Picking a country on the map or in the table makes it the page's country (the sidebar
picker and ``?country=``), so its chart above is the one drawn on the next run.

The section is a fragment: a change of edition or colouring reruns only the section, so the
new map and table are drawn without waiting for the page's charts above them (``make
bench``: "Rankings edition change"). The page then reruns once so that what else follows the
URL (the sidebar's "Share this view" link) shows the new choice too.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages._common import PLOTLY_CONFIG, _remember, _wanted, download, per_version
from indicators.i18n import _, n_, tr
from indicators.present.world_map import (
    COLOUR_BY,
    edition_table,
    editions,
    table_labels,
    world_map_figure,
)
from indicators.text import one_line


def _choice(name: str, options: list[str], label: str, labels: dict[str, str] | None = None) -> str:
    """A select box kept in the URL under ``name``."""
    wanted = _wanted(name, options[0])
    index = options.index(wanted) if wanted in options else 0
    shown = labels or {}
    choice = st.selectbox(
        label,
        options,
        index=index,
        format_func=lambda o: one_line(tr(shown.get(o, o))),
        key=f"world_{name}",
    )
    _remember(name, choice)
    return str(choice)


def _pick(source: str, iso3: str | None) -> None:
    """Make a country newly picked on the map or in the table the page's country.

    Only a new pick counts: a selection kept from an earlier run never overrides a country
    chosen since in the sidebar.
    """
    handled = f"_world_pick_{source}"
    if iso3 == st.session_state.get(handled):
        return
    st.session_state[handled] = iso3
    if iso3 and iso3 != st.session_state.get("country"):
        _remember("country", iso3)
        st.session_state.pop("country", None)  # the sidebar picker takes the new choice
        st.rerun()


def _picked_on_map(event: Any) -> str | None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        code = point.get("customdata") or point.get("location")
        if isinstance(code, list):
            code = code[0] if code else None
        if code:
            return str(code)
    return None


def _picked_in_table(event: Any, shown: pd.DataFrame) -> str | None:
    rows = (event or {}).get("selection", {}).get("rows", []) if event else []
    return str(shown["iso3"].iloc[rows[0]]) if rows else None


def world_section(rankings: pd.DataFrame) -> None:
    """The map and table of every country for one edition of the index chosen above."""
    st.session_state[_FULL_RUN] = True
    _world(rankings)


_FULL_RUN = "_world_full_run"  # set by the page's run, absent when the section reruns alone
_SHOWN = "_world_shown"  # the edition and colouring of the page's last run


@st.fragment
def _world(rankings: pd.DataFrame) -> None:
    full = bool(st.session_state.pop(_FULL_RUN, False))
    index = str(st.session_state.get("index") or "rsf_wpfi")
    st.header(_("Every country in one edition"))
    available = editions(rankings, index)
    if not available:
        st.info(_("No edition of this index is loaded."))
        return
    left, right = st.columns(2)
    with left:
        edition = _choice("map_edition", available, _("Edition"))
    with right:
        colour_by = _choice("map_colour", list(COLOUR_BY), _("Colour by"), COLOUR_BY)
    if full:
        st.session_state[_SHOWN] = (index, edition, colour_by)
    _draw(rankings, index, edition, colour_by)
    if not full and st.session_state.get(_SHOWN) != (index, edition, colour_by):
        st.rerun()  # the map and table are drawn: now the rest of the page follows the URL


def _draw(rankings: pd.DataFrame, index: str, edition: str, colour_by: str) -> None:
    """The map and the table of one edition; a country picked in either becomes the page's."""
    table = per_version(
        ("world_table", index, edition), lambda: edition_table(rankings, index, edition)
    )
    if len(table) < 20:
        st.info(
            n_(
                "Only {n} country of this edition is loaded; RSF's file for the "
                "edition gives all of them (Upload page).",
                "Only {n} countries of this edition are loaded; RSF's file for the "
                "edition gives all of them (Upload page).",
                len(table),
            ).format(n=len(table))
        )
    label = "RSF" if index == "rsf_wpfi" else index
    fig = per_version(
        ("world_map", index, edition, colour_by),
        lambda: world_map_figure(table, edition, colour_by, one_line(label)),
    )
    event = st.plotly_chart(
        fig,
        width="stretch",
        config=PLOTLY_CONFIG,
        key=f"world-map-{edition}-{colour_by}",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        _(
            "Click a country to open its chart above. Grey: not ranked in this edition. Dots: "
            "states too small for the map's outlines. Situation: RSF's category as published, "
            "else from RSF's score bands for the edition's method (none before 2013). Map: "
            "Natural Earth 1:110m (public domain)."
        )
    )
    _pick("map", _picked_on_map(event))
    shown = per_version(
        ("world_shown", index, edition),
        lambda: table.rename(columns=table_labels(list(table.columns))),
    )
    cells = per_version(
        ("world_cells", index, edition),
        lambda: shown.map(lambda v: one_line(v) if isinstance(v, str) else v),
    )
    picked = st.dataframe(
        cells,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"world-table-{edition}",
    )
    _pick("table", _picked_in_table(picked, table))
    download(shown, f"rankings_{one_line(edition)}_all_countries.csv")
