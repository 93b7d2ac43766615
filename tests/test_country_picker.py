"""AppTest: the country picker finds what a reader types, and a URL naming no country says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile import HOSTILE, markup_in, visible

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = [None, "app_pages/incidents.py", "app_pages/rankings.py"]


def _run(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)  # opened directly, as a link to the page would
    at.run()
    assert not at.exception, at.exception
    return at


def _trace_names(at: AppTest) -> list[str]:
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [t.get("name", "") for t in fig["data"]]


def test_picker_options_carry_russian_names_variants_and_codes() -> None:
    """The picker's options hold 'Казахстан', the code, and both 'Turkey' and 'Türkiye'."""
    at = _run()
    picker = at.sidebar.selectbox(key="country")
    kaz = next(o for o in picker.options if o.startswith("Kazakhstan"))
    tur = next(o for o in picker.options if "(TUR)" in o)
    assert "Казахстан" in kaz and "KAZ" in kaz
    assert "Turkey" in tur and "Türkiye" in tur
    assert picker.value == "KAZ"


@pytest.mark.parametrize("page", PAGES)
def test_unknown_country_in_the_url_says_so(page: str | None) -> None:
    """?country=XYZ shows Kazakhstan and says that XYZ is not in the data."""
    at = _run(page, country="XYZ")
    warnings = [visible(w.value) for w in at.warning]
    assert "No country with the code XYZ is in the data; showing Kazakhstan." in warnings
    assert at.sidebar.selectbox(key="country").value == "KAZ"
    assert at.query_params["country"] in ("KAZ", ["KAZ"])


def test_country_name_in_the_url_is_resolved() -> None:
    """?country=Turkey and ?country=kaz open those countries, without a warning."""
    at = _run(country="Turkey")
    assert at.sidebar.selectbox(key="country").value == "TUR"
    assert any(n.startswith("Türkiye") for n in _trace_names(at))
    assert not at.warning
    assert _run(country="kaz").sidebar.selectbox(key="country").value == "KAZ"


@pytest.mark.parametrize("value", HOSTILE[::2])
def test_hostile_country_in_the_url_is_shown_as_text(value: str) -> None:
    """A hostile ?country= value is repeated as plain text (escaped, one line), never markup."""
    at = _run(country=value)
    [warning] = [w.value for w in at.warning if "showing Kazakhstan" in w.value]
    assert markup_in(warning) == []
    assert at.sidebar.selectbox(key="country").value == "KAZ"
