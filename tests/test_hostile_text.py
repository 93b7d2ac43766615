"""Hostile text in every free-text column of every table: every page shows it as text.

One AppTest session per page walks every country of the hostile store (one hostile value per
country, in every text cell) and inspects what Streamlit would render: every Markdown string
of every element (bodies, labels, metric values and deltas, help, captions, alerts, titles,
expanders, tabs) and every string of every figure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from app_pages._share import PRINT_CSS
from indicators.pipeline.embedded import open_default_store
from tests.hostile import (
    HOSTILE,
    HOSTILE_CODES,
    alnum,
    carries,
    hostile_store,
    html_in_figure_text,
    markup_in,
    visible,
    visible_in_figure,
)

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = ["overview", "rankings", "incidents", "events", "claim", "sources"]
# Proto fields Streamlit renders as Markdown (react-markdown): element bodies, labels, help.
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "caption", "placeholder"}
RADIO_OPTIONS = {"radio"}  # a radio's option labels are Markdown too
NOT_RENDERED = frozenset({"meta", "legendgroup"})  # figure keys plotly never shows as text
TALLY: dict[str, int] = {"tried": 0, "held": 0}


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the hostile tables (built from the embedded data's Kazakhstan rows)."""
    base = open_default_store(tmp_path_factory.mktemp("embedded"))
    root = tmp_path_factory.mktemp("hostile")
    hostile_store(root, base)
    return root


def _elements(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _elements(child)


def _proto(element: Any) -> dict[str, Any]:
    proto = getattr(element, "proto", None)
    if proto is None or not hasattr(proto, "DESCRIPTOR"):
        return {}
    return MessageToDict(proto, preserving_proto_field_name=True)


def _strings(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                yield from _strings(v, skip)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, skip)


def _markdown_strings(proto: dict[str, Any], kind: str) -> Iterator[str]:
    for key, value in proto.items():
        if key in MARKDOWN_FIELDS or (key == "options" and kind in RADIO_OPTIONS):
            yield from _strings(value)
        elif isinstance(value, dict) and key in ("tab", "expandable"):
            yield from _markdown_strings(value, key)


def _link(column_config: dict[str, Any]) -> bool:
    return bool(column_config.get("type_config", {}).get("type") == "link")


def page_findings(at: AppTest, value: str) -> tuple[list[str], str, set[str]]:
    """Everything on the page that would render as markup, the text a reader sees in
    Markdown and figures, and the table cells. Strings that carry ``value`` are checked
    strictly (no emphasis or entity either); the app's own formatted text only for links."""
    findings: list[str] = []
    seen: list[str] = []
    for element in _elements(at._tree):
        proto = _proto(element)
        if element.type == "dataframe":
            links = [c for c, v in json.loads(proto.get("columns") or "{}").items() if _link(v)]
            findings += [f"dataframe: column {c!r} shown as links" for c in links]
            continue
        if element.type == "html" and proto.get("body") == PRINT_CSS:
            continue  # the app's own print stylesheet, a constant
        if element.type == "plotly_chart":
            for text in _strings(json.loads(proto["spec"]), skip=NOT_RENDERED):
                findings += [f"figure: {f} in {text!r}" for f in html_in_figure_text(text)]
                seen.append(visible_in_figure(text))
            continue
        for text in _markdown_strings(proto, element.type):
            strict = carries(text, value)
            found = markup_in(text, strict=strict)
            findings += [f"{element.type}: {f} in {text!r}" for f in found]
            seen.append(visible(text))
    cells = {str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()}
    return findings, "\n".join(seen), cells


def _open(page: str, code: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["country"] = code
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    return at.run()


@pytest.mark.parametrize("page", PAGES)
def test_hostile_values_render_as_text(
    page: str, hostile_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On every page and for every hostile value, the value is shown as written, and no
    Markdown string holds a link, image, HTML, autolinked address or other markup, and no
    figure string holds a tag or LaTeX."""
    monkeypatch.setenv("INDICATORS_STORE", str(hostile_root))
    problems = {}
    for code, value in zip(HOSTILE_CODES, HOSTILE, strict=True):
        at = _open(page, code)
        assert not at.exception, (code, [e.value for e in at.exception])
        findings, seen, cells = page_findings(at, value)
        # Sources lists the versions and their files in tables; other pages show the value
        # in some title, sentence, label or figure.
        shown = value in cells if page == "sources" else alnum(value) in alnum(seen)
        findings += [] if shown else ["the value is not shown as written"]
        TALLY["tried"] += 1
        if findings:
            problems[code] = findings
        else:
            TALLY["held"] += 1
    print(f"hostile text values tried / held, after {page}: {TALLY['tried']} / {TALLY['held']}")
    assert not problems, problems
