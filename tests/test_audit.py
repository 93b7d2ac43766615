"""The audit log: append-only JSON lines of every write, values kept as data."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indicators.store import audit

T0 = datetime(2025, 5, 2, 9, 14, 3, tzinfo=UTC)


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An audit log path of this test's own (the environment variable unset)."""
    monkeypatch.delenv("INDICATORS_AUDIT_LOG", raising=False)
    return tmp_path / "logs" / "audit.log"


def test_record_holds_user_action_timestamp(log: Path) -> None:
    """Each event holds the UTC timestamp, action, user and details."""
    event = audit.record("store.commit", "alice", {"version": 3}, path=log, now=T0)
    assert event == {
        "timestamp": "2025-05-02T09:14:03+00:00",
        "action": "store.commit",
        "user": "alice",
        "details": {"version": 3},
    }
    (read,) = audit.read(log)
    assert read == event
    assert datetime.fromisoformat(read["timestamp"]).utcoffset() is not None
    now_event = audit.record("store.rollback", "bob", {}, path=log)
    stamp = datetime.fromisoformat(now_event["timestamp"])
    assert stamp.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


def test_lines_are_appended_never_rewritten(log: Path) -> None:
    """A new event is added after the old bytes, in the same file, one line per event."""
    audit.record("a", "alice", {"n": 1}, path=log, now=T0)
    before = log.read_bytes()
    inode = log.stat().st_ino
    audit.record("b", "bob", {"n": 2}, path=log, now=T0)
    audit.record("c", "carol", None, path=log, now=T0)
    after = log.read_bytes()
    assert after.startswith(before) and log.stat().st_ino == inode
    assert after.count(b"\n") == 3 and after.endswith(b"\n")
    assert [e["action"] for e in audit.read(log)] == ["a", "b", "c"]
    assert [e["user"] for e in audit.read(log)] == ["alice", "bob", "carol"]


def test_hostile_values_stored_verbatim_as_data(log: Path) -> None:
    """Markup, formulas, newlines and control characters are stored as JSON strings, unchanged."""
    details = {
        "name": "<script>alert(1)</script>",
        "cell": "=cmd|' /C calc'!A0",
        "plus": "+1+1",
        "lines": "first\nsecond\r\nthird\u2028fourth",
        "bidi": "\u202eevil",
        "escape": "\x1b[31mred\x00",
        "quote": '"}, "action": "forged',
    }
    audit.record("upload", '=HYPERLINK("x")', details, path=log, now=T0)
    raw = log.read_bytes()
    assert raw.count(b"\n") == 1 and raw.isascii()
    assert raw.startswith(b'{"timestamp": ')
    assert b"<script>alert(1)</script>" in raw and b'"=cmd|' in raw
    (event,) = audit.read(log)
    assert event["details"] == details
    assert event["action"] == "upload" and event["user"] == '=HYPERLINK("x")'


def test_non_json_values_kept_as_text(log: Path) -> None:
    """Dates, paths and other objects are stored as their text, never refused or lost."""
    audit.record("x", "alice", {"day": date(2025, 1, 2), "file": Path("/a/b.csv")}, path=log)
    (event,) = audit.read(log)
    assert event["details"] == {"day": "2025-01-02", "file": "/a/b.csv"}


def test_bad_events_refused(log: Path) -> None:
    """An empty action, a missing user, non-mapping details or NaN are refused."""
    with pytest.raises(audit.AuditError):
        audit.record("", "alice", {}, path=log)
    with pytest.raises(audit.AuditError):
        audit.record("x", None, {}, path=log)  # type: ignore[arg-type]
    with pytest.raises(audit.AuditError):
        audit.record("x", "alice", ["not", "a", "mapping"], path=log)  # type: ignore[arg-type]
    with pytest.raises(audit.AuditError):
        audit.record("x", "alice", {"v": float("nan")}, path=log)
    assert not log.exists()


def test_log_mode_0600(log: Path) -> None:
    """The audit log is created readable by its owner only."""
    audit.record("a", "alice", {}, path=log)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_log_path_env_then_store_root(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_default_store: Path
) -> None:
    """The log is $INDICATORS_AUDIT_LOG, else audit.log in the given or the default store."""
    monkeypatch.delenv("INDICATORS_AUDIT_LOG", raising=False)
    assert audit.audit_log_path() == isolated_default_store / "audit.log"
    assert audit.audit_log_path(tmp_path / "s") == tmp_path / "s" / "audit.log"
    audit.record("a", "alice", {}, store_root=tmp_path / "s")
    assert audit.read(store_root=tmp_path / "s")[0]["action"] == "a"
    monkeypatch.setenv("INDICATORS_AUDIT_LOG", str(tmp_path / "elsewhere.log"))
    assert audit.audit_log_path(tmp_path / "s") == tmp_path / "elsewhere.log"


def test_missing_log_reads_empty(log: Path) -> None:
    """A log that was never written holds no events."""
    assert audit.read(log) == []


def test_torn_line_does_not_spoil_the_log(log: Path) -> None:
    """A half-written line from a crash is skipped and the next event starts on its own line."""
    log.parent.mkdir(parents=True)
    good = json.dumps({"timestamp": "t", "action": "a", "user": "u", "details": {}})
    log.write_text(good + '\n{"timestamp": "2025-', encoding="ascii")
    assert [e["action"] for e in audit.read(log)] == ["a"]
    audit.record("b", "bob", {}, path=log)
    assert [e["action"] for e in audit.read(log)] == ["a", "b"]
    with pytest.raises(audit.AuditError, match="line 2"):
        audit.read(log, strict=True)


def _append_many(path: str, who: str, count: int) -> None:
    """Worker: append ``count`` events as ``who``."""
    for i in range(count):
        audit.record("bulk", who, {"i": i, "pad": "x" * 500}, path=path)


def test_concurrent_appends_never_interleave(log: Path) -> None:
    """Two processes appending at once leave only whole lines, every event present."""
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(str(log), who, 100)) for who in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    events = audit.read(log, strict=True)
    assert len(events) == 200
    for who in "ab":
        assert sorted(e["details"]["i"] for e in events if e["user"] == who) == list(range(100))
    assert os.path.getsize(log) == len(log.read_bytes())
