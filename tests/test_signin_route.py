"""Sign-in attacks against the running server's /account/signin route (real argon2, real HTTP).

Each test counts the attacks it makes in SIGNIN_ATTACKS; the last test prints the tally.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from indicators.store import audit
from tests.running_server import (
    PASSWORD,
    Browser,
    Reply,
    Server,
    edge_server_fixture,  # noqa: F401 (the edge_server fixture)
)

pytestmark = pytest.mark.slow
SIGNIN_ATTACKS = {"tried": 0, "held": 0}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _held(ok: bool) -> None:
    SIGNIN_ATTACKS["tried"] += 1
    assert ok
    SIGNIN_ATTACKS["held"] += 1


def _answer(reply: Reply) -> tuple[int, str | None, str]:
    """What a stranger learns from an answer: status, Retry-After and the page (without the
    token, and without the name typed, which the form shows again)."""
    body = re.sub(r'name="csrf" value="[^"]*"', "", reply.body.decode())
    body = re.sub(r'(<input id="name"[^>]*) value="[^"]*"', r"\1", body)
    return reply.status, reply.headers.get("retry-after"), body


def test_same_answer_for_existing_and_unknown_names(edge_server: Server) -> None:
    """Failed, then throttled, attempts on 'bashir' and on an unknown name answer alike."""
    real = Browser(edge_server, address="192.0.2.10")
    ghost = Browser(edge_server, address="192.0.2.11")
    pauses = [0, 0, 0, 1.2, 0, 2.2, 0, 4.2, 0]  # before each attempt: 9 attempts, 5 counted
    with ThreadPoolExecutor(2) as pool:
        for i, pause in enumerate(pauses, start=1):
            time.sleep(pause)
            a = pool.submit(real.sign_in, "bashir", f"guess {i}")
            b = pool.submit(ghost.sign_in, "nobody-here", f"guess {i}")
            seen_real, seen_ghost = _answer(a.result()), _answer(b.result())
            _held(seen_real == seen_ghost and seen_real[0] in (401, 429))
    assert seen_real[0] == 429 and "Wait" in seen_real[2] and "locked" not in seen_real[2]


def test_stranger_cannot_lock_the_analyst_out(edge_server: Server) -> None:
    """After a stranger's 100 failures the analyst waits at most 60 s; a known browser not at all."""
    known = Browser(edge_server, address="198.51.100.30")
    assert known.sign_in("amina", PASSWORD).status == 303  # this browser now has a device cookie
    stranger = Browser(edge_server, address="203.0.113.50")
    statuses = [stranger.sign_in("amina", f"guess {i}").status for i in range(100)]
    SIGNIN_ATTACKS["tried"] += 100
    assert set(statuses) <= {401, 429} and statuses.count(401) < 15
    SIGNIN_ATTACKS["held"] += 100
    _held(known.sign_in("amina", PASSWORD).status == 303)
    fresh = Browser(edge_server, address="198.51.100.31")
    first = fresh.sign_in("amina", PASSWORD)
    if first.status == 429:
        wait = int(first.headers["retry-after"])
        assert wait <= 60
        time.sleep(wait + 0.2)
        first = fresh.sign_in("amina", PASSWORD)
    _held(first.status == 303 and first.headers["location"] == "/upload")


def _post(browser: Browser, form: dict[str, str], **headers: str) -> Reply:
    sent = {**FORM, **headers}
    return browser.call("POST", "/account/signin", headers=sent, body=urlencode(form).encode())


def test_cross_site_and_tokenless_posts_refused(edge_server: Server) -> None:
    """A POST without the CSRF cookie, with a wrong token, or from another site is refused."""
    browser = Browser(edge_server, address="192.0.2.40")
    browser.call("GET", "/account/signin")
    token = browser.cookies["indicators_csrf"]
    good = {"csrf": token, "name": "amina", "password": PASSWORD, "next": "/"}
    _held(_post(Browser(edge_server, address="192.0.2.41"), good).status == 403)
    _held(_post(browser, {**good, "csrf": "x" * 43}).status == 403)
    _held(_post(browser, good, Origin="https://evil.example").status == 403)
    _held(_post(browser, good, **{"Sec-Fetch-Site": "cross-site"}).status == 403)
    huge = {**good, "password": "x" * 20_000}
    _held(_post(browser, huge).status == 403)
    assert "indicators_session" not in browser.cookies
    assert _post(browser, good, Origin=f"http://127.0.0.1:{edge_server.port}").status == 303


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_no_redirect_to_another_site(edge_server: Server, target: str) -> None:
    """After sign-in the browser goes back only to a path of this server."""
    reply = Browser(edge_server, address="192.0.2.50").sign_in("amina", PASSWORD, target)
    _held(reply.status == 303 and reply.headers["location"] == "/")


def test_session_cookie_is_fresh_httponly_strict(edge_server: Server) -> None:
    """Each sign-in sets a new HttpOnly SameSite=Strict cookie and revokes the browser's old one."""
    browser = Browser(edge_server, address="192.0.2.60")
    first = browser.sign_in("amina", PASSWORD)
    old = browser.cookies["indicators_session"]
    line = next(c for c in first.cookies if c.startswith("indicators_session="))
    assert "HttpOnly" in line and "SameSite=strict" in line and "Path=/" in line
    assert "Secure" not in line  # plain HTTP on loopback
    browser.sign_in("amina", PASSWORD)
    assert browser.cookies["indicators_session"] != old
    stale = Browser(edge_server, cookies={"indicators_session": old})
    _held(stale.call("GET", "/_stcore/metrics").status == 404)  # the old cookie is dead
    https = Browser(edge_server, address="192.0.2.61")
    reply = https.sign_in("amina", PASSWORD)
    assert reply.status == 303
    proxied = Browser(edge_server, address="192.0.2.62")
    proxied.call("GET", "/account/signin", headers={"X-Forwarded-Proto": "https"})
    form = {"csrf": proxied.cookies["indicators_csrf"], "name": "amina", "password": PASSWORD}
    secure = _post(proxied, form, **{"X-Forwarded-Proto": "https"})
    assert any("Secure" in c for c in secure.cookies if c.startswith("indicators_session="))


def test_sign_out_route_revokes_and_everything_is_audited(edge_server: Server) -> None:
    """Sign-out ends the session; failures, throttles, sign-ins and sign-outs are in the log."""
    browser = Browser(edge_server, address="192.0.2.70")
    assert browser.sign_in("amina", PASSWORD).status == 303
    assert browser.call("GET", "/_stcore/metrics").status == 200
    token = browser.cookies["indicators_session"]
    browser.call("GET", "/account/signin")
    form = urlencode({"csrf": browser.cookies["indicators_csrf"]}).encode()
    assert browser.call("POST", "/account/signout", headers=FORM, body=form).status == 303
    stale = Browser(edge_server, cookies={"indicators_session": token})
    _held(stale.call("GET", "/_stcore/metrics").status == 404)
    events = audit.read(edge_server.store / "audit.log")
    actions = [e["action"] for e in events]
    for action in ("signin.failed", "signin.throttled", "signin", "signout"):
        assert action in actions, action
    failed = [e for e in events if e["action"] == "signin.failed"]
    assert all(e["user"] == "(visitor)" and e["details"]["client"] for e in failed)
    throttled = actions.count("signin.throttled")
    assert throttled <= actions.count("signin.failed")  # one line per wait, not per request
    assert PASSWORD not in (edge_server.store / "audit.log").read_text(encoding="utf-8")


def test_zz_report_signin_attacks() -> None:
    """Print the tally of sign-in attacks tried and held (for the issue's note)."""
    print(f"sign-in attacks: {SIGNIN_ATTACKS['held']} held / {SIGNIN_ATTACKS['tried']} tried")
    assert SIGNIN_ATTACKS["tried"] == SIGNIN_ATTACKS["held"]
