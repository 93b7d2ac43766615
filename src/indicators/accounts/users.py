"""Local analyst accounts: the users file, argon2id hashes, names and the password policy.

The users file lives outside the repository (``$INDICATORS_USERS_FILE``, else
``$XDG_CONFIG_HOME/press-freedom-indicators/users.json``). It holds, per account, only the
name, the role, an argon2id hash and the creation time; it is written atomically with mode
0600 under an exclusive lock (:mod:`indicators.accounts.private_files`), so several server processes
and the command line can share it. No password is ever stored or logged.

Sign-in (throttling, sessions) is :mod:`indicators.accounts.auth`; this module only knows accounts.
It never imports streamlit.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from indicators.accounts import private_files

ROLES = frozenset({"analyst"})
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERS_FILE_FORMAT = 1
APP_DIR_NAME = "press-freedom-indicators"

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


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


@dataclass(frozen=True)
class User:
    """An account as the rest of the program sees it: never the hash itself.

    ``failed_attempts`` and ``locked_until`` describe the sign-in throttle on this name
    (filled in by :mod:`indicators.accounts.auth`; the users file does not hold them).
    """

    name: str
    role: str
    created_at: datetime
    failed_attempts: int = 0
    locked_until: datetime | None = None
    # A digest of the stored hash: sessions are bound to it, so changing the password ends them.
    credential_stamp: str = field(default="", repr=False, compare=False)

    def is_locked(self, now: datetime | None = None) -> bool:
        """Whether sign-in on this name must wait at ``now`` (the throttle's delay)."""
        return self.locked_until is not None and now_utc(now) < self.locked_until


# -- small helpers -----------------------------------------------------------------------------
def now_utc(now: datetime | None = None) -> datetime:
    """``now`` in UTC (the current time when ``None``); a naive time is refused."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    return now.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse_time(text: object) -> datetime:
    if not isinstance(text, str):
        return datetime.fromtimestamp(0, UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsersFileError(f"bad timestamp {text!r} in the users file") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def name_key(name: str) -> str:
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


# -- validation --------------------------------------------------------------------------------
def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid account name, else raise :class:`InvalidName`."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
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


def resolve(path: str | Path | None) -> Path:
    """``path``, or the configured users file when ``None``."""
    return Path(path) if path is not None else users_file_path()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        with private_files.locked(path):
            yield
    except private_files.PrivateFileError as exc:
        raise UsersFileError(f"cannot lock the users file: {exc}") from exc


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The raw records by lower-case name; an absent file holds no accounts."""
    try:
        data = private_files.read_json(path)
    except private_files.PrivateFileError as exc:
        raise UsersFileError(f"the users file: {exc}") from exc
    if data is None:
        return {}
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
        records[name_key(rec["name"])] = rec
    return records


_cache: dict[Path, tuple[tuple[int, int, int], dict[str, dict[str, Any]]]] = {}
_cache_lock = threading.Lock()


def _load_cached(path: Path) -> dict[str, dict[str, Any]]:
    """:func:`_load`, reread only when the file changed (a stat per call): for session checks."""
    try:
        key = private_files.stat_key(path)
    except private_files.PrivateFileError as exc:
        raise UsersFileError(f"the users file: {exc}") from exc
    if key is None:
        return {}
    with _cache_lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
    records = _load(path)
    with _cache_lock:
        _cache[path] = (key, records)
    return records


def _save(path: Path, records: Mapping[str, Mapping[str, Any]]) -> None:
    payload = {"format": USERS_FILE_FORMAT, "users": [dict(records[k]) for k in sorted(records)]}
    try:
        private_files.write_json(path, payload)
    except private_files.PrivateFileError as exc:
        raise UsersFileError(f"the users file: {exc}") from exc


def _user(rec: Mapping[str, Any]) -> User:
    return User(
        name=str(rec["name"]),
        role=str(rec.get("role", "analyst")),
        created_at=_parse_time(rec.get("created_at")),
        credential_stamp=_stamp(str(rec["hash"])),
    )


def _require(records: Mapping[str, dict[str, Any]], name: str) -> dict[str, Any]:
    rec = records.get(name_key(name)) if isinstance(name, str) else None
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
    target = resolve(path)
    password_hash = _hasher().hash(password)  # slow: done before taking the lock
    with _locked(target):
        records = _load(target)
        if name_key(name) in records:
            existing = records[name_key(name)]["name"]
            raise UserExists(f"an account named {existing!r} already exists")
        rec: dict[str, Any] = {
            "name": name,
            "role": role,
            "hash": password_hash,
            "created_at": _iso(now_utc(now)),
        }
        records[name_key(name)] = rec
        _save(target, records)
    return _user(rec)


def remove_user(name: str, *, path: str | Path | None = None) -> User:
    """Delete an account; return what was removed (its sessions: :func:`indicators.accounts.auth`)."""
    target = resolve(path)
    with _locked(target):
        records = _load(target)
        rec = _require(records, name)
        del records[name_key(name)]
        _save(target, records)
    return _user(rec)


def list_users(*, path: str | Path | None = None) -> list[User]:
    """Every account, sorted by name (no hashes)."""
    records = _load(resolve(path))
    return [_user(records[k]) for k in sorted(records)]


def get_user(name: str, *, path: str | Path | None = None, cached: bool = False) -> User | None:
    """The account with this name (any letter case), or ``None``.

    ``cached`` rereads the file only when it changed (for the check on every page run).
    """
    if not isinstance(name, str):
        return None
    target = resolve(path)
    records = _load_cached(target) if cached else _load(target)
    rec = records.get(name_key(name))
    return None if rec is None else _user(rec)


def set_password(name: str, password: str, *, path: str | Path | None = None) -> User:
    """Replace an account's password (its sessions end: the credential stamp changes)."""
    target = resolve(path)
    _require(_load(target), name)
    check_password_policy(name, password)
    password_hash = _hasher().hash(password)
    with _locked(target):
        records = _load(target)
        rec = _require(records, name)
        rec["hash"] = password_hash
        rec.pop("failed_attempts", None)  # lockout fields of older releases
        rec.pop("locked_until", None)
        _save(target, records)
    return _user(rec)


# -- passwords ---------------------------------------------------------------------------------
def verify_password(name: str, password: str, *, path: str | Path | None = None) -> User | None:
    """The account if ``password`` is its password, else ``None``.

    A wrong password, an unknown name and an invalid name each cost one argon2 verification,
    so the time taken does not tell which names exist. A hash made with weaker parameters is
    replaced after a successful check (under the lock, only if it was not changed meanwhile).
    """
    if not isinstance(password, str):
        password = ""
    target = resolve(path)
    valid_name = isinstance(name, str) and NAME_RE.fullmatch(name) is not None
    rec = _load(target).get(name_key(name)) if valid_name else None
    hasher = _hasher()
    if rec is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy_hash(hasher), password)
        return None
    verified_hash = str(rec["hash"])
    try:
        hasher.verify(verified_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    with _locked(target):
        records = _load(target)
        fresh = records.get(name_key(name))
        # The password was checked against the hash read before the lock: it still counts
        # only if the account still exists with that hash.
        if fresh is None or not hmac.compare_digest(str(fresh["hash"]), verified_hash):
            return None
        if hasher.check_needs_rehash(verified_hash):
            fresh["hash"] = hasher.hash(password)
            _save(target, records)
    return _user(fresh)
