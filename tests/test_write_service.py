"""One write service: every write path records the same action for the same act, and where.

Each path is driven as a person would (the command line, the Upload and History pages through
AppTest with a signed-in analyst, opening the default store) and its record is read back from
the manifests and from ``indicators audit``. The service is the only caller of a store's
``commit`` and ``rollback`` in the package, the app and the command line.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.accounts.auth import add_user
from indicators.cli.main import main
from indicators.pipeline.commit import ACTIONS, VIAS, commit, ingest
from indicators.pipeline.embedded import EMBEDDED_USER
from indicators.pipeline.prepare import prepare
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file
from tests.signin import sign_in
from tests.test_fetch import Server, _serve

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PASSWORD = "correct horse battery"
EVENTS = (
    b"date,title,kind,country,source_name\n2022-01-05,Unrest,protest/unrest,KAZ,public record\n"
)
Record = tuple[str, str, str, str]  # manifest action, audit log action, via, user


def _rsf(year: str) -> SourceFile:
    return SourceFile.from_path(shared_file("rsf", f"{year}.csv"))


def records(root: Path, capsys: pytest.CaptureFixture[str]) -> list[Record]:
    """Every version's record, read back from its manifest and from ``indicators audit``."""
    capsys.readouterr()
    assert main(["audit", "--store", str(root), "--format", "json", "--limit", "1000"]) == 0
    lines = [e for e in json.loads(capsys.readouterr().out) if "manifest" in e["details"]]
    versions = LocalStore(root).versions()
    assert [e["details"]["version"] for e in lines] == [v.number for v in versions]
    for version, line in zip(versions, lines, strict=True):
        assert line["details"]["via"] == version.audit["via"]  # the log line is the manifest's
        assert line["user"] == version.user
    return [
        (v.action, e["action"], e["details"]["via"], e["user"])
        for v, e in zip(versions, lines, strict=True)
    ]


def details(root: Path, number: int) -> dict[str, object]:
    """The audit record of version ``number``, as its manifest holds it."""
    return LocalStore(root).version(number).audit


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A local HTTP server over RSF's files; no proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    yield from _serve(shared_file("rsf"))


@pytest.fixture
def analyst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's store holding RSF 2025 (version 1, from Python); analyst amina signed in."""
    root = tmp_path / "store"
    monkeypatch.setenv("INDICATORS_STORE", str(root))
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    ingest(LocalStore(root), [_rsf("2025")], user="seed", message="RSF 2025")
    add_user("amina", PASSWORD)
    sign_in(monkeypatch, "amina", PASSWORD)
    return root


def _page(path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at = at.switch_page(path).run()
    assert not at.exception
    return at


def _commit(at: AppTest, key: str, message: str) -> AppTest:
    at.text_input(key=f"message_{key}").input(message).run()
    at = at.button(key=f"commit_{key}").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    return at


# -- the command line ------------------------------------------------------------------------


def test_cli_ingest_fetch_and_rollback(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """indicators ingest, fetch rsf --yes and rollback record ingest, fetch and rollback, via
    cli, with the user given; the fetch also records its address and editions."""
    s = ["--store", str(tmp_path), "--user", "bo"]
    assert main(["ingest", str(shared_file("rsf", "2025.csv")), *s]) == 0
    assert main(["fetch", "rsf", "--editions", "2026", "--base", server.base, "--yes", *s]) == 0
    assert main(["rollback", "1", *s]) == 0
    assert records(tmp_path, capsys) == [
        ("ingest", "ingest", "cli", "bo"),
        ("fetch", "fetch", "cli", "bo"),
        ("rollback to 1", "rollback", "cli", "bo"),
    ]
    fetched = details(tmp_path, 2)
    assert fetched["base"] == server.base and fetched["editions"] == [2026]
    assert LocalStore(tmp_path).version(2).message == f"fetch RSF 2026.csv from {server.base}"
    assert details(tmp_path, 3)["to"] == 1


def test_cli_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first command on an empty default store stores the embedded data as seed, via cli."""
    root = tmp_path / "default"
    monkeypatch.setenv("INDICATORS_STORE", str(root))
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    assert main(["history"]) == 0
    assert records(root, capsys) == [("seed", "seed", "cli", EMBEDDED_USER)]


# -- the app -----------------------------------------------------------------------------------


def test_app_upload_and_rsf_fetch(
    analyst: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Upload page's commit records ingest and its update from RSF records fetch, via app,
    with the signed-in analyst: the same actions and details as the command line's."""
    base = shared_file("rsf").as_uri() + "/"
    monkeypatch.setenv("INDICATORS_RSF_BASE", base)
    at = _page("app_pages/upload.py")
    at.get("file_uploader")[0].set_value(("events.csv", EVENTS, "text/csv")).run()
    at = _commit(at, "upload", "one event")
    at = _page("app_pages/upload.py")
    at.text_input(key="rsf_editions").input("2026").run()
    at = at.button(key="rsf_fetch").click().run()
    assert not at.exception and not at.error
    _commit(at, "rsf", "RSF 2026")
    assert records(analyst, capsys) == [
        ("ingest", "ingest", "api", "seed"),
        ("ingest", "ingest", "app", "amina"),
        ("fetch", "fetch", "app", "amina"),
    ]
    fetched = details(analyst, 3)
    assert fetched["base"] == base and fetched["editions"] == [2026]


def test_app_history_rollback(analyst: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The History page's rollback records rollback, via app, with the signed-in analyst."""
    ingest(LocalStore(analyst), [_rsf("2026")], user="seed", message="RSF 2026")
    at = _page("app_pages/history.py")
    at.selectbox(key="rollback_to").set_value(1).run()
    at.checkbox(key="rollback_confirm").check().run()
    at = at.button(key="rollback").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    assert records(analyst, capsys)[-1] == ("rollback to 1", "rollback", "app", "amina")
    assert details(analyst, 3)["to"] == 1


def test_app_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app opening an empty default store stores the embedded data as seed, via app."""
    root = tmp_path / "default"
    monkeypatch.setenv("INDICATORS_STORE", str(root))
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert records(root, capsys) == [("seed", "seed", "app", EMBEDDED_USER)]


# -- the service -------------------------------------------------------------------------------


def test_unknown_via_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """A write names where it came from out of the closed set, or is refused, nothing stored."""
    store = LocalStore(tmp_path)
    prepared = prepare(store, [_rsf("2025")])
    with pytest.raises(ValueError, match="via 'test' is not one of cli, app, api"):
        commit(store, prepared, user="t", message="m", via="test")  # type: ignore[arg-type]
    assert store.head() is None and not tmp_path.joinpath("audit.log").exists()


# The calls of a ``commit`` or ``rollback`` method allowed outside the tests: (file, receiver).
ALLOWED_CALLS = {
    ("src/indicators/pipeline/commit.py", "store.commit"),  # the write service
    ("src/indicators/pipeline/commit.py", "store.rollback"),
    ("src/indicators/store/local.py", "self.commit"),  # a backend's rollback is a commit
    ("src/indicators/store/postgres.py", "self.commit"),
    ("app_pages/upload.py", "job.commit"),  # PreviewJob.commit: the service, in its worker
}


def method_calls(names: tuple[str, ...] = ("commit", "rollback")) -> set[tuple[str, str]]:
    """(file, 'receiver.method') of every call of a method so named in src/, app_pages/, app.py."""
    files = [APP, *sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "app_pages").glob("*.py"))]
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in names
            ):
                found.add((path.relative_to(ROOT).as_posix(), ast.unparse(node.func)))
    return found


def test_no_other_caller_of_store_commit_or_rollback() -> None:
    """Only the write service calls a store's commit or rollback (and the backends themselves:
    a rollback is a commit); PreviewJob.commit runs the service's commit in the worker."""
    assert method_calls() == ALLOWED_CALLS
    text = (ROOT / "src/indicators/pipeline/prepare_worker.py").read_text(encoding="utf-8")
    assert "from indicators.pipeline.commit import commit" in text


def test_readme_and_docs_name_the_actions() -> None:
    """The README's audit paragraph and docs/accounts.md name exactly the service's actions
    and vias."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("* **The audit** of every write") :].split("\n* ")[0]
    paragraph = paragraph.split("\n\n")[0]
    accounts = (ROOT / "docs/accounts.md").read_text(encoding="utf-8")
    sentence = accounts[accounts.index("every write into the store") :].split("saved mapping")[0]
    for text in (paragraph, sentence):
        named = set(re.findall(r"`([a-z]+)`", text))
        assert named == {*ACTIONS, *VIAS, "via"}, named
