"""Sign in (analysts): the sign-in form of the server, or the organisation's login."""

from __future__ import annotations

import streamlit as st

from app_pages._auth import oidc_configured, signin_link
from app_pages._common import guarded
from indicators.i18n import _


def page() -> None:
    """Point to the sign-in form (a plain page of the server, which sets the session cookie)."""
    st.title(_("Sign in"))
    st.caption(
        _("Only analysts who maintain the data need to sign in. Everyone can read the dashboard.")
    )
    signin_link(_("Sign in with your analyst account"), "/upload")
    if oidc_configured() and st.button(_("Sign in with your organisation's account"), key="oidc"):
        st.login()


guarded(page)
