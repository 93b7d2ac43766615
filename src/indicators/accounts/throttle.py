"""Sign-in throttling: growing waits after failures, per name and per client address.

After ``n`` failed sign-ins in a row on one key, the next attempt on that key is answered only
after :func:`wait_after` ``(n)`` seconds: 0 after the first failure, then 1, 2, 4, 8, 16, 32
and at most :data:`MAX_DELAY` (60 s). A key is forgotten :data:`FORGET_AFTER` (15 minutes)
after its last failure, and a successful sign-in clears the keys it used. An attempt that
arrives during a wait is refused without checking the password and is *not* counted.

**Quiet addresses go first.** When a name's wait ends, it is open first to *quiet* addresses
(at most :data:`QUIET_FAILURES` failures in a row): an address that has failed more often
waits on that name for the wait again (twice as long in all). So a stranger who fails on the
name each time its wait ends cannot take the turn of an analyst trying from another address:
the analyst's password is checked at the first try after the current wait, at most 60 s.
Every checked password counts on the name, so guessing one name from any number of
addresses is never faster than from one: at most 8 passwords in the first minute, then one
per wait (60 s).

The keys are HMACs (with the server secret) of ``name:<lower-case name>``, ``addr:<client
address>`` (an IPv6 address by its /64 network) or ``device:<id>``, so the file beside the
users file (``<users file>.throttle``) holds no typed names or addresses. It is shared by every
process that uses the same users file, and holds at most :data:`MAX_ENTRIES` keys (the oldest
go first).

This module never imports streamlit.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from indicators.accounts import private_files
from indicators.accounts.sessions import server_secret
from indicators.accounts.users import UsersFileError, name_key, now_utc, users_file_path

FIRST_DELAY = 1.0  # seconds, after the second failure in a row
MAX_DELAY = 60.0  # seconds: the longest wait anyone can impose on a name or an address
FREE_FAILURES = 1  # failures answered without any wait (a typo)
QUIET_FAILURES = 2  # an address with at most this many failures in a row goes first on a name
FORGET_AFTER = timedelta(minutes=15)
MAX_ENTRIES = 10_000
THROTTLE_FORMAT = 1


@dataclass(frozen=True)
class ThrottlePolicy:
    """The numbers of the throttle (see the module docstring)."""

    first_delay: float = FIRST_DELAY
    max_delay: float = MAX_DELAY
    free_failures: int = FREE_FAILURES
    quiet_failures: int = QUIET_FAILURES
    forget_after: timedelta = FORGET_AFTER
    max_entries: int = MAX_ENTRIES


DEFAULT_POLICY = ThrottlePolicy()


def wait_after(failures: int, policy: ThrottlePolicy = DEFAULT_POLICY) -> float:
    """Seconds to wait after ``failures`` failures in a row: 0, 1, 2, 4, ... at most 60."""
    if failures <= policy.free_failures:
        return 0.0
    return min(policy.max_delay, policy.first_delay * 2 ** (failures - policy.free_failures - 1))


def address_key(address: object) -> str:
    """A client address as the throttle counts it (IPv6 by /64: one subscriber's network)."""
    text = str(address or "unknown")[:100]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def sign_in_keys(name: object, address: object, device: str | None = None) -> list[tuple[str, str]]:
    """What one sign-in attempt counts against.

    A browser holding a valid device cookie for this name (it signed in as this name before)
    is throttled by that device alone, so strangers failing on the name or from the same
    address never slow it down; anyone else by the name and by the address.
    """
    if device:
        return [("device", device)]
    typed = name_key(name[:256]) if isinstance(name, str) else ""
    return [("name", typed), ("addr", address_key(address))]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        with private_files.locked(path):
            yield
    except private_files.PrivateFileError as exc:
        raise UsersFileError(f"the sign-in throttle: {exc}") from exc


@dataclass(frozen=True)
class Decision:
    """Whether an attempt may go on; if not, when it may, and whether to record the refusal."""

    allowed: bool
    retry_at: datetime | None = None
    first_refusal: bool = False  # the first refusal since the last counted failure


class Throttle:
    """The throttle file beside a users file (``None``: the configured users file)."""

    def __init__(
        self, users_path: str | Path | None = None, policy: ThrottlePolicy = DEFAULT_POLICY
    ) -> None:
        self._users_path = Path(users_path) if users_path is not None else None
        self.policy = policy

    @property
    def path(self) -> Path:
        """The throttle file."""
        users = self._users_path or users_file_path()
        return users.with_name(users.name + ".throttle")

    def _digest(self, key: tuple[str, str]) -> str:
        secret = server_secret(self._users_path)
        text = f"{key[0]}:{key[1]}".encode()
        return hmac.new(secret, b"throttle:" + text, hashlib.sha256).hexdigest()[:40]

    def _read(self) -> dict[str, list[Any]]:
        try:
            data = private_files.read_json(self.path)
        except private_files.PrivateFileError as exc:
            raise UsersFileError(f"the sign-in throttle: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            return {}  # absent, or damaged: start afresh (it only ever slows sign-in down)
        return dict(data["entries"])

    def _write(self, entries: dict[str, list[Any]], now: float) -> None:
        oldest = now - self.policy.forget_after.total_seconds()
        live = {k: e for k, e in entries.items() if float(e[1]) > oldest}
        if len(live) > self.policy.max_entries:
            newest = sorted(live, key=lambda k: float(live[k][1]))[-self.policy.max_entries :]
            live = {k: live[k] for k in newest}
        try:
            private_files.write_json(self.path, {"format": THROTTLE_FORMAT, "entries": live})
        except private_files.PrivateFileError as exc:
            raise UsersFileError(f"the sign-in throttle: {exc}") from exc

    def _live(self, entry: list[Any] | None, now: float) -> bool:
        forget = now - self.policy.forget_after.total_seconds()
        return entry is not None and float(entry[1]) > forget

    def _until(self, entry: list[Any] | None, now: float, noisy: bool = False) -> float | None:
        """Until when a key must wait (``None``: not now); a ``noisy`` address waits on a name
        twice as long, so quiet addresses have the name to themselves for one wait."""
        if entry is None or not self._live(entry, now):
            return None
        wait = wait_after(int(entry[0]), self.policy)
        until = float(entry[1]) + wait * (2 if noisy else 1)
        return until if until > now else None

    def _waits(
        self,
        keys: list[tuple[str, str]],
        digests: list[str],
        entries: dict[str, list[Any]],
        now: float,
    ) -> dict[str, float]:
        """The keys of this attempt that must wait now, with until when."""
        address = [entries.get(d) for k, d in zip(keys, digests, strict=True) if k[0] == "addr"]
        noisy = any(
            e is not None and self._live(e, now) and int(e[0]) > self.policy.quiet_failures
            for e in address
        )
        waits: dict[str, float] = {}
        for key, digest in zip(keys, digests, strict=True):
            until = self._until(entries.get(digest), now, noisy and key[0] == "name")
            if until is not None:
                waits[digest] = until
        return waits

    def attempt(self, keys: list[tuple[str, str]], now: datetime | None = None) -> Decision:
        """Refuse during a wait on any key; otherwise count the attempt as a failure on each
        key at once (so concurrent attempts are throttled too) and let it go on."""
        moment = now_utc(now).timestamp()
        digests = [self._digest(k) for k in keys]
        with _locked(self.path):
            entries = self._read()
            waits = self._waits(keys, digests, entries, moment)
            if waits:
                first = False
                for d in waits:
                    held = entries[d]
                    first = first or held[2] != held[1]
                    held[2] = held[1]
                if first:
                    self._write(entries, moment)
                return Decision(False, datetime.fromtimestamp(max(waits.values()), UTC), first)
            for d in digests:
                entry = entries.get(d)
                count = int(entry[0]) + 1 if self._live(entry, moment) and entry else 1
                entries[d] = [count, moment, None]
            self._write(entries, moment)
        return Decision(True)

    def clear(self, keys: list[tuple[str, str]], now: datetime | None = None) -> None:
        """Forget these keys (a successful sign-in, or an administrator's unlock)."""
        digests = [self._digest(k) for k in keys]
        with _locked(self.path):
            entries = self._read()
            if any(d in entries for d in digests):
                for d in digests:
                    entries.pop(d, None)
                self._write(entries, now_utc(now).timestamp())

    def state(
        self, key: tuple[str, str], now: datetime | None = None
    ) -> tuple[int, datetime | None]:
        """Failures in a row on one key and until when it must wait (``None``: no wait)."""
        moment = now_utc(now).timestamp()
        entry = self._read().get(self._digest(key))
        if entry is None or float(entry[1]) <= moment - self.policy.forget_after.total_seconds():
            return 0, None
        until = self._until(entry, moment)
        return int(entry[0]), None if until is None else datetime.fromtimestamp(until, UTC)
