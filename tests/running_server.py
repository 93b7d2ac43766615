"""A running server (``streamlit run server.py``, as ``make run`` starts it) and plain clients.

Shared by the tests that attack the server from outside: HTTP through ``http.client``, the
websocket through Streamlit's own protobufs (as :mod:`benchmarks.protocol` does). Import the
fixture into a test module with ``from tests.running_server import edge_server_fixture``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import os
import re
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from benchmarks.launch import SERVER, free_port, start_streamlit, stop_process
from indicators.accounts.auth import add_user

T = TypeVar("T")

PASSWORD = "correct horse battery staple"


@dataclass
class Server:
    """A server on 127.0.0.1:port with its store, users file and process id."""

    port: int
    store: Path
    users: Path
    pid: int


@pytest.fixture(scope="module", name="edge_server")
def edge_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """server.py on a fresh store of the embedded data, with analyst accounts amina and bashir."""
    root = tmp_path_factory.mktemp("edge-server")
    users = root / "users.json"
    add_user("amina", PASSWORD, path=users)
    add_user("bashir", PASSWORD, path=users)
    env = {
        **os.environ,
        "INDICATORS_STORE": str(root / "store"),
        "INDICATORS_USERS_FILE": str(users),
    }
    env.pop("INDICATORS_AUDIT_LOG", None)
    port = free_port()
    proc = start_streamlit(SERVER, port, env, log=root / "server.log")
    yield Server(port, root / "store", users, proc.pid)
    stop_process(proc)


@dataclass
class Reply:
    """An HTTP answer: status, headers (lower-case names; Set-Cookie kept as a list), body."""

    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes


def request(
    server: Server,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> Reply:
    """One HTTP request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        cookies = resp.msg.get_all("set-cookie") or []
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, cookies, data)
    finally:
        conn.close()


def cookie_value(reply: Reply, name: str) -> str | None:
    """The value a reply sets for cookie ``name``."""
    for line in reply.cookies:
        match = re.match(rf"{re.escape(name)}=([^;]*)", line)
        if match:
            return match.group(1)
    return None


@dataclass
class Browser:
    """What a browser holds for one server: its cookies."""

    server: Server
    cookies: dict[str, str] = field(default_factory=dict)
    address: str = "127.0.0.1"

    def header(self) -> dict[str, str]:
        """Cookie and X-Forwarded-For headers (the server trusts the latter from loopback)."""
        out = {"X-Forwarded-For": self.address}
        if self.cookies:
            out["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return out

    def call(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """A request with this browser's cookies; cookies it sets are kept."""
        sent = {**self.header(), **dict(headers or {})}
        reply = request(self.server, method, path, headers=sent, body=body)
        for line in reply.cookies:
            name, _, rest = line.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in line or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return reply

    def sign_in(self, name: str, password: str, next_path: str = "/upload") -> Reply:
        """GET the form (for its CSRF cookie), then POST the name and password."""
        self.call("GET", f"/account/signin?next={next_path}")
        form = {
            "csrf": self.cookies.get("indicators_csrf", ""),
            "next": next_path,
            "name": name,
            "password": password,
        }
        return self.call(
            "POST",
            "/account/signin",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode(form).encode(),
        )


async def _open_session(
    server: Server,
    cookie: str | None,
    page: str,
    resume: str | None,
    while_open: Callable[[str], object] | None,
) -> tuple[str, list[str], object]:
    protocols = ["streamlit", "xsrf-placeholder", resume] if resume else ["streamlit"]
    headers = {"Cookie": cookie} if cookie else None
    async with connect(
        f"ws://127.0.0.1:{server.port}/_stcore/stream",
        subprotocols=protocols,  # type: ignore[arg-type]
        additional_headers=headers,
        max_size=None,
        open_timeout=60,
    ) as ws:
        msg = BackMsg(rerun_script=ClientState(page_name=page, query_string=""))
        await ws.send(msg.SerializeToString())
        session_id, kinds = "", []
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 90))  # type: ignore[arg-type]
            if fwd.WhichOneof("type") == "new_session":
                session_id = fwd.new_session.initialize.session_id
            if fwd.WhichOneof("type") == "delta":
                element = fwd.delta.new_element
                kinds.append(str(element.WhichOneof("type")))
                if element.WhichOneof("type") == "heading":
                    kinds.append("heading:" + element.heading.body)
            if fwd.WhichOneof("type") == "script_finished":
                done = await asyncio.to_thread(while_open, session_id) if while_open else None
                return session_id, kinds, done


def run_page(
    server: Server,
    page: str = "",
    *,
    cookie: str | None = None,
    resume: str | None = None,
    while_open: Callable[[str], object] | None = None,
) -> tuple[str, list[str], object]:
    """Open a websocket (optionally resuming a session id), run one page, close.

    Returns the session id, what was drawn (element kinds and ``heading:<text>``) and what
    ``while_open`` returned: it is called with the session id while the session is live.
    """
    return run_coroutine(_open_session(server, cookie, page, resume, while_open))


async def _send_messages(server: Server, cookie: str | None, messages: list[BackMsg]) -> None:
    headers = {"Cookie": cookie} if cookie else None
    async with connect(
        f"ws://127.0.0.1:{server.port}/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        additional_headers=headers,
        open_timeout=60,
    ) as ws:
        for msg in messages:
            await ws.send(msg.SerializeToString())
        await asyncio.sleep(1.0)  # let the server handle them before the connection closes


def send_messages(server: Server, messages: list[BackMsg], *, cookie: str | None = None) -> None:
    """Connect a websocket and send these BackMsgs (no script run asked for)."""
    run_coroutine(_send_messages(server, cookie, messages))


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a thread of its own.

    Playwright's sync API keeps an event loop running in the test thread once a browser test
    has run, and ``asyncio.run`` refuses to start inside a running loop.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
