"""Rank change follows an entry across RSF's code changes and agrees with RSF's own figure.

Issue 12 item 8: in 2023 RSF renamed Kosovo XKO -> XKX and the OECS XCD -> CSS, and the
computed change was empty there although RSF's ``Rank evolution`` says +5 and -38.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.paths import embedded_data_dir
from indicators.pipeline.derive import code_changes, rank_change_agreement, with_rank_change
from indicators.pipeline.extract import parse_file
from indicators.sources.reading import SourceFile
from indicators.tables.rankings import RANKINGS
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def every_edition() -> pd.DataFrame:
    """All 24 real RSF editions parsed by the adapter."""
    files = sorted(shared_file("rsf").glob("*.csv"))
    frames = [parse_file(SourceFile.from_path(p)).frame for p in files]
    return pd.concat(frames, ignore_index=True)


def _rows(
    index: str, edition_year: int, codes: list[str], ranks: list[int], published: list[int | None]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": index,
            "edition": str(edition_year),
            "edition_year": edition_year,
            "iso3": ["XKX" if c in ("XKO", "XKX") else "XCD" for c in codes],
            "source_code": codes,
            "rank": pd.array(ranks, dtype="Int64"),
            "rank_change_published": pd.array(published, dtype="Int64"),
        }
    )


def test_code_change_table_is_cited_data() -> None:
    """The table lives in data/reference and every row says where RSF shows the link."""
    path = embedded_data_dir() / "reference" / "rsf_code_changes.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert {"index", "old_code", "new_code", "first_edition", "source"} <= set(table.columns)
    assert (table["source"].str.contains("import_classement")).all()
    assert code_changes()[("rsf_wpfi", "XKO")] == "XKX"
    assert code_changes()[("rsf_wpfi", "XCD")] == "CSS"


def test_change_follows_a_renamed_code_in_a_hand_made_table() -> None:
    """XKO 61st then XKX 56th is +5; XCD 55th then CSS 93rd is -38; the check agrees."""
    table = pd.concat(
        [
            _rows("rsf_wpfi", 2022, ["XKO", "XCD"], [61, 55], [None, None]),
            _rows("rsf_wpfi", 2023, ["XKX", "CSS"], [56, 93], [5, -38]),
        ],
        ignore_index=True,
    )
    out = with_rank_change(table).set_index(["edition_year", "source_code"])
    assert out.loc[(2023, "XKX"), "rank_change"] == 5
    assert out.loc[(2023, "CSS"), "rank_change"] == -38
    assert out.loc[(2023, "XKX"), "rank_change_checked"]
    assert out["rank_change"].isna().sum() == 2  # 2022 has no previous edition


def test_a_code_change_of_one_index_does_not_join_another_index() -> None:
    """Only RSF's own series follow RSF's code changes."""
    table = pd.concat(
        [
            _rows("other_index", 2022, ["XKO"], [61], [None]),
            _rows("other_index", 2023, ["XKX"], [56], [5]),
        ],
        ignore_index=True,
    )
    assert with_rank_change(table)["rank_change"].isna().all()


def test_kosovo_and_oecs_2023_on_the_real_files(every_edition: pd.DataFrame) -> None:
    """Computed +5 and -38, as RSF's file says."""
    out = with_rank_change(every_edition)
    y2023 = out[out["edition"] == "2023"].set_index("source_code")
    assert (y2023.loc["XKX", "rank_change"], y2023.loc["XKX", "rank_change_published"]) == (5, 5)
    assert (y2023.loc["CSS", "rank_change"], y2023.loc["CSS", "rank_change_published"]) == (
        -38,
        -38,
    )


def test_joint_ranks_change_is_on_the_published_ranks(every_edition: pd.DataFrame) -> None:
    """Norway: joint 1st in 2010 and in 2011-12 is no change, although RSF's file (numbering it
    3rd then 2nd) says +1."""
    out = with_rank_change(every_edition)
    norway = out[(out["edition"] == "2011-12") & (out["iso3"] == "NOR")].iloc[0]
    assert (norway["rank_change"], norway["rank_change_published"]) == (0, 1)


@pytest.mark.skipif(
    "rank_as_numbered" not in RANKINGS.names,
    reason="the rankings schema does not have rank_as_numbered yet (schemas.py, helper H1)",
)
def test_agreement_with_rsf_rank_evolution_measured(every_edition: pd.DataFrame) -> None:
    """Every published figure is computed and agrees on the file's own numbering: 4,003 rows
    (3,976 without the 27 split-entry rows); 277 differ from the change on joint ranks."""
    assert rank_change_agreement(every_edition) == {
        "published": 4003,
        "compared": 4003,
        "agree": 4003,
        "disagree": 0,
        "not_computed": 0,
        "differ_on_published_ranks": 277,
    }
    countries = every_edition[every_edition["entity_kind"] != "pseudo"]
    measured = rank_change_agreement(countries)
    assert (measured["published"], measured["agree"], measured["disagree"]) == (3976, 3976, 0)


def test_every_published_change_is_computed(every_edition: pd.DataFrame) -> None:
    """No row with RSF's figure is left without a computed change (Kosovo, OECS 2023 were)."""
    measured = rank_change_agreement(every_edition)
    assert measured["published"] == 4003
    assert measured["not_computed"] == 0


def test_rank_change_on_a_repeated_index() -> None:
    """Tables concatenated without a new index (labels repeat) still get a change per row."""
    table = pd.concat(
        [
            _rows("rsf_wpfi", 2022, ["XKO"], [61], [None]),
            _rows("rsf_wpfi", 2023, ["XKX"], [56], [5]),
        ]
    )
    assert table.index.tolist() == [0, 0]
    assert with_rank_change(table)["rank_change"].tolist()[1] == 5
