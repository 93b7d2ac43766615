"""The baseline of the Rankings world map and table: a bare page drawing the same figure and table.

Nothing but an edition select box, the map and the table: the same figure (made by
``indicators.present.world_map.world_map_figure``, coloured by position) and the same table of every
country of the edition, from the edition tables the benchmark wrote as Parquet files into the
folder ``BENCH_WORLD_TABLES`` (one ``<edition>.parquet`` each, taken from the app's own
store). As on the app's page the map and the table are keyed by the edition, and each
figure is made once per server (the app holds them once per store version). No sidebar,
store, sign-in, URL binding or other chart.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.present.world_map import table_labels, world_map_figure

st.set_page_config(page_title="Bare map baseline", layout="wide")
TABLES = Path(os.environ.get("BENCH_WORLD_TABLES", "."))
EDITIONS = sorted((p.stem for p in TABLES.glob("*.parquet")), reverse=True)


@st.cache_resource
def drawn(edition: str) -> tuple[go.Figure, pd.DataFrame]:
    """The edition's map and its table with readable headers, made once."""
    table = pd.read_parquet(TABLES / f"{edition}.parquet")
    shown = table.rename(columns=table_labels(list(table.columns)))
    return world_map_figure(table, edition, "position"), shown


st.title("Bare map baseline")
edition = st.selectbox("Edition", EDITIONS or ["none"])
if EDITIONS:
    figure, shown = drawn(edition)
    st.plotly_chart(figure, width="stretch", key=f"world-map-{edition}")
    st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"world-table-{edition}",
    )
