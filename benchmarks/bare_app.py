"""The baseline app: a bare Streamlit page with one Plotly chart and a country selectbox.

Nothing but what every Streamlit dashboard pays for: the server, the script run, one Plotly
figure and one widget. The benchmark starts it exactly as it starts the real app and gives it
the real app's country names (``BENCH_COUNTRIES``, separated by ``|``) and a chart of the same
size as the real app's first chart (``BENCH_TRACES`` traces holding ``BENCH_POINTS`` points in
all). Every country gets other (seeded) values, so a change of country redraws the chart.
"""

from __future__ import annotations

import os
import zlib

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Bare baseline", layout="wide")

COUNTRIES = os.environ.get("BENCH_COUNTRIES", "Kazakhstan|Kyrgyzstan|Uzbekistan").split("|")
TRACES = int(os.environ.get("BENCH_TRACES", "1"))
POINTS = int(os.environ.get("BENCH_POINTS", "24"))

HOME = next((i for i, c in enumerate(COUNTRIES) if c.split(" (", 1)[0] == "Kazakhstan"), 0)
country = st.sidebar.selectbox("Country", COUNTRIES, index=HOME, key="country")
st.title("Bare baseline")
rng = np.random.default_rng(zlib.crc32(country.encode()))
sizes = [POINTS // TRACES + (1 if t < POINTS % TRACES else 0) for t in range(TRACES)]
figure = go.Figure(
    [
        go.Scatter(
            x=list(range(2026 - size, 2026)),
            y=rng.uniform(0, 100, size).round(1),
            mode="lines+markers",
            name=f"{country} {t + 1}" if TRACES > 1 else country,
        )
        for t, size in enumerate(sizes)
    ]
)
figure.update_layout(height=420, margin={"l": 40, "r": 20, "t": 30, "b": 40})
st.plotly_chart(figure, width="stretch", key="chart")
