"""Analyst accounts: local users with argon2 hashes, lockout, sessions, and the OIDC allow-list.

Anonymous visitors may only read. An analyst (who may upload, commit and roll back) is either

* a person signed in through the platform's OpenID Connect login whose e-mail address is on the
  allow-list in the secrets (``[analysts] emails = [...]``): see :func:`analyst_emails` and
  :func:`is_analyst_oidc`; or
* a local account kept in the users file, for organisations without an identity provider:
  see :func:`add_user` and :func:`authenticate`.

The users file lives outside the repository (``$INDICATORS_USERS_FILE``, else
``$XDG_CONFIG_HOME/press-freedom-indicators/users.json``). It holds, per account, only the
name, the role, an argon2id hash, the creation time and the lockout state; it is written
atomically (temporary file, fsync, rename) with mode 0600, and every read-modify-write holds an
exclusive ``flock`` on ``users.json.lock`` beside it, so several server processes and the
command line can share it. No password is ever stored or logged.

Lockout: after :data:`MAX_FAILURES` consecutive failed sign-ins an account is locked for
:data:`LOCKOUT_PERIOD`; during the lock even the right password is refused, with a message
saying when to try again. A successful sign-in resets the count.

Sessions (:class:`SessionStore`) live in the server process's memory. A session ends after
:data:`IDLE_TIMEOUT` without use or :data:`ABSOLUTE_TIMEOUT` after sign-in, whichever comes
first, and when the account is removed or its password changed.

This module never imports streamlit.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = frozenset({"analyst"})
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_FAILURES = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOKEN_BYTES = 32  # 256 random bits; secrets.token_urlsafe gives 43 characters

USERS_FILE_FORMAT = 1
APP_DIR_NAME = "press-freedom-indicators"

WRONG_CREDENTIALS = "Wrong name or password."

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


# -- errors ------------------------------------------------------------------------------------
class AccountError(ValueError):
    """An account change cannot be made; the message says why, in one line."""


class InvalidName(AccountError):
    """The account name does not follow the rules."""


class WeakPassword(AccountError):
    """The password does not meet the policy."""


class UserExists(AccountError):
    """An account with that name (in any letter case) already exists."""


class UnknownUser(AccountError):
    """No account has that name (only raised to administrators, never at sign-in)."""


class UsersFileError(AccountError):
    """The users file cannot be read or written."""


# -- values ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LockoutPolicy:
    """How many consecutive failures lock an account, and for how long."""

    max_failures: int = MAX_FAILURES
    period: timedelta = LOCKOUT_PERIOD


DEFAULT_POLICY = LockoutPolicy()


@dataclass(frozen=True)
class User:
    """An account as the rest of the program sees it: never the hash itself."""

    name: str
    role: str
    created_at: datetime
    failed_attempts: int = 0
    locked_until: datetime | None = None
    # A digest of the stored hash: sessions are bound to it, so changing the password ends them.
    credential_stamp: str = field(default="", repr=False, compare=False)

    def is_locked(self, now: datetime | None = None) -> bool:
        """Whether sign-in is refused at ``now`` because of too many failures."""
        return self.locked_until is not None and _now(now) < self.locked_until


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a sign-in: ``ok`` with the user, or a reason fit to show the person."""

    ok: bool
    user: User | None
    reason: str
    retry_at: datetime | None = None


# -- small helpers -----------------------------------------------------------------------------
def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    return now.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse_time(text: object) -> datetime | None:
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise UsersFileError(f"bad timestamp {text!r} in the users file")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsersFileError(f"bad timestamp {text!r} in the users file") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _key(name: str) -> str:
    """Account names are matched without regard to letter case."""
    return name.lower()


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)."""
    return PasswordHasher()


_dummy_hashes: dict[tuple[int, int, int, int, int], str] = {}
_dummy_lock = threading.Lock()


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random secret with the same parameters as real ones, for unknown names."""
    params = (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
    )
    with _dummy_lock:
        if params not in _dummy_hashes:
            _dummy_hashes[params] = hasher.hash(secrets.token_urlsafe(32))
        return _dummy_hashes[params]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _dummy_verify(password: str) -> None:
    """Spend the same work as a real check so timing does not tell which names exist."""
    hasher = _hasher()
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash(hasher), password)


# -- validation --------------------------------------------------------------------------------
def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid account name, else raise :class:`InvalidName`."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise InvalidName(
            f"invalid account name {name!r}: use 1 to 64 characters, letters A-Z, digits, "
            "'.', '_', '-' or '@', starting with a letter or digit"
        )
    return name


def check_password_policy(name: str, password: str) -> None:
    """Raise :class:`WeakPassword` with a plain reason unless ``password`` meets the policy."""
    if not isinstance(password, str):
        raise WeakPassword("the password must be text")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"the password is too short ({len(password)} characters): use at least "
            f"{MIN_PASSWORD_LENGTH}; a few unrelated words make a long password that is easy "
            "to remember"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters"
        )
    if not password.strip():
        raise WeakPassword("the password must not be only spaces")
    if password.strip().lower() == name.strip().lower():
        raise WeakPassword("the password must not be the same as the account name")


# -- the users file ----------------------------------------------------------------------------
def users_file_path() -> Path:
    """``$INDICATORS_USERS_FILE``, else ``$XDG_CONFIG_HOME/press-freedom-indicators/users.json``."""
    override = os.environ.get("INDICATORS_USERS_FILE")
    if override:
        return Path(override)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_DIR_NAME / "users.json"


def _resolve(path: str | Path | None) -> Path:
    return Path(path) if path is not None else users_file_path()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<users file>.lock`` (the users file itself is replaced)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise UsersFileError(f"cannot lock the users file {path}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The raw records by lower-case name; an absent file holds no accounts."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsersFileError(f"cannot read the users file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsersFileError(f"the users file {path} is not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("users"), list):
        raise UsersFileError(f"the users file {path} does not hold a list of users")
    if data.get("format") != USERS_FILE_FORMAT:
        raise UsersFileError(
            f"the users file {path} has format {data.get('format')!r}; "
            f"this version reads format {USERS_FILE_FORMAT}"
        )
    records: dict[str, dict[str, Any]] = {}
    for rec in data["users"]:
        if not (
            isinstance(rec, dict)
            and isinstance(rec.get("name"), str)
            and isinstance(rec.get("hash"), str)
        ):
            raise UsersFileError(f"the users file {path} holds an entry without name or hash")
        records[_key(rec["name"])] = rec
    return records


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save(path: Path, records: Mapping[str, Mapping[str, Any]]) -> None:
    """Replace the users file atomically (temporary file, fsync, rename), mode 0600."""
    payload = {
        "format": USERS_FILE_FORMAT,
        "users": [dict(records[k]) for k in sorted(records)],
    }
    data = (json.dumps(payload, indent=2, ensure_ascii=True) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".tmp")
    except OSError as exc:
        raise UsersFileError(f"cannot write the users file {path}: {exc.strerror}") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsersFileError(f"cannot write the users file {path}: {exc.strerror}") from exc
        raise


def _user(rec: Mapping[str, Any]) -> User:
    created = _parse_time(rec.get("created_at"))
    return User(
        name=str(rec["name"]),
        role=str(rec.get("role", "analyst")),
        created_at=created or datetime.fromtimestamp(0, UTC),
        failed_attempts=int(rec.get("failed_attempts", 0)),
        locked_until=_parse_time(rec.get("locked_until")),
        credential_stamp=_stamp(str(rec["hash"])),
    )


def _require(records: Mapping[str, dict[str, Any]], name: str) -> dict[str, Any]:
    rec = records.get(_key(name))
    if rec is None:
        raise UnknownUser(f"no account named {name!r}")
    return rec


# -- account management ------------------------------------------------------------------------
def add_user(
    name: str,
    password: str,
    *,
    path: str | Path | None = None,
    role: str = "analyst",
    now: datetime | None = None,
) -> User:
    """Create an account; refuse a bad name, a weak password or a name already taken."""
    validate_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(sorted(ROLES))}")
    check_password_policy(name, password)
    target = _resolve(path)
    password_hash = _hasher().hash(password)  # slow: done before taking the lock
    with _locked(target):
        records = _load(target)
        if _key(name) in records:
            existing = records[_key(name)]["name"]
            raise UserExists(f"an account named {existing!r} already exists")
        rec: dict[str, Any] = {
            "name": name,
            "role": role,
            "hash": password_hash,
            "created_at": _iso(_now(now)),
            "failed_attempts": 0,
            "locked_until": None,
        }
        records[_key(name)] = rec
        _save(target, records)
    return _user(rec)


def remove_user(name: str, *, path: str | Path | None = None) -> User:
    """Delete an account (its sessions end at their next check); return what was removed."""
    target = _resolve(path)
    with _locked(target):
        records = _load(target)
        rec = _require(records, name)
        del records[_key(name)]
        _save(target, records)
    return _user(rec)


def list_users(*, path: str | Path | None = None) -> list[User]:
    """Every account, sorted by name (no hashes)."""
    records = _load(_resolve(path))
    return [_user(records[k]) for k in sorted(records)]


def get_user(name: str, *, path: str | Path | None = None) -> User | None:
    """The account with this name (any letter case), or ``None``."""
    rec = _load(_resolve(path)).get(_key(name)) if isinstance(name, str) else None
    return None if rec is None else _user(rec)


def set_password(name: str, password: str, *, path: str | Path | None = None) -> User:
    """Replace an account's password; this also clears its lockout and ends its sessions."""
    target = _resolve(path)
    if _key(name) not in _load(target):
        raise UnknownUser(f"no account named {name!r}")
    check_password_policy(name, password)
    password_hash = _hasher().hash(password)
    with _locked(target):
        records = _load(target)
        rec = _require(records, name)
        rec.update(hash=password_hash, failed_attempts=0, locked_until=None)
        _save(target, records)
    return _user(rec)


def unlock_user(name: str, *, path: str | Path | None = None) -> User:
    """Clear an account's failure count and lock (an administrator's decision)."""
    target = _resolve(path)
    with _locked(target):
        records = _load(target)
        rec = _require(records, name)
        rec.update(failed_attempts=0, locked_until=None)
        _save(target, records)
    return _user(rec)


# -- sign-in -----------------------------------------------------------------------------------
def _locked_result(user: User, until: datetime, now: datetime) -> AuthResult:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return AuthResult(
        ok=False,
        user=None,
        reason=(
            "Too many failed sign-ins: this account is locked. Try again after "
            f"{until:%Y-%m-%d %H:%M} UTC (in about {minutes} minute{'s' if minutes != 1 else ''})."
        ),
        retry_at=until,
    )


def authenticate(
    name: str,
    password: str,
    *,
    path: str | Path | None = None,
    now: datetime | None = None,
    policy: LockoutPolicy = DEFAULT_POLICY,
) -> AuthResult:
    """Check a name and password; count failures and lock the account after too many.

    A wrong password and an unknown name give the same reason, and both run one argon2
    verification. The (slow) verification runs without the file lock; the failure count is
    then updated under the lock on a fresh read, so concurrent processes lose no failure.
    """
    moment = _now(now)
    target = _resolve(path)
    if not isinstance(password, str):
        password = ""
    valid_name = isinstance(name, str) and _NAME_RE.fullmatch(name) is not None
    rec = _load(target).get(_key(name)) if valid_name else None
    if rec is None:
        _dummy_verify(password)
        return AuthResult(ok=False, user=None, reason=WRONG_CREDENTIALS)

    until = _parse_time(rec.get("locked_until"))
    if until is not None and moment < until:
        return _locked_result(_user(rec), until, moment)

    verified_hash = str(rec["hash"])
    ok = _verify(verified_hash, password)

    with _locked(target):
        records = _load(target)
        fresh = records.get(_key(name))
        if fresh is None:  # removed meanwhile
            return AuthResult(ok=False, user=None, reason=WRONG_CREDENTIALS)
        until = _parse_time(fresh.get("locked_until"))
        if until is not None and moment < until:  # locked meanwhile by another process
            return _locked_result(_user(fresh), until, moment)
        # The password was checked against the hash read before the lock: it still counts
        # only if the hash has not been replaced since.
        if ok and hmac.compare_digest(str(fresh["hash"]), verified_hash):
            changed = bool(fresh.get("failed_attempts")) or fresh.get("locked_until") is not None
            fresh.update(failed_attempts=0, locked_until=None)
            hasher = _hasher()
            if hasher.check_needs_rehash(verified_hash):
                fresh["hash"] = hasher.hash(password)
                changed = True
            if changed:
                _save(target, records)
            return AuthResult(ok=True, user=_user(fresh), reason="")
        # A failure: after an expired lock the count starts again.
        failures = 0 if until is not None else int(fresh.get("failed_attempts", 0))
        failures += 1
        fresh["failed_attempts"] = failures
        fresh["locked_until"] = None
        if failures >= policy.max_failures:
            lock_end = (moment + policy.period).replace(microsecond=0)
            fresh["locked_until"] = _iso(lock_end)
            _save(target, records)
            return _locked_result(_user(fresh), lock_end, moment)
        _save(target, records)
    return AuthResult(ok=False, user=None, reason=WRONG_CREDENTIALS)


# -- sessions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """A signed-in analyst: an opaque token and when it stops being accepted."""

    token: str = field(repr=False)
    user: str
    role: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime  # the sooner of the idle and the absolute expiry
    absolute_expires_at: datetime
    ttl: timedelta = field(default=IDLE_TIMEOUT, repr=False)
    credential_stamp: str = field(default="", repr=False)


def _token_key(token: str) -> bytes:
    """Sessions are kept under a digest of the token, never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).digest()


class SessionStore:
    """In-memory sessions for one server process (thread-safe).

    A session ends ``idle_timeout`` after its last successful check, or ``absolute_timeout``
    after it was issued, whichever is sooner. With ``recheck_account`` (the default), a check
    also reads the users file and ends the session if the account was removed or its password
    or role changed.
    """

    def __init__(
        self,
        *,
        idle_timeout: timedelta = IDLE_TIMEOUT,
        absolute_timeout: timedelta = ABSOLUTE_TIMEOUT,
    ) -> None:
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self._sessions: dict[bytes, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def issue(
        self, user: User, *, ttl: timedelta | None = None, now: datetime | None = None
    ) -> Session:
        """Start a session for ``user`` (after :func:`authenticate` said ok)."""
        moment = _now(now)
        idle = ttl if ttl is not None else self.idle_timeout
        absolute = moment + self.absolute_timeout
        token = secrets.token_urlsafe(TOKEN_BYTES)
        session = Session(
            token=token,
            user=user.name,
            role=user.role,
            created_at=moment,
            last_seen=moment,
            expires_at=min(moment + idle, absolute),
            absolute_expires_at=absolute,
            ttl=idle,
            credential_stamp=user.credential_stamp,
        )
        with self._lock:
            self._purge_locked(moment)
            self._sessions[_token_key(token)] = replace(session, token="")
        return session

    def check(
        self,
        token: str | None,
        now: datetime | None = None,
        *,
        path: str | Path | None = None,
        recheck_account: bool = True,
    ) -> Session | None:
        """The live session for ``token`` (its idle expiry pushed on), or ``None``."""
        if not isinstance(token, str) or not token or len(token) > 256:
            return None
        moment = _now(now)
        key = _token_key(token)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if moment >= session.expires_at:
                del self._sessions[key]
                return None
        if recheck_account and not self._account_still_valid(session, path):
            self.revoke(token)
            return None
        renewed = replace(
            session,
            last_seen=moment,
            expires_at=min(moment + session.ttl, session.absolute_expires_at),
        )
        with self._lock:
            if key not in self._sessions:  # revoked meanwhile
                return None
            self._sessions[key] = renewed
        return replace(renewed, token=token)

    @staticmethod
    def _account_still_valid(session: Session, path: str | Path | None) -> bool:
        user = get_user(session.user, path=path)
        return (
            user is not None
            and user.role == session.role
            and hmac.compare_digest(user.credential_stamp, session.credential_stamp)
        )

    def revoke(self, token: str) -> bool:
        """End one session (sign-out); whether it existed."""
        with self._lock:
            return self._sessions.pop(_token_key(token), None) is not None

    def revoke_user(self, name: str) -> int:
        """End every session of one account; how many there were."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if _key(s.user) == _key(name)]
            for k in keys:
                del self._sessions[k]
            return len(keys)

    def purge(self, now: datetime | None = None) -> int:
        """Forget expired sessions; how many were dropped."""
        with self._lock:
            return self._purge_locked(_now(now))

    def _purge_locked(self, moment: datetime) -> int:
        dead = [k for k, s in self._sessions.items() if moment >= s.expires_at]
        for k in dead:
            del self._sessions[k]
        return len(dead)


_DEFAULT_SESSIONS = SessionStore()


def default_session_store() -> SessionStore:
    """The process-wide session store used by :func:`issue_session` and :func:`check_session`."""
    return _DEFAULT_SESSIONS


def issue_session(
    user: User,
    *,
    ttl: timedelta | None = None,
    now: datetime | None = None,
    store: SessionStore | None = None,
) -> Session:
    """Start a session; ``.token`` and ``.expires_at``.

    ``ttl`` is the idle expiry (default: the store's, 8 hours); the absolute expiry is the
    store's (12 hours) whatever ``ttl`` says.
    """
    return (store or _DEFAULT_SESSIONS).issue(user, ttl=ttl, now=now)


def check_session(
    token: str | None,
    now: datetime | None = None,
    *,
    store: SessionStore | None = None,
    path: str | Path | None = None,
    recheck_account: bool = True,
) -> Session | None:
    """The live session for ``token``, or ``None`` if unknown, expired or its account changed."""
    return (store or _DEFAULT_SESSIONS).check(
        token, now, path=path, recheck_account=recheck_account
    )


# -- OpenID Connect allow-list -----------------------------------------------------------------
def _normalise_email(email: str) -> str:
    return email.strip().lower()


def analyst_emails(secrets_map: Mapping[str, Any]) -> set[str]:
    """The allow-listed analyst e-mails from ``[analysts] emails = [...]`` (lower-case).

    A missing section means no one is an analyst through the platform login. A single string
    may list several addresses separated by commas. Anything else raises :class:`AccountError`.
    """
    section = secrets_map.get("analysts") if isinstance(secrets_map, Mapping) else None
    if section is None:
        return set()
    if not isinstance(section, Mapping):
        raise AccountError("[analysts] in the secrets must be a section with an 'emails' list")
    raw = section.get("emails", [])
    items: list[object]
    if isinstance(raw, str):
        items = list(raw.split(","))
    elif isinstance(raw, Collection):
        items = list(raw)
    else:
        raise AccountError("[analysts] emails in the secrets must be a list of e-mail addresses")
    emails: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise AccountError(f"[analysts] emails holds {item!r}, which is not an e-mail address")
        email = _normalise_email(item)
        if not email:
            continue
        if "@" not in email or any(ch.isspace() for ch in email):
            raise AccountError(f"[analysts] emails holds {item!r}, which is not an e-mail address")
        emails.add(email)
    return emails


def is_analyst_oidc(
    email: str | None,
    allowed: Collection[str],
    *,
    email_verified: bool | None = None,
) -> bool:
    """Whether a signed-in e-mail is on the allow-list (letter case ignored).

    Pass the provider's ``email_verified`` claim when it has one: ``False`` always refuses.
    """
    if not isinstance(email, str) or email_verified is False:
        return False
    wanted = _normalise_email(email)
    return bool(wanted) and wanted in {_normalise_email(a) for a in allowed if isinstance(a, str)}
