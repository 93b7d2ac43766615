"""RSF adapter on every real edition 2002-2026, and on hand-made variants of the format."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile, read_table
from indicators.sources.registry import ParseOptions
from indicators.sources.rsf.adapter import RsfCsv
from tests.conftest import shared_file

# file -> (edition, rows, Kazakhstan's rank, number ranked) as RSF published them
EDITIONS = {
    "2002.csv": ("2002", 139, 116, 139),
    "2003.csv": ("2003", 166, 138, 166),
    "2004.csv": ("2004", 167, 131, 167),
    "2005.csv": ("2005", 167, 119, 167),
    "2006.csv": ("2006", 168, 128, 168),
    "2007.csv": ("2007", 169, 125, 169),
    "2008.csv": ("2008", 173, 125, 173),
    "2009.csv": ("2009", 175, 142, 175),
    "2010.csv": ("2010", 178, 162, 178),
    "2012.csv": ("2011-12", 179, 154, 179),
    "2013.csv": ("2013", 179, 160, 179),
    "2014.csv": ("2014", 180, 161, 180),
    "2015.csv": ("2015", 180, 160, 180),
    "2016.csv": ("2016", 180, 160, 180),
    "2017.csv": ("2017", 180, 157, 180),
    "2018.csv": ("2018", 180, 158, 180),
    "2019.csv": ("2019", 180, 158, 180),
    "2020.csv": ("2020", 180, 157, 180),
    "2021.csv": ("2021", 180, 155, 180),
    "2022.csv": ("2022", 180, 122, 180),
    "2023.csv": ("2023", 180, 134, 180),
    "2024.csv": ("2024", 180, 142, 180),
    "2025.csv": ("2025", 180, 141, 180),
    "2026.csv": ("2026", 180, 149, 180),
}


def _parse(path: Path) -> pd.DataFrame:
    return parse_file(SourceFile.from_path(path)).frame


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_every_edition_parses_with_published_facts(name: str) -> None:
    """Each real edition parses with its exact row count and Kazakhstan's published rank."""
    edition, rows, kaz_rank, n = EDITIONS[name]
    frame = _parse(shared_file("rsf", name))
    assert len(frame) == rows
    assert frame["edition"].unique().tolist() == [edition]
    kaz = frame[frame["iso3"] == "KAZ"].iloc[0]
    assert (kaz["rank"], kaz["n_ranked"]) == (kaz_rank, n)
    assert frame["iso3"].notna().all() and frame["country"].notna().all()
    assert frame["source_sha256"].str.len().eq(64).all()


def test_all_editions_detected_as_rsf(rsf_files: list[Path]) -> None:
    """Format detection picks the RSF adapter for every edition, whatever its header era."""
    assert {parse_file(SourceFile.from_path(p)).adapter for p in rsf_files} == {"rsf_csv"}


def test_pseudo_entries_kept_and_flagged() -> None:
    """USA1/USA2/USA_I and ISR1-3 are kept, count toward the number ranked, and are flagged."""
    frame = _parse(shared_file("rsf", "2003.csv"))
    pseudo = frame[frame["entity_kind"] == "pseudo"]
    assert set(pseudo["source_code"]) == PSEUDO_2003
    assert set(pseudo["iso3"]) <= {"USA", "ISR"}
    assert frame["n_ranked"].unique().tolist() == [166]


@pytest.mark.parametrize(
    ("name", "code", "iso3", "kind"),
    [
        ("2002.csv", "YUG", "YUG", "historic"),
        ("2004.csv", "SCG", "SCG", "historic"),
        ("2022.csv", "XKO", "XKX", "territory"),
        ("2023.csv", "XKX", "XKX", "territory"),
        ("2022.csv", "XCD", "XCD", "group"),
        ("2023.csv", "CSS", "XCD", "group"),
        ("2020.csv", "CTU", "XNC", "territory"),
    ],
)
def test_legacy_codes_resolve(name: str, code: str, iso3: str, kind: str) -> None:
    """Legacy and non-ISO RSF codes map to one stable entity code across editions."""
    frame = _parse(shared_file("rsf", name))
    row = frame[frame["source_code"] == code]
    assert len(row) == 1
    assert (row.iloc[0]["iso3"], row.iloc[0]["entity_kind"]) == (iso3, kind)


def test_score_eras_and_directions(rsf_files: list[Path]) -> None:
    """Eras: 2002-2012 points (lower = freer, no 0-100 scale); 2013-2021 and 2022+ higher = freer."""
    frame = pd.concat([_parse(p) for p in rsf_files])
    eras = frame.groupby("methodology")["edition_year"].agg(["min", "max"])
    assert eras.loc["rsf_2002_2012"].tolist() == [2002, 2012]
    assert eras.loc["rsf_2013_2021"].tolist() == [2013, 2021]
    assert eras.loc["rsf_2022"].tolist() == [2022, 2026]
    old = frame[frame["methodology"] == "rsf_2002_2012"]
    assert old["score_normalised"].isna().all()
    assert (old["score_direction"] == "lower_is_freer").all()
    new = frame[frame["methodology"] != "rsf_2002_2012"]
    assert new["score_normalised"].between(0, 100).all()


def test_2013_2021_scores_as_printed_at_the_time() -> None:
    """The 2013-2021 files store 100 minus the printed score: Kazakhstan 2021 was printed 50.28."""
    kaz = _parse(shared_file("rsf", "2021.csv")).set_index("iso3").loc["KAZ"]
    assert kaz["score"] == pytest.approx(49.72)
    assert kaz["score_as_printed"] == pytest.approx(50.28)


def test_ties_use_competition_ranking() -> None:
    """2003 has tied ranks with gaps; tie sizes are counted and the max rank equals the rows."""
    frame = _parse(shared_file("rsf", "2003.csv"))
    assert frame["rank"].nunique() == 128
    assert frame["tied"].sum() > 0
    assert frame.groupby("rank")["n_tied"].first().sum() == 166


def test_sub_indicators_2022_onwards() -> None:
    """2022+ editions carry the five sub-indicator scores and ranks; 2024 keeps 'Situation'."""
    kaz = _parse(shared_file("rsf", "2024.csv")).set_index("iso3").loc["KAZ"]
    for s in ("political", "economic", "legal", "social", "safety"):
        assert pd.notna(kaz[f"{s}_score"]) and pd.notna(kaz[f"{s}_rank"])
    assert kaz["situation"].startswith("Situation")


def test_2025_windows_1252_decoded() -> None:
    """2025 is Windows-1252 without BOM and must decode (é is byte 0xE9)."""
    table = read_table(SourceFile.from_path(shared_file("rsf", "2025.csv")))
    assert table.encoding == "cp1252"
    assert "Kazajistán" in table.frame["Country_ES"].tolist()


def _edition_text(rows: list[str], header: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


PSEUDO_2003 = {"USA2", "ISR1", "USA_I", "ISR3"}


def test_future_edition_with_renamed_and_reordered_columns() -> None:
    """A future edition that renames 'Score 2026' to 'Score 2027' and reorders columns ingests."""
    isos = ["KAZ", "KGZ", "RUS", "UZB", "TJK", "NOR", "FIN", "EST", "DNK", "SWE", "IRL", "CHE"]
    rows = [
        f"{90 - 5 * i:.2f}".replace(".", ",") + f";{i + 1};{iso};2026" for i, iso in enumerate(isos)
    ]
    data = _edition_text(rows, "Score 2027;Rank;ISO;Year (N)")
    parsed = parse_file(SourceFile("2027.csv", data), ParseOptions(adapter=RsfCsv.name))
    assert len(parsed.frame) == 12 and parsed.frame["n_ranked"].iloc[0] == 12


def test_unrecognisable_edition_lists_expected_and_found() -> None:
    """When core columns cannot be recognised, the message lists what was expected and found."""
    data = _edition_text(["KAZ;141;2025"], "Code pays;Classement;Year (N)")
    with pytest.raises(ValidationFailed) as err:
        RsfCsv().parse(read_table(SourceFile("2027.csv", data)), ParseOptions())
    message = err.value.problems[0].problem
    assert "expected ISO, Rank N or Rank" in message and "'Classement'" in message


def test_score_direction_flip_fails_loudly() -> None:
    """If a 2022+ edition's scores ran lower = freer, the era guard stops the ingest."""
    isos = ["KAZ", "KGZ", "RUS", "UZB", "TJK", "NOR", "FIN", "EST", "DNK", "SWE", "IRL", "CHE"]
    rows = [
        f"{10 + 5 * i:.2f}".replace(".", ",") + f";{i + 1};{iso};2025" for i, iso in enumerate(isos)
    ]
    data = _edition_text(rows, "Score;Rank;ISO;Year (N)")
    with pytest.raises(ValidationFailed, match="do not run the way"):
        RsfCsv().parse(read_table(SourceFile("2025.csv", data)), ParseOptions())


def test_rank_above_number_ranked_is_reported_with_row_and_column() -> None:
    """A rank larger than the number of rows is reported with file, row and column."""
    rows = ["KAZ;1;50;2025", "KGZ;7;40;2025"]
    data = _edition_text(rows, "ISO;Rank;Score;Year (N)")
    with pytest.raises(ValidationFailed) as err:
        RsfCsv().parse(read_table(SourceFile("bad.csv", data)), ParseOptions())
    p = err.value.problems[0]
    assert (p.file, p.row, p.column, p.value) == ("bad.csv", 3, "Rank", "7")
