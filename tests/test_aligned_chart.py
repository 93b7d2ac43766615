"""Several indices on one chart (issue 13 item 1): each on 0-100 with higher = freer.

The rescaling rules are checked against values computed by hand from hand-made files read
by each publisher's adapter (RSF in its three method eras, Freedom House's FiW total and D1,
Freedom of the Press, an analyst's own index); then Kazakhstan's real RSF and Freedom House
series (FH's FiW workbook ingested into a tmp store), a V-Dem-style file's band, hostile text,
and the Rankings page with ``?indices=...``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import Workbook

from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import parse_file
from indicators.present.aligned import (
    TABLE_COLUMNS,
    aligned_chart,
    aligned_notes,
    aligned_rows,
    aligned_table,
    available_series,
    default_series,
    sources_line,
)
from indicators.present.methods import section
from indicators.problems import ValidationFailed
from indicators.sources.base import ParseOptions
from indicators.sources.reading import SourceFile
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS
from indicators.text import plotly_text
from tests.conftest import shared_file
from tests.pages import figures, open_page

TODAY = date(2025, 6, 1)
RSF_HEADER = "ISO;Rank;Score;Year (N)"
OTHERS = ("NOR", "FIN", "KGZ")
VDEM = (
    "country_name,country_text_id,country_id,year,v2x_freexp_altinf,"
    "v2x_freexp_altinf_codelow,v2x_freexp_altinf_codehigh,score_max,higher_is_better\n"
    "Kazakhstan,KAZ,39,2019,0.301,0.24,0.37,1,yes\n"
    "Kazakhstan,KAZ,39,2020,0.321,0.255,0.389,1,yes\n"
    "Kazakhstan,KAZ,39,2021,0.33,0.26,0.4,1,yes\n"
    "Kyrgyzstan,KGZ,40,2021,0.5,0.44,0.56,1,yes\n"
)


def _parse(name: str, text: str | bytes, **options: Any) -> pd.DataFrame:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_file(SourceFile(name, data), ParseOptions(today=TODAY, **options)).frame


def _rsf(year: str, kaz: tuple[int, str], others: tuple[str, ...]) -> pd.DataFrame:
    """A four-country RSF edition in RSF's own layout: Kazakhstan's rank and score given."""
    ranks = [r for r in (1, 2, 3, 4) if r != kaz[0]]
    rows = [f"KAZ;{kaz[0]};{kaz[1]};{year}"]
    rows += [f"{iso};{r};{s};{year}" for iso, r, s in zip(OTHERS, ranks, others, strict=True)]
    return _parse(f"{year}.csv", "\n".join([RSF_HEADER, *rows]) + "\n")


def _fiw(tmp_path: Path, kaz_d1: int) -> pd.DataFrame:
    """A Freedom in the World workbook in FH's layout (title row, header, two countries)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "FIW13-24"
    ws.append(["Freedom in the World 2013-2024 Raw Data"])
    ws.append(["Country/Territory", "Region", "C/T", "Edition", "Status", "PR rating"])
    ws.cell(2, 7, "CL rating"), ws.cell(2, 8, "PR"), ws.cell(2, 9, "D1"), ws.cell(2, 10, "CL")
    ws.cell(2, 11, "Total")
    ws.append(["Kazakhstan", "Eurasia", "c", 2024, "NF", 7, 5, 5, kaz_d1, 18, 23])
    ws.append(["Norway", "Europe", "c", 2024, "F", 1, 1, 40, 4, 60, 100])
    path = tmp_path / "All_data_FIW_hand.xlsx"
    wb.save(path)
    return parse_file(SourceFile.from_path(path), ParseOptions(today=TODAY)).frame


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Every hand-made edition, as the adapters read them, in one rankings table."""
    tmp = tmp_path_factory.mktemp("hand")
    fotp = "country,year.collected,year.reported,a,b,c,score,status\n"
    fotp += "Kazakhstan,2013,2014,27,30,21,78,NF\nNorway,2013,2014,2,4,4,10,F\n"
    analyst = "country,year,score,score_min,score_max,direction,score_low,score_high\n"
    analyst += "KAZ,2024,3,1,7,lower,2,4\nKGZ,2024,5,1,7,lower,4.5,6\n"
    frames = [
        _rsf("2010", (3, "60,5"), ("2", "8,25", "90")),  # points, lower = freer
        _rsf("2021", (2, "49,72"), ("90", "40", "20")),  # the file's 100 - printed
        _rsf("2022", (4, "34,41"), ("92", "80", "50")),
        _fiw(tmp, kaz_d1=1),
        _parse("fotp_tidy.csv", fotp),
        _parse("own.csv", analyst, index_id="own_index"),
        _parse("vdem.csv", VDEM, index_id="vdem_freexp"),
    ]
    return conform(pd.concat(frames, ignore_index=True), RANKINGS)


def _drawn(rankings: pd.DataFrame, series: str) -> pd.DataFrame:
    return aligned_rows(rankings, "KAZ", [series]).set_index("edition")


@pytest.mark.parametrize(
    ("series", "edition", "published", "aligned"),
    [
        # RSF 2002-2012: rank 3 of 4 -> 100 x 1 worse / 3 others; its points are not rescaled
        ("rsf_wpfi:position", "2010", "rank 3 of 4", 100 * 1 / 3),
        # RSF 2013-2021: the file holds 100 - printed (50.28 printed, lower = freer)
        (
            "rsf_wpfi:score",
            "2021",
            "score 49.72 of 100, higher = freer (printed at the time as 50.28, lower = freer)",
            49.72,
        ),
        ("rsf_wpfi:position", "2021", "rank 2 of 4", 100 * 2 / 3),
        ("rsf_wpfi:score", "2022", "score 34.41 of 100, higher = freer", 34.41),
        ("rsf_wpfi:position", "2022", "rank 4 of 4", 0.0),
        ("fh_fiw:score", "2024", "score 23 of 100, higher = freer", 23.0),
        ("fh_fiw_d1:score", "2024", "score 1 of 0-4, higher = freer", 25.0),  # D1 x 25
        ("fh_fotp:score", "2014", "score 78 of 100, lower = freer", 22.0),  # 100 - 78
        # lower is better on 1-7: 100 x (7 - 3) / (7 - 1)
        (
            "own_index:score",
            "2024",
            "score 3 on the file's own scale, lower = freer; band 2 to 4",
            100 * 4 / 6,
        ),
        (
            "vdem_freexp:score",
            "2020",
            "score 0.321 on the file's own scale, higher = freer; band 0.255 to 0.389",
            32.1,
        ),
    ],
)
def test_rescaling_rules_against_hand_computed_values(
    hand: pd.DataFrame, series: str, edition: str, published: str, aligned: float
) -> None:
    """Each index's value as published and as drawn, computed by hand."""
    row = _drawn(hand, series).loc[edition]
    assert row["value_as_published"] == published
    assert float(row["aligned"]) == pytest.approx(aligned, abs=0.005)  # positions: 2 decimals


def test_rsf_2002_2012_points_are_not_drawn_and_the_chart_says_why(hand: pd.DataFrame) -> None:
    """RSF's 2002-2012 points (lower = freer, no fixed top) have no 0-100 value: not drawn."""
    assert "2010" not in _drawn(hand, "rsf_wpfi:score").index
    notes = aligned_notes(hand, "KAZ", ["rsf_wpfi:score"])
    assert any("editions 2010" in n and "no fixed scale" in n for n in notes)


def test_a_lower_is_freer_band_changes_places(hand: pd.DataFrame) -> None:
    """Band 2-4 on 1-7, lower = freer: 100 x (7 - 4) / 6 = 50 is the lower edge, 100 x 5/6 the
    upper; stored as score_normalised_low/_high and drawn as the band's edges."""
    row = _drawn(hand, "own_index:score").loc["2024"]
    assert float(row["aligned_low"]) == pytest.approx(50.0)
    assert float(row["aligned_high"]) == pytest.approx(100 * 5 / 6, abs=1e-4)
    stored = hand[(hand["index"] == "own_index") & (hand["iso3"] == "KAZ")].iloc[0]
    assert (stored["score_low"], stored["score_high"]) == (2.0, 4.0)
    assert float(stored["score_normalised_low"]) == pytest.approx(50.0)


def test_every_other_adapter_leaves_the_band_empty(hand: pd.DataFrame) -> None:
    publishers = hand[hand["index"].isin(["rsf_wpfi", "fh_fiw", "fh_fiw_d1", "fh_fotp"])]
    band = ["score_low", "score_high", "score_normalised_low", "score_normalised_high"]
    assert publishers[band].isna().all().all()


def _series(fig: go.Figure | dict[str, Any], role: str = "series") -> list[dict[str, Any]]:
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    return [t for t in spec["data"] if (t.get("meta") or {}).get("role") == role]


def _xs(trace: dict[str, Any]) -> list[pd.Timestamp]:
    return [pd.Timestamp(x) for x in trace["x"]]


def _ys(trace: dict[str, Any]) -> list[float]:
    values = trace["y"]
    if isinstance(values, dict):  # plotly's typed array
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return [float(v) for v in values]


def test_vdem_band_is_a_filled_area_with_the_right_edges(hand: pd.DataFrame) -> None:
    """V-Dem's _codelow/_codehigh (0-1, higher = freer) become a fill between 100 x low and
    100 x high, drawn beneath the line, in the line's legend group."""
    fig = aligned_chart(hand, "KAZ", ["vdem_freexp:score"])
    bands = _series(fig, "band")
    assert [b["meta"]["bound"] for b in bands] == ["low", "high"]
    low, high = bands
    assert _ys(low) == pytest.approx([24.0, 25.5, 26.0])
    assert _ys(high) == pytest.approx([37.0, 38.9, 40.0])
    assert high["fill"] == "tonexty" and "fill" not in low
    (line,) = _series(fig)
    assert _ys(line) == pytest.approx([30.1, 32.1, 33.0])
    assert low["legendgroup"] == high["legendgroup"] == line["legendgroup"]
    order = [t.get("meta", {}).get("role") for t in fig.to_dict()["data"]]
    assert order.index("band") < order.index("series")
    # an analyst's yearly value sits in its own year (the period its label names)
    assert [x.year for x in _xs(line)] == [2019, 2020, 2021]
    assert "band 25.5 to 38.9" in line["hovertext"][1]


def test_sources_line_names_publishers_and_the_analysts_file(hand: pd.DataFrame) -> None:
    rows = aligned_rows(hand, "KAZ", ["fh_fiw:score", "vdem_freexp:score"])
    assert sources_line(rows) == (
        "Sources: Freedom House, Freedom in the World; vdem_freexp (an analyst's file, vdem.csv)"
    )


def test_a_lone_edition_band_is_an_error_bar(hand: pd.DataFrame) -> None:
    fig = aligned_chart(hand, "KAZ", ["own_index:score"])
    assert not _series(fig, "band")
    (line,) = _series(fig)
    bar = line["error_y"]
    assert bar["array"][0] == pytest.approx(100 * 5 / 6 - 100 * 4 / 6, abs=1e-3)
    assert bar["arrayminus"][0] == pytest.approx(100 * 4 / 6 - 50.0, abs=1e-3)


def test_band_problems_name_the_files_columns() -> None:
    """A lower bound above the upper, or a score outside its band, refuses the file, naming
    the file's own columns and rows."""
    bad = VDEM.replace("0.321,0.255,0.389", "0.321,0.4,0.389").replace(
        "0.33,0.26,0.4", "0.5,0.26,0.4"
    )
    with pytest.raises(ValidationFailed) as caught:
        _parse("vdem.csv", bad)
    found = {(p.row, p.column, p.problem) for p in caught.value.problems}
    assert found == {
        (
            3,
            "v2x_freexp_altinf_codelow",
            "the lower bound is above the upper bound (0.389 in v2x_freexp_altinf_codehigh)",
        ),
        (4, "v2x_freexp_altinf", "the score is outside its band 0.26 to 0.4"),
    }


def test_a_band_needs_both_bounds() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _parse("own.csv", "country,year,score,lower bound\nKAZ,2024,3,2\n")
    (problem,) = caught.value.problems
    assert problem.column == "lower bound" and "no column holds the upper bound" in problem.problem
    with pytest.raises(ValidationFailed) as caught:
        _parse("own.csv", "country,year,score,low,high\nKAZ,2024,3,2,\n")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "low")]


def test_several_banded_columns_need_a_mapping() -> None:
    """A V-Dem extract of two indicators, each with its band: refused naming both; a mapping
    picks the score, and its own band follows it."""
    header = "country_text_id,year,v2x_a,v2x_a_codelow,v2x_a_codehigh,"
    header += "v2x_b,v2x_b_codelow,v2x_b_codehigh\n"
    text = header + "KAZ,2021,0.3,0.2,0.4,0.6,0.5,0.7\n"
    with pytest.raises(ValidationFailed) as caught:
        _parse("vdem.csv", text, adapter="analyst_rankings")
    assert any("'v2x_a', 'v2x_b'" in p.problem for p in caught.value.problems)
    frame = _parse("vdem.csv", text, adapter="analyst_rankings", mapping={"score": "v2x_b"})
    assert frame.loc[0, ["score", "score_low", "score_high"]].tolist() == [0.6, 0.5, 0.7]


def test_a_bound_outside_the_scale_is_refused() -> None:
    text = "country,year,score,score_max,higher_is_better,low,high\nKAZ,2024,0.5,1,yes,0.4,1.2\n"
    with pytest.raises(ValidationFailed) as caught:
        _parse("own.csv", text)
    assert [(p.column, p.problem) for p in caught.value.problems] == [
        ("high", "the bound is outside the scale 0 to 1")
    ]


def test_band_aliases_english_and_russian() -> None:
    frame = _parse("own.csv", "Страна;Год;Балл;Нижняя граница;Верхняя граница\nKAZ;2024;3;2;4\n")
    assert (frame.loc[0, "score_low"], frame.loc[0, "score_high"]) == (2.0, 4.0)


@pytest.fixture(scope="module")
def kazakhstan(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The embedded RSF data plus Freedom House's real FiW 2013-2024 workbook, in a tmp store."""
    store = open_default_store(tmp_path_factory.mktemp("kaz-store"))
    fiw = shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx")
    ingest(store, [SourceFile.from_path(fiw)], user="test")
    return store.table("rankings")


def test_kazakhstan_rsf_and_freedom_house_with_each_break(kazakhstan: pd.DataFrame) -> None:
    """RSF and FH on one 0-100 scale; no trace spans RSF's 2012->2013 or 2021->2022 change;
    each FH series, one method here, is one unbroken trace; a labelled rule marks RSF's
    changes and none is invented for FH."""
    series = available_series(kazakhstan, "KAZ")
    assert series == ["rsf_wpfi:position", "rsf_wpfi:score", "fh_fiw:score", "fh_fiw_d1:score"]
    assert default_series(series) == ["rsf_wpfi:position", "fh_fiw:score", "fh_fiw_d1:score"]
    spec = aligned_chart(kazakhstan, "KAZ", series).to_dict()
    traces = _series(spec)
    legend = [t["name"] for t in traces if t.get("showlegend", True)]
    assert legend == ["RSF position", "RSF score", "Freedom in the World", "Free media (FH D1)"]
    low, high = spec["layout"]["yaxis"]["range"]
    assert low <= 0 and high >= 100 and low > -5 and high < 105
    assert all(0 <= y <= 100 for t in traces for y in _ys(t))
    rsf = kazakhstan[(kazakhstan["index"] == "rsf_wpfi") & (kazakhstan["iso3"] == "KAZ")]
    starts = rsf.groupby("methodology")["period_start"].min()
    for era in ("rsf_2013_2021", "rsf_2022"):
        change = pd.Timestamp(starts[era])
        for t in (t for t in traces if t["meta"]["series"].startswith("rsf_wpfi")):
            xs = _xs(t)
            assert all(x < change for x in xs) or all(x >= change for x in xs), (era, t["name"])
    by_series: dict[str, list[str]] = {}
    for t in traces:
        by_series.setdefault(t["meta"]["series"], []).append(t["meta"]["methodology"])
    assert by_series["rsf_wpfi:position"] == ["rsf_2002_2012", "rsf_2013_2021", "rsf_2022"]
    assert by_series["rsf_wpfi:score"] == ["rsf_2013_2021", "rsf_2022"]
    assert by_series["fh_fiw:score"] == ["fh_fiw_2013"] and len(by_series["fh_fiw_d1:score"]) == 1
    rules = [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "method-label"]
    assert rules == ["RSF method 2013", "RSF method 2022"]
    fh = next(t for t in traces if t["meta"]["series"] == "fh_fiw:score")
    assert _ys(fh)[-1] == 23 and "score 23 of 100, higher = freer" in fh["hovertext"][-1]
    assert "covering 2023" in fh["hovertext"][-1]
    x0, x1 = (pd.Timestamp(x) for x in spec["layout"]["xaxis"]["range"])
    assert x0 < pd.Timestamp(rsf["period_start"].min()) < x0 + pd.Timedelta(days=200)
    assert x1 - pd.Timedelta(days=200) < pd.Timestamp(rsf["period_end"].max()) < x1
    assert spec["layout"]["legend"]["yanchor"] == "bottom" and spec["layout"]["legend"]["y"] >= 1


def test_fh_method_change_breaks_its_line(kazakhstan: pd.DataFrame) -> None:
    """An index whose method changes (here FiW totals marked as two methods) breaks there."""
    frame = kazakhstan.copy()
    later = (frame["index"] == "fh_fiw") & (frame["edition_year"] >= 2018)
    frame.loc[later, "methodology"] = "fh_fiw_2018"
    spec = aligned_chart(frame, "KAZ", ["fh_fiw:score"]).to_dict()
    assert [t["meta"]["methodology"] for t in _series(spec)] == ["fh_fiw_2013", "fh_fiw_2018"]
    labels = [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "method-label"]
    assert labels == ["FH method 2018"]


def test_table_and_notes(kazakhstan: pd.DataFrame) -> None:
    table = aligned_table(kazakhstan, "KAZ", ["rsf_wpfi:position", "fh_fiw_d1:score"])
    assert list(table.columns) == [
        "Series",
        "Edition",
        "Period covered",
        "As published (own scale, own direction)",
        "Drawn (0-100, higher = freer)",
        "Band, lower edge (0-100)",
        "Band, upper edge (0-100)",
        "Scoring method",
    ]
    d1 = table[table["Series"] == "Free media (FH D1)"]
    assert set(d1["As published (own scale, own direction)"]) == {"score 0 of 0-4, higher = freer"}
    assert len(table) == 24 + 12  # RSF 2002-2010, 2011-12, 2013-2026; FiW 2013-2024
    notes = " ".join(aligned_notes(kazakhstan, "KAZ", ["rsf_wpfi:score", "fh_fotn:score"]))
    assert "Freedom on the Net: no data for this country" in notes
    assert "Not loaded, so not offered: Freedom House: Freedom on the Net" in notes


def test_embedded_data_alone_says_what_can_be_loaded(isolated_default_store: Path) -> None:
    """With only RSF's zone embedded, RSF position and score are offered, and the notes name
    the indices that can be loaded."""
    rankings = open_default_store(isolated_default_store).table("rankings")
    assert available_series(rankings, "KAZ") == ["rsf_wpfi:position", "rsf_wpfi:score"]
    assert default_series(available_series(rankings, "KAZ")) == [
        "rsf_wpfi:position",
        "rsf_wpfi:score",
    ]
    notes = " ".join(aligned_notes(rankings, "KAZ", ["rsf_wpfi:position"]))
    for name in ("Freedom in the World", "Freedom on the Net", "Freedom of the Press", "V-Dem"):
        assert name in notes


def test_hostile_names_are_text() -> None:
    """Names, periods and methods from a file reach the figure as plotly-safe text."""
    hostile = '<a href="https://evil.example">x</a><b>$1$</b>'
    rows = pd.DataFrame(
        {
            "index": ["own_index"] * 2,
            "edition": ["2023", "2024"],
            "edition_year": [2023, 2024],
            "period_label": [hostile, hostile],
            "iso3": ["KAZ", "KAZ"],
            "country": [hostile, hostile],
            "source_code": ["KAZ", "KAZ"],
            "entity_kind": ["country", "country"],
            "tied": [False, False],
            "score": [40.0, 50.0],
            "score_normalised": [40.0, 50.0],
            "score_direction": ["higher_is_freer"] * 2,
            "methodology": [hostile, hostile + " 2"],
            "source_file": ["f.csv"] * 2,
            "source_sha256": ["0" * 64] * 2,
            "source_row": [2, 3],
        }
    )
    spec = aligned_chart(conform(rows, RANKINGS), "KAZ", ["own_index:score"]).to_dict()
    shown = [t.get("name") or "" for t in spec["data"]]
    shown += [h for t in spec["data"] for h in (t.get("hovertext") or [])]
    shown += [
        a.get(k) or "" for a in spec["layout"].get("annotations", []) for k in ("text", "hovertext")
    ]
    text = " ".join(shown)
    assert "evil.example" in text  # the hostile text is shown, as text
    assert "<a " not in text and "<b>" not in text and "$" not in text
    assert plotly_text(hostile) in text
    assert any(a.get("name") == "method-label" for a in spec["layout"]["annotations"])


def test_methods_text_states_the_rule() -> None:
    rule = section("Several indices on one chart")
    for fact in ("D1 × 25", "100 − score", "not drawn", "higher = freer", "_codelow"):
        assert fact in rule


def _compare(at: Any) -> dict[str, Any]:
    """The Compare indices figure: its series carry their series code."""
    return next(f for f in figures(at) if any("series" in t.get("meta", {}) for t in f["data"]))


@pytest.fixture
def with_fiw(isolated_default_store: Path) -> Path:
    store = open_default_store(isolated_default_store)
    fiw = shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx")
    ingest(store, [SourceFile.from_path(fiw)], user="seed")
    return isolated_default_store


def test_rankings_page_url_reproduces_the_figure(with_fiw: Path) -> None:
    """?indices=... draws the same figure as choosing by hand; the defaults draw RSF's
    position and FH's FiW total and D1; a hostile value is ignored."""
    chosen = ["rsf_wpfi:score", "fh_fiw:score"]
    linked = open_page("app_pages/rankings.py", country="KAZ", indices=chosen)
    by_hand = open_page("app_pages/rankings.py", country="KAZ")
    default = {t["meta"]["series"] for t in _series(_compare(by_hand))}
    assert default == {"rsf_wpfi:position", "fh_fiw:score", "fh_fiw_d1:score"}
    by_hand.multiselect(key="indices").set_value(chosen).run()
    assert _compare(linked) == _compare(by_hand)
    assert {t["meta"]["series"] for t in _series(_compare(linked))} == set(chosen)
    assert by_hand.query_params["indices"] == chosen
    assert any(h.value == "Compare indices" for h in linked.header)
    shown = [d.value for d in linked.dataframe if "Drawn (0-100, higher = freer)" in d.value]
    assert shown and set(shown[0]["Series"]) == {"RSF score", "Freedom in the World"}
    hostile = open_page("app_pages/rankings.py", indices=["<script>", "fh_fiw:score"])
    assert {t["meta"]["series"] for t in _series(_compare(hostile))} == {"fh_fiw:score"}


def test_columns_shown_are_in_the_rows() -> None:
    rows = aligned_rows(pd.DataFrame(columns=RANKINGS.names), "KAZ", ["rsf_wpfi:position"])
    assert set(TABLE_COLUMNS) <= set(rows.columns) and rows.empty
