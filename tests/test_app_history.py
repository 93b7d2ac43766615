"""AppTest: the History page rolls back exactly what it showed, and recovery always works.

The analyst is signed in by replacing ``app_pages._auth.current_analyst`` (AppTest cannot send
the session cookie the sign-in route sets); the page still calls ``require_analyst`` itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file

APP = Path(__file__).resolve().parents[1] / "app.py"
EVENTS = "date,title,kind,country,source_name\n2022-01-05,Unrest,protest/unrest,KAZ,public record\n"


def _rsf(year: str) -> SourceFile:
    return SourceFile.from_path(shared_file("rsf", f"{year}.csv"))


@pytest.fixture
def history_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStore:
    """Version 1: RSF 2025; version 2: RSF 2026 and one event; analyst 'amina' signed in."""
    root = tmp_path / "store"
    monkeypatch.setenv("INDICATORS_STORE", str(root))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    store = LocalStore(root)
    ingest(store, [_rsf("2025")], user="seed", message="RSF 2025")
    ingest(store, [_rsf("2026"), SourceFile("events.csv", EVENTS.encode())], user="seed")
    return store


def _history() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    return at


def _choose(at: AppTest, target: int) -> None:
    at.selectbox(key="rollback_to").set_value(target).run()
    at.checkbox(key="rollback_confirm").check().run()


def _errors(at: AppTest) -> str:
    return " | ".join(e.value for e in at.error)


def test_rollback_refused_when_the_store_moved_since_it_was_shown(
    history_store: LocalStore,
) -> None:
    """A commit landing after the page showed the choice makes the click refuse, say which
    version came in (when, by whom), show the fresh state; a second click then rolls back."""
    at = _history()
    _choose(at, 1)
    ingest(history_store, [_rsf("2024")], user="bob", message="RSF 2024 from the CLI")
    at.button(key="rollback").click().run()
    assert not at.exception and not at.success
    said = _errors(at)
    assert "data changed since" in said and "version 3 was stored" in said and "bob" in said
    assert LocalStore(history_store.root).head() == 3  # nothing was rolled back
    listing = next(d.value for d in at.dataframe if "state" in d.value.columns)
    assert 3 in set(listing["version"])  # the page shows the current state
    at.button(key="rollback").click().run()
    assert at.success and "Version 4 restores version 1" in at.success[0].value
    store = LocalStore(history_store.root)
    assert set(store.table("rankings")["edition"]) == {"2025"}
    assert store.versions()[-1].user == "amina"


def _flip_events_object(store: LocalStore) -> None:
    path = store.root / "objects" / f"{store.version(2).tables['events']['object']}.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_damaged_head_still_offers_rollback_to_every_intact_version(
    history_store: LocalStore,
) -> None:
    """With the current version's events object damaged, the page draws, offers version 1 (the
    only intact one), says the comparison cannot be made, and the rollback works."""
    _flip_events_object(history_store)
    at = _history()
    assert at.selectbox(key="rollback_to").options == ["1"]
    _choose(at, 1)
    assert any("cannot be compared" in w.value for w in at.warning)
    at.button(key="rollback").click().run()
    assert not at.exception
    assert at.success and "Version 3 restores version 1" in at.success[0].value
    store = LocalStore(history_store.root)
    assert store.table("events").empty and set(store.table("rankings")["edition"]) == {"2025"}
    assert "unknown" in store.version(3).unknown_changes["events"]


def test_truncated_old_manifest_is_listed_and_the_app_serves_the_current_version(
    history_store: LocalStore,
) -> None:
    """A truncated manifest of version 1 leaves the Overview drawing and the History page
    listing version 1 as damaged; only version 2 is offered for rollback."""
    manifest = history_store.root / "versions" / "000001.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["country"] = "KAZ"
    at.run()
    assert not at.exception and "went wrong" not in _errors(at)
    assert at.metric  # the overview of the current version is drawn
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    listing = next(d.value for d in at.dataframe if "state" in d.value.columns)
    states = dict(zip(listing["version"], listing["state"], strict=True))
    assert states[1].startswith("damaged") and states[2] == "intact"
    assert at.selectbox(key="rollback_to").options == ["2"]
