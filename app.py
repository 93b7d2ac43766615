"""Streamlit entry point: a router; each page is a short module in app_pages/."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# A local icon: a ":material/...:" page icon makes browsers fetch the favicon from Google's CDN.
ICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(page_title="Press-freedom indicators", page_icon=ICON, layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(
        "app_pages/rankings.py", title="Rankings", icon=":material/show_chart:", url_path="rankings"
    ),
    st.Page(
        "app_pages/incidents.py", title="Incidents", icon=":material/gavel:", url_path="incidents"
    ),
    st.Page("app_pages/events.py", title="Events", icon=":material/event:", url_path="events"),
    st.Page(
        "app_pages/claim.py", title="Check a claim", icon=":material/fact_check:", url_path="claim"
    ),
    st.Page(
        "app_pages/sources.py",
        title="Sources and methods",
        icon=":material/menu_book:",
        url_path="sources",
    ),
]
st.navigation(PAGES).run()
