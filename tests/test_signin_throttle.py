"""Sign-in throttling (growing, bounded waits by name and by address) and sessions."""

from __future__ import annotations

import json
import multiprocessing
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from indicators.accounts import auth, private_files, sessions, throttle
from indicators.accounts import users as accounts
from tests.test_auth import PASSWORD, REAL_HASHER, T0
from tests.test_auth import users_file as users_file


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
    if not first_try.ok:
        assert first_try.throttled and first_try.retry_at is not None
        assert first_try.retry_at - last <= timedelta(seconds=60)
        retry = first_try.retry_at
        assert auth.authenticate("alice", PASSWORD, client="198.51.100.7", now=retry).ok


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
    assert auth.authenticate("alice", PASSWORD, client="203.0.113.9", now=_at(29.5)).throttled
    assert auth.authenticate("alice", PASSWORD, device=device, now=_at(29.5)).ok


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
        "import sys; from indicators.accounts import auth; "
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
