"""Who is an analyst: local accounts with throttled sign-in and sessions, or the OIDC allow-list.

Anonymous visitors may only read. An analyst (who may upload, commit and roll back) is either

* a person signed in through the platform's OpenID Connect login whose e-mail address is on the
  allow-list in the secrets (``[analysts] emails = [...]``) and verified by the provider
  (``email_verified`` exactly ``true``): :func:`analyst_emails`, :func:`is_analyst_oidc`; or
* a local account in the users file (:mod:`indicators.accounts.users`) signed in with
  :func:`authenticate`, holding a session (:mod:`indicators.accounts.sessions`).

Sign-in never tells whether a name exists: a wrong password, an unknown name and an invalid
name get the same answer and the same argon2 work, and the throttle (:mod:`indicators.accounts.throttle`)
treats every name alike. There is no lockout: a name's wait is at most 60 seconds, and after it
addresses that have failed more than twice wait as long again, so they cannot take the turn of
an analyst signing in from another address.
Changing a password or removing an account ends its sessions at once.

This module never imports streamlit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from indicators.accounts import users as accounts
from indicators.accounts.sessions import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    TOKEN_BYTES,
    Session,
    SessionStore,
    device_for,
    server_secret,
    sign_device,
)
from indicators.accounts.throttle import (
    DEFAULT_POLICY,
    Throttle,
    ThrottlePolicy,
    sign_in_keys,
    wait_after,
)
from indicators.accounts.users import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    ROLES,
    AccountError,
    InvalidName,
    UnknownUser,
    User,
    UserExists,
    UsersFileError,
    WeakPassword,
    add_user,
    check_password_policy,
    users_file_path,
    validate_name,
)

__all__ = [
    "ABSOLUTE_TIMEOUT",
    "IDLE_TIMEOUT",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "THROTTLED",
    "TOKEN_BYTES",
    "WRONG_CREDENTIALS",
    "AccountError",
    "AuthResult",
    "InvalidName",
    "Session",
    "SessionStore",
    "ThrottlePolicy",
    "UnknownUser",
    "User",
    "UserExists",
    "UsersFileError",
    "WeakPassword",
    "add_user",
    "analyst_emails",
    "authenticate",
    "check_password_policy",
    "check_session",
    "default_session_store",
    "device_for",
    "get_user",
    "is_analyst_oidc",
    "issue_session",
    "list_users",
    "remove_user",
    "server_secret",
    "set_password",
    "sign_device",
    "unlock_user",
    "users_file_path",
    "validate_name",
    "wait_after",
]

WRONG_CREDENTIALS = "Wrong name or password."
THROTTLED = (
    "Too many failed sign-ins for this name or from this address. "
    "Wait {seconds} {unit}, then try again."
)


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a sign-in: ``ok`` with the user, or a reason fit to show the person."""

    ok: bool
    user: User | None
    reason: str
    retry_at: datetime | None = None
    throttled: bool = False
    first_refusal: bool = False  # the first throttled refusal since the last failure


def authenticate(
    name: str,
    password: str,
    *,
    client: object = None,
    device: str | None = None,
    path: str | Path | None = None,
    now: datetime | None = None,
    policy: ThrottlePolicy = DEFAULT_POLICY,
) -> AuthResult:
    """Check a name and password, throttled by name and by ``client`` address.

    ``device`` is the id from a valid device cookie for this name (:func:`device_for`): such a
    browser is throttled on its own, so strangers cannot slow it down. During a wait the
    password is not checked at all; the answer then says how long to wait, the same for every
    name. Otherwise the attempt costs one argon2 verification whatever the name.
    """
    moment = accounts.now_utc(now)
    target = accounts.resolve(path)
    throttle = Throttle(target, policy)
    keys = sign_in_keys(name, client, device)
    decision = throttle.attempt(keys, moment)
    if not decision.allowed and decision.retry_at is not None:
        seconds = max(1, -(-int((decision.retry_at - moment).total_seconds() * 1000) // 1000))
        return AuthResult(
            ok=False,
            user=None,
            reason=THROTTLED.format(seconds=seconds, unit="second" if seconds == 1 else "seconds"),
            retry_at=decision.retry_at,
            throttled=True,
            first_refusal=decision.first_refusal,
        )
    user = accounts.verify_password(name, password, path=target)
    if user is None:
        return AuthResult(ok=False, user=None, reason=WRONG_CREDENTIALS)
    throttle.clear(keys, moment)
    return AuthResult(ok=True, user=user, reason="")


# -- accounts, with their throttle and sessions ------------------------------------------------
def _with_throttle(user: User, path: Path, now: datetime | None = None) -> User:
    failures, until = Throttle(path).state(("name", accounts.name_key(user.name)), now)
    return replace(user, failed_attempts=failures, locked_until=until)


def get_user(name: str, *, path: str | Path | None = None) -> User | None:
    """The account with this name (any letter case) and its throttle state, or ``None``."""
    target = accounts.resolve(path)
    user = accounts.get_user(name, path=target)
    return None if user is None else _with_throttle(user, target)


def list_users(*, path: str | Path | None = None, now: datetime | None = None) -> list[User]:
    """Every account, sorted by name, with its throttle state (no hashes)."""
    target = accounts.resolve(path)
    return [_with_throttle(u, target, now) for u in accounts.list_users(path=target)]


def set_password(name: str, password: str, *, path: str | Path | None = None) -> User:
    """Replace an account's password; its sessions end and its name's throttle is cleared."""
    target = accounts.resolve(path)
    user = accounts.set_password(name, password, path=target)
    SessionStore(target).revoke_user(user.name)
    Throttle(target).clear([("name", accounts.name_key(user.name))])
    return user


def remove_user(name: str, *, path: str | Path | None = None) -> User:
    """Delete an account and end its sessions; return what was removed."""
    target = accounts.resolve(path)
    user = accounts.remove_user(name, path=target)
    SessionStore(target).revoke_user(user.name)
    return user


def unlock_user(name: str, *, path: str | Path | None = None) -> User:
    """Clear the throttle on an account's name at once (an administrator's decision)."""
    target = accounts.resolve(path)
    user = accounts.get_user(name, path=target)
    if user is None:
        raise UnknownUser(f"no account named {name!r}")
    Throttle(target).clear([("name", accounts.name_key(user.name))])
    return user


# -- sessions ----------------------------------------------------------------------------------
_DEFAULT_SESSIONS = SessionStore()  # follows $INDICATORS_USERS_FILE at each call


def default_session_store() -> SessionStore:
    """The sessions of the configured users file (``$INDICATORS_USERS_FILE`` ...)."""
    return _DEFAULT_SESSIONS


def issue_session(
    user: User,
    *,
    ttl: timedelta | None = None,
    now: datetime | None = None,
    store: SessionStore | None = None,
) -> Session:
    """Start a session for ``user``; ``.token`` goes into the cookie.

    ``ttl`` is the idle expiry (default 8 hours); the absolute expiry is 12 hours whatever.
    """
    return (store or _DEFAULT_SESSIONS).issue(user, ttl=ttl, now=now)


def check_session(
    token: object,
    now: datetime | None = None,
    *,
    store: SessionStore | None = None,
    recheck_account: bool = True,
) -> Session | None:
    """The live session for ``token``, or ``None`` if forged, unknown, expired, revoked, or
    its account was removed or its password changed."""
    sessions = store or _DEFAULT_SESSIONS
    users = sessions.users_path

    def account(name: str) -> User | None:
        return accounts.get_user(name, path=users, cached=True)

    return sessions.check(token, now, account=account if recheck_account else None)


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


def is_analyst_oidc(email: object, allowed: Collection[str], *, email_verified: object) -> bool:
    """Whether a signed-in e-mail is on the allow-list (letter case ignored) and verified.

    ``email_verified`` is the provider's claim and must be exactly ``True`` (the JSON value
    ``true``): ``"true"``, ``"false"``, ``1``, ``0`` and a missing claim (``None``) all refuse.
    """
    if not isinstance(email, str) or email_verified is not True:
        return False
    wanted = _normalise_email(email)
    return bool(wanted) and wanted in {_normalise_email(a) for a in allowed if isinstance(a, str)}
