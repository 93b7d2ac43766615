"""Streamlit entry point: a router; each page is a short module in app_pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Press-freedom indicators", layout="wide")

pages = [
    st.Page("app_pages/rankings.py", title="Rankings", icon=":material/show_chart:", default=True),
]
st.navigation(pages).run()
