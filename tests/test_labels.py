"""Display labels against the real reference, vocabulary and label files (indicators.present.labels)."""

from __future__ import annotations

import tempfile

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.pipeline.embedded import open_default_store
from indicators.present import labels
from indicators.query.views import EXPORT_COLUMNS, choose_country, entity_names, rankings_view
from indicators.sources.reference import load_reference
from indicators.tables.registry import TABLES
from indicators.tables.vocab import VOCABULARIES, vocabulary

with tempfile.TemporaryDirectory() as _folder:
    _STORE = open_default_store(_folder)
    _TABLES = {name: _STORE.table(name) for name in TABLES}
_NAMES = entity_names(_TABLES["rankings"], _TABLES["incidents"], _TABLES["events"])
_RAW = {"None", "nan", "NaN", "<NA>", "NaT"}


def test_statute_label_names_the_code_article_and_title() -> None:
    """KAZ-CC2014-274 reads 'Criminal Code art. 274: dissemination of knowingly false information'."""
    assert labels.statute_label("KAZ-CC2014-274") == (
        "Criminal Code art. 274: dissemination of knowingly false information"
    )
    assert (
        labels.statute_label("KAZ-CC1997-129")
        == "Criminal Code (1997) art. 129: slander (defamation)"
    )
    assert labels.statute_label("KAZ-AC2014-456-2").startswith(
        "Code on Administrative Offences art. 456-2: "
    )
    assert labels.statute_label("KAZ-XX-1") == "KAZ-XX-1" and labels.statute_label(None) == ""


def test_every_statute_has_one_distinct_label_with_its_title() -> None:
    """Each statute in statutes*.csv has a label holding its article and title, no two alike."""
    table = load_reference().statutes
    found = labels.statute_labels()
    assert set(found) == set(table["key"])
    for key, article, title in zip(table["key"], table["article"], table["title_en"], strict=True):
        assert found[key].endswith(f"art. {article}: {title}")
        assert "KAZ-" not in found[key] and "CC2014" not in found[key]
    assert len(set(found.values())) == len(found)


def test_regions_are_named_and_sorted_by_name() -> None:
    """KZ-75 is 'Almaty (city)'; every region has a distinct name; sorting follows the names."""
    regions = load_reference().regions
    found = labels.region_labels()
    assert found["KZ-75"] == "Almaty (city)" and found["KZ-19"] == "Almaty Region"
    assert found["KZ-YUZ"] == "South Kazakhstan Region (until 2018)"
    assert set(found) == set(regions["code"]) and len(set(found.values())) == len(found)
    ordered = labels.sorted_regions(regions["code"])
    names = [found[c].casefold() for c in ordered]
    assert names == sorted(names) and ordered[0] == "KZ-10"  # Abai Region


def test_every_stored_index_has_a_label() -> None:
    """Every index in the embedded rankings has a written name; an unknown one keeps its own."""
    for index in _TABLES["rankings"]["index"].unique():
        assert labels.index_label(index) != index, index
    assert labels.index_label("rsf_wpfi") == "RSF World Press Freedom Index"
    assert labels.index_label("ngo_watch") == "ngo_watch"


def test_measures_carry_their_scale() -> None:
    """position / rank / score_normalised read with their scale and direction."""
    assert labels.measure_label("position") == "Position (0-100, 100 = freest)"
    assert labels.measure_label("rank") == "Rank (1 = freest)"
    assert labels.measure_label("score_normalised") == "Score (0-100)"


def test_every_canonical_and_export_column_has_a_header() -> None:
    """Each column of the four canonical tables and the export is in data/labels/columns.csv."""
    listed = labels.load_labels("columns")
    columns = {c for spec in TABLES.values() for c in spec.names} | set(EXPORT_COLUMNS)
    assert sorted(columns - set(listed)) == []
    assert labels.column_label("n_ranked") == "Number ranked"
    assert labels.column_label("place_as_written") == "Place as written"
    assert len(set(listed.values())) == len(listed)


def test_vocabulary_values_and_event_kinds_read_as_words() -> None:
    """Every vocabulary value is shown capitalised without underscores ('Case dropped')."""
    for name in VOCABULARIES:
        for value in vocabulary(name).values:
            label = labels.value_label(value)
            assert "_" not in label and label[:1].isupper(), (name, value)
    assert labels.value_label("case_dropped") == "Case dropped"
    assert labels.value_label("NGO") == "NGO" and labels.value_label(None) == ""
    assert labels.event_kind_label("law change") == "Law change"


def test_readable_stored_tables_have_headers_and_blank_cells() -> None:
    """The embedded tables, made readable, have no raw column names and no 'None'/'nan' cell."""
    frames = [*_TABLES.values(), rankings_view(_TABLES["rankings"])]
    for frame in frames:
        shown = labels.readable(frame)
        assert list(shown.columns) == [labels.column_label(c) for c in frame.columns]
        assert not shown.isna().any().any()
        assert not shown.astype(str).isin(_RAW).any().any()
        assert len(shown) == len(frame)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=1, max_size=8),
    st.lists(st.one_of(st.none(), st.floats(allow_nan=True)), min_size=1, max_size=8),
    st.lists(st.one_of(st.none(), st.booleans(), st.text(max_size=4)), min_size=1, max_size=8),
)
def test_readable_never_shows_a_missing_marker(ints: list, floats: list, mixed: list) -> None:
    """Whatever the blanks, readable() shows them as empty cells and keeps every value."""
    n = min(len(ints), len(floats), len(mixed))
    frame = pd.DataFrame(
        {
            "n_ranked": pd.array(ints[:n], dtype="Int64"),
            "score": pd.array(floats[:n], dtype="Float64"),
            "summary": pd.Series(mixed[:n], dtype=object),
        }
    )
    shown = labels.readable(frame)
    assert not shown.isna().any().any()
    for raw, cell in zip(frame["n_ranked"], shown["Number ranked"], strict=True):
        assert cell == ("" if pd.isna(raw) else raw) or cell == str(raw)


def test_country_options_carry_what_readers_type() -> None:
    """Options hold the code, English variants and Russian names: KAZ 'Казахстан', TUR 'Turkey'."""
    options = labels.country_options(_NAMES)
    assert set(options) == set(_NAMES.index)
    assert "Казахстан" in options["KAZ"] and options["KAZ"].startswith("Kazakhstan (KAZ)")
    assert "Turkey" in options["TUR"] and "Türkiye" in options["TUR"]
    assert all(f"({code})" in label for code, label in options.items())


def test_choose_country_resolves_names_and_reports_unknowns() -> None:
    """Names and lower-case codes resolve; an unknown code falls back to Kazakhstan, saying so."""
    assert choose_country("KAZ", _NAMES, "KAZ").problem is None
    assert choose_country("Turkey", _NAMES, "KAZ").code == "TUR"
    assert choose_country("Казахстан", _NAMES, "KAZ").code == "KAZ"
    assert choose_country("kaz", _NAMES, "KAZ").code == "KAZ"
    unknown = choose_country("XYZ", _NAMES, "KAZ")
    assert unknown.code == "KAZ"
    assert unknown.problem == "No country with the code XYZ is in the data; showing Kazakhstan."
    long = choose_country("x\n" * 100, _NAMES, "KAZ").problem or ""
    assert "\n" not in long and len(long) < 120


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60))
def test_choose_country_always_picks_a_country_in_the_data(wanted: str) -> None:
    """Any URL text gives a country that is in the data, on one line when it is reported."""
    choice = choose_country(wanted, _NAMES, "KAZ")
    assert choice.code in _NAMES.index
    assert choice.problem is None or "\n" not in choice.problem
