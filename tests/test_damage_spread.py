"""Damage does not spread and is shown where people look, on both backends: a commit on top
of a damaged head is refused (a rollback still works), ``history`` and the History page's
table name object damage, and damage is worded once, in plain words.

Each test runs on the local store and on PostgreSQL (``[local]``, ``[postgres]``).
"""

from __future__ import annotations

import json

import pytest

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.query.versions import history_frame
from indicators.store import Store, StoreError
from indicators.store.base import Damage
from indicators.store.factory import open_store
from tests.conftest import shared_file
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)
from tests.test_store_backends import _rsf, remove_object, snapshot
from tests.test_store_integrity import _two_versions, flip_byte, truncate_manifest

PROBLEM = {"flipped": "damaged", "deleted": "missing"}


def _damage(location: str, object_id: str, how: str) -> None:
    (flip_byte if how == "flipped" else remove_object)(location, object_id)


# -- a commit never carries a damaged object over ---------------------------------------------
@pytest.mark.parametrize("how", ["flipped", "deleted"])
def test_cli_ingest_on_a_damaged_head_is_refused_and_rollback_recovers(
    store: Store, location: str, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the head's events object flipped (or deleted), `indicators ingest` of rankings is
    refused naming the damaged table, nothing is stored; `rollback 1` then works, and so do
    later commits."""
    _two_versions(store)
    _damage(location, store.version(2).tables["events"]["object"], how)
    before = snapshot(location)
    capsys.readouterr()
    rsf = str(shared_file("rsf", "2024.csv"))
    assert main(["ingest", rsf, "--store", location, "--user", "ana"]) == 2
    captured = capsys.readouterr()
    assert "stored as version" not in captured.out
    assert (
        f"version 2's events table is {PROBLEM[how]}; roll back to an intact version first "
        "('indicators rollback V')" in captured.err
    )
    assert snapshot(location) == before and open_store(location).head() == 2
    assert main(["rollback", "1", "--store", location, "--user", "ana"]) == 0
    assert main(["ingest", rsf, "--store", location, "--user", "ana"]) == 0
    fresh = open_store(location)
    assert fresh.head() == 4
    assert [(d.version, d.table) for d in fresh.verify()] == [(2, "events")]


def test_a_handle_that_verified_an_object_notices_it_damaged_later(
    store: Store, location: str
) -> None:
    """A carried-over object verified by one commit and damaged afterwards is caught by the
    next commit through the same handle (the per-process checksum cache sees the change)."""
    _two_versions(store)
    ingest(store, _rsf("2024"), user="seed")  # carries version 2's events over (verified)
    flip_byte(location, store.version(3).tables["events"]["object"])
    with pytest.raises(StoreError, match="version 3's events table is damaged"):
        ingest(store, _rsf("2023"), user="seed")
    assert open_store(location).head() == 3


def test_storing_the_damaged_table_again_repairs_its_object(store: Store, location: str) -> None:
    """Committing the same events table again, on a head whose events object is flipped,
    rewrites that object with intact bytes: the head and its parent are intact again."""
    _two_versions(store)
    frame = store.table("events", 2)
    flip_byte(location, store.version(2).tables["events"]["object"])
    v3 = open_store(location).commit({"events": frame}, user="ana", message="events again")
    assert v3.tables["events"] == store.version(2).tables["events"]
    assert "events" in v3.unknown_changes  # the head's copy could not be read to compare
    fresh = open_store(location)
    assert fresh.verify() == [] and len(fresh.table("events", 2)) == 1


# -- history names object damage --------------------------------------------------------------
@pytest.mark.parametrize("how", ["flipped", "deleted"])
def test_history_lists_a_version_with_a_damaged_object_as_damaged(
    store: Store, location: str, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flipped (deleted) events object of version 2: `history` (table and JSON) and the
    History page's table show version 2 as damaged naming the table, version 1 as intact."""
    _two_versions(store)
    _damage(location, store.version(2).tables["events"]["object"], how)
    state = "damaged: events table " + (
        "has a checksum mismatch" if how == "flipped" else "is missing"
    )
    capsys.readouterr()
    assert main(["history", "--store", location, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["state"] for r in records] == ["intact", state]
    assert main(["history", "--store", location]) == 0
    assert state in capsys.readouterr().out
    frame = history_frame(open_store(location))
    assert frame["state"].tolist() == ["intact", state]


# -- wording -----------------------------------------------------------------------------------
def test_damaged_manifest_is_worded_once_with_blank_cells(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated manifest of version 1 shows as 'damaged (...)' once, never 'damaged:
    damaged', with blank cells (no NaN or None) in `history` and the History page's table."""
    _two_versions(store)
    truncate_manifest(location, 1)
    capsys.readouterr()
    assert main(["history", "--store", location]) == 0
    out = capsys.readouterr().out
    assert "damaged: damaged" not in out and "NaN" not in out and "None" not in out
    frame = history_frame(open_store(location))
    row = frame.iloc[0].to_dict()
    assert row["state"] in ("damaged (truncated or not JSON)", "damaged (not a JSON object)")
    assert row["state"] in out
    assert all(row[c] == "" for c in frame.columns if c not in ("version", "state"))
    assert not frame.isna().any().any()


def test_damage_is_described_in_plain_words(store: Store, location: str) -> None:
    """check's lines say 'has a checksum mismatch' and 'is missing', never 'is checksum
    mismatch'; a damaged manifest reads 'manifest is damaged (...)'."""
    _two_versions(store)
    flip_byte(location, store.version(2).tables["events"]["object"])
    remove_object(location, store.version(2).tables["rankings"]["object"])
    lines = sorted(d.describe() for d in open_store(location).verify())
    assert lines[0].startswith("version 2: events table (object ")
    assert lines[0].endswith(") has a checksum mismatch")
    assert lines[1].startswith("version 2: rankings table (object ")
    assert lines[1].endswith(") is missing")
    manifest = Damage("manifest", "", "damaged (truncated or not JSON)", 1)
    assert manifest.describe() == "version 1: manifest is damaged (truncated or not JSON)"
