"""AppTest: every page renders on the embedded data, and its main controls change what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.pages import figures as _figures
from tests.pages import open_page as _run

APP = Path(__file__).resolve().parents[1] / "app.py"


def _trace_names(fig: dict[str, Any]) -> list[str]:
    return [t.get("name", "") for t in fig["data"]]


def test_overview_shows_kazakhstan_headline() -> None:
    """Overview: 141st of 180 (RSF 2025) era traces, event markers and plain sentences."""
    at = _run()
    metrics = {m.label: m.value for m in at.metric}
    assert any("RSF 2026" in k or "RSF 2025" in k for k in metrics)
    fig = _figures(at)[0]
    names = _trace_names(fig)
    eras = {t["meta"]["methodology"] for t in fig["data"] if t["meta"]["role"] == "series"}
    assert {"rsf_2002_2012", "rsf_2022"} <= eras and "Kazakhstan" in names
    assert any(n.startswith("event: ") for n in names)
    assert any("RSF method 2013" in a.get("text", "") for a in fig["layout"]["annotations"])
    assert any("ranked" in m.value for m in at.markdown)


def test_overview_country_change() -> None:
    """Choosing another country redraws the headline chart with that country only."""
    at = _run()
    at.sidebar.selectbox(key="country").set_value("KGZ").run()
    names = _trace_names(_figures(at)[0])
    assert any(n.startswith("Kyrgyzstan") for n in names)
    assert not any(n.startswith("Kazakhstan") for n in names)
    assert at.query_params["country"] in ("KGZ", ["KGZ"])


def test_url_reproduces_view() -> None:
    """Opening ?country=RUS shows Russia without touching a control."""
    at = _run(country="RUS")
    assert any(n.startswith("Russia") for n in _trace_names(_figures(at)[0]))


def test_rankings_measure_and_peers() -> None:
    """Rankings: switching to rank inverts the axis; a peer group adds countries."""
    at = _run("app_pages/rankings.py")
    at.radio(key="view").set_value("rank").run()
    fig = _figures(at)[0]
    low, high = fig["layout"]["yaxis"]["range"]
    assert low > 170 and high < 1  # rank 1 at the top, the axis runs to the number ranked
    at.selectbox(key="peers").set_value("Central Asia").run()
    names = " ".join(_trace_names(_figures(at)[0]))
    for country in ("Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Tajikistan"):
        assert country in names


def test_rankings_comparable_only() -> None:
    """'Comparable editions only' keeps one method: no method-change line remains."""
    at = _run("app_pages/rankings.py")
    at.checkbox(key="comparable").check().run()
    fig = _figures(at)[0]
    series = [t for t in fig["data"] if t.get("meta", {}).get("role") == "series"]
    assert {t["meta"]["methodology"] for t in series} == {"rsf_2022"}
    assert not any("RSF method" in a.get("text", "") for a in fig["layout"].get("annotations", []))


def test_rankings_hover_text() -> None:
    """The hover says '141st of 180 in RSF World Press Freedom Index 2025, covering 2024'."""
    at = _run("app_pages/rankings.py")
    texts = [
        h for t in _figures(at)[0]["data"] for h in (t.get("hovertext") or []) if isinstance(h, str)
    ]
    assert any(
        "141st of 180 in RSF World Press Freedom Index 2025, covering 2024" in h for h in texts
    )


def test_incidents_by_statute_and_region() -> None:
    """Incidents: statutes 274 and 174 appear; switching to category changes the series."""
    at = _run("app_pages/incidents.py")
    names = [n.replace("<br>", " ") for n in _trace_names(_figures(at)[0])]  # wrapped legend
    false_info = "Criminal Code art. 274: dissemination of knowingly false information"
    assert false_info in names
    assert any(n.startswith("Criminal Code art. 174:") for n in names)
    # the statute filter names each statute exactly as the legend does
    assert false_info in at.multiselect(key="statutes").options
    at.radio(key="by").set_value("category").run()
    names = _trace_names(_figures(at)[0])
    assert "False information" in names and not any(n.startswith("Criminal Code") for n in names)
    tiles = next(f for f in _figures(at) if f["data"][0].get("meta", {}).get("role") == "tiles")
    assert any(t.startswith("Astana<br>") for t in tiles["data"][0]["text"])


def test_incidents_filter_by_region() -> None:
    """Filtering to Astana leaves only incidents in Astana (Akhmedyarov's detention among them)."""
    at = _run("app_pages/incidents.py")
    at.sidebar.multiselect(key="regions").set_value(["KZ-71"]).run()
    listing = next(d.value for d in at.dataframe if "Place as written" in d.value.columns)
    assert len(listing) >= 1
    assert set(listing["Region"]) == {"Astana (city)"}
    assert "Lukpan Akhmedyarov" in set(listing["Target"])


def test_incidents_choropleth_with_boundary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a boundary file configured, the region view is a true choropleth of region codes."""
    geo = (
        Path(__file__).resolve().parents[2] / "shared/data/geo/kaz_adm1_osm_boundaries_2023.geojson"
    )
    if not geo.exists():
        pytest.skip("boundary file not available")
    monkeypatch.setenv("INDICATORS_GEOJSON", str(geo))
    at = _run("app_pages/incidents.py")
    choro = [f for f in _figures(at) if f["data"][0].get("type") == "choropleth"]
    assert choro and "KZ-75" in choro[0]["data"][0]["locations"]


def test_events_filter_by_kind() -> None:
    """Events: choosing one kind leaves only that kind on the timeline."""
    at = _run("app_pages/events.py")
    assert len(_figures(at)[0]["data"]) > 3
    at.multiselect(key="kinds").set_value(["election"]).run()
    assert _trace_names(_figures(at)[0]) == ["Election"]
    assert at.query_params["kinds"] in ("election", ["election"])


def test_claim_check() -> None:
    """Claim check: 158th of 180 names 2018 and 2019; 158th of 179 does not hold."""
    at = _run("app_pages/claim.py")
    assert "2018" in at.success[0].value and "2019" in at.success[0].value
    at.number_input(key="claim_of").set_value(179).run()
    assert at.warning and "No edition" in at.warning[0].value


def test_sources_page_lists_provenance() -> None:
    """Sources: every embedded file is listed with its SHA-256, and methods are explained."""
    at = _run("app_pages/sources.py")
    files = at.dataframe[0].value
    assert {"rsf_eeac.csv", "kazakhstan_case.csv"} <= set(files["file"])
    assert files["sha256"].str.len().eq(64).all()
    assert any("141st of 180" in m.value for m in at.markdown)


def test_events_on_every_time_chart() -> None:
    """Event markers appear on the sub-indicator, incident and reported-count time charts."""
    rankings = _run("app_pages/rankings.py")
    sub_chart = _figures(rankings)[1]
    assert any(n.startswith("event: ") for n in _trace_names(sub_chart))
    incidents = _run("app_pages/incidents.py")
    figures = _figures(incidents)
    assert any(n.startswith("event: ") for n in _trace_names(figures[0]))
    reported = figures[-1]
    assert any(n.startswith("event: ") for n in _trace_names(reported))
    assert any(not n.startswith("event: ") for n in _trace_names(reported))


def test_pages_never_modify_the_shared_tables(isolated_default_store: Path) -> None:
    """Tables are cached once for every session (not copied): no page may change them."""
    from app_pages import _common
    from indicators.pipeline.embedded import open_default_store

    at = _run()
    for page in ("rankings", "incidents", "events", "claim", "sources"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
    at.sidebar.selectbox(key="country").set_value("RUS").run()
    store = open_default_store(isolated_default_store)
    for name in ("rankings", "incidents", "events", "reported_counts"):
        shared = _common._table(str(isolated_default_store), name, store.head())
        pd.testing.assert_frame_equal(shared, store.table(name), obj=name)


def test_a_new_version_releases_the_old_tables(isolated_default_store: Path) -> None:
    """Only the current version's tables stay cached (a million incidents are ~500 MB)."""
    import gc
    import weakref

    from app_pages import _common
    from indicators.pipeline.embedded import open_default_store

    at = _run()
    store = open_default_store(isolated_default_store)
    first = store.head()
    old = weakref.ref(_common._table(str(isolated_default_store), "incidents", first))
    assert _common._frozen_at == [first] and gc.get_freeze_count() > 0  # settled after the run
    events = store.table("events")
    store.commit({"events": events.head(len(events) - 1)}, user="t", message="one event fewer")
    at.run()
    assert not at.exception
    gc.collect()
    assert old() is None
    assert _common._last_head == [store.head()] and store.head() != first
    assert _common._frozen_at == [store.head()]  # unfrozen for the new version, frozen again


def test_derived_views_are_built_once_per_version(isolated_default_store: Path) -> None:
    """The second reader of a country's chart gets the figure the first one built; a new store
    version builds it again from the new data."""
    from app_pages import _common
    from indicators.pipeline.embedded import open_default_store

    at = _run()  # seeds the store and serves its first version
    built: list[int] = []

    def build() -> list[int]:
        built.append(1)
        return built

    key = ("test-figure", "KAZ")
    assert _common.per_version(key, build) is _common.per_version(key, build)
    assert len(built) == 1
    store = open_default_store(isolated_default_store)
    events = store.table("events")
    store.commit({"events": events.head(len(events) - 1)}, user="t", message="one event fewer")
    at.run()
    assert not at.exception
    _common.per_version(key, build)
    assert len(built) == 2
