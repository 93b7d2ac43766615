"""Sign in (analysts): built-in accounts, or the organisation's login when one is configured."""

from __future__ import annotations

import streamlit as st

from app_pages._auth import TOKEN, oidc_configured
from app_pages._common import guarded, record_write
from indicators.auth import authenticate, issue_session


def page() -> None:
    """Render the sign-in form."""
    st.title("Sign in")
    st.caption(
        "Only analysts who maintain the data need to sign in. Everyone can read the dashboard."
    )
    if oidc_configured() and st.button("Sign in with your organisation's account", key="oidc"):
        st.login()
    with st.form("signin"):
        name = st.text_input("Name", key="signin_name")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        result = authenticate(name, password)
        if result.ok and result.user is not None:
            st.session_state[TOKEN] = issue_session(result.user).token
            record_write("sign in", result.user.name, {})
            st.rerun()
        else:
            st.error(result.reason)


guarded(page)
