"""Derive once: joint ranks, ties and positions of every rankings adapter's rows, in one place.

Adapters emit what their file says (the rank or the running number, the number ranked, the
scores) and their rule (``rank_rule``); :func:`indicators.pipeline.derive.derive_rankings`,
run by ``parse_file`` right after the adapter, computes the rest. The expected values are
recomputed here another way (counting the entries that did worse, reading RSF's files with
plain pandas) or read from the embedded ``data/rankings`` extract, which the adapters made
before derive existed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from indicators.pipeline.derive import derive_rankings
from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.base import ParseOptions
from indicators.sources.detect import choose
from indicators.sources.reading import SourceFile, read_tables
from indicators.sources.registry import ADAPTERS
from indicators.sources.workbook_parse import parse_sheets
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS, RankRule
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = ROOT / "data" / "rankings" / "rsf_eeac.csv"
DERIVED = ["n_tied", "tied", "position"]
# Rows whose published (shared) rank differs from the file's running number (test_joint_ranks).
RENUMBERED = {"2002": 27, "2006": 56, "2008": 1, "2010": 34, "2011-12": 46}
ANALYST = (
    "country,year,rank,number ranked\n"
    "Kazakhstan,2023,1,3\nKyrgyzstan,2023,1,3\nRussia,2023,3,3\n"
    "Kazakhstan,2024,1,3\nKyrgyzstan,2024,2,3\nRussia,2024,3,3\n"
    "Uzbekistan,2025,5,\nTajikistan,2025,9,\n"
)


def _analyst(tmp: Path) -> Path:
    path = tmp / "analyst.csv"
    path.write_text(ANALYST, encoding="utf-8")
    return path


def _canonical_by_hand(tmp: Path) -> Path:
    """A canonical file whose own position and tied are wrong, and a row without a rank."""
    path = tmp / "canonical.csv"
    path.write_text(
        "index,edition,edition_year,iso3,country,source_code,entity_kind,rank,n_ranked,"
        "n_tied,tied,position,methodology,score,score_direction\n"
        "my_index,2024,2024,KAZ,Kazakhstan,KAZ,country,2,3,2,False,99,my_m,20,higher_is_freer\n"
        "my_index,2024,2024,KGZ,Kyrgyzstan,KGZ,country,,,,True,1,my_m,10,higher_is_freer\n",
        encoding="utf-8",
    )
    return path


FILES: dict[str, Callable[[Path], Path]] = {
    "rsf_csv": lambda _: shared_file("rsf", "2012.csv"),
    "canonical_rankings": lambda _: EMBEDDED,
    "fh_fiw_xlsx": lambda _: shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx"),
    "fh_fotn_xlsx": lambda _: shared_file("freedom_house", "FOTN24_Country_Score_Data.xlsx"),
    "fh_fotp_tidy_csv": lambda _: shared_file("freedom_house", "fotp_2001_2014_etachov_tidy.csv"),
    "analyst_rankings": _analyst,
}


def adapter_alone(path: Path) -> tuple[object, pd.DataFrame]:
    """The chosen adapter and its own table, before derive (adapters do not validate)."""
    source = SourceFile.from_path(path)
    tables = read_tables(source)
    adapter, table = choose(tables, ParseOptions())
    return adapter, parse_sheets(adapter, tables, table, ParseOptions()).frame


def _position_by_counting(frame: pd.DataFrame) -> pd.Series:
    """Position counted row by row: entries ranked worse, plus half the others at the same rank."""
    out = []
    for _, row in frame.iterrows():
        same = frame[(frame["index"] == row["index"]) & (frame["edition"] == row["edition"])]
        if pd.isna(row["rank"]) or pd.isna(row["n_ranked"]):
            out.append(None)
            continue
        worse = int((same["rank"] > row["rank"]).sum())
        tied_others = int((same["rank"] == row["rank"]).sum()) - 1
        n = int(row["n_ranked"])
        out.append(round(100 * (worse + 0.5 * tied_others) / (n - 1), 2) if n > 1 else 100.0)
    return pd.Series(out, index=frame.index, dtype="Float64")


def test_every_rankings_adapter_is_covered() -> None:
    """Each rankings adapter in the registry has a file here (a new one must be added)."""
    assert {a.name for a in ADAPTERS if a.kind == "rankings"} == set(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_adapter_leaves_ties_and_positions_to_derive(name: str, tmp_path: Path) -> None:
    """The adapter's own table has no n_tied, tied or position; parse_file's has derive's."""
    path = FILES[name](tmp_path)
    adapter, own = adapter_alone(path)
    assert getattr(adapter, "name", None) == name
    if name != "canonical_rankings":  # only our own export gives n_tied (an extract's ties)
        assert own["n_tied"].isna().all()
    assert own["tied"].isna().all() and own["position"].isna().all()
    derived = derive_rankings(own, getattr(adapter, "rank_rule", None))
    parsed = parse_file(SourceFile.from_path(path)).frame
    pd.testing.assert_frame_equal(derived, parsed)
    assert parsed["tied"].notna().all()


def test_freedom_house_has_no_ranks_after_derive() -> None:
    """Scores only: rank, number ranked, n_tied and position empty, tied False in every row."""
    path = shared_file("freedom_house", "fotp_2001_2014_etachov_tidy.csv")
    frame = parse_file(SourceFile.from_path(path)).frame
    assert frame[["rank", "n_ranked", "n_tied", "position"]].isna().all().all()
    assert not frame["tied"].any()


@pytest.fixture(scope="module")
def rsf() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Each RSF edition: our table, and the file's own ISO, number and score read plainly."""
    editions = {}
    for path in sorted(shared_file("rsf").glob("*.csv")):
        enc = "cp1252" if path.stem in ("2025", "2026") else "utf-8-sig"
        raw = pd.read_csv(path, sep=";", encoding=enc, dtype=str)
        rank = next(c for c in raw.columns if c in ("Rank N", "Rank"))
        score = next(c for c in raw.columns if c.startswith("Score") and "N-1" not in c)
        plain = pd.DataFrame(
            {
                "source_code": raw["ISO"],
                "numbered": raw[rank].astype(int),
                "printed": pd.to_numeric(raw[score].str.replace(",", ".")),
            }
        )
        ours = parse_file(SourceFile.from_path(path)).frame
        editions[str(ours["edition"].iloc[0])] = (ours, plain)
    assert len(editions) == 24
    return editions


def test_joint_ranks_up_to_2011_12_distinct_after(rsf: dict) -> None:
    """Up to 2011-12 equal scores share the best number of their group; from 2013 as numbered."""
    for edition, (ours, plain) in rsf.items():
        both = ours.merge(plain, on="source_code", validate="one_to_one")
        assert both["rank_as_numbered"].tolist() == both["numbered"].tolist()
        if int(ours["edition_year"].iloc[0]) <= 2012:
            shared = both.groupby("printed")["numbered"].transform("min")
            assert both["rank"].tolist() == shared.tolist(), edition
        else:
            assert both["rank"].tolist() == both["numbered"].tolist(), edition
        changed = int((both["rank"] != both["numbered"]).sum())
        assert changed == RENUMBERED.get(edition, 0), edition


def test_published_joint_ranks(rsf: dict) -> None:
    """2011-12 Finland and Norway joint 1st; 2010 six joint 1st; 2018 28th and 29th on 79.61."""

    def row(edition: str, code: str) -> pd.Series:
        frame = rsf[edition][0]
        return frame[frame["source_code"] == code].iloc[0]

    assert [row("2011-12", c)["rank"] for c in ("FIN", "NOR", "EST")] == [1, 1, 3]
    assert row("2011-12", "NOR")["n_tied"] == 2 and row("2011-12", "NOR")["tied"]
    first = rsf["2010"][0].query("rank == 1")
    assert len(first) == 6 and (first["n_tied"] == 6).all()
    for edition in ("2002", "2006", "2008"):
        assert rsf[edition][0]["tied"].any(), edition
    zaf, cpv = row("2018", "ZAF"), row("2018", "CPV")
    assert (zaf["rank"], cpv["rank"]) == (28, 29)
    assert zaf["score"] == cpv["score"] == pytest.approx(79.61)  # as the file has it
    assert not zaf["tied"] and not cpv["tied"]


def test_positions_of_every_edition_by_counting(rsf: dict) -> None:
    """Every row of the 24 editions: the position counted here, ties as tie counts."""
    for edition, (ours, _) in rsf.items():
        counts = ours.groupby("rank")["rank"].transform("size")
        assert ours["n_tied"].tolist() == counts.tolist(), edition
        assert ours["tied"].tolist() == (counts > 1).tolist(), edition
        expected = _position_by_counting(ours)
        assert (ours["position"] - expected).abs().max() <= 0.005, edition


def test_embedded_extract_is_what_derive_gives(rsf: dict) -> None:
    """The embedded EEAC rows' rank, number, ties and position are those of RSF's files now."""
    embedded = pd.read_csv(EMBEDDED, dtype={"edition": str})
    every = pd.concat([ours for ours, _ in rsf.values()], ignore_index=True)
    keys = ["edition", "source_code"]
    both = embedded.merge(every, on=keys, suffixes=("_embedded", ""), validate="one_to_one")
    assert len(both) == len(embedded) == 309
    for column in ["rank", "rank_as_numbered", "n_ranked", *DERIVED]:
        assert (
            both[column].astype(float).tolist() == both[f"{column}_embedded"].astype(float).tolist()
        ), column


def test_canonical_file_keeps_its_ties_and_recomputes_positions(tmp_path: Path) -> None:
    """The export's n_tied is kept (an extract); its tied and position are never read."""
    frame = parse_file(SourceFile.from_path(_canonical_by_hand(tmp_path))).frame
    kaz, kgz = frame.iloc[0], frame.iloc[1]
    assert (kaz["n_tied"], kaz["tied"], kaz["position"]) == (2, True, 25.0)
    assert pd.isna(kgz["position"]) and not kgz["tied"]  # no rank: no position (was 100)


def test_analyst_ties_are_counted_within_an_edition(tmp_path: Path) -> None:
    """Equal ranks tie within one edition only; no number ranked, no position."""
    frame = parse_file(SourceFile.from_path(_analyst(tmp_path))).frame.set_index(
        ["edition", "iso3"]
    )
    assert frame.loc["2023", "n_tied"].tolist() == [2, 2, 1]
    assert frame.loc["2024", "n_tied"].tolist() == [1, 1, 1]
    assert frame.loc["2023", "position"].tolist() == [75.0, 75.0, 0.0]
    assert frame.loc["2024", "position"].tolist() == [100.0, 50.0, 0.0]
    assert frame.loc["2025", "position"].isna().all()


def _rows(editions: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    rows = pd.DataFrame(editions, columns=["edition", "edition_year", "rank", "score"])
    rows = rows.assign(index="i", n_ranked=rows.groupby("edition")["rank"].transform("size"))
    return conform(rows.assign(rank_as_numbered=rows["rank"]), RANKINGS)


def test_rule_applies_per_edition_and_up_to_its_year() -> None:
    """Joint ranks within one edition, in editions up to the rule's year; derive twice = once."""
    frame = _rows(
        [
            ("2011", 2011, 1, 5.0),
            ("2011", 2011, 2, 5.0),
            ("2011", 2011, 3, 7.0),
            ("2012", 2012, 1, 7.0),
            ("2012", 2012, 2, 9.0),
            ("2013", 2013, 1, 5.0),
            ("2013", 2013, 2, 5.0),
        ]
    )
    rule = RankRule(joint_until=2012)
    once = derive_rankings(frame, rule)
    assert once["rank"].tolist() == [1, 1, 3, 1, 2, 1, 2]
    assert once["rank_as_numbered"].tolist() == [1, 2, 3, 1, 2, 1, 2]
    assert once["n_tied"].tolist() == [2, 2, 1, 1, 1, 1, 1]
    assert once["position"].tolist() == [75.0, 75.0, 0.0, 100.0, 0.0, 100.0, 0.0]
    pd.testing.assert_frame_equal(derive_rankings(once, rule), once)
    assert derive_rankings(frame)["rank"].tolist() == [1, 2, 3, 1, 2, 1, 2]


def test_rsf_empty_rank_is_refused_with_its_row() -> None:
    """An RSF row without a rank is refused naming the row and column (derive makes no tie)."""
    isos = ["KAZ", "KGZ", "RUS", "UZB", "TJK", "NOR", "FIN", "EST", "DNK", "SWE", "IRL", "CHE"]
    rows = [
        f"{90 - 5 * i:.2f}".replace(".", ",") + (f";{i + 1}" if i != 3 else ";") + f";{iso};2026"
        for i, iso in enumerate(isos)
    ]
    data = ("\n".join(["Score 2026;Rank;ISO;Year (N)", *rows]) + "\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        parse_file(SourceFile("2026.csv", data))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (5, "Rank")
    assert problem.problem.startswith("the rank is empty")


# That sources/ never imports pipeline/ is one case of tests/test_stages.py.
