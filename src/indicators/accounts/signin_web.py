"""The HTTP sign-in and sign-out routes (Starlette): a plain form, a signed HttpOnly cookie.

``GET /account/signin?next=/upload`` shows a form (no script, no outside resources, its own
strict Content-Security-Policy). ``POST /account/signin`` checks the password
(:func:`indicators.accounts.auth.authenticate`, throttled), and on success sets a fresh session cookie
(``indicators_session``: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS) and sends the
browser back to ``next``; a cookie the browser held before is revoked. ``POST
/account/signout`` revokes the session and clears the cookie. Both forms carry a CSRF token
that must match a SameSite=Strict cookie, and a request whose ``Origin`` or
``Sec-Fetch-Site`` says it came from another site is refused.

Every failed sign-in, the first refusal of each throttle wait, each sign-in and sign-out is
recorded through the ``audit`` callback. This module imports starlette, never streamlit.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import logging
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from indicators.accounts import auth
from indicators.accounts import users as accounts
from indicators.accounts.sessions import SessionStore
from indicators.i18n import DEFAULT, _, parse_language, tr, using

SESSION_COOKIE = "indicators_session"
DEVICE_COOKIE = "indicators_device"
CSRF_COOKIE = "indicators_csrf"
SIGNIN_PATH = "/account/signin"
SIGNOUT_PATH = "/account/signout"
LANG_PARAM = "lang"  # ?lang=ru / ?lang=kk: the form's language (only a known code is used)
SECURE_ENV = "INDICATORS_COOKIE_SECURE"
MAX_FORM_BYTES = 16 * 1024
DEVICE_MAX_AGE = 180 * 24 * 3600
CSRF_MAX_AGE = 3600
NO_SUCH_ACCOUNT = "(no such account)"  # the audit's name for a failed sign-in on no account
VERIFY_AT_ONCE = 2  # argon2 verifications in parallel (64 MiB each)

_LOG = logging.getLogger("indicators.signin")
_NEXT_RE = re.compile(r"/(?!/)[A-Za-z0-9/_.~%=&+-]*(\?[A-Za-z0-9/_.~%=&+-]*)?")
_CSRF_RE = re.compile(r"[A-Za-z0-9_-]{43}")

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;"
    "color:#262730}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;"
    "box-sizing:border-box;font-size:1rem}button{margin-top:1.25rem;padding:.5rem 1.25rem;"
    "font-size:1rem}.msg{color:#a00;margin-top:1rem}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
FORM_CSP = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

Audit = Callable[[str, str, Mapping[str, Any]], None]


@dataclass(frozen=True)
class SignInConfig:
    """What the routes need: whose users file, where the audit goes, when cookies are Secure."""

    audit: Audit
    users_path: Path | None = None
    secure: bool | None = None  # None: Secure when the request came over HTTPS or SECURE_ENV


def safe_next(value: object) -> str:
    """A local path to return to after sign-in; anything else (another site...) gives ``/``."""
    if isinstance(value, str) and len(value) <= 300 and _NEXT_RE.fullmatch(value):
        return value
    return "/"


def _secure(config: SignInConfig, request: Request) -> bool:
    if config.secure is not None:
        return config.secure
    return request.url.scheme == "https" or os.environ.get(SECURE_ENV, "") in {"1", "true"}


_COOKIE_PATHS = {SESSION_COOKIE: "/", DEVICE_COOKIE: "/account", CSRF_COOKIE: "/account"}


def _cookie(
    response: Response, request: Request, config: SignInConfig, name: str, value: str, max_age: int
) -> None:
    """Set one of our cookies: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_COOKIE_PATHS[name],
        httponly=True,
        samesite="strict",
        secure=_secure(config, request),
    )


def _text(message: str) -> str:
    """Our own words in an element's content (escaped: a translation is not HTML)."""
    return html.escape(message, quote=False)


def _with_lang(path: str, lang: str) -> str:
    """A path of these routes in the form's language (English: the path as it is)."""
    return path if lang == DEFAULT else f"{path}?{LANG_PARAM}={lang}"


def _page(
    body: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    lang: str = DEFAULT,
) -> HTMLResponse:
    with using(lang) as code:
        title = _text(_("Sign in: press-freedom indicators"))
    document = (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="/favicon.png"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
    response = HTMLResponse(document, status_code=status, headers=dict(headers or {}))
    response.headers["Content-Security-Policy"] = FORM_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def _lang_field(lang: str) -> str:
    """The form's language, sent back with it (nothing for English, as before)."""
    if lang == DEFAULT:
        return ""
    return f'<input type="hidden" name="{LANG_PARAM}" value="{html.escape(lang)}">'


def _form(csrf: str, next_path: str, message: str = "", name: str = "", lang: str = DEFAULT) -> str:
    typed = f' value="{html.escape(name[:64])}"' if name else ""
    with using(lang):
        note = f'<p class="msg" role="alert">{html.escape(tr(message))}</p>' if message else ""
        word = _text(_("dashboard"))
        dashboard = f'<a href="{_with_lang("/", lang)}">{word}</a>'
        intro = _text(
            _(
                "Only analysts who maintain the data need to sign in. "
                "Everyone can read the {dashboard}."
            )
        ).format(dashboard=dashboard)
        sign_in, label_name, label_password = (
            _text(_("Sign in")),
            _text(_("Name")),
            _text(_("Password")),
        )
    return (
        f"<h1>{sign_in}</h1><p>{intro}</p>"
        f'{note}<form method="post" action="{SIGNIN_PATH}">'
        f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">'
        f'<input type="hidden" name="next" value="{html.escape(next_path)}">{_lang_field(lang)}'
        f'<label for="name">{label_name}</label>'
        '<input id="name" name="name" autocomplete="username" required maxlength="64"'
        f"{typed}{'' if name else ' autofocus'}>"
        f'<label for="password">{label_password}</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password"'
        f' required maxlength="1024"><button type="submit">{sign_in}</button></form>'
    )


def _signed_in(csrf: str, name: str, next_path: str, lang: str = DEFAULT) -> str:
    with using(lang):
        title, go_on, sign_out = _("Signed in"), _("Continue to the dashboard"), _("Sign out")
        who = _text(_("You are signed in as {name}.")).format(name=html.escape(name))
    return (
        f"<h1>{_text(title)}</h1><p>{who}</p>"
        f'<p><a href="{html.escape(next_path)}">{_text(go_on)}</a></p>'
        f'<form method="post" action="{SIGNOUT_PATH}">'
        f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">{_lang_field(lang)}'
        f'<button type="submit">{_text(sign_out)}</button></form>'
    )


def _notice(title: str, text: str) -> str:
    """A short page body: a heading and one paragraph of our own words (translated)."""
    return f"<h1>{_text(title)}</h1><p>{_text(text)}</p>"


def _csrf_token(request: Request) -> str:
    held = request.cookies.get(CSRF_COOKIE, "")
    return held if _CSRF_RE.fullmatch(held) else secrets.token_urlsafe(32)


def _same_site(request: Request) -> bool:
    """Whether the browser says the form was sent from this site (absent headers: no claim)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin in (None, "null", own)


async def _read_form(request: Request) -> dict[str, str] | None:
    """The urlencoded form fields (first value of each), or ``None`` when it is too big."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    return {k: v[0] for k, v in fields.items() if v}


def _csrf_ok(request: Request, form: Mapping[str, str]) -> bool:
    held = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get("csrf", "")
    return (
        _same_site(request)
        and bool(_CSRF_RE.fullmatch(held))
        and hmac.compare_digest(held.encode(), sent.encode())
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class SignIn:
    """The route handlers, bound to one configuration."""

    def __init__(self, config: SignInConfig) -> None:
        self.config = config
        self.sessions = SessionStore(config.users_path)
        self._verifying: asyncio.Semaphore | None = None

    def _record(self, action: str, user: str, details: Mapping[str, Any]) -> bool:
        try:
            self.config.audit(action, user, details)
        except Exception:  # the operator must see it; the visitor gets a plain answer
            _LOG.exception("cannot record %s in the audit log", action)
            return False
        return True

    def current(self, request: Request) -> auth.Session | None:
        """The live session of the cookie this request carries, if any."""
        token = request.cookies.get(SESSION_COOKIE)
        return auth.check_session(token, store=self.sessions) if token else None

    async def show(self, request: Request) -> Response:
        """GET: the sign-in form, or who is signed in with a sign-out button."""
        csrf = _csrf_token(request)
        next_path = safe_next(request.query_params.get("next"))
        lang = parse_language(request.query_params.get(LANG_PARAM))
        session = await run_in_threadpool(self.current, request)
        if session:
            body = _signed_in(csrf, session.user, next_path, lang)
        else:
            body = _form(csrf, next_path, lang=lang)
        response = _page(body, lang=lang)
        _cookie(response, request, self.config, CSRF_COOKIE, csrf, max_age=CSRF_MAX_AGE)
        return response

    async def submit(self, request: Request) -> Response:
        """POST: check the password; a fresh session cookie and back to ``next`` on success."""
        form = await _read_form(request)
        lang = parse_language((form or {}).get(LANG_PARAM) or request.query_params.get(LANG_PARAM))
        if form is None or not _csrf_ok(request, form):
            with using(lang):
                title, again = _text(_("Sign in")), _text(_("Open the sign-in page again"))
                link = f'<a href="{_with_lang(SIGNIN_PATH, lang)}">{again}</a>'
                said = _text(_("This form has expired or came from another site. {link}."))
            return _page(f"<h1>{title}</h1><p>{said.format(link=link)}</p>", status=403, lang=lang)
        name, password = form.get("name", ""), form.get("password", "")
        next_path = safe_next(form.get("next"))
        if self._verifying is None:
            self._verifying = asyncio.Semaphore(VERIFY_AT_ONCE)
        async with self._verifying:
            result = await run_in_threadpool(self._authenticate, request, name, password)
        if not result.ok or result.user is None:
            return await run_in_threadpool(self._refused, request, result, name, next_path, lang)
        return await run_in_threadpool(self._signed_in, request, result.user, next_path, lang)

    def _authenticate(self, request: Request, name: str, password: str) -> auth.AuthResult:
        secret = self.sessions.secret()
        device = auth.device_for(request.cookies.get(DEVICE_COOKIE), name, secret)
        return auth.authenticate(
            name, password, client=_client(request), device=device, path=self.config.users_path
        )

    def _refused(
        self, request: Request, result: auth.AuthResult, name: str, next_path: str, lang: str
    ) -> Response:
        details = {**self._typed_name(name), "client": _client(request)}
        headers: dict[str, str] = {}
        if result.throttled:
            if result.first_refusal:
                self._record("signin.throttled", "(visitor)", details)
            wait = (result.retry_at - datetime.now(UTC)).total_seconds() if result.retry_at else 60
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        else:
            self._record("signin.failed", "(visitor)", details)
        body = _form(_csrf_token(request), next_path, result.reason, name, lang)
        return _page(body, status=429 if result.throttled else 401, headers=headers, lang=lang)

    def _typed_name(self, name: str) -> dict[str, str]:
        """How the audit names a failed sign-in: an account's name, or (for anything else,
        which may be a password typed into the wrong box) a keyed digest of the text only."""
        user = accounts.get_user(name[:256], path=self.config.users_path, cached=True)
        if user is not None:
            return {"name": user.name}
        mac = hmac.new(self.sessions.secret(), b"audit-name:" + name[:256].encode(), "sha256")
        return {"name": NO_SUCH_ACCOUNT, "name_digest": mac.hexdigest()[:16]}

    def _signed_in(
        self, request: Request, user: auth.User, next_path: str, lang: str = DEFAULT
    ) -> Response:
        previous = request.cookies.get(SESSION_COOKIE)
        if previous:
            self.sessions.revoke(previous)
        session = self.sessions.issue(user)
        if not self._record("signin", user.name, {"client": _client(request), "via": "form"}):
            self.sessions.revoke(session.token)
            with using(lang):
                body = _notice(
                    _("Sign in"),
                    _(
                        "Signing in is not possible now: the audit log cannot be written. "
                        "Please tell the server's operator."
                    ),
                )
            return _page(body, status=503, lang=lang)
        response = RedirectResponse(next_path, status_code=303)
        max_age = int((session.absolute_expires_at - session.created_at).total_seconds())
        _cookie(response, request, self.config, SESSION_COOKIE, session.token, max_age=max_age)
        device = auth.sign_device(user.name, self.sessions.secret())
        _cookie(response, request, self.config, DEVICE_COOKIE, device, max_age=DEVICE_MAX_AGE)
        return response

    async def sign_out(self, request: Request) -> Response:
        """POST: end the session of this browser and clear its cookie."""
        form = await _read_form(request)
        lang = parse_language((form or {}).get(LANG_PARAM) or request.query_params.get(LANG_PARAM))
        if form is None or not _csrf_ok(request, form):
            with using(lang):
                body = _notice(_("Sign out"), _("This form has expired."))
            return _page(body, status=403, lang=lang)
        session = await run_in_threadpool(self.current, request)
        if session is not None:
            await run_in_threadpool(self.sessions.revoke, session.token)
            await run_in_threadpool(
                self._record, "signout", session.user, {"client": _client(request), "via": "form"}
            )
        response = RedirectResponse(_with_lang("/", lang), status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response


def signin_routes(config: SignInConfig) -> list[BaseRoute]:
    """The routes to give ``st.App(routes=...)``."""
    handlers = SignIn(config)
    return [
        Route(SIGNIN_PATH, handlers.show, methods=["GET"]),
        Route(SIGNIN_PATH, handlers.submit, methods=["POST"]),
        Route(SIGNOUT_PATH, handlers.sign_out, methods=["POST"]),
    ]
