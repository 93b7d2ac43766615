"""Who may write: a signed-in analyst (a local account's session cookie, or the OIDC login).

Nothing about the analyst is kept in ``st.session_state``: every run reads the session cookie
the browser sent with its websocket (:func:`session_cookie`) and checks it against the
session store, so someone replaying this browser's Streamlit session id without the cookie is
a visitor. The write pages are registered only for analysts and check again before writing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import quote

import streamlit as st

from app_pages._common import plain, record_write
from indicators.accounts.auth import (
    analyst_emails,
    check_session,
    default_session_store,
    is_analyst_oidc,
)
from indicators.accounts.signin_web import LANG_PARAM, SESSION_COOKIE, SIGNIN_PATH
from indicators.i18n import DEFAULT, _, language


def session_cookie() -> str | None:
    """The session cookie of this browser (AppTest cannot send cookies: tests replace this)."""
    try:
        value = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser connection (bare script run)
        return None
    return str(value) if value else None


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
        email = user.get("email")
        allowed = analyst_emails(st.secrets)
        verified = user.get("email_verified")
        return str(email) if is_analyst_oidc(email, allowed, email_verified=verified) else None
    except Exception:
        return None


def current_analyst() -> str | None:
    """The analyst's name for this browser, or None for a visitor."""
    token = session_cookie()
    if token:
        session = check_session(token)
        if session is not None:
            return session.user
    return _oidc_analyst()


def require_analyst() -> str:
    """Stop the page unless an analyst is signed in; return the analyst's name."""
    name = current_analyst()
    if name is None:
        st.error(_("Only signed-in analysts can change the data."))
        st.stop()
    return str(name)


def sign_out() -> None:
    """End this browser's session everywhere (every tab) and the platform login, if any."""
    token = session_cookie()
    session = check_session(token) if token else None
    if session is not None:
        default_session_store().revoke(token)
        record_write("signout", session.user, {"via": "app"})
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def signin_url(next_path: str = "/") -> str:
    """The sign-in route, returning to ``next_path`` afterwards; in a language other than
    English, the form is in that language and the page it returns to too (``?lang=``)."""
    lang = language()
    if lang == DEFAULT:
        return f"{SIGNIN_PATH}?next={quote(next_path, safe='/')}"
    back = f"{next_path}{'&' if '?' in next_path else '?'}{LANG_PARAM}={lang}"
    return f"{SIGNIN_PATH}?next={quote(back, safe='/')}&{LANG_PARAM}={lang}"


# Looks like Streamlit's primary button (inline styles are allowed by the CSP; no script).
LINK_STYLE = (
    "display:inline-block;padding:0.4rem 0.9rem;border-radius:0.5rem;background:#ff4b4b;"
    "color:#fff;text-decoration:none;font-weight:400;line-height:1.6"
)


def signin_link(label: str, next_path: str) -> None:
    """A link to the sign-in form that opens in this tab (``st.link_button`` and Markdown
    links open a new one, leaving this tab at "Sign in to continue"). The address is the
    app's own: the fixed route and a local path, never anything from data or the URL."""
    href = html.escape(signin_url(next_path))
    st.html(f'<a href="{href}" style="{LINK_STYLE}">{html.escape(label)}</a>')


def _sign_in_to_continue(next_path: str) -> None:
    st.title(_("Sign in to continue"))
    st.write(_("This page is for analysts who maintain the data. Everyone can read the dashboard."))
    signin_link(_("Sign in"), next_path)
    if oidc_configured() and st.button(_("Sign in with your organisation's account"), key="oidc"):
        st.login()


def signed_in_page() -> None:
    """What a signed-in analyst sees at /signin: who is signed in, and a way to sign out."""
    name = require_analyst()
    st.title(_("Signed in"))
    plain(_("You are signed in as {name}.").format(name=name))
    if st.button(_("Sign out"), key="signout-page", type="primary"):
        sign_out()
        st.rerun()


def upload_signin() -> None:
    """What a visitor sees at /upload: a way to sign in that comes back here."""
    _sign_in_to_continue("/upload")


def history_signin() -> None:
    """What a visitor sees at /history: a way to sign in that comes back here."""
    _sign_in_to_continue("/history")


def record_profile_saved(profile: str, details: Mapping[str, object] | None = None) -> None:
    """Record in the audit log that the signed-in analyst saved a mapping profile.

    Call it right after the profile is written (app_pages/upload.py); it checks the analyst
    again and stops the page for anyone else.
    """
    record_write("profile.save", require_analyst(), {"profile": profile, **dict(details or {})})
