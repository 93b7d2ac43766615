"""AppTest: write pages exist only for signed-in analysts; rollback through the History page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.auth import add_user
from indicators.ingest import ingest
from indicators.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file

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


def _sign_in(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.switch_page("app_pages/signin.py").run()
    at.text_input(key="signin_name").input("amina")
    at.text_input(key="signin_password").input(password)
    form_buttons = [b for b in at.get("button") if "Sign in" in str(b.proto.label)]
    form_buttons[-1].click().run()
    return at


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


def test_wrong_password_refused(analyst_env: Path) -> None:
    """A wrong password is refused with the same message as an unknown name."""
    at = _sign_in(_app().run(), "not the password")
    assert at.error and at.error[0].value == "Wrong name or password."
    with pytest.raises(Exception):  # noqa: B017
        at.switch_page("app_pages/history.py").run()
        raise AssertionError("history must stay unregistered")


def test_analyst_rolls_back_in_history(analyst_env: Path) -> None:
    """A signed-in analyst sees History, rolls back to version 1, and 2026 is gone."""
    at = _sign_in(_app().run())
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
