"""The store's guarantees, on every backend: the local Parquet store and PostgreSQL.

Each test runs once per backend (``[local]`` and ``[postgres]``); a fresh store handle is
opened with :func:`open_store` wherever a test must not see a handle's cache.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import socket
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from indicators.pipeline.commit import commit as commit_prepared
from indicators.pipeline.commit import ingest
from indicators.pipeline.prepare import prepare
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore, StaleVersion, Store, StoreError
from indicators.store.factory import (
    configured_database_url,
    database_url_from_secrets,
    open_store,
)
from indicators.store.postgres import PostgresStore, redact_url
from tests.conftest import shared_file, tree_snapshot
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)

ISOS = ["NOR", "FIN", "EST", "KAZ", "KGZ", "RUS"]
BASE = "ISO;Rank;Score;Year (N)\n" + "".join(
    f"{iso};{i + 1};{90 - 3 * i},5;2025\n" for i, iso in enumerate(ISOS)
)
EVENTS = "date,title,kind,country,source_name\n2022-01-05,Unrest,protest/unrest,KAZ,public record\n"


def _rsf(*years: str) -> list[SourceFile]:
    return [SourceFile.from_path(shared_file("rsf", f"{y}.csv")) for y in years]


def _base(events: bool = False) -> list[SourceFile]:
    files = [SourceFile("base.csv", BASE.encode())]
    return [*files, SourceFile("events.csv", EVENTS.encode())] if events else files


def _is_db(location: str) -> bool:
    return location.startswith("postgresql://")


def snapshot(location: str) -> object:
    """Everything stored (to prove nothing changed): every file, or a dump of every table."""
    if not _is_db(location):
        return tree_snapshot(Path(location))
    with psycopg.connect(location) as conn:
        names = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
        return {
            "tables": names,
            "objects": conn.execute("SELECT id, data FROM objects ORDER BY id").fetchall(),
            "versions": conn.execute(
                "SELECT number, parent, manifest::text, created_at FROM versions ORDER BY number"
            ).fetchall(),
            "head": conn.execute("SELECT singleton, number FROM head").fetchall(),
        }


def damage_object(location: str, object_id: str) -> None:
    """Replace the last ten bytes of a stored object (a file, or its row in the database)."""
    if not _is_db(location):
        path = Path(location) / "objects" / f"{object_id}.parquet"
        path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
        return
    with psycopg.connect(location) as conn:
        updated = conn.execute(
            "UPDATE objects SET data = overlay(data PLACING '0123456789'::bytea "
            "FROM length(data) - 9) WHERE id = %s",
            (object_id,),
        ).rowcount
    assert updated == 1


def remove_object(location: str, object_id: str) -> None:
    """Delete a stored object."""
    if not _is_db(location):
        (Path(location) / "objects" / f"{object_id}.parquet").unlink()
        return
    with psycopg.connect(location) as conn:
        assert conn.execute("DELETE FROM objects WHERE id = %s", (object_id,)).rowcount == 1


# -- versions and provenance ------------------------------------------------------------------
def test_empty_store(store: Store) -> None:
    """A new store has no version, no damage, and empty tables with their columns."""
    assert store.head() is None and store.versions() == [] and store.verify() == []
    assert store.table("rankings").empty and "iso3" in store.table("rankings").columns
    with pytest.raises(StoreError, match="there is no version 1"):
        store.version(1)


def test_ingest_creates_version_with_provenance(store: Store, location: str) -> None:
    """An ingest records who, the message, each file's SHA-256, size, format and row counts."""
    _, v = ingest(store, _rsf("2025"), user="alice", message="RSF 2025")
    assert (v.number, v.parent, v.user, v.message, v.action) == (
        1,
        None,
        "alice",
        "RSF 2025",
        "ingest",
    )
    f = v.files[0]
    assert f["name"] == "2025.csv" and len(f["sha256"]) == 64 and f["rows_kept"] == 180
    assert f["detected"]["encoding"] == "cp1252"
    assert v.changes["rankings"] == {"added": 180, "changed": 0, "removed": 0}
    assert len(store.table("rankings")) == 180
    fresh = open_store(location)
    assert fresh.versions() == [v] and fresh.version(1) == v
    assert fresh.table("rankings").equals(store.table("rankings"))


def test_new_edition_adds_and_same_file_changes_nothing(store: Store) -> None:
    """A new edition adds its rows; re-ingesting the same file makes a version with no change."""
    ingest(store, _rsf("2025"), user="a")
    _, v2 = ingest(store, _rsf("2026"), user="a")
    assert v2.changes["rankings"]["added"] == 180
    _, v3 = ingest(store, _rsf("2026"), user="a")
    assert v3.changes["rankings"] == {"added": 0, "changed": 0, "removed": 0}
    assert v3.tables["rankings"]["object"] == v2.tables["rankings"]["object"]


def test_table_at_any_version(store: Store, location: str) -> None:
    """Every table can be read as of any version; a version that does not exist is an error."""
    for year in ("2024", "2025", "2026"):
        ingest(store, _rsf(year), user="a", message=year)
    fresh = open_store(location)
    assert [v.parent for v in fresh.versions()] == [None, 1, 2]
    for number, editions in {1: {"2024"}, 2: {"2024", "2025"}, 3: {"2024", "2025", "2026"}}.items():
        assert set(fresh.table("rankings", number)["edition"]) == editions
        assert fresh.table("events", number).empty
    with pytest.raises(StoreError, match="there is no version 4"):
        fresh.table("rankings", 4)


def test_rollback_is_a_new_version(store: Store) -> None:
    """Rolling back restores an old version's tables as a new version; history keeps all."""
    ingest(store, _rsf("2025"), user="a")
    ingest(store, [*_rsf("2026"), _base(events=True)[1]], user="a")
    assert isinstance(store, LocalStore | PostgresStore)  # rollback is not in the protocol
    v3 = store.rollback(1, user="b")
    assert (v3.number, v3.parent, v3.user, v3.action) == (3, 2, "b", "rollback to 1")
    assert v3.changes["rankings"]["removed"] == 180 and v3.changes["events"]["removed"] == 1
    assert set(store.table("rankings")["edition"]) == {"2025"}
    assert store.table("events").empty  # added after version 1: empty again
    assert [v.number for v in store.versions()] == [1, 2, 3]
    assert set(store.table("rankings", 2)["edition"]) == {"2025", "2026"}


def test_unknown_table_refused(store: Store) -> None:
    """Only the canonical tables can be committed."""
    with pytest.raises(StoreError, match="unknown tables: people"):
        store.commit({"people": pd.DataFrame()}, user="a", message="x")
    assert store.head() is None


# -- nothing written on failure, stale commits refused ------------------------------------------
def test_failed_validation_leaves_store_unchanged(store: Store, location: str) -> None:
    """A batch with one bad file writes nothing, not even the good files."""
    ingest(store, _rsf("2024"), user="a")
    before = snapshot(location)
    bad = SourceFile("bad.csv", b"ISO;Rank;Score;Year (N)\nKAZ;999;50;2025\n")
    with pytest.raises(ValidationFailed):
        ingest(store, [*_rsf("2025"), bad], user="a")
    assert snapshot(location) == before


def test_stale_commit_refused(store: Store, location: str) -> None:
    """A change prepared against an older version is refused instead of overwriting."""
    ingest(store, _rsf("2024"), user="a")
    first = prepare(store, _rsf("2025"))
    second = prepare(open_store(location), _rsf("2026"))
    same_handle = prepare(store, _rsf("2026"))
    commit_prepared(store, first, user="alice", message="2025")
    before = snapshot(location)
    with pytest.raises(StaleVersion, match="moved from version 1 to 2"):
        commit_prepared(open_store(location), second, user="bob", message="2026")
    with pytest.raises(StaleVersion, match="moved from version 1 to 2"):  # one server, two users
        commit_prepared(store, same_handle, user="bob", message="2026")
    assert store.head() == 2 and snapshot(location) == before


def test_commit_is_seen_through_another_handle(store: Store, location: str) -> None:
    """A commit through one handle (one app server) is read at once through another."""
    other = open_store(location)
    ingest(store, _rsf("2024"), user="a")
    assert set(other.table("rankings")["edition"]) == {"2024"}
    ingest(store, _rsf("2025"), user="a")
    assert other.head() == 2 and set(other.table("rankings")["edition"]) == {"2024", "2025"}


# -- checksums ------------------------------------------------------------------------------------
def test_damaged_object_detected(store: Store, location: str) -> None:
    """A stored table whose bytes changed is reported by verify() and refused on read."""
    _, v = ingest(store, [*_rsf("2025"), _base(events=True)[1]], user="a")
    object_id = v.tables["rankings"]["object"]
    damage_object(location, object_id)
    assert [(d.table, d.object_id, d.problem) for d in store.verify()] == [
        ("rankings", object_id, "checksum mismatch")
    ]
    fresh = open_store(location)
    with pytest.raises(StoreError, match="stored rankings table of version 1 is damaged"):
        fresh.table("rankings")
    assert len(fresh.table("events")) == 1  # the intact table is still served


def drop_object_name(location: str, number: int, table: str) -> None:
    """Remove the object id of one table from a version's manifest (a hand-edited manifest)."""
    if not _is_db(location):
        path = Path(location) / "versions" / f"{number:06d}.json"
        raw = json.loads(path.read_text("utf-8"))
        del raw["tables"][table]["object"]
        path.write_text(json.dumps(raw), "utf-8")
        return
    with psycopg.connect(location) as conn:
        updated = conn.execute(
            "UPDATE versions SET manifest = manifest #- %s WHERE number = %s",
            (["tables", table, "object"], number),
        ).rowcount
    assert updated == 1


def test_manifest_without_object_is_damaged(store: Store, location: str) -> None:
    """A manifest naming no object for a table is a StoreError on both backends, not a crash."""
    ingest(store, _rsf("2025"), user="a")
    drop_object_name(location, 1, "rankings")
    with pytest.raises(StoreError, match="the manifest of version 1 is damaged"):
        open_store(location).version(1)


def test_missing_object_detected(store: Store, location: str) -> None:
    """A missing stored table is reported by verify() and on read, with how to recover."""
    _, v = ingest(store, _rsf("2025"), user="a")
    object_id = v.tables["rankings"]["object"]
    remove_object(location, object_id)
    assert [(d.table, d.object_id, d.problem) for d in store.verify()] == [
        ("rankings", object_id, "missing")
    ]
    with pytest.raises(StoreError, match=r"table of version 1 is missing.*roll back"):
        open_store(location).table("rankings")


# -- several processes ------------------------------------------------------------------------------
def _commit_in_child(location: str, year: str, user: str) -> None:
    store = open_store(location)
    for _ in range(20):
        try:
            ingest(store, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user=user)
            return
        except StaleVersion:
            continue


def test_concurrent_commits_lose_nothing(store: Store, location: str) -> None:
    """Processes committing at once are serialised; every edition ends up stored."""
    years = ["2019", "2020", "2021", "2022"]
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_commit_in_child, args=(location, y, f"u{y}")) for y in years]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * len(years)
    assert set(store.table("rankings")["edition"]) == set(years)
    assert store.head() == len(years)
    assert [v.parent for v in store.versions()] == [None, 1, 2, 3]
    assert store.verify() == []


def _marked(table: pd.DataFrame, marker: int) -> pd.DataFrame:
    out = table.copy()
    out.loc[out["iso3"] == "NOR", "score"] = 50.0 + marker / 1000
    return out


def _marker(store: Store) -> int:
    ranks = store.table("rankings")
    return round((float(ranks.loc[ranks["iso3"] == "NOR", "score"].iloc[0]) - 50.0) * 1000)


def _fork_commit(location: str, table: pd.DataFrame, marker: int, expected: int) -> tuple[int, int]:
    """Fork a child that commits one marked version; return its pid and a pipe it writes to."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        code = 1
        try:
            os.write(write, b"s")
            open_store(location).commit(
                {"rankings": _marked(table, marker)},
                user="child",
                message=f"{marker}",
                expected_head=expected,
            )
            os.write(write, b"d")
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def test_killed_commits_leave_previous_or_new_version(
    store: Store, location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Commits killed (SIGKILL) at random moments leave the previous version or the new one."""
    table = prepare(store, _base()).tables["rankings"]
    store.commit({"rankings": _marked(table, 0)}, user="seed", message="seed")
    pid, read = _fork_commit(location, table, 1, 1)
    assert os.read(read, 1) == b"s"
    start = time.perf_counter()
    assert os.read(read, 1) == b"d"
    total = time.perf_counter() - start
    os.waitpid(pid, 0)
    os.close(read)
    head, current = 2, 1
    rng = random.Random(20251123)
    outcomes = {"before": 0, "after": 0}
    for marker in range(2, 32):
        pid, read = _fork_commit(location, table, marker, head)
        assert os.read(read, 1) == b"s"
        time.sleep(rng.uniform(0, total * 1.3))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        fresh = open_store(location)
        new = fresh.head()
        assert new in (head, head + 1)
        assert fresh.version(new).number == new and fresh.verify() == []
        assert _marker(fresh) == (marker if new == head + 1 else current)
        outcomes["after" if new == head + 1 else "before"] += 1
        if new == head + 1:
            head, current = new, marker
    with capsys.disabled():
        print(f"\n30 killed commits ({total * 1000:.0f} ms each): {outcomes}")
    assert outcomes["before"] > 0, outcomes
    assert [v.parent for v in open_store(location).versions()] == [None, *range(1, head)]
    store.commit({"rankings": _marked(table, 999)}, user="after", message="after the kills")
    assert _marker(open_store(location)) == 999


# -- choosing the backend ---------------------------------------------------------------------------
def test_open_store_chooses_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_default_store: Path
) -> None:
    """A postgresql:// URL opens the PostgreSQL store; anything else, a local folder."""
    url = "postgresql://u:secret@127.0.0.1:1/db"
    assert isinstance(open_store(url), PostgresStore)
    assert isinstance(open_store("postgres://u@h/db"), PostgresStore)
    local = open_store(tmp_path / "s")
    assert isinstance(local, LocalStore) and local.root == tmp_path / "s"
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    default = open_store()
    assert isinstance(default, LocalStore) and default.root == isolated_default_store
    monkeypatch.setenv("INDICATORS_DATABASE_URL", url)
    assert configured_database_url() == url
    chosen = open_store()
    assert isinstance(chosen, PostgresStore) and chosen.url == url
    monkeypatch.setenv("INDICATORS_DATABASE_URL", "mysql://x")
    with pytest.raises(StoreError, match="INDICATORS_DATABASE_URL must be a postgresql:// URL"):
        configured_database_url()


def test_database_url_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """[store] database_url in the secrets; the environment variable wins over it."""
    url = "postgresql://u:p@db:5432/indicators"

    class NoSecretsFile(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            raise FileNotFoundError("no secrets.toml")

    assert database_url_from_secrets({"store": {"database_url": url}}) == url
    assert database_url_from_secrets({}) is None
    assert database_url_from_secrets({"store": {}}) is None
    assert database_url_from_secrets(NoSecretsFile()) is None
    with pytest.raises(StoreError, match=r"\[store\] database_url"):
        database_url_from_secrets({"store": {"database_url": "/var/store"}})
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    assert configured_database_url({"store": {"database_url": url}}) == url
    monkeypatch.setenv("INDICATORS_DATABASE_URL", "postgresql://env/db")
    assert configured_database_url({"store": {"database_url": url}}) == "postgresql://env/db"


def test_postgres_store_never_shows_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Messages name the database without its password; side files go to a local folder."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://indicators:s3cret@127.0.0.1:{port}/db"
    assert redact_url(url) == f"postgresql://indicators:***@127.0.0.1:{port}/db"
    store = PostgresStore(url)
    assert "s3cret" not in repr(store)
    with pytest.raises(StoreError, match="cannot connect to the store database") as err:
        store.head()
    assert "s3cret" not in str(err.value)
    monkeypatch.setenv("INDICATORS_STORE_SIDE_DIR", str(tmp_path / "side"))
    assert store.root == tmp_path / "side"
    assert PostgresStore(url, side_dir=tmp_path / "x").root == tmp_path / "x"
