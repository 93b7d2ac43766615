"""Sessions in a real browser: they hold across reloads and tabs, end at sign-out, and a
second browser that replays the first one's Streamlit session id gets no analyst rights."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from indicators.accounts.auth import add_user
from tests.browser.conftest import SERVER, free_port, start_streamlit, stop
from tests.browser.test_analyst_flow import PASSWORD, sign_in
from tests.browser.test_dashboard import wait_for_app

pytestmark = pytest.mark.browser
STREAM = re.compile(r"/_stcore/stream$")


@pytest.fixture(scope="module")
def session_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """server.py on the embedded data with one analyst account (amina)."""
    root = tmp_path_factory.mktemp("sessions")
    add_user("amina", PASSWORD, path=root / "users.json")
    env = {
        **os.environ,
        "INDICATORS_STORE": str(root / "store"),
        "INDICATORS_USERS_FILE": str(root / "users.json"),
    }
    port = free_port()
    proc = start_streamlit(SERVER, port, env)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def signed_in(pg: Any) -> bool:
    """Whether the page shows the analyst's part of the navigation (and Sign out)."""
    wait_for_app(pg)
    return pg.get_by_role("button", name="Sign out").count() == 1


def test_reload_and_new_tab_keep_the_analyst_signed_in(page: Any, session_app: str) -> None:
    """After sign-in, a reload and a second tab are still signed in; sign-out ends both."""
    sign_in(page, session_app)
    assert signed_in(page)
    page.reload()
    assert signed_in(page)
    page.get_by_role("heading", name="Upload data").first.wait_for(timeout=60_000)
    tab = page.context.new_page()
    tab.goto(f"{session_app}/history")
    assert signed_in(tab)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for(timeout=60_000)
    tab.reload()
    assert not signed_in(tab)
    page.goto(f"{session_app}/upload")
    wait_for_app(page)
    assert page.locator("input[type='file']").count() == 0
    page.get_by_role("heading", name="Sign in to continue").wait_for(timeout=60_000)


def test_sign_in_link_stays_in_the_tab_and_comes_back(page: Any, session_app: str) -> None:
    """ "Sign in" on /upload opens the form in the same tab, which returns to /upload signed in."""
    page.goto(f"{session_app}/upload")
    wait_for_app(page)
    link = page.locator("[data-testid='stMain']").get_by_role("link", name="Sign in")
    assert link.get_attribute("href") == "/account/signin?next=/upload"
    assert link.get_attribute("target") in (None, "_self")
    link.click()
    page.wait_for_url(f"{session_app}/account/signin?next=/upload", timeout=60_000)
    assert len(page.context.pages) == 1
    page.get_by_label("Name").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{session_app}/upload", timeout=60_000)
    page.get_by_role("heading", name="Upload data").first.wait_for(timeout=60_000)
    assert signed_in(page) and len(page.context.pages) == 1
    page.get_by_role("button", name="Sign out").click()


def test_signin_address_when_signed_in(page: Any, session_app: str) -> None:
    """A signed-in analyst opening /signin is told who is signed in, with no "Page not found"."""
    sign_in(page, session_app, "/signin")
    page.get_by_role("heading", name="Signed in").wait_for(timeout=60_000)
    page.get_by_text("You are signed in as amina.").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").first.wait_for(timeout=60_000)
    # The signed-out run redraws the whole page; on a loaded machine the old button can outlive
    # the new heading by a moment, so wait for it to go (a button that stays fails here).
    page.get_by_role("button", name="Sign out").first.wait_for(state="detached", timeout=30_000)
    assert page.get_by_role("button", name="Sign out").count() == 0


def _session_ids(pg: Any) -> list[str]:
    """Collect the Streamlit session ids the server gives this page, as they arrive."""
    ids: list[str] = []

    def frames(ws: Any) -> None:
        def received(payload: object) -> None:
            if isinstance(payload, bytes):
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                if msg.WhichOneof("type") == "new_session":
                    ids.append(msg.new_session.initialize.session_id)

        ws.on("framereceived", received)

    pg.on("websocket", frames)
    return ids


def _replaying(pg: Any, stolen: str) -> dict[str, list[str]]:
    """Route the page's websocket through a relay that tells the page its session id is
    ``stolen`` and drops the first connection, so the page reconnects asking for ``stolen``."""
    seen: dict[str, list[str]] = {"asked": [], "given": []}

    def handler(ws: Any) -> None:
        server = ws.connect_to_server()
        seen["asked"].append(",".join(ws.protocols))
        first = len(seen["asked"]) == 1

        def from_server(message: str | bytes) -> None:
            if isinstance(message, bytes):
                msg = ForwardMsg()
                msg.ParseFromString(message)
                if msg.WhichOneof("type") == "new_session":
                    seen["given"].append(msg.new_session.initialize.session_id)
                    msg.new_session.initialize.session_id = stolen
                    message = msg.SerializeToString()
                ws.send(message)
                if first and msg.WhichOneof("type") == "script_finished":
                    server.close()  # the page reconnects, now with the stolen id
            else:
                ws.send(message)

        server.on_message(from_server)
        ws.on_message(lambda message: server.send(message))

    pg.route_web_socket(STREAM, handler)
    return seen


def test_replayed_session_id_gives_no_analyst_rights(
    page: Any, browser: Any, session_app: str
) -> None:
    """A second browser resuming the analyst's session id sees the visitor's pages only."""
    ids = _session_ids(page)
    sign_in(page, session_app)
    assert signed_in(page) and ids
    stolen = ids[-1]
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        thief = other.new_page()
        seen = _replaying(thief, stolen)
        thief.goto(f"{session_app}/upload")
        for _ in range(300):  # until the page has reconnected with the stolen id
            if len(seen["asked"]) >= 2:
                break
            thief.wait_for_timeout(200)
        thief.wait_for_timeout(2000)
        # A click runs the script again, now in the analyst's resumed session.
        thief.locator("[data-testid='stSidebarNav'] a", has_text="Rankings").first.click()
        thief.get_by_role("heading", name="Rankings over time").first.wait_for(timeout=60_000)
        wait_for_app(thief)
        assert any(stolen in asked for asked in seen["asked"][1:]), seen
        assert seen["given"][-1] == stolen, seen  # the server did hand the session over
        assert thief.get_by_role("button", name="Sign out").count() == 0
        nav = thief.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_text("Upload data").count() == 0
        assert nav.get_by_text("Sign in").count() == 1
        put = thief.request.put(
            f"{session_app}/_stcore/upload_file/{stolen}/stolen",
            multipart={"f": {"name": "x.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}},
        )
        assert put.status == 403
    finally:
        other.close()


# protobuf.js (Long) tries to compile a tiny WebAssembly helper and falls back to plain
# JavaScript when the policy refuses it; that refusal is the one report the policy expects.
CSP_LISTENER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', e => {"
    " if (!(e.blockedURI === 'wasm-eval' && /protobuf/.test(e.sourceFile)))"
    " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile); });"
)


def test_every_page_renders_under_the_content_security_policy(page: Any, session_app: str) -> None:
    """No page, visitor's or analyst's, nor the sign-in form, reports a CSP violation."""
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{session_app}/account/signin")
    page.get_by_label("Name").wait_for()
    assert page.evaluate("window.__csp") == []
    for path in ("", "rankings", "incidents", "events", "claim", "sources", "signin"):
        page.goto(f"{session_app}/{path}")
        wait_for_app(page)
        assert page.evaluate("window.__csp") == [], path
    sign_in(page, session_app, "/history")
    for path in ("history", "upload"):
        page.goto(f"{session_app}/{path}")
        wait_for_app(page)
        assert page.evaluate("window.__csp") == [], path
    csp = page.request.get(session_app).headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp
