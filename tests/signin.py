"""Signing an analyst in for AppTest, which cannot send cookies.

The app reads the session cookie through one function, ``app_pages._auth.session_cookie``;
:func:`sign_in` makes a real session (password checked, throttled and stored as the sign-in
route would) and makes that function return its token::

    from tests.signin import sign_in

    def test_something(monkeypatch, ...):
        add_user("amina", PASSWORD)
        sign_in(monkeypatch, "amina", PASSWORD)
        at = AppTest.from_file("app.py").run()   # amina is signed in
"""

from __future__ import annotations

from pathlib import Path

import pytest

import app_pages._auth
from indicators.accounts import auth


def sign_in(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    password: str,
    *,
    users_file: str | Path | None = None,
) -> str:
    """Sign ``name`` in for the AppTest runs of this test; return the session token."""
    result = auth.authenticate(name, password, path=users_file)
    assert result.ok and result.user is not None, result.reason
    session = auth.issue_session(result.user, store=auth.SessionStore(users_file))
    send_cookie(monkeypatch, session.token)
    return session.token


def send_cookie(monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    """Make the app see ``token`` as this browser's session cookie (``None``: no cookie)."""
    monkeypatch.setattr(app_pages._auth, "session_cookie", lambda: token)
