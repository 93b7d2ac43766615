"""Rankings: a country's comparable position over every edition, breaks shown."""

from __future__ import annotations

import streamlit as st

from app_pages._data import rankings
from indicators.charts import position_chart
from indicators.views import rankings_view

st.title("Press-freedom rankings")
table = rankings()
names = (
    table[table["entity_kind"] != "pseudo"]
    .drop_duplicates("iso3")
    .set_index("iso3")["country"]
    .sort_values()
)
codes = list(names.index)
default = st.query_params.get("country", "KAZ")
iso3 = st.selectbox(
    "Country",
    codes,
    index=codes.index(default) if default in codes else 0,
    format_func=lambda c: names[c],
    key="country",
)
st.query_params["country"] = iso3
view = rankings_view(table, [iso3])
st.plotly_chart(position_chart(view), width="stretch")
st.caption(
    "Position = share of the other ranked countries that did worse (0-100, 100 = freest), so "
    "editions with 139 and 180 countries can be compared. Dotted lines mark RSF's method "
    "changes (2013, 2022): the line is broken there on purpose."
)
st.dataframe(
    view[
        [
            "edition",
            "period_label",
            "rank",
            "n_ranked",
            "position",
            "score",
            "methodology",
            "citation",
        ]
    ],
    hide_index=True,
)
