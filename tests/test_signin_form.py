"""The sign-in form after a failure: it keeps the typed name (escaped), and the audit never
keeps text typed into the name box unless it is an account's name."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from indicators.accounts import auth
from indicators.accounts.signin_web import NO_SUCH_ACCOUNT, SignInConfig, signin_routes
from tests.test_auth import PASSWORD
from tests.test_auth import users_file as users_file

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

Record = tuple[str, str, dict[str, Any]]


@pytest.fixture
def client(users_file: Path) -> Iterator[tuple[TestClient, list[Record]]]:
    """The sign-in routes in a test client, with the audit lines they would write."""
    auth.add_user("alice", PASSWORD, path=users_file)
    lines: list[Record] = []

    def audit(action: str, user: str, details: Mapping[str, Any]) -> None:
        lines.append((action, user, dict(details)))

    app = Starlette(routes=signin_routes(SignInConfig(audit=audit, users_path=users_file)))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client, lines


def _post(test_client: TestClient, name: str, password: str) -> str:
    throttle = Path(auth.users_file_path()).with_name("users.json.throttle")
    throttle.unlink(missing_ok=True)  # every attempt here is checked, none waits
    test_client.get("/account/signin")
    form = {"csrf": test_client.cookies["indicators_csrf"], "name": name, "password": password}
    reply = test_client.post("/account/signin", data=form, follow_redirects=False)
    assert reply.status_code == 401
    return reply.text


def _name_field(page: str) -> str:
    match = re.search(r'<input id="name"[^>]*>', page)
    assert match is not None
    return match.group(0)


def test_failed_sign_in_keeps_the_typed_name_escaped(
    client: tuple[TestClient, list[Record]],
) -> None:
    """After a wrong password the form shows the name typed, HTML-escaped, and no password."""
    test_client, _ = client
    field = _name_field(_post(test_client, "alice", "wrong password"))
    assert 'value="alice"' in field and "autofocus" not in field
    hostile = '"><img src=x onerror=alert(1)>'
    page = _post(test_client, hostile, "wrong password")
    field = _name_field(page)
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in field
    assert "<img" not in page and "wrong password" not in page
    assert "autofocus" in _name_field(test_client.get("/account/signin").text)


def test_audit_names_only_existing_accounts(client: tuple[TestClient, list[Record]]) -> None:
    """A failed sign-in on an account records its name; any other text only a keyed digest,
    the same for the same text and different for other text."""
    test_client, lines = client
    pasted = "my secret passphrase 42"
    for name in ("ALICE", pasted, pasted, "someone else"):
        _post(test_client, name, "wrong password")
    failed = [details for action, _, details in lines if action == "signin.failed"]
    assert failed[0] == {"name": "alice", "client": "testclient"}
    assert all(d["name"] == NO_SUCH_ACCOUNT for d in failed[1:])
    digests = [d["name_digest"] for d in failed[1:]]
    assert digests[0] == digests[1] != digests[2] and re.fullmatch(r"[0-9a-f]{16}", digests[0])
    assert "passphrase" not in repr(lines) and "someone" not in repr(lines)
