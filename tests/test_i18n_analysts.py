"""The analysts' pages in Russian and Kazakh: sign-in (the app's page and the server's form),
Upload (its problems table and CSV included) and History, with no English on the page.

The analyst is signed in by replacing ``app_pages._auth.current_analyst`` (AppTest cannot send
the session cookie the sign-in route sets), as in tests/test_app_upload.py.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from streamlit.testing.v1 import AppTest

from app_pages._preview import problems_table, shown_error
from indicators.accounts import auth
from indicators.accounts.signin_web import SignInConfig, signin_routes
from indicators.i18n import msg, using
from indicators.pipeline.commit import ingest
from indicators.present.export import to_safe_csv
from indicators.problems import Problem
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file
from tests.i18n_scan import english_on_page
from tests.test_auth import PASSWORD
from tests.test_auth import users_file as users_file

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

APP = Path(__file__).resolve().parents[1] / "app.py"
LANGS = ("ru", "kk")
KAZ_2026 = b"KAZ;34,41;149;"  # Kazakhstan's 2026 row in RSF's file
HEADINGS = {
    "ru": ["файл", "строка", "столбец", "значение", "проблема", "как исправить"],
    "kk": ["файл", "жол", "баған", "мән", "мәселе", "қалай түзету керек"],
}


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local store holding RSF 2025 and 2026 (versions 1 and 2)."""
    root = tmp_path / "store"
    monkeypatch.setenv("INDICATORS_STORE", str(root))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    store = LocalStore(root)
    for year in ("2025", "2026"):
        ingest(store, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user="seed")
    return root


@pytest.fixture
def analyst(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeded store with analyst amina signed in."""
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    return seeded


def _page(lang: str, path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_signin_page_for_a_visitor(seeded: Path, lang: str) -> None:
    """The Sign in page: its title, caption and button in the reader's language."""
    at = _page(lang, "app_pages/signin.py")
    assert at.title[0].value == {"ru": "Войти", "kk": "Кіру"}[lang]
    link = at.get("html")[0].proto.body
    assert f"lang={lang}" in link and "next=/upload%3Flang%3D" in link
    assert not english_on_page(at)


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in_to_continue_and_signed_in(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a visitor sees at /upload, and a signed-in analyst at /signin, translated."""

    def visitor(lang: str) -> None:
        from app_pages._auth import upload_signin
        from indicators.i18n import set_language

        set_language(lang)
        upload_signin()

    at = AppTest.from_function(visitor, args=(lang,), default_timeout=60).run()
    assert not at.exception and not english_on_page(at)
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")

    def signed_in(lang: str) -> None:
        from app_pages._auth import signed_in_page
        from indicators.i18n import set_language

        set_language(lang)
        signed_in_page()

    at = AppTest.from_function(signed_in, args=(lang,), default_timeout=60).run()
    assert not at.exception and not english_on_page(at)
    assert "amina" in at.markdown[0].value


@pytest.mark.parametrize("lang", LANGS)
def test_upload_page_translated(analyst: Path, lang: str) -> None:
    """The Upload page of a signed-in analyst, before any file, has no English."""
    at = _page(lang, "app_pages/upload.py")
    assert at.title[0].value == {"ru": "Загрузка данных", "kk": "Деректерді жүктеу"}[lang]
    assert not english_on_page(at)


@pytest.mark.parametrize("lang", LANGS)
def test_bad_file_shows_translated_problems_table(analyst: Path, lang: str) -> None:
    """A file that cannot be read: the count, the table's headings and the page's words in the
    reader's language; nothing stored."""
    at = _page(lang, "app_pages/upload.py")
    at.get("file_uploader")[0].set_value(("notes.csv", b"a;b\n1;2\n", "text/csv")).run()
    assert not at.exception
    said = {"ru": "Найдена 1 проблема. Ничего не сохранено.", "kk": "1 мәселе табылды."}[lang]
    assert at.error and at.error[0].value.startswith(said)
    table = at.dataframe[-1].value
    assert list(table.columns) == HEADINGS[lang]
    assert LocalStore(analyst).head() == 2
    assert not english_on_page(at)


@pytest.mark.parametrize("lang", LANGS)
def test_preview_and_commit_translated(analyst: Path, lang: str) -> None:
    """A good file: the detection table, the preview, the commit form and the stored message in
    the reader's language."""
    data = shared_file("rsf", "2026.csv").read_bytes().replace(KAZ_2026, b"KAZ;34,42;149;")
    at = _page(lang, "app_pages/upload.py")
    at.get("file_uploader")[0].set_value(("2026.csv", data, "text/csv")).run()
    assert not at.exception and not english_on_page(at)
    detected = at.dataframe[0].value
    assert {"ru": "кодировка", "kk": "кодтама"}[lang] in detected.columns
    at.text_input(key="message_upload").input("правка").run()
    at = at.button(key="commit_upload").click().run()
    stored = {"ru": "Сохранено как версия 3.", "kk": "3 нұсқасы ретінде сақталды."}[lang]
    assert at.success and at.success[0].value.startswith(stored)
    assert not english_on_page(at)


@pytest.mark.parametrize("lang", LANGS)
def test_mapping_by_hand_translated(analyst: Path, lang: str) -> None:
    """Mapping columns by hand: the kinds, the fields' labels and "(not in file)" translated
    (the options are the file's own column names, here Russian ones)."""
    at = _page(lang, "app_pages/upload.py")
    at.selectbox(key="map_kind").set_value("incidents").run()
    data = "дата,страна,тип\n2022-01-05,KAZ,задержание\n".encode()
    at.get("file_uploader")[0].set_value(("инциденты.csv", data, "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="map_field_date").label == {"ru": "дата", "kk": "күні"}[lang]
    assert (
        at.selectbox(key="map_field_date").options[0]
        == {"ru": "(нет в файле)", "kk": "(файлда жоқ)"}[lang]
    )
    assert not english_on_page(at)


def test_problems_csv_keeps_cyrillic() -> None:
    """The problems CSV as the download writes it (UTF-8): translated headings, messages made
    with msg() translated, data (file names, values) as written."""
    problems = [
        Problem("данные.csv", msg("(not in file)"), row=2, column="балл", value="сорок"),
        Problem("notes.csv", "a problem given as plain text", fix=""),
    ]
    with using("ru"):
        data = to_safe_csv(problems_table(problems)).encode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == HEADINGS["ru"]
    assert rows[1] == ["данные.csv", "2", "балл", "сорок", "(нет в файле)", ""]
    assert rows[2][4] == "a problem given as plain text" and rows[2][5] == ""
    english = to_safe_csv(problems_table(problems))
    assert english.splitlines()[0] == "file,row,column,value,problem,fix"
    assert "(not in file)" in english


def test_exception_messages_translated_when_made_with_msg() -> None:
    """An exception raised with msg() is shown in the reader's language; any other as it is."""
    with using("kk"):
        assert shown_error(ValueError(msg("(none)"))) == "(жоқ)"
        assert shown_error(ValueError("not a year: 20x4")) == "not a year: 20x4"
    assert shown_error(ValueError(msg("(none)"))) == "(none)"


@pytest.mark.parametrize("lang", LANGS)
def test_history_page_translated(analyst: Path, lang: str) -> None:
    """The History page of a signed-in analyst: no English; the listing's headings translated."""
    at = _page(lang, "app_pages/history.py")
    assert at.title[0].value == {"ru": "История и откат", "kk": "Тарих және кері қайтару"}[lang]
    heading = {"ru": "состояние", "kk": "күйі"}[lang]
    assert any(heading in d.value.columns for d in at.dataframe)
    assert not english_on_page(at)


@pytest.fixture
def client(users_file: Path) -> Iterator[TestClient]:
    """The server's sign-in routes in a test client."""
    auth.add_user("alice", PASSWORD, path=users_file)

    def audit(action: str, user: str, details: Mapping[str, Any]) -> None:
        pass

    app = Starlette(routes=signin_routes(SignInConfig(audit=audit, users_path=users_file)))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.mark.parametrize("lang", LANGS)
def test_signin_form_in_the_language_asked(client: TestClient, lang: str) -> None:
    """``?lang=`` gives the form in that language, kept through a failed attempt; the way back
    keeps the language; an unknown code gives English."""
    english = client.get("/account/signin?lang=xx").text
    assert '<html lang="en">' in english and "Password" in english and 'name="lang"' not in english
    page = client.get(f"/account/signin?next=/upload%3Flang%3D{lang}&lang={lang}").text
    assert f'<html lang="{lang}">' in page
    assert {"ru": "Пароль", "kk": "Құпиясөз"}[lang] in page and "Password" not in page
    assert f'name="lang" value="{lang}"' in page
    throttle = Path(auth.users_file_path()).with_name("users.json.throttle")
    throttle.unlink(missing_ok=True)
    form = {
        "csrf": client.cookies["indicators_csrf"],
        "name": "alice",
        "password": "wrong password",
        "next": f"/upload?lang={lang}",
        "lang": lang,
    }
    refused = client.post("/account/signin", data=form, follow_redirects=False)
    assert refused.status_code == 401 and f'<html lang="{lang}">' in refused.text
    assert "Sign in</h1>" not in refused.text
    form["password"] = PASSWORD
    throttle.unlink(missing_ok=True)
    done = client.post("/account/signin", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/upload?lang={lang}"
    signed_in = client.get(f"/account/signin?lang={lang}").text
    assert {"ru": "Вход выполнен", "kk": "Жүйеге кірдіңіз"}[lang] in signed_in
    assert f'name="lang" value="{lang}"' in signed_in  # signing out keeps the language
