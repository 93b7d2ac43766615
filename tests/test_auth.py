"""Local analyst accounts, sign-in throttling, sessions, the OIDC allow-list and `indicators users`."""

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

from indicators import accounts, audit, auth, private_files, sessions, throttle
from indicators.cli_users import add_users_parser

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


def test_login_rehashes_a_weaker_hash(users_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hash made with weaker parameters is replaced at the next successful sign-in."""
    auth.add_user("alice", PASSWORD)
    monkeypatch.setattr(accounts, "_hasher", REAL_HASHER)
    assert auth.authenticate("alice", PASSWORD).ok
    (rec,) = json.loads(users_file.read_text(encoding="utf-8"))["users"]
    assert "m=65536,t=3,p=4" in rec["hash"]


# -- throttling --------------------------------------------------------------------------------
def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_waits_grow_and_are_capped_at_60_seconds() -> None:
    """The wait after n failures in a row is 0, 1, 2, 4, 8, 16, 32, then 60 seconds at most."""
    waits = [auth.wait_after(n) for n in range(1, 12)]
    assert waits == [0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]


def test_same_answer_for_existing_and_unknown_names_at_every_attempt() -> None:
    """Attempts 1 to 20 on an existing and an unknown name get identical answers."""
    auth.add_user("alice", PASSWORD)
    for i in range(1, 21):
        moment = _at(i * 0.75)  # fast enough that some attempts meet a wait, some do not
        real = auth.authenticate("alice", f"guess {i}", client="192.0.2.1", now=moment)
        ghost = auth.authenticate("mallory", f"guess {i}", client="192.0.2.2", now=moment)
        invalid = auth.authenticate("no such name!", f"guess {i}", client="192.0.2.3", now=moment)
        assert not real.ok and not ghost.ok and not invalid.ok
        assert (
            (real.reason, real.retry_at, real.throttled)
            == (
                ghost.reason,
                ghost.retry_at,
                ghost.throttled,
            )
            == (invalid.reason, invalid.retry_at, invalid.throttled)
        ), f"attempt {i}"
    assert real.throttled and "Wait" in real.reason and "locked" not in real.reason


def test_unknown_user_still_runs_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown or invalid name costs one argon2 verification, like a wrong password."""
    auth.add_user("alice", PASSWORD)
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append("verify")
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    auth.authenticate("nobody", PASSWORD, client="192.0.2.1", now=T0)
    auth.authenticate("no such name!", PASSWORD, client="192.0.2.2", now=T0)
    auth.authenticate("alice", "wrong password", client="192.0.2.3", now=T0)
    assert calls == ["verify"] * 3


def test_stranger_delays_the_analyst_by_at_most_the_cap() -> None:
    """After a stranger's 100 failures on her name, the analyst waits at most 60 s, then signs in."""
    auth.add_user("alice", PASSWORD)
    counted = 0
    for i in range(100):  # one attempt a second from the stranger's address
        result = auth.authenticate("alice", f"guess {i}", client="203.0.113.9", now=_at(i))
        counted += not result.throttled
    assert counted < 15  # the throttle slowed the guessing down
    last = _at(99)
    first_try = auth.authenticate("alice", PASSWORD, client="198.51.100.7", now=last)
    assert first_try.throttled and first_try.retry_at is not None
    assert first_try.retry_at - last <= timedelta(seconds=60)
    assert auth.authenticate("alice", PASSWORD, client="198.51.100.7", now=first_try.retry_at).ok


def test_hammering_during_a_wait_does_not_extend_it() -> None:
    """Attempts refused during a wait are not counted: the wait ends when it said it would."""
    auth.add_user("alice", PASSWORD)
    for i in range(8):
        auth.authenticate("alice", "wrong", client="203.0.113.9", now=_at(i * 100))
    before = auth.authenticate("alice", "wrong", client="203.0.113.9", now=_at(701))
    for ms in range(0, 55_000, 500):
        auth.authenticate("alice", "wrong", client="203.0.113.9", now=_at(702 + ms / 1000))
    after = auth.authenticate("alice", "wrong", client="203.0.113.9", now=_at(759.9))
    assert before.throttled and after.throttled and before.retry_at == after.retry_at
    assert auth.authenticate("alice", PASSWORD, client="198.51.100.7", now=before.retry_at).ok


def test_known_device_is_never_slowed_by_strangers() -> None:
    """A browser that signed in before (device cookie) signs in at once during an attack."""
    user = auth.add_user("alice", PASSWORD)
    secret = auth.server_secret()
    device = auth.device_for(auth.sign_device(user.name, secret), "ALICE", secret)
    assert device is not None
    assert auth.device_for(auth.sign_device("bob", secret), "alice", secret) is None
    assert auth.device_for("forged.value", "alice", secret) is None
    for i in range(30):
        auth.authenticate("alice", "wrong", client="203.0.113.9", now=_at(i))
    assert auth.authenticate("alice", PASSWORD, client="203.0.113.9", now=_at(30)).throttled
    assert auth.authenticate("alice", PASSWORD, device=device, now=_at(30)).ok


def test_address_throttle_spans_names_and_ipv6_networks() -> None:
    """One address (an IPv6 /64 counts as one) is slowed whichever names it tries."""
    for i, name in enumerate(["a1", "b2", "c3"]):
        auth.authenticate(name, "x", client=f"2001:db8::{i + 1}", now=T0)
    result = auth.authenticate("d4", "x", client="2001:db8::ffff", now=T0)
    assert result.throttled
    assert not auth.authenticate("d4", "x", client="2001:db8:1::1", now=T0).throttled


def test_throttle_is_forgotten_and_cleared_by_success() -> None:
    """A success clears the keys it used; a key is forgotten 15 minutes after its last failure."""
    auth.add_user("alice", PASSWORD)
    for i in range(4):
        auth.authenticate("alice", "wrong", client="192.0.2.1", now=_at(i * 10))
    assert auth.get_user("alice") is not None
    assert auth.list_users(now=_at(31))[0].is_locked(_at(31))
    assert auth.authenticate("alice", PASSWORD, client="192.0.2.1", now=_at(40)).ok
    assert not auth.authenticate("alice", "wrong", client="192.0.2.1", now=_at(41)).throttled
    assert not auth.authenticate("alice", "wrong", client="192.0.2.1", now=_at(41)).throttled
    late = _at(41 + 15 * 60 + 1)
    assert auth.list_users(now=late)[0].failed_attempts == 0


def test_set_password_and_unlock_clear_the_wait() -> None:
    """An administrator's new password or unlock lifts the wait on a name at once."""
    auth.add_user("alice", PASSWORD)
    auth.add_user("bob", PASSWORD)
    for name in ("alice", "bob"):
        for i in range(8):
            auth.authenticate(name, "wrong", client=f"203.0.113.{i}", now=T0)
    auth.set_password("alice", "another long passphrase")
    auth.unlock_user("bob")
    assert auth.authenticate("alice", "another long passphrase", client="192.0.2.1", now=T0).ok
    assert auth.authenticate("bob", PASSWORD, client="192.0.2.1", now=T0).ok
    with pytest.raises(auth.UnknownUser):
        auth.unlock_user("nobody")


def test_throttle_file_holds_no_names_or_addresses(users_file: Path) -> None:
    """The throttle file keeps keyed digests only, never a typed name or a client address."""
    auth.authenticate("secret-name@ngo.org", "x", client="203.0.113.77", now=T0)
    text = users_file.with_name("users.json.throttle").read_text(encoding="utf-8")
    assert "secret-name" not in text and "203.0.113" not in text and "ngo" not in text
    assert stat.S_IMODE(users_file.with_name("users.json.throttle").stat().st_mode) == 0o600


def _fail_many(path: str, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Worker: wait for the other process, then fail to sign in ``count`` times."""
    policy = auth.ThrottlePolicy(max_delay=0)
    barrier.wait()
    for _ in range(count):
        assert not auth.authenticate("alice", "wrong", path=path, policy=policy, now=T0).ok


def test_concurrent_failures_from_two_processes_all_counted(users_file: Path) -> None:
    """Failures from two processes at once are all counted (the file lock loses none)."""
    auth.add_user("alice", PASSWORD)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_fail_many, args=(str(users_file), 15, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert auth.list_users(now=T0)[0].failed_attempts == 30


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


def test_tokens_are_unique_long_and_signed() -> None:
    """Tokens carry 256 random bits and a signature; a changed character is refused."""
    store = auth.SessionStore()
    user = _user()
    tokens = {store.issue(user, now=T0).token for _ in range(200)}
    assert len(tokens) == 200
    assert min(len(t.split(".")[0]) for t in tokens) >= 43
    token = next(iter(tokens))
    assert store.check(token, T0) is not None
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert store.check(flipped, T0) is None
    assert store.check("not-a-token", T0) is None and store.check("", T0) is None
    assert store.check(None, T0) is None and store.check("x" * 5000, T0) is None


def test_forged_token_is_refused_without_reading_the_sessions_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cookie with a wrong signature is refused before any file is read."""
    store = auth.SessionStore()
    store.issue(_user(), now=T0)
    monkeypatch.setattr(private_files, "read_json", lambda path: pytest.fail(f"read {path}"))
    monkeypatch.setattr(private_files, "stat_key", lambda path: pytest.fail(f"stat {path}"))
    assert store.check("A" * 43 + "." + "B" * 43, T0) is None


def test_sessions_survive_a_new_process_and_end_when_account_changes(users_file: Path) -> None:
    """Another process sees a session; a new password, removal or sign-out ends it at once."""
    user = _user()
    a, b = (auth.issue_session(user) for _ in range(2))
    code = (
        "import sys; from indicators import auth; "
        "sys.exit(0 if auth.check_session(sys.argv[1]) is not None else 1)"
    )
    assert subprocess.run([sys.executable, "-c", code, a.token], check=False).returncode == 0
    assert auth.check_session(a.token) is not None
    auth.set_password("alice", "a new long passphrase")
    assert auth.check_session(a.token) is None and auth.check_session(b.token) is None
    assert auth.default_session_store().count() == 0  # revoked, not only refused
    fresh = auth.authenticate("alice", "a new long passphrase").user
    assert fresh is not None
    c, d = auth.issue_session(fresh), auth.issue_session(fresh)
    assert auth.default_session_store().revoke(c.token) and auth.check_session(c.token) is None
    assert auth.check_session(d.token) is not None
    auth.remove_user("alice")
    assert auth.check_session(d.token) is None


def test_session_token_not_kept_in_store(users_file: Path) -> None:
    """The sessions file keeps a digest of each token, not the token; it is mode 0600."""
    session = auth.SessionStore().issue(_user(), now=T0)
    path = sessions.sessions_path(users_file)
    text = path.read_text(encoding="utf-8")
    assert session.token.split(".")[0] not in text and session.token not in repr(session)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_session_secret_from_environment_or_private_file(
    users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signing key is $INDICATORS_SESSION_SECRET, else a 0600 file made on first use."""
    made = auth.server_secret(users_file)
    assert len(made) >= 32
    assert stat.S_IMODE(sessions.secret_path(users_file).stat().st_mode) == 0o600
    monkeypatch.setenv("INDICATORS_SESSION_SECRET", "s" * 40)
    assert auth.server_secret(users_file) == b"s" * 40
    monkeypatch.setenv("INDICATORS_SESSION_SECRET", "short")
    with pytest.raises(auth.UsersFileError, match="at least 32"):
        auth.server_secret(users_file)
    assert throttle.address_key("::ffff:192.0.2.1") == "192.0.2.1"


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
        "import sys, indicators.auth, indicators.audit, indicators.cli_users, "
        "indicators.signin_web, indicators.edges; assert 'streamlit' not in sys.modules"
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
    assert "alice" in table and "locked until" in table
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
