"""Local analyst accounts, lockout, sessions, the OIDC allow-list and `indicators users`."""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from indicators import audit, auth
from indicators.cli_users import add_users_parser

PASSWORD = "correct horse battery staple"
T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
REAL_HASHER = auth._hasher


def _fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A users file and an audit log of this test's own; a cheap argon2 so tests stay quick."""
    path = tmp_path / "config" / "users.json"
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(path))
    monkeypatch.setenv("INDICATORS_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setattr(auth, "_hasher", _fast_hasher)
    return path


# -- the users file ----------------------------------------------------------------------------
def test_hash_is_argon2id_and_password_never_stored(
    users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file holds an argon2id hash with the default cost, never the password itself."""
    monkeypatch.setattr(auth, "_hasher", REAL_HASHER)
    auth.add_user("alice", PASSWORD, now=T0)
    text = users_file.read_text(encoding="utf-8")
    assert PASSWORD not in text and "horse" not in text
    (rec,) = json.loads(text)["users"]
    assert rec["hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert set(rec) == {"name", "role", "hash", "created_at", "failed_attempts", "locked_until"}
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
    wrong = auth.authenticate("alice", "not the password")
    unknown = auth.authenticate("mallory", PASSWORD)
    invalid = auth.authenticate("bad name!", PASSWORD)
    assert not wrong.ok and not unknown.ok and not invalid.ok
    assert wrong.reason == unknown.reason == invalid.reason == auth.WRONG_CREDENTIALS
    assert wrong.user is None and unknown.user is None


def test_correct_password_accepted_any_name_case() -> None:
    """The right password signs in, with the name in any letter case."""
    auth.add_user("Alice", PASSWORD)
    result = auth.authenticate("alice", PASSWORD)
    assert result.ok and result.user is not None and result.user.name == "Alice"
    assert result.user.role == "analyst"


def test_unknown_user_still_runs_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown or invalid name costs one argon2 verification, like a wrong password."""
    auth.add_user("alice", PASSWORD)
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append("verify")
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    auth.authenticate("nobody", PASSWORD)
    assert calls == ["verify"]
    auth.authenticate("no such name!", PASSWORD)
    assert len(calls) == 2
    auth.authenticate("alice", "wrong password")
    assert len(calls) == 3


def test_lockout_after_five_failures_and_release_after_period() -> None:
    """Five failures lock the account for 15 minutes; afterwards the password works again."""
    auth.add_user("alice", PASSWORD)
    for i in range(4):
        result = auth.authenticate("alice", "wrong", now=T0 + timedelta(seconds=i))
        assert result.reason == auth.WRONG_CREDENTIALS
    fifth = auth.authenticate("alice", "wrong", now=T0 + timedelta(seconds=4))
    assert not fifth.ok and fifth.retry_at == T0 + timedelta(minutes=15, seconds=4)
    assert "locked" in fifth.reason and "2025-01-01 12:15 UTC" in fifth.reason
    (user,) = auth.list_users()
    assert user.is_locked(T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=15, seconds=5)
    assert not user.is_locked(later)
    assert auth.authenticate("alice", PASSWORD, now=later).ok
    assert auth.list_users()[0].failed_attempts == 0


def test_correct_password_refused_during_lockout() -> None:
    """During the lock even the right password is refused, with when to try again."""
    auth.add_user("alice", PASSWORD)
    for _ in range(5):
        auth.authenticate("alice", "wrong", now=T0)
    result = auth.authenticate("alice", PASSWORD, now=T0 + timedelta(minutes=10))
    assert not result.ok and result.user is None
    assert "Try again after 2025-01-01 12:15 UTC (in about 5 minutes)" in result.reason


def test_success_resets_failure_count() -> None:
    """A successful sign-in resets the count, so four more failures do not lock."""
    auth.add_user("alice", PASSWORD)
    for _ in range(4):
        auth.authenticate("alice", "wrong", now=T0)
    assert auth.list_users()[0].failed_attempts == 4
    assert auth.authenticate("alice", PASSWORD, now=T0).ok
    assert auth.list_users()[0].failed_attempts == 0
    for _ in range(4):
        auth.authenticate("alice", "wrong", now=T0)
    assert auth.authenticate("alice", PASSWORD, now=T0).ok


def test_failures_after_an_expired_lock_count_afresh() -> None:
    """After a lock runs out, one more failure does not lock again at once."""
    auth.add_user("alice", PASSWORD)
    for _ in range(5):
        auth.authenticate("alice", "wrong", now=T0)
    after = T0 + timedelta(minutes=16)
    assert auth.authenticate("alice", "wrong", now=after).reason == auth.WRONG_CREDENTIALS
    (user,) = auth.list_users()
    assert user.failed_attempts == 1 and user.locked_until is None


def test_set_password_and_unlock_clear_lockout() -> None:
    """An administrator's new password or unlock ends a lockout at once."""
    auth.add_user("alice", PASSWORD)
    auth.add_user("bob", PASSWORD)
    for name in ("alice", "bob"):
        for _ in range(5):
            auth.authenticate(name, "wrong", now=T0)
    auth.set_password("alice", "another long passphrase")
    auth.unlock_user("bob")
    assert auth.authenticate("alice", "another long passphrase", now=T0).ok
    assert auth.authenticate("bob", PASSWORD, now=T0).ok


def test_login_rehashes_a_weaker_hash(users_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hash made with weaker parameters is replaced at the next successful sign-in."""
    auth.add_user("alice", PASSWORD)
    monkeypatch.setattr(auth, "_hasher", REAL_HASHER)
    assert auth.authenticate("alice", PASSWORD).ok
    (rec,) = json.loads(users_file.read_text(encoding="utf-8"))["users"]
    assert "m=65536,t=3,p=4" in rec["hash"]


def _fail_many(path: str, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Worker: wait for the other process, then fail to sign in ``count`` times."""
    policy = auth.LockoutPolicy(max_failures=1000)
    barrier.wait()
    for _ in range(count):
        assert not auth.authenticate("alice", "wrong", path=path, policy=policy).ok


def test_concurrent_failures_from_two_processes_all_counted(users_file: Path) -> None:
    """Failures from two processes at once are all recorded (the file lock loses none)."""
    auth.add_user("alice", PASSWORD)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_fail_many, args=(str(users_file), 15, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert auth.list_users()[0].failed_attempts == 30


# -- sessions ----------------------------------------------------------------------------------
def _user() -> auth.User:
    return auth.add_user("alice", PASSWORD, now=T0)


def test_session_expires_when_idle() -> None:
    """A session unused for 8 hours is refused; using it pushes the idle expiry on."""
    store = auth.SessionStore()
    session = auth.issue_session(_user(), now=T0, store=store)
    assert session.expires_at == T0 + timedelta(hours=8)
    checked = auth.check_session(session.token, T0 + timedelta(hours=7), store=store)
    assert checked is not None and checked.expires_at == T0 + timedelta(hours=12)
    assert auth.check_session(session.token, T0 + timedelta(hours=11), store=store) is not None
    other = auth.issue_session(auth.list_users()[0], now=T0, store=store)
    assert auth.check_session(other.token, T0 + timedelta(hours=8), store=store) is None
    assert auth.check_session(other.token, T0, store=store) is None  # forgotten, not revived


def test_session_expires_after_absolute_limit() -> None:
    """Even a session in constant use ends 12 hours after it was issued."""
    store = auth.SessionStore()
    session = store.issue(_user(), now=T0)
    for hour in range(1, 12):
        assert store.check(session.token, T0 + timedelta(hours=hour)) is not None
    assert store.check(session.token, T0 + timedelta(hours=12)) is None


def test_session_ttl_is_the_idle_limit() -> None:
    """A shorter ttl is the idle limit of that session."""
    store = auth.SessionStore()
    session = store.issue(_user(), ttl=timedelta(minutes=30), now=T0)
    assert session.expires_at == T0 + timedelta(minutes=30)
    assert store.check(session.token, T0 + timedelta(minutes=31)) is None


def test_tokens_are_unique_and_long() -> None:
    """Tokens are random URL-safe strings of at least 43 characters (256 bits), never repeated."""
    store = auth.SessionStore()
    user = _user()
    tokens = {store.issue(user, now=T0).token for _ in range(500)}
    assert len(tokens) == 500
    assert min(len(t) for t in tokens) >= 43
    assert all(t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    assert store.check("not-a-token", T0) is None and store.check("", T0) is None
    assert store.check(None, T0) is None


def test_sessions_end_when_account_changes() -> None:
    """Changing the password or removing the account ends its sessions; sign-out ends one."""
    store = auth.SessionStore()
    user = _user()
    a, b, c = (store.issue(user, now=T0) for _ in range(3))
    assert store.check(a.token, T0) is not None
    auth.set_password("alice", "a new long passphrase")
    assert store.check(a.token, T0) is None
    fresh = auth.authenticate("alice", "a new long passphrase").user
    assert fresh is not None
    d = store.issue(fresh, now=T0)
    assert store.revoke(d.token) and store.check(d.token, T0) is None
    e = store.issue(fresh, now=T0)
    auth.remove_user("alice")
    assert store.check(e.token, T0) is None
    assert store.check(b.token, T0, recheck_account=False) is not None
    assert store.revoke_user("ALICE") == 2 and store.check(c.token, T0) is None


def test_session_token_not_kept_in_store() -> None:
    """The store keeps a digest of each token, not the token."""
    store = auth.SessionStore()
    session = store.issue(_user(), now=T0)
    assert session.token not in repr(store._sessions)
    assert session.token not in repr(session)


# -- OIDC allow-list ---------------------------------------------------------------------------
def test_analyst_emails_case_insensitive() -> None:
    """The allow-list is read from [analysts] emails and matched without regard to case."""
    secrets = {"auth": {"redirect_uri": "x"}, "analysts": {"emails": [" Ana@NGO.org ", "b@x.kz"]}}
    allowed = auth.analyst_emails(secrets)
    assert allowed == {"ana@ngo.org", "b@x.kz"}
    assert auth.is_analyst_oidc("ana@ngo.org", allowed)
    assert auth.is_analyst_oidc("ANA@ngo.ORG", allowed)
    assert not auth.is_analyst_oidc("ana@ngo.org.evil.com", allowed)
    assert not auth.is_analyst_oidc("", allowed) and not auth.is_analyst_oidc(None, allowed)
    assert not auth.is_analyst_oidc("ana@ngo.org", allowed, email_verified=False)
    assert auth.is_analyst_oidc("ana@ngo.org", ["ANA@ngo.org"])


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
    """Importing auth, audit and cli_users does not import streamlit."""
    code = (
        "import sys, indicators.auth, indicators.audit, indicators.cli_users; "
        "assert 'streamlit' not in sys.modules"
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
    """list shows lockouts; passwd, unlock and remove work and each is audited."""
    run_users(["add", "alice", "--password-stdin"], monkeypatch, PASSWORD + "\n")
    for _ in range(5):
        auth.authenticate("alice", "wrong")
    capsys.readouterr()
    assert run_users(["list"], monkeypatch) == 0
    table = capsys.readouterr().out
    assert "alice" in table and "locked until" in table
    assert run_users(["unlock", "alice"], monkeypatch) == 0
    assert run_users(["list", "--format", "json"], monkeypatch) == 0
    out = capsys.readouterr().out
    (row,) = json.loads(out[out.index("[") :])
    assert row["name"] == "alice" and row["status"] == "active" and "hash" not in row
    new = "a different long passphrase"
    assert run_users(["passwd", "alice", "--password-stdin"], monkeypatch, new + "\n") == 0
    assert auth.authenticate("alice", new).ok
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
