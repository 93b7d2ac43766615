"""Recovery and integrity on both backends: rollback from a damaged head, every version
checked, manifests chained by digests, legacy stores, damaged versions listed not fatal.

Each test runs on the local store and on PostgreSQL (``[local]``, ``[postgres]``).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import psycopg
import pytest

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.query.versions import history_frame
from indicators.store import Store, StoreError
from indicators.store.factory import open_store
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)
from tests.test_store_backends import (
    _base,
    _is_db,
    _rsf,
    remove_object,
)


def _two_versions(store: Store) -> None:
    """Version 1: RSF 2025; version 2: RSF 2026 and one event (objects of its own)."""
    ingest(store, _rsf("2025"), user="seed", message="RSF 2025")
    ingest(store, [*_rsf("2026"), _base(events=True)[1]], user="seed", message="2026 + events")


def flip_byte(location: str, object_id: str, at: float = 0.5) -> None:
    """Flip one bit of one byte of a stored object (a file, or its row in the database)."""
    if not _is_db(location):
        path = Path(location) / "objects" / f"{object_id}.parquet"
        data = bytearray(path.read_bytes())
        data[int(len(data) * at)] ^= 0x01
        path.write_bytes(bytes(data))
        return
    with psycopg.connect(location) as conn:
        (data,) = conn.execute("SELECT data FROM objects WHERE id = %s", (object_id,)).fetchone()
        data = bytearray(data)
        data[int(len(data) * at)] ^= 0x01
        conn.execute("UPDATE objects SET data = %s WHERE id = %s", (bytes(data), object_id))


def edit_manifest(location: str, number: int, field: str, value: object) -> None:
    """Change one field of a stored manifest, as someone editing it by hand would."""
    if not _is_db(location):
        path = Path(location) / "versions" / f"{number:06d}.json"
        raw = json.loads(path.read_text("utf-8"))
        raw[field] = value
        path.write_text(json.dumps(raw, indent=2), "utf-8")
        return
    with psycopg.connect(location) as conn:
        conn.execute(
            "UPDATE versions SET manifest = jsonb_set(manifest, %s, %s::jsonb) WHERE number = %s",
            ([field], json.dumps(value), number),
        )


def truncate_manifest(location: str, number: int, size: int = 100) -> None:
    """Cut a manifest short (a file truncated; in the database, a manifest that is no object)."""
    if not _is_db(location):
        path = Path(location) / "versions" / f"{number:06d}.json"
        path.write_bytes(path.read_bytes()[:size])
        return
    with psycopg.connect(location) as conn:
        text = json.dumps(
            conn.execute("SELECT manifest FROM versions WHERE number = %s", (number,)).fetchone()[0]
        )
        conn.execute(
            "UPDATE versions SET manifest = to_jsonb(%s::text) WHERE number = %s",
            (text[:size], number),
        )


# -- recovery from a damaged current version ------------------------------------------------
@pytest.mark.parametrize("how", ["flipped", "deleted"])
def test_rollback_from_a_damaged_head(
    store: Store, location: str, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With one byte of the head's events object flipped (or the object deleted), `indicators
    rollback 1` restores version 1 and reports the events change as unknown."""
    _two_versions(store)
    events = store.version(2).tables["events"]["object"]
    (flip_byte if how == "flipped" else remove_object)(location, events)
    capsys.readouterr()
    assert main(["rollback", "1", "--store", location, "--user", "ana"]) == 0
    out = capsys.readouterr().out
    assert "version 3 restores version 1" in out and "events: unknown" in out
    fresh = open_store(location)
    assert fresh.head() == 3 and fresh.table("events").empty
    assert set(fresh.table("rankings")["edition"]) == {"2025"}
    v3 = fresh.version(3)
    assert "events" in v3.unknown_changes and v3.changes["rankings"]["removed"] == 180
    assert [(d.version, d.table) for d in fresh.verify()] == [(2, "events")]


def test_rollback_from_a_damaged_head_manifest(store: Store, location: str) -> None:
    """With the current manifest edited, reading it is refused, and a rollback to version 1
    still works (it needs nothing from the head)."""
    _two_versions(store)
    edit_manifest(location, 2, "user", "someone else")
    with pytest.raises(StoreError, match="manifest of version 2 is damaged"):
        open_store(location).table("rankings")
    version = open_store(location).rollback(1, user="ana")
    assert version.number == 3 and set(version.unknown_changes) == {
        "rankings",
        "incidents",
        "reported_counts",
        "events",
    }
    fresh = open_store(location)
    assert set(fresh.table("rankings")["edition"]) == {"2025"}
    assert [(d.version, d.table) for d in fresh.verify()] == [(2, "manifest")]


def test_rollback_to_a_damaged_version_is_refused(store: Store, location: str) -> None:
    """A rollback to a version whose manifest or objects are damaged is refused, nothing written."""
    _two_versions(store)
    ingest(store, _rsf("2024"), user="seed")
    edit_manifest(location, 1, "message", "edited")
    with pytest.raises(StoreError, match="version 1 cannot be restored"):
        open_store(location).rollback(1, user="ana")
    flip_byte(location, store.version(2).tables["events"]["object"])
    with pytest.raises(StoreError, match="events table of version 2 is damaged"):
        open_store(location).rollback(2, user="ana")
    assert open_store(location).head() == 3


# -- every version checked; a damaged old version never stops the current one -------------
def test_truncated_old_manifest_is_named_and_the_current_version_served(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated manifest of version 1: check exits 1 naming it, history lists it as
    damaged, and the current version is still read."""
    _two_versions(store)
    truncate_manifest(location, 1)
    capsys.readouterr()
    assert main(["check", "--store", location]) == 1
    err = capsys.readouterr().err
    assert "version 1: manifest is damaged" in err and "Intact versions: 2" in err
    assert main(["history", "--store", location]) == 0
    out = capsys.readouterr().out
    assert "damaged" in out and "2026 + events" in out
    frame = history_frame(open_store(location))
    assert (
        frame["state"].tolist()[0].startswith("damaged") and frame["state"].tolist()[1] == "intact"
    )
    fresh = open_store(location)
    assert [v.number for v in fresh.versions()] == [2]
    assert set(fresh.table("rankings")["edition"]) == {"2025", "2026"}


@pytest.mark.parametrize(
    ("field", "value"), [("user", "x"), ("message", "x"), ("created_at", "x"), ("files", [])]
)
def test_edited_manifest_is_detected(
    store: Store, location: str, field: str, value: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old manifest with one field edited is named by check (its digest is not the one the
    next version records); the edited head is named too (the head records its digest)."""
    _two_versions(store)
    edit_manifest(location, 1, field, value)
    capsys.readouterr()
    assert main(["check", "--store", location]) == 1
    assert "version 1: manifest is edited or damaged" in capsys.readouterr().err
    edit_manifest(location, 2, field, value)
    damaged = {(d.version, d.table) for d in open_store(location).verify()}
    assert damaged == {(1, "manifest"), (2, "manifest")}


def make_legacy(location: str) -> None:
    """Rewrite a store as the previous format wrote it: no digests, no audit records."""
    new_keys = ("parent_digest", "audit", "unknown_changes")
    if not _is_db(location):
        for path in sorted((Path(location) / "versions").glob("*.json")):
            raw = json.loads(path.read_text("utf-8"))
            path.write_text(json.dumps({k: v for k, v in raw.items() if k not in new_keys}))
        head = Path(location) / "HEAD"
        head.write_text(head.read_text().split()[0] + "\n")
        return
    with psycopg.connect(location) as conn:
        conn.execute("UPDATE versions SET manifest = manifest - %s::text[]", (list(new_keys),))
        conn.execute("UPDATE head SET digest = NULL")


def test_store_of_the_previous_format_opens_as_legacy(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store without digests opens, check passes saying its versions are legacy, and the
    next commit chains onto it."""
    _two_versions(store)
    make_legacy(location)
    capsys.readouterr()
    assert main(["check", "--store", location]) == 0
    assert "versions 1-2 were written before manifests were chained (legacy)" in (
        capsys.readouterr().out
    )
    fresh = open_store(location)
    assert [s.legacy for s in fresh.history()] == [True, True]
    _, v3 = ingest(fresh, _rsf("2024"), user="ana")
    assert v3.parent_digest is not None and v3.audit["os_account"]
    edit_manifest(location, 2, "user", "forged")  # now vouched for by version 3
    assert {(d.version, d.table) for d in open_store(location).verify()} == {(2, "manifest")}


# -- damage tally ------------------------------------------------------------------------------
def test_damage_tally(store: Store, location: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every kind of damage to every object and manifest of a 4-version store is named by
    verify() with its version and table, and the current version is served when intact."""
    rng = random.Random(10)
    _two_versions(store)
    ingest(store, _rsf("2024"), user="seed")
    ingest(store, _rsf("2023"), user="seed")
    tried = held = 0
    for number in range(1, 5):
        for table, entry in store.version(number).tables.items():
            for how in ("flip", "delete"):
                saved = _save(location)
                if how == "flip":
                    flip_byte(location, entry["object"], rng.random())
                else:
                    remove_object(location, entry["object"])
                found = {(d.version, d.table) for d in open_store(location).verify()}
                tried += 1
                held += (number, table) in found
                _restore(location, saved)
        for how in ("truncate", "user", "tables"):
            saved = _save(location)
            if how == "truncate":
                truncate_manifest(location, number, rng.randrange(1, 200))
            elif how == "user":
                edit_manifest(location, number, "user", "forged")
            else:
                edit_manifest(location, number, "tables", {})
            fresh = open_store(location)
            found = {(d.version, d.table) for d in fresh.verify()}
            served = number == 4 or len(fresh.table("rankings")) > 0
            tried += 1
            held += (number, "manifest") in found and served
            _restore(location, saved)
    with capsys.disabled():
        print(f"\ndamaged objects and manifests [{location[:10]}]: {held} / {tried} held")
    assert held == tried


def _save(location: str) -> object:
    if not _is_db(location):
        root = Path(location)
        return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with psycopg.connect(location) as conn:
        return (
            conn.execute("SELECT id, data FROM objects").fetchall(),
            conn.execute("SELECT number, manifest FROM versions").fetchall(),
        )


def _restore(location: str, saved: object) -> None:
    if not _is_db(location):
        assert isinstance(saved, dict)
        for path, data in saved.items():
            path.write_bytes(data)
        return
    objects, versions = saved  # type: ignore[misc]
    with psycopg.connect(location) as conn:
        conn.execute("DELETE FROM objects")
        for oid, data in objects:
            conn.execute("INSERT INTO objects (id, data) VALUES (%s, %s)", (oid, data))
        for number, manifest in versions:
            conn.execute(
                "UPDATE versions SET manifest = %s WHERE number = %s",
                (psycopg.types.json.Jsonb(manifest), number),
            )
