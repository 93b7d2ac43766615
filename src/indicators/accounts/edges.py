"""The server's edges: one ASGI middleware in front of Streamlit (imports starlette only).

* **Uploads** (``PUT``/``DELETE /_stcore/upload_file/<session>/<id>``) go on only for a request
  that carries an analyst's cookie; anyone else gets ``403`` before a byte of the body is read.
* **Metrics** (``/_stcore/metrics``) answer ``404`` to everyone but analysts.
* **Websocket messages** that ``drop_message`` picks out (the server passes Streamlit's
  ``clear_cache``, which would empty the shared caches for every visitor) are dropped unless the
  connection carries an analyst's cookie at that moment.
* **Security headers** on every HTTP response: the given Content-Security-Policy (a response
  that sets its own, such as the sign-in form, keeps it), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY``.

A visitor without cookies costs one header scan per request: ``is_analyst`` is only called
for requests that ask for one of the guarded things, and it may read the sessions file only
when a session cookie is present.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PREFIX = "/_stcore/upload_file/"
METRICS_PATH = "/_stcore/metrics"
GUARDED_UPLOAD_METHODS = frozenset({"PUT", "DELETE", "POST", "PATCH"})

IsAnalyst = Callable[[Mapping[str, str]], bool]


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    """The headers added to every HTTP response (the CSP first)."""
    return [
        (b"content-security-policy", csp.encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]


class EdgeMiddleware:
    """Guard uploads, metrics and cache-clearing messages; add security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        is_analyst: IsAnalyst,
        csp: str,
        drop_message: Callable[[bytes], bool] | None = None,
        base_path: str = "",
    ) -> None:
        self.app = app
        self.is_analyst = is_analyst
        self.drop_message = drop_message
        self.headers = security_headers(csp)
        base = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.upload_prefix = base + UPLOAD_PREFIX
        self.metrics_path = base + METRICS_PATH

    async def _analyst(self, scope: Scope) -> bool:
        cookies = HTTPConnection(scope).cookies
        if not cookies:
            return False
        return bool(await run_in_threadpool(self.is_analyst, cookies))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.drop_message is not None:
            await self.app(scope, self._filtered(scope, receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        guarded = (
            path.startswith(self.upload_prefix) and scope.get("method") in GUARDED_UPLOAD_METHODS
        ) or path.rstrip("/") == self.metrics_path
        if guarded and not await self._analyst(scope):
            status = 404 if path.rstrip("/") == self.metrics_path else 403
            await self._refuse(send, status)
            return
        await self.app(scope, receive, self._with_headers(send))

    def _with_headers(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return sending

    async def _refuse(self, send: Send, status: int) -> None:
        """Answer at once without reading the request body; the connection is then closed."""
        body = b"Forbidden\n" if status == 403 else b"Not Found\n"
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _filtered(self, scope: Scope, receive: Receive) -> Receive:
        drop = self.drop_message
        assert drop is not None

        async def receiving() -> Message:
            while True:
                message = await receive()
                data = message.get("bytes") if message["type"] == "websocket.receive" else None
                if data and drop(data) and not await self._analyst(scope):
                    continue  # a visitor may not clear everyone's caches: ignore the message
                return message

        return receiving
