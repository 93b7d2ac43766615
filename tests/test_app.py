"""AppTest: every page renders on the embedded data and its controls change what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    return at.run()


def test_rankings_page_renders_kazakhstan() -> None:
    """The default page shows Kazakhstan's 24 editions without an exception."""
    at = _app()
    assert not at.exception
    assert at.selectbox(key="country").value == "KAZ"
    figure = at.get("plotly_chart")[0].proto.spec
    assert "Kazakhstan" in figure and "method change" in figure


def test_country_change_changes_chart() -> None:
    """Choosing another country redraws the chart with that country's data."""
    at = _app()
    at.selectbox(key="country").set_value("KGZ").run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Kyrgyzstan" in spec and "Kazakhstan" not in spec
    assert at.query_params["country"] == ["KGZ"] or at.query_params["country"] == "KGZ"
