"""Opening the app's pages in AppTest, shared by the page tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"


def open_page(page: str | None = None, **params: Any) -> AppTest:
    """Run the app with ``params`` in the URL, then switch to ``page``; no exception, no error."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at: AppTest) -> list[dict[str, Any]]:
    """Every plotly figure the run drew, as its JSON spec."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
