"""The incident listing, the filter choices and the country list the pages are built from."""

from __future__ import annotations

import tempfile

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.pipeline.embedded import open_default_store
from indicators.query.aggregate import filter_options, latest_incidents, rows_where
from indicators.query.views import entity_names

with tempfile.TemporaryDirectory() as _folder:
    _EMBEDDED = open_default_store(_folder).table("incidents")


def _incidents(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    ids = [i for i, _ in rows]
    return pd.DataFrame(
        {
            "incident_id": pd.array(ids, dtype="str"),
            "statute_seq": pd.array(range(1, len(rows) + 1), dtype="Int64"),
            "date": pd.array([d for _, d in rows], dtype="str"),
        }
    )


def test_latest_first_one_row_per_incident() -> None:
    rows = _incidents([("a", "2020-01-02"), ("a", "2020-01-02"), ("b", "2021-05"), ("c", None)])
    listed = latest_incidents(rows)
    assert listed["incident_id"].tolist() == ["b", "a", "c"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefghij"),
            st.one_of(st.none(), st.sampled_from(["2019", "2020-03", "2020-03-01", "2021-12-31"])),
        ),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=12),
)
def test_a_limit_gives_the_head_of_the_full_list(
    rows: list[tuple[str, str | None]], limit: int
) -> None:
    """Choosing the newest k without sorting everything gives exactly the first k rows."""
    frame = _incidents(rows)
    full = latest_incidents(frame)
    assert full["incident_id"].is_unique
    assert set(full["incident_id"]) == set(frame["incident_id"])
    dates = full["date"].fillna("").tolist()
    assert dates[: len([d for d in dates if d])] == sorted((d for d in dates if d), reverse=True)
    pd.testing.assert_frame_equal(latest_incidents(frame, limit), full.head(limit))


def test_filter_choices_come_from_the_countrys_records(tmp_path: object) -> None:
    incidents = open_default_store(str(tmp_path)).table("incidents")
    options = filter_options(incidents, "KAZ")
    kaz = incidents[incidents["country"] == "KAZ"]
    assert options.statutes == sorted(kaz["statute_key"].dropna().unique())
    assert "KAZ-CC2014-274" in options.statutes
    assert options.regions["KZ-71"] and options.regions["KZ-75"]
    assert options.years == (int(kaz["year"].min()), int(kaz["year"].max()))
    assert filter_options(incidents, "XXX").years is None


def test_entity_names_include_codes_with_only_incidents_or_events() -> None:
    rankings = pd.DataFrame(
        {
            "iso3": ["KAZ", "KAZ", "XCD"],
            "country": ["Kazakhstan", "Kazakhstan", "Cyprus North"],
            "entity_kind": ["country", "country", "pseudo"],
        }
    )
    incidents = pd.DataFrame({"country": ["KAZ", "USA", None]})
    events = pd.DataFrame({"country": ["KGZ"]})
    names = entity_names(rankings, incidents, events)
    assert names.to_dict() == {"KAZ": "Kazakhstan", "KGZ": "KGZ", "USA": "USA"}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_rows_where_is_a_boolean_selection(data: st.DataObject) -> None:
    """The Arrow selection gives exactly frame[mask]: values, dtypes, index."""
    frame = _EMBEDDED.iloc[::-1] if data.draw(st.booleans()) else _EMBEDDED
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame))))
    pd.testing.assert_frame_equal(rows_where(frame, mask), frame[mask])
    mixed = frame.assign(score=np.arange(len(frame), dtype=float))  # other dtypes: pandas' own
    pd.testing.assert_frame_equal(rows_where(mixed, mask), mixed[mask])
