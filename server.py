"""The server: the dashboard (app.py) behind the sign-in routes and the edge middleware.

Start it with ``streamlit run server.py`` (``make run`` does): Streamlit finds the ``st.App``
below and serves it with uvicorn, reading ``.streamlit/config.toml`` as usual. It adds

* ``/account/signin`` and ``/account/signout`` (:mod:`indicators.accounts.signin_web`): analysts sign
  in with a signed, HttpOnly, SameSite=Strict cookie that every page run checks;
* :class:`indicators.accounts.edges.EdgeMiddleware`: uploads only with an analyst's cookie, no public
  metrics, no cache clearing by visitors, and security headers on every response;
* a warm-up (:func:`warm_up`): once the server listens, the modules every page run needs are
  imported in the background while the first browser loads the frontend, so the first
  visitor's run finds them loaded instead of importing them itself.

``streamlit run app.py`` still serves the pages, but without these: nobody can sign in there.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import inspect
import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from streamlit.proto.BackMsg_pb2 import BackMsg

from indicators.accounts import auth
from indicators.accounts.edges import EdgeMiddleware
from indicators.accounts.signin_web import SESSION_COOKIE, SignInConfig, signin_routes
from indicators.store import audit

# Messages a visitor's websocket may not send: clear_cache empties the caches of every visitor.
DROPPED_MESSAGES = frozenset({"clear_cache", "set_run_on_save"})


def _inline_script_hashes() -> list[str]:
    """CSP hashes of the inline scripts in Streamlit's own index.html (one tiny one today)."""
    index = Path(st.__file__).resolve().parent / "static" / "index.html"
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    ]


def content_security_policy() -> str:
    """As strict as Streamlit allows: its inline styles need 'unsafe-inline' for styles only."""
    return (
        "default-src 'self'; "
        f"script-src 'self' {' '.join(_inline_script_hashes())}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "connect-src 'self'; media-src 'self' blob: data:; worker-src 'self' blob:; "
        "frame-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def dropped(data: bytes) -> bool:
    """Whether a websocket message from the browser is one a visitor may not send."""
    msg = BackMsg()
    try:
        msg.ParseFromString(data)
    except Exception:
        return False  # Streamlit itself closes the connection on a malformed message
    return msg.WhichOneof("type") in DROPPED_MESSAGES


def _oidc_analyst(cookies: Mapping[str, str]) -> bool:
    """Whether Streamlit's own login cookie names an allow-listed, verified analyst."""
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import _get_signed_cookie_with_chunks

    from app_pages._auth import oidc_configured

    if not any(name.startswith(USER_COOKIE_NAME) for name in cookies) or not oidc_configured():
        return False
    try:
        raw = _get_signed_cookie_with_chunks(dict(cookies), USER_COOKIE_NAME)
        payload: Any = json.loads(raw) if raw else {}
        return bool(payload.get("is_logged_in")) and auth.is_analyst_oidc(
            payload.get("email"),
            auth.analyst_emails(st.secrets),
            email_verified=payload.get("email_verified"),
        )
    except Exception:
        return False


def is_analyst(cookies: Mapping[str, str]) -> bool:
    """Whether a request's cookies belong to a signed-in analyst (local session or OIDC)."""
    token = cookies.get(SESSION_COOKIE)
    if token and auth.check_session(token) is not None:
        return True
    return _oidc_analyst(cookies)


def record(action: str, user: str, details: Mapping[str, Any]) -> None:
    """Append a sign-in event to the audit log beside the store the app uses."""
    from app_pages._common import location
    from indicators.store.factory import open_store

    audit.record(action, user, dict(details), store_root=open_store(location()).root)


# What every page run imports (app.py's modules and the default page's), read path only: no
# reader, adapter or ingest module (the Upload page imports those when an analyst opens it).
WARM_MODULES = (
    "app_pages._auth",
    "app_pages._common",
    "app_pages._damage",
    "app_pages._lang",
    "app_pages._share",
    "indicators.present.charts",
    "indicators.query.overview",
    "indicators.query.views",
    "pyarrow.parquet",
    "pyarrow.dataset",  # pyarrow.parquet.read_table's
)


def warm_up(modules: Sequence[str] = WARM_MODULES) -> None:
    """Import ``modules``; build two empty figures, one with plotly's default template (every
    new figure copies it) and one with the charts' own (``chart_style.LAYOUT``), so plotly
    loads the classes and validators those templates name (~0.25 s of a process's first
    chart); and let ``inspect`` map the loaded modules to their files (Streamlit reads the
    stack when a process draws its first element: ~0.1 s with this many modules).

    Runs in its own thread while the server already answers. A page run that needs a module
    still being imported waits for it (Python's import lock), then goes on as usual; a failure
    here is logged and the page's own import reports it.
    """
    try:
        for name in modules:
            importlib.import_module(name)
        import plotly.graph_objects as go

        from indicators.present.chart_style import LAYOUT

        go.Figure()
        go.Figure(layout={"template": LAYOUT["template"]})
        inspect.getmodule(warm_up.__code__)  # a code object: inspect looks through every module
    except Exception:
        logging.getLogger("indicators.server").exception("warm-up failed")


@contextlib.asynccontextmanager
async def warm_lifespan(_app: st.App) -> AsyncIterator[None]:
    """Start the warm-up when the runtime has started, just before the server listens."""
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


app = st.App(
    "app.py",
    lifespan=warm_lifespan,
    routes=signin_routes(SignInConfig(audit=record)),
    middleware=[
        Middleware(
            EdgeMiddleware,
            is_analyst=is_analyst,
            csp=content_security_policy(),
            drop_message=dropped,
        )
    ],
)
