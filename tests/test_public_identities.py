"""No identities in public: nothing a visitor can reach names who made a version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from indicators.pipeline.commit import ingest
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file

APP = Path(__file__).resolve().parents[1] / "app.py"
VISITOR_PAGES = ["overview", "rankings", "incidents", "events", "claim", "sources", "signin"]
EMAIL, ACCOUNT = "amina@example.org", "amina"


@pytest.fixture
def analysts_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStore:
    """A store whose versions were made by an OIDC e-mail address and a local account name."""
    monkeypatch.setenv("INDICATORS_STORE", str(tmp_path))
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2024.csv"))], user=EMAIL)
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2025.csv"))], user=ACCOUNT)
    store.rollback(2, user=EMAIL, message="roll back to version 2")
    assert {v.user for v in store.versions()} == {EMAIL, ACCOUNT}
    return store


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The data of every download button the app draws (written out when deferred)."""
    offered: list[bytes] = []
    original = streamlit.download_button

    def recording(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        content = data() if callable(data) else data
        offered.append(content.encode() if isinstance(content, str) else bytes(content))
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return offered


def _texts(node: Any) -> Iterator[str]:
    for child in getattr(node, "children", {}).values():
        proto = getattr(child, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            yield json.dumps(MessageToDict(proto), ensure_ascii=False)
        yield from _texts(child)


def test_no_page_or_download_names_an_analyst(
    analysts_store: LocalStore, downloads: list[bytes]
) -> None:
    """On every page a visitor can open, and in every file it offers, no analyst's account
    name or e-mail address appears; versions, dates, files and messages are still listed."""
    seen: dict[str, list[str]] = {}
    listed: list[int] = []
    for page in VISITOR_PAGES:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params["country"] = "KAZ"
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, (page, at.exception)
        seen[page] = [*_texts(at._tree), *(f.value.to_csv() for f in at.dataframe)]
        if page == "sources":
            versions = next(f.value for f in at.dataframe if "message" in f.value.columns)
            listed = list(versions["version"])
            assert "roll back to version 2" in set(versions["message"])
    assert listed == [3, 2, 1]
    seen["downloads"] = [d.decode("utf-8", "replace") for d in downloads]
    assert any("rsf_2024.csv" in d or "2024.csv" in d for d in seen["downloads"])  # provenance
    for page, texts in seen.items():
        for text in texts:
            assert ACCOUNT not in text.lower(), (page, text[:300])
