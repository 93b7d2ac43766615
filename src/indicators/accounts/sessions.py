"""Signed-in analysts' sessions: signed tokens, kept server-side in a file beside the users file.

A session token is 256 random bits followed by an HMAC-SHA256 signature made with the server
secret (``rand.signature``, URL-safe). The browser holds it in an HttpOnly cookie; the server
keeps, in ``<users file>.sessions``, only a digest of the random part with the account, its
credential stamp and the expiry times. A check therefore

1. refuses a token whose signature is wrong without touching the disk (forged cookies cost a
   visitor's request nothing);
2. looks the digest up in the sessions file (reread only when the file changed);
3. refuses it when it expired, was revoked, or its account changed (see :mod:`indicators.accounts.auth`).

A session ends :data:`IDLE_TIMEOUT` after its last use or :data:`ABSOLUTE_TIMEOUT` after
sign-in, whichever is first; the idle clock is written at most every :data:`TOUCH_INTERVAL`.
Sessions survive restarts and are shared by every process that reads the same files and
secret. The secret is ``$INDICATORS_SESSION_SECRET`` when set, else ``<users file>.key``,
made (32 random bytes, mode 0600) on first use.

This module never imports streamlit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from indicators.accounts import private_files
from indicators.accounts.users import User, UsersFileError, name_key, now_utc, users_file_path

IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(minutes=5)
TOKEN_BYTES = 32  # 256 random bits; secrets.token_urlsafe gives 43 characters
MAX_TOKEN_LENGTH = 200
SECRET_ENV = "INDICATORS_SESSION_SECRET"
SESSIONS_FORMAT = 1


def sessions_path(users_path: Path) -> Path:
    """The sessions file that belongs to a users file."""
    return users_path.with_name(users_path.name + ".sessions")


def secret_path(users_path: Path) -> Path:
    """The file holding the server secret that belongs to a users file."""
    return users_path.with_name(users_path.name + ".key")


_secrets: dict[Path, bytes] = {}
_secrets_lock = threading.Lock()


def server_secret(users_path: Path | None = None) -> bytes:
    """The key that signs session tokens (and names throttle entries)."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured:
        if len(configured) < 32:
            raise UsersFileError(f"{SECRET_ENV} must be at least 32 characters")
        return configured.encode("utf-8")
    path = secret_path(users_path or users_file_path())
    with _secrets_lock:
        if path in _secrets:
            return _secrets[path]
    try:
        with private_files.locked(path):
            try:
                key = path.read_bytes().strip()
            except FileNotFoundError:
                key = b""
            if len(key) < 32:
                key = secrets.token_hex(32).encode("ascii")
                private_files.write_private(path, key + b"\n")
    except (OSError, private_files.PrivateFileError) as exc:
        raise UsersFileError(f"cannot read or make the session secret {path}: {exc}") from exc
    with _secrets_lock:
        _secrets[path] = key
    return key


def _mac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, b"session:" + text.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def unsign(value: object, secret: bytes) -> str | None:
    """The random part of a well-signed token, else ``None`` (never reads a file)."""
    if not isinstance(value, str) or not value or len(value) > MAX_TOKEN_LENGTH:
        return None
    rand, _, signature = value.partition(".")
    if not rand or not signature or not rand.isascii() or not signature.isascii():
        return None
    return rand if hmac.compare_digest(_mac(secret, rand), signature) else None


def _digest(rand: str) -> str:
    """Sessions are kept under a digest of the token, never the token itself."""
    return hashlib.sha256(rand.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in analyst: the token for the cookie and when it stops being accepted."""

    token: str = field(repr=False)
    user: str
    role: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime  # the sooner of the idle and the absolute expiry
    absolute_expires_at: datetime
    ttl: timedelta = field(default=IDLE_TIMEOUT, repr=False)
    credential_stamp: str = field(default="", repr=False)


def _record(session: Session) -> dict[str, Any]:
    return {
        "user": session.user,
        "role": session.role,
        "created_at": session.created_at.timestamp(),
        "last_seen": session.last_seen.timestamp(),
        "absolute": session.absolute_expires_at.timestamp(),
        "ttl": session.ttl.total_seconds(),
        "stamp": session.credential_stamp,
    }


def _session(token: str, rec: dict[str, Any]) -> Session:
    def moment(key: str) -> datetime:
        return datetime.fromtimestamp(float(rec[key]), UTC)

    ttl = timedelta(seconds=float(rec["ttl"]))
    absolute = moment("absolute")
    last_seen = moment("last_seen")
    return Session(
        token=token,
        user=str(rec["user"]),
        role=str(rec["role"]),
        created_at=moment("created_at"),
        last_seen=last_seen,
        expires_at=min(last_seen + ttl, absolute),
        absolute_expires_at=absolute,
        ttl=ttl,
        credential_stamp=str(rec.get("stamp", "")),
    )


AccountLookup = Callable[[str], User | None]


class SessionStore:
    """Sessions in the file beside a users file (``None``: the configured users file)."""

    def __init__(
        self,
        users_path: str | Path | None = None,
        *,
        idle_timeout: timedelta = IDLE_TIMEOUT,
        absolute_timeout: timedelta = ABSOLUTE_TIMEOUT,
    ) -> None:
        self._users_path = Path(users_path) if users_path is not None else None
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self._cache: dict[Path, tuple[tuple[int, int, int], dict[str, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    @property
    def users_path(self) -> Path:
        """The users file these sessions belong to."""
        return self._users_path or users_file_path()

    @property
    def path(self) -> Path:
        """The sessions file."""
        return sessions_path(self.users_path)

    def secret(self) -> bytes:
        """The key that signs this store's tokens."""
        return server_secret(self.users_path)

    # -- the file ----------------------------------------------------------------------------
    def _read(self, path: Path) -> dict[str, dict[str, Any]]:
        try:
            data = private_files.read_json(path)
        except private_files.PrivateFileError as exc:
            raise UsersFileError(f"the sessions file: {exc}") from exc
        if data is None:
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("sessions"), dict):
            raise UsersFileError(f"the sessions file {path} does not hold sessions")
        return dict(data["sessions"])

    def _records(self) -> dict[str, dict[str, Any]]:
        """The sessions, reread only when the file changed (one stat per check)."""
        path = self.path
        key = private_files.stat_key(path)
        if key is None:
            return {}
        with self._lock:
            hit = self._cache.get(path)
            if hit is not None and hit[0] == key:
                return hit[1]
        records = self._read(path)
        with self._lock:
            self._cache[path] = (key, records)
        return records

    def _change(self, edit: Callable[[dict[str, dict[str, Any]]], Any], moment: datetime) -> Any:
        """Apply ``edit`` to a fresh read under the lock, drop expired sessions, write."""
        path = self.path
        try:
            with private_files.locked(path):
                records = self._read(path)
                result = edit(records)
                now = moment.timestamp()
                live = {
                    k: r
                    for k, r in records.items()
                    if min(float(r["last_seen"]) + float(r["ttl"]), float(r["absolute"])) > now
                }
                private_files.write_json(path, {"format": SESSIONS_FORMAT, "sessions": live})
        except private_files.PrivateFileError as exc:
            raise UsersFileError(f"the sessions file: {exc}") from exc
        return result

    # -- sessions ----------------------------------------------------------------------------
    def issue(
        self, user: User, *, ttl: timedelta | None = None, now: datetime | None = None
    ) -> Session:
        """Start a session for ``user`` (after a successful sign-in); ``.token`` is the cookie."""
        moment = now_utc(now)
        idle = ttl if ttl is not None else self.idle_timeout
        absolute = moment + self.absolute_timeout
        rand = secrets.token_urlsafe(TOKEN_BYTES)
        session = Session(
            token=f"{rand}.{_mac(self.secret(), rand)}",
            user=user.name,
            role=user.role,
            created_at=moment,
            last_seen=moment,
            expires_at=min(moment + idle, absolute),
            absolute_expires_at=absolute,
            ttl=idle,
            credential_stamp=user.credential_stamp,
        )
        self._change(lambda records: records.__setitem__(_digest(rand), _record(session)), moment)
        return session

    def check(
        self, token: object, now: datetime | None = None, *, account: AccountLookup | None = None
    ) -> Session | None:
        """The live session for ``token`` (its idle expiry pushed on), or ``None``.

        With ``account``, the session also ends when that lookup finds no account of that
        name, or one whose role or password changed since sign-in.
        """
        rand = unsign(token, self.secret())
        if rand is None:
            return None
        moment = now_utc(now)
        rec = self._records().get(_digest(rand))
        if rec is None:
            return None
        session = _session(str(token), rec)
        if moment >= session.expires_at:
            self.revoke(str(token), now=moment)
            return None
        if account is not None:
            user = account(session.user)
            if (
                user is None
                or user.role != session.role
                or not hmac.compare_digest(user.credential_stamp, session.credential_stamp)
            ):
                self.revoke(str(token), now=moment)
                return None
        if moment - session.last_seen >= TOUCH_INTERVAL:
            self._touch(rand, moment)
        return replace(
            session,
            last_seen=moment,
            expires_at=min(moment + session.ttl, session.absolute_expires_at),
        )

    def _touch(self, rand: str, moment: datetime) -> None:
        def edit(records: dict[str, dict[str, Any]]) -> None:
            if _digest(rand) in records:
                records[_digest(rand)]["last_seen"] = moment.timestamp()

        self._change(edit, moment)

    def revoke(self, token: object, *, now: datetime | None = None) -> bool:
        """End one session (sign-out); whether it existed."""
        rand = unsign(token, self.secret())
        if rand is None:
            return False
        return bool(self._change(lambda records: records.pop(_digest(rand), None), now_utc(now)))

    def revoke_user(self, name: str, *, now: datetime | None = None) -> int:
        """End every session of one account; how many there were."""

        def edit(records: dict[str, dict[str, Any]]) -> int:
            keys = [k for k, r in records.items() if name_key(str(r["user"])) == name_key(name)]
            for k in keys:
                del records[k]
            return len(keys)

        if not self.path.exists():
            return 0
        return int(self._change(edit, now_utc(now)))

    def count(self) -> int:
        """How many sessions the file holds (live or not yet purged)."""
        return len(self._records())


# -- device cookies ----------------------------------------------------------------------------
def sign_device(name: str, secret: bytes) -> str:
    """A new device token: this browser signed in as ``name`` (see :mod:`indicators.accounts.throttle`)."""
    rand = secrets.token_urlsafe(16)
    return f"{rand}.{_mac(secret, f'device:{name_key(name)}:{rand}')}"


def device_for(value: object, name: object, secret: bytes) -> str | None:
    """The device id of a device token made for ``name``, else ``None``."""
    if not isinstance(value, str) or not isinstance(name, str) or len(value) > MAX_TOKEN_LENGTH:
        return None
    rand, _, signature = value.partition(".")
    if not rand or not signature or not rand.isascii() or not signature.isascii():
        return None
    expected = _mac(secret, f"device:{name_key(name[:256])}:{rand}")
    return rand if hmac.compare_digest(expected, signature) else None
