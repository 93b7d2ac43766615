"""A stranger cannot keep an analyst out; guessing on one name stays slow from any addresses."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from indicators.accounts import auth, throttle
from tests.test_auth import PASSWORD, T0
from tests.test_auth import users_file as users_file

STRANGER = "203.0.113.9"
VICTIM = "198.51.100.7"


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _attack_and_poll(name: str, seconds: float, poll: float) -> tuple[float | None, int, int]:
    """A stranger fails on ``name`` the instant each of its waits ends; meanwhile a person
    with the right password tries every ``poll`` seconds from another address, starting 5 s
    in. Returns when that person got in (``None``: never), their tries, the stranger's
    counted guesses."""
    step, t, next_poll = 0.05, 0.0, 5.0
    stranger_free, tries, guesses = 0.0, 0, 0
    while t <= seconds:
        if t >= stranger_free:
            result = auth.authenticate(name, f"guess {t}", client=STRANGER, now=_at(t))
            guesses += not result.throttled
            if result.retry_at is not None:
                stranger_free = (result.retry_at - T0).total_seconds()
        if t >= next_poll:
            tries += 1
            if auth.authenticate(name, PASSWORD, client=VICTIM, now=_at(t)).ok:
                return t - 5.0, tries, guesses
            next_poll += poll
        t = round(t + step, 2)
    return None, tries, guesses


def test_stranger_failing_at_every_expiry_cannot_keep_the_analyst_out() -> None:
    """With a stranger failing the moment each wait ends for 180 s, the analyst trying every
    5 s from another address gets in within the name's longest wait (60 s) plus one try."""
    auth.add_user("alice", PASSWORD)
    got_in, tries, guesses = _attack_and_poll("alice", 180.0, 5.0)
    assert got_in is not None, f"locked out for 175 s ({tries} tries, {guesses} guesses)"
    assert got_in <= throttle.MAX_DELAY + 5.0


def test_analyst_gets_in_even_when_attack_is_at_its_longest_wait() -> None:
    """The analyst arriving when the stranger has held the name at 60 s for minutes gets in
    at the first try after the current wait ends (at most 60 s later)."""
    auth.add_user("alice", PASSWORD)
    t, checked = 0.0, 0.0
    while checked < 600:  # ten minutes of a perfectly timed stranger
        result = auth.authenticate("alice", "wrong", client=STRANGER, now=_at(t))
        if not result.throttled:
            checked = t
        elif result.retry_at is not None:
            t = (result.retry_at - T0).total_seconds()
    t = checked + 0.01  # the analyst arrives just after the stranger's latest guess
    first = auth.authenticate("alice", PASSWORD, client=VICTIM, now=_at(t))
    assert first.throttled and first.retry_at is not None
    assert first.retry_at - _at(t) <= timedelta(seconds=throttle.MAX_DELAY)
    # The stranger is at the door the same instant the wait ends; the analyst still wins.
    late = auth.authenticate("alice", "wrong again", client=STRANGER, now=first.retry_at)
    assert late.throttled
    assert auth.authenticate("alice", PASSWORD, client=VICTIM, now=first.retry_at).ok


def test_fifty_addresses_guess_no_faster_than_one_address() -> None:
    """50 addresses trying one name every second for 10 minutes get at most 8 guesses in the
    first minute and one per 60 s after that (every checked password counts on the name)."""
    counted: list[float] = []
    for second in range(600):
        for a in range(50):
            if (second + a) % 10:  # each address tries every 10 s, the addresses staggered
                continue
            address = f"192.0.2.{a + 1}"
            result = auth.authenticate("alice", f"g{second}-{a}", client=address, now=_at(second))
            if not result.throttled:
                counted.append(second)
    assert len([s for s in counted if s < 64]) <= 8
    after = [s for s in counted if s >= 64]
    assert len(after) <= 600 // throttle.MAX_DELAY
    assert all(b - a >= throttle.MAX_DELAY for a, b in itertools.pairwise(after))


def test_existing_and_unknown_names_answer_alike_under_the_attack() -> None:
    """The same stranger-and-analyst schedule on an unknown name gives the same answers."""
    auth.add_user("alice", PASSWORD)
    answers: dict[str, list[tuple[str, datetime | None, bool]]] = {"alice": [], "mallory": []}
    for name, stranger, other in (
        ("alice", "203.0.113.1", "198.51.100.1"),
        ("mallory", "203.0.113.2", "198.51.100.2"),
    ):
        for i in range(40):
            for client in (stranger, other if i % 7 == 0 else stranger):
                r = auth.authenticate(name, f"guess {i}", client=client, now=_at(i * 3.5))
                answers[name].append((r.reason, r.retry_at, r.throttled))
    assert answers["alice"] == answers["mallory"]
    assert any(throttled for _, _, throttled in answers["alice"])
