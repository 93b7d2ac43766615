"""AppTest: the Upload page commits exactly what was previewed, and parses each file once.

The analyst is signed in by replacing ``app_pages._auth.current_analyst`` (AppTest cannot send
the session cookie the sign-in route sets); the page still calls ``require_analyst`` itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import indicators.pipeline.extract
import indicators.sources.reading
from indicators.pipeline import prepare_worker
from indicators.pipeline.commit import ingest
from indicators.pipeline.prepare_worker import PreviewJob
from indicators.sources.reading import SourceFile
from indicators.sources.synthetic import COLUMNS, synthetic_incidents
from indicators.store import LocalStore, Store
from indicators.store.factory import open_store
from tests.conftest import shared_file
from tests.pg import postgres_server_fixture, postgres_url_fixture  # noqa: F401 (fixtures)

APP = Path(__file__).resolve().parents[1] / "app.py"
KAZ_2026 = b"KAZ;34,41;149;"  # Kazakhstan's 2026 row: score 34.41, rank 149


def _seeded(s: Store) -> Store:
    for year in ("2025", "2026"):
        ingest(s, [SourceFile.from_path(shared_file("rsf", f"{year}.csv"))], user="seed")
    return s


@pytest.fixture
def analyst_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local store holding RSF 2025 and 2026 (versions 1 and 2); analyst amina signed in."""
    store = tmp_path / "store"
    monkeypatch.setenv("INDICATORS_STORE", str(store))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    _seeded(LocalStore(store))
    return store


@pytest.fixture(params=["local", "postgres"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Store:
    """The app's store on each backend, holding RSF 2025 and 2026; analyst amina signed in."""
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    if request.param == "postgres":
        location = str(request.getfixturevalue("postgres_url"))
        monkeypatch.setenv("INDICATORS_DATABASE_URL", location)
    else:
        location = str(tmp_path / "store")
        monkeypatch.setenv("INDICATORS_STORE", location)
    return _seeded(open_store(location))


def rsf_2026(score: str) -> bytes:
    """RSF's 2026 file with Kazakhstan's score set to ``score`` (e.g. '34,50': within its neighbours, or the rank order refuses it)."""
    data = shared_file("rsf", "2026.csv").read_bytes()
    assert data.count(KAZ_2026) == 1
    return data.replace(KAZ_2026, f"KAZ;{score};149;".encode())


def kaz_score(store: Store | Path, edition: str = "2026") -> float:
    """Kazakhstan's stored RSF score of one edition at the store's head."""
    rankings = (LocalStore(store) if isinstance(store, Path) else store).table("rankings")
    row = rankings[
        (rankings["iso3"] == "KAZ")
        & (rankings["edition"] == edition)
        & (rankings["index"] == "rsf_wpfi")
    ]
    return float(row["score"].iloc[0])


def signed_in_upload_page() -> AppTest:
    """The app with the analyst signed in, on the Upload page."""
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    return at.switch_page("app_pages/upload.py").run()


def texts(at: AppTest) -> str:
    """Every message and text the page shows, in one string."""
    parts: list[Any] = [*at.error, *at.success, *at.markdown, *at.caption, *at.warning, *at.info]
    return "\n".join(str(p.value) for p in parts)


def commit(at: AppTest, key: str, message: str) -> AppTest:
    """Type a commit message and click Commit."""
    at.text_input(key=f"message_{key}").input(message).run()
    return at.button(key=f"commit_{key}").click().run()


def test_commit_after_another_commit_is_refused_and_nothing_lost(backend: Store) -> None:
    """Preview a corrected 2026 file at version 2; version 3 comes from the command line;
    Commit is refused naming version 3, which stays intact; the new preview then commits."""
    at = signed_in_upload_page()
    at.get("file_uploader")[0].set_value(("2026.csv", rsf_2026("34,42"), "text/csv")).run()
    assert not at.exception and "1 changed" in texts(at)
    outside = SourceFile("2026.csv", rsf_2026("34,50"))
    ingest(backend, [outside], user="cli", message="correction")
    assert kaz_score(backend) == 34.5

    at = commit(at, "upload", "my correction")
    assert not at.exception
    assert backend.head() == 3, "nothing may be stored on a stale preview"
    assert kaz_score(backend) == 34.5, "version 3's correction must stay"
    when = backend.version(3).created_at
    assert at.error and "version 3" in at.error[0].value and when in at.error[0].value
    assert not at.success

    at = at.button(key="commit_upload").click().run()
    assert at.success and "Stored as version 4" in at.success[0].value
    assert not at.error, "the refusal of the earlier click is over once the commit is stored"
    assert kaz_score(backend) == 34.42
    versions = backend.versions()
    assert [v.message for v in versions][-2:] == ["correction", "my correction"]
    assert versions[-1].user == "amina"


def test_commit_after_the_worker_stopped_commits_only_what_was_seen(backend: Store) -> None:
    """The worker holding the preview stops (idle) and version 3 comes meanwhile: the click
    prepares again but stores nothing unseen; the next click stores the preview shown."""
    at = signed_in_upload_page()
    at.get("file_uploader")[0].set_value(("2026.csv", rsf_2026("34,42"), "text/csv")).run()
    at.text_input(key="message_upload").input("my correction").run()
    for job in list(prepare_worker._live.values()):
        job.close()
    ingest(backend, [SourceFile("2026.csv", rsf_2026("34,50"))], user="cli")

    at = at.button(key="commit_upload").click().run()
    assert not at.exception
    assert backend.head() == 3 and kaz_score(backend) == 34.5
    assert at.error and "version 3" in at.error[0].value

    at = at.button(key="commit_upload").click().run()
    assert at.success and "Stored as version 4" in at.success[0].value
    assert kaz_score(backend) == 34.42


def test_rsf_update_commit_refused_when_stale(
    backend: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The RSF update's pinned change is refused after another commit, then committed anew."""
    published = tmp_path / "rsf"
    published.mkdir()
    (published / "2026.csv").write_bytes(rsf_2026("34,42"))
    monkeypatch.setenv("INDICATORS_RSF_BASE", published.as_uri())
    at = signed_in_upload_page()
    at.text_input(key="rsf_editions").input("2026").run()
    at = at.button(key="rsf_fetch").click().run()
    assert not at.exception and not at.error
    ingest(backend, [SourceFile("2026.csv", rsf_2026("34,50"))], user="cli")

    at = commit(at, "rsf", "RSF 2026 again")
    assert backend.head() == 3 and kaz_score(backend) == 34.5
    assert at.error and "version 3" in at.error[0].value

    at = at.button(key="commit_rsf").click().run()
    assert at.success and "Stored as version 4" in at.success[0].value
    assert kaz_score(backend) == 34.42


def test_files_parsed_once_outside_the_server(
    analyst_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reruns (typing a message, a fresh run) never parse in the server's process, and the
    worker prepares the files once."""
    submitted: list[int] = []
    real_submit = PreviewJob._submit

    def counted(self: PreviewJob) -> Any:
        submitted.append(1)
        return real_submit(self)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was parsed in the server's script thread")

    monkeypatch.setattr(PreviewJob, "_submit", counted)
    for module, name in (
        (indicators.pipeline.extract, "parse_file"),
        (indicators.sources.reading, "read_table"),
    ):
        monkeypatch.setattr(module, name, no_parse)
    at = signed_in_upload_page()
    at.get("file_uploader")[0].set_value(("2026.csv", rsf_2026("34,42"), "text/csv")).run()
    at.text_input(key="message_upload").input("typing").run()
    at.run()
    assert not at.exception and "1 changed" in texts(at)
    assert len(submitted) == 1


def test_problems_listed_with_count(analyst_env: Path) -> None:
    """A file the page cannot read shows its problems and the count, and stores nothing."""
    at = signed_in_upload_page()
    at.get("file_uploader")[0].set_value(("notes.csv", b"a;b\n1;2\n", "text/csv")).run()
    assert at.error and "1 problem(s) found. Nothing was stored." in at.error[0].value
    assert LocalStore(analyst_env).head() == 2


def test_many_problems_capped_on_the_page(analyst_env: Path) -> None:
    """1,500 unreadable dates: the page counts 1,500, lists 1,000 and counts the rest."""
    frame = synthetic_incidents(1_500)
    frame["date"] = "not a date"
    data = frame[[c for c in COLUMNS if c != "synthetic"]].to_csv(index=False).encode()
    at = signed_in_upload_page()
    at.text_input(key="map_country").input("KAZ").run()
    at.get("file_uploader")[0].set_value(("incidents.csv", data, "text/csv")).run()
    assert at.error and at.error[0].value.startswith("1,500 problem(s) found.")
    table = at.dataframe[-1].value
    assert len(table) == 1_001 and table["problem"].iloc[-1] == "and 500 more: not a date"
    assert "The first 1,000 problems are listed" in texts(at)


def test_saved_mapping_profile_is_audited(analyst_env: Path) -> None:
    """Saving a mapping profile writes it and records who saved it in the audit log."""
    at = signed_in_upload_page()
    at.selectbox(key="map_kind").set_value("events").run()
    at.get("file_uploader")[0].set_value(("e.csv", b"when,what\n2022-01-05,x\n", "text/csv")).run()
    at.selectbox(key="map_field_date").set_value("when").run()
    at.text_input(key="profile_name").input("my events").run()
    at = at.button(key="save_profile").click().run()
    assert not at.exception and at.success and at.success[0].value == "Profile saved."
    log = (analyst_env / "audit.log").read_text()
    assert "my events" in log and "amina" in log
