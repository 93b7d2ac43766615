"""Who may write: a signed-in analyst (built-in account or the platform's OIDC login).

Anonymous visitors read. The write pages are registered in the navigation only for analysts
(so no URL reaches them otherwise), and each write page checks again before doing anything.
"""

from __future__ import annotations

import streamlit as st

from indicators.auth import analyst_emails, check_session, default_session_store, is_analyst_oidc

TOKEN = "_session_token"


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for st.login()."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_analyst() -> str | None:
    if not oidc_configured():
        return None
    try:
        user = st.user
        if not user.is_logged_in:
            return None
        email = str(user.get("email") or "")
        allowed = analyst_emails(st.secrets)
        verified = user.get("email_verified")
        return email if is_analyst_oidc(email, allowed, email_verified=verified) else None
    except Exception:
        return None


def current_analyst() -> str | None:
    """The analyst's name for this browser session, or None for a visitor."""
    token = st.session_state.get(TOKEN)
    if token:
        session = check_session(str(token))
        if session is not None:
            return session.user
        st.session_state.pop(TOKEN, None)  # expired, revoked, or the account changed
    return _oidc_analyst()


def require_analyst() -> str:
    """Stop the page unless an analyst is signed in; return the analyst's name."""
    name = current_analyst()
    if name is None:
        st.error("Only signed-in analysts can change the data.")
        st.stop()
    return str(name)


def sign_out() -> None:
    """End the built-in session (and the platform login, if any)."""
    token = st.session_state.pop(TOKEN, None)
    if token:
        default_session_store().revoke(str(token))
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
