"""Streamlit entry point: a router; each page is a short module in app_pages/.

Write pages (Upload, History) are registered only for a signed-in analyst, so no URL reaches
them for anyone else (a visitor at /upload or /history is asked to sign in); the pages check
again before writing. Serve it with ``streamlit run server.py``, which adds the sign-in route.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages._auth import (
    current_analyst,
    history_signin,
    sign_out,
    signed_in_page,
    upload_signin,
)
from app_pages._common import begin_run, settle, synthetic_banner
from app_pages._damage import report_damage
from app_pages._lang import choose_language
from app_pages._share import footer, print_styles, share_view
from indicators.i18n import _

# A local icon: a ":material/...:" page icon makes browsers fetch the favicon from Google's CDN.
ICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")

choose_language()  # first: every title and word below is in the reader's language
st.set_page_config(page_title=_("Press-freedom indicators"), page_icon=ICON, layout="wide")
READ = [
    st.Page(
        "app_pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True
    ),
    st.Page(
        "app_pages/rankings.py",
        title=_("Rankings"),
        icon=":material/show_chart:",
        url_path="rankings",
    ),
    st.Page(
        "app_pages/incidents.py",
        title=_("Incidents"),
        icon=":material/gavel:",
        url_path="incidents",
    ),
    st.Page("app_pages/events.py", title=_("Events"), icon=":material/event:", url_path="events"),
    st.Page(
        "app_pages/claim.py",
        title=_("Check a claim"),
        icon=":material/fact_check:",
        url_path="claim",
    ),
    st.Page(
        "app_pages/brief.py", title=_("Brief"), icon=":material/description:", url_path="brief"
    ),
    st.Page(
        "app_pages/sources.py",
        title=_("Sources and methods"),
        icon=":material/menu_book:",
        url_path="sources",
    ),
]
begin_run()
print_styles()
report_damage()
synthetic_banner()
analyst = current_analyst()
if analyst is None:
    extra = {
        _("Analysts"): [
            st.Page(
                "app_pages/signin.py",
                title=_("Sign in"),
                icon=":material/login:",
                url_path="signin",
            ),
            # Opened directly, the write pages say "Sign in to continue" and come back after it.
            st.Page(upload_signin, title=_("Upload data"), url_path="upload", visibility="hidden"),
            st.Page(history_signin, title=_("History"), url_path="history", visibility="hidden"),
        ]
    }
else:
    extra = {
        _("Analyst: {name}").format(name=analyst): [
            st.Page(
                "app_pages/upload.py",
                title=_("Upload data"),
                icon=":material/upload:",
                url_path="upload",
            ),
            st.Page(
                "app_pages/history.py",
                title=_("History and rollback"),
                icon=":material/history:",
                url_path="history",
            ),
            # /signin for an analyst: who is signed in (not Streamlit's "Page not found").
            st.Page(signed_in_page, title=_("Signed in"), url_path="signin", visibility="hidden"),
        ]
    }
    if st.sidebar.button(_("Sign out"), key="signout"):
        sign_out()
        st.rerun()
current = st.navigation({_("Dashboard"): READ, **extra})
current.run()
# After the page ran, so the link holds every choice the page put in the URL.
footer()
share_view(current.url_path)
settle()
