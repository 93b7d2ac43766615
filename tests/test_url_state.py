"""The URL-bound widgets (app_pages/_url.py): a URL's values are shown, bad ones ignored."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import streamlit as st

    from app_pages import _url

    a = _url.selectbox("Index", ["rsf_wpfi", "fh_fiw"], "index", default="rsf_wpfi")
    b = _url.multiselect(
        "Kinds",
        ["election", "protest", "law"],
        "kinds",
        default=["election", "protest", "law"],
        all_means_none=True,
    )
    c = _url.checkbox("Comparable", "comparable")
    d = _url.radio("Show", ["position", "rank"], "view")
    e = _url.number("Rank", "rank", default=158, low=1, high=300)
    f = _url.text("Words", "words")
    st.write(repr((a, b, c, d, e, f)))


def _run(**params: object) -> AppTest:
    at = AppTest.from_function(_app)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_defaults_leave_the_url_short() -> None:
    at = _run()
    assert not at.exception
    assert at.markdown[0].value == repr(
        ("rsf_wpfi", ["election", "protest", "law"], False, "position", 158, "")
    )
    assert "kinds" not in at.query_params and "view" not in at.query_params


def test_url_values_are_shown_and_kept() -> None:
    at = _run(
        index="fh_fiw",
        kinds=["law", "election"],
        comparable="1",
        view="rank",
        rank="141",
        words="art. 274",
    )
    assert not at.exception
    assert at.markdown[0].value == repr(
        ("fh_fiw", ["law", "election"], True, "rank", 141, "art. 274")
    )
    assert at.query_params["index"] in ("fh_fiw", ["fh_fiw"])
    assert at.query_params["kinds"] == ["law", "election"]


def test_hostile_url_values_fall_back_to_defaults() -> None:
    at = _run(index="<script>", kinds=["nope"], view="x", rank="99999", words="a\u202eb\x00")
    assert not at.exception
    assert at.markdown[0].value == repr(("rsf_wpfi", [], False, "position", 158, "ab"))
    assert at.query_params["kinds"] in ("", [""])


def test_reader_choice_after_opening_wins_over_the_url() -> None:
    at = _run(index="fh_fiw")
    at.selectbox(key="index").select("rsf_wpfi").run()
    assert at.markdown[0].value.startswith("('rsf_wpfi'")
    assert at.query_params["index"] in ("rsf_wpfi", ["rsf_wpfi"])
