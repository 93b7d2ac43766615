"""Incidents, events and reported counts: ingest, aggregation, the embedded Kazakhstan data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.pipeline.extract import parse_file
from indicators.problems import Problem, ValidationFailed
from indicators.query.aggregate import (
    IncidentFilter,
    case_chain,
    filter_incidents,
    incident_counts,
    per_100k,
    undated_in_month,
)
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.store import LocalStore
from tests.conftest import shared_file, tree_snapshot

KAZ = ParseOptions(country="KAZ")
HEADER = "date,place,target_name,target_type,incident_type,statute,source_name\n"


def _csv_rows(capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_embedded_statute_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """On the embedded data, art. 274 and art. 174 have non-zero counts by statute."""
    assert main(["incidents", "--country", "KAZ", "--by", "statute", "--format", "csv"]) == 0
    counts = {r["statute_key"]: int(r["incidents"]) for r in _csv_rows(capsys)}
    assert counts["KAZ-CC2014-274"] > 0 and counts["KAZ-CC2014-174"] > 0


def test_embedded_region_attribution(capsys: pytest.CaptureFixture[str]) -> None:
    """Akhmedyarov's 2025 detention is in Astana; Yensebek's 2025 case in Almaty city."""
    assert main(["incidents", "--country", "KAZ", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    akh = next(
        r for r in rows if r["target_name"] == "Lukpan Akhmedyarov" and r["date"] == "2025-04-10"
    )
    yen = [
        r for r in rows if r["target_name"] == "Temirlan Yensebek" and r["date"].startswith("2025")
    ]
    assert akh["region_name"] and "Astana" in akh["region_name"]
    assert yen and all(r["region_name"] and "Almaty" in r["region_name"] for r in yen)
    assert main(["incidents", "--country", "KAZ", "--by", "region", "--format", "csv"]) == 0
    regions = {r["region_code"]: int(r["incidents"]) for r in _csv_rows(capsys)}
    assert regions["KZ-71"] >= 1 and regions["KZ-75"] >= 2


def test_embedded_events(capsys: pytest.CaptureFixture[str]) -> None:
    """The case's events are embedded: the January 2022 unrest and the snap election among them."""
    assert main(["events", "--country", "Kazakhstan", "--format", "csv"]) == 0
    titles = [r["title"] for r in _csv_rows(capsys)]
    assert any("Qandy Qantar" in t for t in titles) and "Snap presidential election" in titles


def _ingest_rows(tmp_path: Path, body: str, name: str = "incidents.csv") -> pd.DataFrame:
    store = LocalStore(tmp_path / "s")
    ingest(store, [SourceFile(name, (HEADER + body).encode())], user="t", options=KAZ)
    return store.table("incidents")


def test_nur_sultan_2020_lands_in_astana(tmp_path: Path) -> None:
    """An incident in 2020 in 'Нур-Султан' gets Astana's region code."""
    rows = _ingest_rows(tmp_path, "2020-05-01,Нур-Султан,A,journalist,detention,,test\n")
    assert rows["region_code"].tolist() == ["KZ-71"]


def test_semey_moves_from_east_kazakhstan_to_abai(tmp_path: Path) -> None:
    """Semey is in East Kazakhstan in 2021 and in Abai region in 2023."""
    rows = _ingest_rows(
        tmp_path,
        "2021-03-01,Semey,A,journalist,summons,,t\n2023-03-01,Semey,B,journalist,summons,,t\n",
    )
    assert rows.sort_values("date")["region_code"].tolist() == ["KZ-63", "KZ-10"]


def _bad(tmp_path: Path, body: str, header: str = HEADER) -> list[Problem]:
    store = LocalStore(tmp_path / "s")
    ok = (HEADER + "2024-01-05,Almaty,A,journalist,detention,,t\n").encode()
    ingest(store, [SourceFile("ok.csv", ok)], user="t", options=KAZ)
    before = tree_snapshot(store.root)
    with pytest.raises(ValidationFailed) as err:
        ingest(store, [SourceFile("bad.csv", (header + body).encode())], user="t", options=KAZ)
    assert tree_snapshot(store.root) == before
    return err.value.problems


def test_unknown_statute(tmp_path: Path) -> None:
    """An article number that is not in the statutes table is an error naming row and column."""
    p = _bad(tmp_path, "2024-01-05,Almaty,A,journalist,charged,ст. 999 УК РК,t\n")
    assert (p[0].row, p[0].column) == (2, "statute") and "unknown statute" in p[0].problem


def test_unknown_region(tmp_path: Path) -> None:
    """A place that resolves to no region is an error naming row, column and value."""
    p = _bad(tmp_path, "2024-01-05,Atlantis City,A,journalist,detention,,t\n")
    assert (p[0].row, p[0].column, p[0].value) == (2, "place", "Atlantis City")


def test_date_in_future(tmp_path: Path) -> None:
    """A date after today is refused."""
    p = _bad(tmp_path, f"{date.today().year + 1}-01-05,Almaty,A,journalist,detention,,t\n")
    assert "future" in p[0].problem and p[0].column == "date"


def test_impossible_date(tmp_path: Path) -> None:
    """31 February is refused as an impossible date."""
    p = _bad(tmp_path, "31.02.2024,Almaty,A,journalist,detention,,t\n")
    assert p[0].row == 2 and p[0].column == "date" and p[0].value == "31.02.2024"


def test_missing_required_column(tmp_path: Path) -> None:
    """Without a date column the file is not recognised as incidents; the columns are listed."""
    header = "place,target_name,incident_type,statute\n"
    p = _bad(tmp_path, "Almaty,A,detention,\n", header=header)
    assert "'place'" in p[0].problem


def test_russian_headers(tmp_path: Path) -> None:
    """Russian headers and statute forms are recognised."""
    data = (
        "дата,город,фио,нарушение,статья,источник\n"
        "10.04.2025,г. Астана,Лукпан Ахмедьяров,задержание,ч. 2 ст. 274 УК РК,test\n"
    ).encode()
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile("ru.csv", data)], user="t", options=KAZ)
    row = store.table("incidents").iloc[0]
    assert (row["statute_key"], row["region_code"], row["incident_type"]) == (
        "KAZ-CC2014-274",
        "KZ-71",
        "detention",
    )
    assert row["statute_as_written"] == "ч. 2 ст. 274 УК РК"


def test_adilsoz_real_files() -> None:
    """Adil Soz's compiled facts and counts parse with their exact row counts."""
    facts = parse_file(SourceFile.from_path(shared_file("adilsoz", "incidents.csv")))
    assert facts.adapter == "adilsoz_incidents"
    assert facts.frame["incident_id"].nunique() == 130
    monthly = parse_file(SourceFile.from_path(shared_file("adilsoz", "monthly_counts.csv")))
    cumulative = parse_file(
        SourceFile.from_path(shared_file("adilsoz", "cumulative_statements.csv"))
    )
    assert (len(monthly.frame), len(cumulative.frame)) == (180, 103)
    assert monthly.kind == cumulative.kind == "reported_counts"


def test_reported_counts_never_added_to_incidents(tmp_path: Path) -> None:
    """Ingesting a monitor's counts leaves the incidents table and its counts unchanged."""
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile.from_path(shared_file("adilsoz", "incidents.csv"))], user="t")
    before = incident_counts(store.table("incidents"), ["year"])
    ingest(store, [SourceFile.from_path(shared_file("adilsoz", "monthly_counts.csv"))], user="t")
    pd.testing.assert_frame_equal(incident_counts(store.table("incidents"), ["year"]), before)
    assert len(store.table("reported_counts")) == 180


def test_statute_applied_to_perpetrator_not_counted(tmp_path: Path) -> None:
    """Statutes applied to an attacker do not count as prosecutions of speech."""
    data = (
        b"date,place,target_name,incident_type,statute,statute_applied_to,source_name\n"
        b"2024-01-05,Almaty,A,attack,CC-158,perpetrator,t\n"
        b"2024-01-06,Almaty,B,charged,CC-274,target,t\n"
    )
    store = LocalStore(tmp_path)
    ingest(store, [SourceFile("a.csv", data)], user="t", options=KAZ)
    counts = incident_counts(store.table("incidents"), ["statute"])
    assert counts["statute_key"].tolist() == ["KAZ-CC2014-274"]


def _synthetic(n: int, seed: int) -> pd.DataFrame:
    """n incidents; every third has a second statute row sharing its date, place and target."""
    rows = []
    for i in range(n):
        k = (i * 7 + seed) % 97
        base = {
            "incident_id": f"i{seed}-{i}",
            "date": f"{2015 + k % 10}-{1 + k % 12:02d}-01",
            "date_precision": "year" if k % 7 == 0 else "day",
            "year": 2015 + k % 10,
            "country": "KAZ",
            "region_code": None if k % 9 == 0 else f"KZ-{10 + k % 5}",
            "region_name": None if k % 9 == 0 else f"R{k % 5}",
            "incident_type": ["detention", "charged", "convicted"][k % 3],
            "target_type": "journalist",
            "target_name": f"T{k % 11}",
            "synthetic": False,
        }
        for seq in range(1, 3 if i % 3 == 0 else 2):
            rows.append(
                {
                    **base,
                    "statute_seq": seq,
                    "statute_key": None if k % 4 == 0 else f"S{(k + seq) % 3}",
                    "statute_category": None if k % 4 == 0 else f"C{(k + seq) % 2}",
                    "statute_applied_to": "target" if k % 5 else "perpetrator",
                }
            )
    return pd.DataFrame(rows)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.integers(0, 9))
def test_aggregation_preserves_totals(n: int, seed: int) -> None:
    """Summing yearly counts gives the number of distinct incidents (each has one date)."""
    frame = _synthetic(n, seed)
    by_year = incident_counts(frame, ["year"])
    assert by_year["incidents"].sum() == frame["incident_id"].nunique()
    by_region_year = incident_counts(frame, ["region", "year"])
    with_region = frame.dropna(subset=["region_code"])["incident_id"].nunique()
    assert by_region_year["incidents"].sum() == with_region
    monthly = incident_counts(frame, ["month"])
    assert monthly["incidents"].sum() + undated_in_month(frame) == frame["incident_id"].nunique()
    by_statute = incident_counts(frame, ["statute"])
    assert (
        by_statute["incidents"].sum()
        >= frame[frame["statute_key"].notna() & (frame["statute_applied_to"] == "target")][
            "incident_id"
        ].nunique()
    )


def test_filters_and_chain() -> None:
    """Filters narrow the rows; the case chain never grows from opened to convicted."""
    frame = _synthetic(200, 1)
    chosen = filter_incidents(
        frame, IncidentFilter(country="KAZ", start=date(2018, 1, 1), regions=["KZ-10"])
    )
    assert chosen["date"].min() >= "2018-01-01" and set(chosen["region_code"]) == {"KZ-10"}
    chain = case_chain(frame)["cases"].tolist()
    assert chain == sorted(chain, reverse=True)


def test_per_100k() -> None:
    """Per-capita rates divide by the population of that year (or the latest before)."""
    counts = pd.DataFrame(
        {"region_code": ["KZ-71", "KZ-75"], "year": [2025, 2025], "incidents": [2, 4]}
    )
    pop = pd.DataFrame(
        {
            "region_code": ["KZ-71", "KZ-75"],
            "year": [2024, 2024],
            "population": [1_000_000, 2_000_000],
        }
    )
    assert per_100k(counts, pop)["per_100k"].tolist() == [0.2, 0.2]
