"""AppTest: write pages exist only for signed-in analysts; rollback through the History page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.accounts.auth import add_user, default_session_store
from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore, audit
from tests.conftest import shared_file
from tests.signin import send_cookie, sign_in

APP = Path(__file__).resolve().parents[1] / "app.py"
PASSWORD = "correct horse battery"


@pytest.fixture
def analyst_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding RSF 2025 and 2026 (two versions) and one analyst account."""
    store = tmp_path / "store"
    monkeypatch.setenv("INDICATORS_STORE", str(store))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    s = LocalStore(store)
    for year in ("2025", "2026"):
        ingest(s, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user="seed")
    add_user("amina", PASSWORD)
    return store


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=90)


def test_visitor_cannot_reach_upload(analyst_env: Path) -> None:
    """A visitor who opens the upload page's address gets no upload form and no write button."""
    at = _app()
    at.query_params["country"] = "KAZ"
    at.run()
    with pytest.raises(Exception):  # noqa: B017 - AppTest refuses pages that are not registered
        at.switch_page("app_pages/upload.py").run()
        assert not at.get("file_uploader")
        raise AssertionError("the upload page must not be registered for visitors")
    assert not [b for b in at.get("button") if "Sign out" in str(b.proto.label)]


def _history_registered(at: AppTest) -> bool:
    try:
        at.switch_page("app_pages/history.py").run()
    except Exception:  # AppTest refuses pages that are not registered
        return False
    return True


def test_forged_revoked_or_missing_cookie_is_a_visitor(
    analyst_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forged, revoked or absent session cookie gives no write pages; a live one does."""
    send_cookie(monkeypatch, "forged-token.not-signed")
    assert not _history_registered(_app().run())
    token = sign_in(monkeypatch, "amina", PASSWORD)
    assert _history_registered(_app().run())
    default_session_store().revoke(token)
    assert not _history_registered(_app().run())
    send_cookie(monkeypatch, None)
    assert not _history_registered(_app().run())


def test_sign_out_ends_the_session_in_every_tab(
    analyst_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sign out in one tab revokes the cookie's session, so another tab is a visitor too."""
    sign_in(monkeypatch, "amina", PASSWORD)
    tab1, tab2 = _app().run(), _app().run()
    tab1.button(key="signout").click().run()
    assert not [b for b in tab1.get("button") if "Sign out" in str(b.proto.label)]
    tab2.run()  # the other tab's next run (a click, a reload) finds the session ended
    assert not [b for b in tab2.get("button") if "Sign out" in str(b.proto.label)]
    assert not _history_registered(_app().run())
    events = [e["action"] for e in audit.read(analyst_env / "audit.log")]
    assert events[-1] == "signout"


def test_analyst_rolls_back_in_history(analyst_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signed-in analyst sees History, rolls back to version 1, and 2026 is gone."""
    sign_in(monkeypatch, "amina", PASSWORD)
    at = _app().run()
    assert not at.error
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    at.selectbox(key="rollback_to").set_value(1).run()
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback").click().run()
    assert at.success and "restores version 1" in at.success[0].value
    store = LocalStore(analyst_env)
    assert set(store.table("rankings")["edition"]) == {"2025"}
    assert store.versions()[-1].user == "amina"
    log = (analyst_env / "audit.log").read_text()
    assert '"action": "rollback"' in log and '"user": "amina"' in log


def test_saved_mapping_profile_is_audited(
    analyst_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """record_profile_saved writes a profile.save line for the signed-in analyst only."""
    from app_pages._auth import record_profile_saved

    sign_in(monkeypatch, "amina", PASSWORD)
    record_profile_saved("RSF monthly", {"kind": "rankings"})
    event = audit.read(analyst_env / "audit.log")[-1]
    assert event["action"] == "profile.save" and event["user"] == "amina"
    assert event["details"] == {"profile": "RSF monthly", "kind": "rankings"}
