"""Local analyst accounts, sign-in throttling, sessions, the OIDC allow-list and `indicators users`."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from indicators.accounts import auth
from indicators.accounts import users as accounts
from indicators.cli.users import add_users_parser
from indicators.store import audit

PASSWORD = "correct horse battery staple"
T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
REAL_HASHER = accounts._hasher


def _fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A users file and an audit log of this test's own; a cheap argon2 so tests stay quick."""
    path = tmp_path / "config" / "users.json"
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(path))
    monkeypatch.setenv("INDICATORS_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setattr(accounts, "_hasher", _fast_hasher)
    return path


# -- the users file ----------------------------------------------------------------------------
def test_hash_is_argon2id_and_password_never_stored(
    users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file holds an argon2id hash with the default cost, never the password itself."""
    monkeypatch.setattr(accounts, "_hasher", REAL_HASHER)
    auth.add_user("alice", PASSWORD, now=T0)
    text = users_file.read_text(encoding="utf-8")
    assert PASSWORD not in text and "horse" not in text
    (rec,) = json.loads(text)["users"]
    assert rec["hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert set(rec) == {"name", "role", "hash", "created_at"}
    assert rec["role"] == "analyst" and rec["created_at"] == "2025-01-01T12:00:00+00:00"


def test_users_file_mode_0600(users_file: Path) -> None:
    """The users file and its lock file are 0600 and a folder the module creates is 0700."""
    auth.add_user("alice", PASSWORD)
    auth.add_user("bob", PASSWORD + "!")  # a rewrite keeps the mode
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(users_file.with_name("users.json.lock").stat().st_mode) == 0o600
    assert stat.S_IMODE(users_file.parent.stat().st_mode) == 0o700
    assert [p.name for p in users_file.parent.iterdir() if p.name.startswith(".")] == []


def test_default_path_is_under_xdg_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without INDICATORS_USERS_FILE the file is $XDG_CONFIG_HOME/press-freedom-indicators/users.json."""
    monkeypatch.delenv("INDICATORS_USERS_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "press-freedom-indicators" / "users.json"
    assert auth.users_file_path() == expected
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert auth.users_file_path() == tmp_path / "home/.config/press-freedom-indicators/users.json"


@pytest.mark.parametrize(
    "name", ["", "a" * 65, "a b", "-x", ".hidden", "ali/ce", "алиса", "a\nb", "=cmd", "<script>"]
)
def test_bad_names_refused(name: str) -> None:
    """Names outside 1-64 of letters/digits/._-@ (starting with a letter or digit) are refused."""
    with pytest.raises(auth.InvalidName, match="invalid account name"):
        auth.add_user(name, PASSWORD)


@pytest.mark.parametrize("name", ["a", "alice.smith", "a_b-c", "alice@ngo.org", "A" * 64, "7x"])
def test_good_names_accepted(name: str) -> None:
    """Names made of letters, digits and ._-@ up to 64 characters are accepted."""
    assert auth.add_user(name, PASSWORD).name == name


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("alice", "short", "too short (5 characters): use at least 12"),
        ("alice", "x" * 11, "too short"),
        ("longusername1", "LongUserName1", "same as the account name"),
        ("alice", " " * 20, "only spaces"),
        ("alice", "x" * 2000, "too long"),
    ],
)
def test_password_policy(name: str, password: str, message: str, users_file: Path) -> None:
    """Weak passwords are refused with a clear reason and nothing is written."""
    with pytest.raises(auth.WeakPassword, match=re.escape(message)):
        auth.add_user(name, password)
    assert not users_file.exists()


def test_duplicate_names_refused_in_any_case() -> None:
    """A second account whose name differs only in letter case is refused."""
    auth.add_user("Alice", PASSWORD)
    with pytest.raises(auth.UserExists, match="'Alice' already exists"):
        auth.add_user("alice", PASSWORD)


def test_remove_list_and_set_password() -> None:
    """Accounts can be listed, get a new password (old one stops working) and be removed."""
    auth.add_user("bob", PASSWORD, now=T0)
    auth.add_user("alice", PASSWORD, now=T0)
    assert [u.name for u in auth.list_users()] == ["alice", "bob"]
    auth.set_password("alice", "a new long passphrase")
    assert not auth.authenticate("alice", PASSWORD).ok
    assert auth.authenticate("alice", "a new long passphrase").ok
    auth.remove_user("ALICE")
    assert [u.name for u in auth.list_users()] == ["bob"]
    with pytest.raises(auth.UnknownUser):
        auth.remove_user("alice")
    with pytest.raises(auth.UnknownUser):
        auth.set_password("alice", PASSWORD)


def test_corrupt_users_file_is_a_clear_error(users_file: Path) -> None:
    """A damaged users file raises UsersFileError naming it and is never overwritten."""
    users_file.parent.mkdir(parents=True)
    users_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(auth.UsersFileError, match="not valid JSON"):
        auth.add_user("alice", PASSWORD)
    with pytest.raises(auth.UsersFileError):
        auth.authenticate("alice", PASSWORD)
    assert users_file.read_text(encoding="utf-8") == "{not json"


# -- sign-in -----------------------------------------------------------------------------------
def test_wrong_password_and_unknown_user_same_message() -> None:
    """A wrong password and an unknown name are refused with the same reason."""
    auth.add_user("alice", PASSWORD)
    wrong = auth.authenticate("alice", "not the password", client="192.0.2.1")
    unknown = auth.authenticate("mallory", PASSWORD, client="192.0.2.2")
    invalid = auth.authenticate("bad name!", PASSWORD, client="192.0.2.3")
    assert not wrong.ok and not unknown.ok and not invalid.ok
    assert wrong.reason == unknown.reason == invalid.reason == auth.WRONG_CREDENTIALS
    assert wrong.user is None and unknown.user is None


def test_correct_password_accepted_any_name_case() -> None:
    """The right password signs in, with the name in any letter case."""
    auth.add_user("Alice", PASSWORD)
    result = auth.authenticate("alice", PASSWORD)
    assert result.ok and result.user is not None and result.user.name == "Alice"
    assert result.user.role == "analyst"


# -- OIDC allow-list ---------------------------------------------------------------------------
def test_analyst_emails_case_insensitive() -> None:
    """The allow-list is read from [analysts] emails and matched without regard to case."""
    secrets = {"auth": {"redirect_uri": "x"}, "analysts": {"emails": [" Ana@NGO.org ", "b@x.kz"]}}
    allowed = auth.analyst_emails(secrets)
    assert allowed == {"ana@ngo.org", "b@x.kz"}
    assert auth.is_analyst_oidc("ana@ngo.org", allowed, email_verified=True)
    assert auth.is_analyst_oidc("ANA@ngo.ORG", allowed, email_verified=True)
    assert not auth.is_analyst_oidc("ana@ngo.org.evil.com", allowed, email_verified=True)
    assert not auth.is_analyst_oidc("", allowed, email_verified=True)
    assert not auth.is_analyst_oidc(None, allowed, email_verified=True)
    assert auth.is_analyst_oidc("ana@ngo.org", ["ANA@ngo.org"], email_verified=True)


@pytest.mark.parametrize("claim", [False, "false", "False", "true", "True", 0, 1, None, "", "yes"])
def test_email_verified_must_be_exactly_true(claim: object) -> None:
    """Only the claim True makes an allow-listed address an analyst; truthy strings do not."""
    allowed = {"ana@ngo.org"}
    assert auth.is_analyst_oidc("ana@ngo.org", allowed, email_verified=True)
    assert not auth.is_analyst_oidc("ana@ngo.org", allowed, email_verified=claim)


def test_analyst_emails_shapes() -> None:
    """No section means no analysts; a comma string works; a wrong shape is a clear error."""
    assert auth.analyst_emails({}) == set()
    assert auth.analyst_emails({"analysts": {"emails": "a@x.org, B@y.org,"}}) == {
        "a@x.org",
        "b@y.org",
    }
    with pytest.raises(auth.AccountError, match="not an e-mail address"):
        auth.analyst_emails({"analysts": {"emails": ["not an email"]}})
    with pytest.raises(auth.AccountError):
        auth.analyst_emails({"analysts": {"emails": 3}})
    with pytest.raises(auth.AccountError):
        auth.analyst_emails({"analysts": "a@x.org"})


def test_library_never_imports_streamlit() -> None:
    """Importing the account, sign-in and edge modules does not import streamlit."""
    code = (
        "import sys, indicators.accounts.auth, indicators.store.audit, indicators.cli.users, "
        "indicators.accounts.signin_web, indicators.accounts.edges; assert 'streamlit' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- indicators users --------------------------------------------------------------------------
def run_users(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    """Run `indicators users ...` through a parser built with add_users_parser."""
    parser = argparse.ArgumentParser(prog="indicators")
    add_users_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["users", *argv])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return int(args.func(args))


def test_cli_add_with_password_stdin_then_authenticate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`users add NAME --password-stdin` creates an account that can sign in, and is audited."""
    code = run_users(["add", "alice", "--password-stdin"], monkeypatch, PASSWORD + "\n")
    assert code == 0
    assert auth.authenticate("alice", PASSWORD).ok
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err
    events = audit.read(tmp_path / "audit.log")
    assert [e["action"] for e in events] == ["users.add"]
    assert events[0]["details"]["name"] == "alice" and events[0]["user"]
    assert PASSWORD not in (tmp_path / "audit.log").read_text(encoding="utf-8")


def test_cli_weak_password_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], users_file: Path
) -> None:
    """A weak password exits 2 with one line on stderr and creates nothing."""
    assert run_users(["add", "alice", "--password-stdin"], monkeypatch, "short\n") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: the password is too short")
    assert not users_file.exists()


def test_cli_duplicate_user_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Adding a name that exists exits 2 and leaves the first account alone."""
    assert run_users(["add", "alice", "--password-stdin"], monkeypatch, PASSWORD + "\n") == 0
    capsys.readouterr()
    code = run_users(["add", "ALICE", "--password-stdin"], monkeypatch, "other long password\n")
    assert code == 2
    assert capsys.readouterr().err == "error: an account named 'ALICE' already exists\n"
    assert auth.authenticate("alice", PASSWORD).ok


def test_cli_bad_name_and_unknown_user(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad name or an unknown account exits 2 with one error line."""
    assert run_users(["add", "a b", "--password-stdin"], monkeypatch, PASSWORD + "\n") == 2
    assert run_users(["remove", "ghost"], monkeypatch) == 2
    assert run_users(["passwd", "ghost", "--password-stdin"], monkeypatch, PASSWORD) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)


def test_cli_interactive_passwords_must_match(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --password-stdin the password is asked twice; a mismatch changes nothing."""
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run_users(["add", "alice"], monkeypatch) == 2
    assert "differ" in capsys.readouterr().err
    assert auth.list_users() == []
    answers = iter([PASSWORD, PASSWORD])
    assert run_users(["add", "alice"], monkeypatch) == 0
    assert auth.authenticate("alice", PASSWORD).ok


def test_cli_list_passwd_unlock_remove(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """list shows a name's wait; passwd, unlock and remove work and each is audited."""
    run_users(["add", "alice", "--password-stdin"], monkeypatch, PASSWORD + "\n")
    slow = auth.ThrottlePolicy(first_delay=60)
    for _ in range(2):
        auth.authenticate("alice", "wrong", policy=slow)
    capsys.readouterr()
    assert run_users(["list"], monkeypatch) == 0
    table = capsys.readouterr().out
    assert "alice" in table and "sign-in wait until" in table
    assert run_users(["unlock", "alice"], monkeypatch) == 0
    assert run_users(["list", "--format", "json"], monkeypatch) == 0
    out = capsys.readouterr().out
    (row,) = json.loads(out[out.index("[") :])
    assert row["name"] == "alice" and row["status"] == "active" and "hash" not in row
    new = "a different long passphrase"
    assert run_users(["passwd", "alice", "--password-stdin"], monkeypatch, new + "\n") == 0
    assert auth.authenticate("alice", new, client="192.0.2.9").ok
    assert run_users(["remove", "alice"], monkeypatch) == 0
    assert auth.list_users() == []
    actions = [e["action"] for e in audit.read(tmp_path / "audit.log")]
    assert actions == ["users.add", "users.unlock", "users.passwd", "users.remove"]


def test_cli_audit_log_beside_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_default_store: Path
) -> None:
    """Without INDICATORS_AUDIT_LOG the change is logged in the store folder (--store or default)."""
    monkeypatch.delenv("INDICATORS_AUDIT_LOG")
    run_users(["add", "alice", "--password-stdin"], monkeypatch, PASSWORD + "\n")
    assert audit.read(isolated_default_store / "audit.log")[0]["action"] == "users.add"
    store = tmp_path / "other-store"
    run_users(["remove", "alice", "--store", str(store)], monkeypatch)
    assert audit.read(store / "audit.log")[0]["action"] == "users.remove"


def test_cli_users_file_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """--users-file points the command at another users file."""
    other = tmp_path / "elsewhere" / "users.json"
    argv = ["add", "bob", "--users-file", str(other), "--password-stdin"]
    assert run_users(argv, monkeypatch, PASSWORD + "\n") == 0
    assert auth.authenticate("bob", PASSWORD, path=other).ok
    assert auth.list_users() == []
    assert os.path.exists(other)
