"""Joint ranks as RSF published them, split entries, and claims on both (issue 12 items 2, 3).

RSF's files for 2002, 2006, 2008, 2010 and 2011-12 number tied entries one after another
(Finland 1, Norway 2, both -10 in 2011-12); the published rank is the shared one. The expected
numbers below are read from RSF's own files in /work/shared/data by plain pandas here, not
through the adapter, so the test can catch the adapter.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.pipeline.derive import joint_ranks
from indicators.pipeline.extract import parse_file
from indicators.present.sentences import describe_claim
from indicators.present.tables_in_words import claim_table
from indicators.query.claims import match_claim
from indicators.query.views import rankings_listing, rankings_view
from indicators.sources.reading import SourceFile
from indicators.tables.rankings import RANKINGS
from tests.conftest import shared_file

# Rows whose published (shared) rank differs from the file's running number, by edition.
RENUMBERED = {"2002": 27, "2006": 56, "2008": 1, "2010": 34, "2011-12": 46}


@pytest.fixture(scope="module")
def every_edition() -> pd.DataFrame:
    """All 24 real RSF editions parsed by the adapter."""
    files = sorted(shared_file("rsf").glob("*.csv"))
    return pd.concat([parse_file(SourceFile.from_path(p)).frame for p in files])


def _file_ranks(path: Path) -> pd.DataFrame:
    """ISO code, the file's own rank number and score, read plainly."""
    enc = "cp1252" if path.stem in ("2025", "2026") else "utf-8-sig"
    raw = pd.read_csv(path, sep=";", encoding=enc, dtype=str)
    rank = next(c for c in raw.columns if c in ("Rank N", "Rank"))
    return pd.DataFrame({"source_code": raw["ISO"], "numbered": raw[rank].astype(int)})


def _row(frame: pd.DataFrame, edition: str, code: str) -> pd.Series:
    rows = frame[(frame["edition"] == edition) & (frame["source_code"] == code)]
    assert len(rows) == 1, (edition, code)
    return rows.iloc[0]


def test_joint_ranks_share_the_best_number_of_equal_scores() -> None:
    """1, 2, 3 with equal scores become 1, 1, 1 and the next rank skips; no score, no change."""
    running = pd.Series([1, 2, 3, 4, 5, 6], dtype="Int64")
    score = pd.Series([0.5, 0.5, 0.5, 1.0, None, 2.0], dtype="Float64")
    assert joint_ranks(running, score).tolist() == [1, 1, 1, 4, 5, 6]
    shared = pd.Series([1, 1, 3], dtype="Int64")  # a file that already repeats the shared rank
    assert joint_ranks(shared, pd.Series([2.0, 2.0, 3.0])).tolist() == [1, 1, 3]


def test_norway_and_finland_joint_first_in_2011_12(every_edition: pd.DataFrame) -> None:
    """RSF numbers them 1 and 2; both are 1st, tied, at the same position."""
    finland, norway = (_row(every_edition, "2011-12", c) for c in ("FIN", "NOR"))
    assert (finland["rank"], norway["rank"]) == (1, 1)
    assert (finland["n_tied"], norway["n_tied"]) == (2, 2)
    assert norway["tied"] and norway["position"] == finland["position"]
    assert norway["position"] == pytest.approx(100 * (177 + 0.5) / 178, abs=0.01)
    estonia = _row(every_edition, "2011-12", "EST")  # the next rank skips: 3rd, not 2nd
    assert estonia["rank"] == 3


def test_iceland_joint_first_in_2010(every_edition: pd.DataFrame) -> None:
    """Six entries scored 0 in 2010 (numbered 1-6 in the file): all six are 1st."""
    first = every_edition[(every_edition["edition"] == "2010") & (every_edition["rank"] == 1)]
    assert set(first["source_code"]) == {"FIN", "ISL", "NOR", "NLD", "SWE", "CHE"}
    assert _row(every_edition, "2010", "ISL")["n_tied"] == 6


def test_2018_equal_rounded_scores_keep_distinct_ranks(every_edition: pd.DataFrame) -> None:
    """From 2013 ranks stay as published: South Africa 28th, Cape Verde 29th, both 79.61."""
    zaf, cpv = (_row(every_edition, "2018", c) for c in ("ZAF", "CPV"))
    assert zaf["score_as_printed"] == cpv["score_as_printed"]
    assert zaf["score"] == pytest.approx(79.61) or zaf["score_as_printed"] == pytest.approx(79.61)
    assert (zaf["rank"], cpv["rank"]) == (28, 29)
    assert not zaf["tied"] and not cpv["tied"]


def test_renumbered_rows_per_edition_as_measured(every_edition: pd.DataFrame) -> None:
    """164 rows get the shared rank (2002: 27, 2006: 56, 2008: 1, 2010: 34, 2011-12: 46);
    every other row of every edition keeps the file's number."""
    for path in sorted(shared_file("rsf").glob("*.csv")):
        ours = every_edition[every_edition["source_file"] == path.name]
        both = ours.merge(_file_ranks(path), on="source_code", validate="one_to_one")
        changed = int((both["rank"] != both["numbered"]).sum())
        assert changed == RENUMBERED.get(str(ours["edition"].iloc[0]), 0), path.name
        assert (both["rank"] <= both["numbered"]).all()
    assert sum(RENUMBERED.values()) == 164


@pytest.mark.skipif(
    "rank_as_numbered" not in RANKINGS.names,
    reason="the rankings schema does not have rank_as_numbered yet (schemas.py, helper H1)",
)
def test_file_number_kept_as_rank_as_numbered(every_edition: pd.DataFrame) -> None:
    """The file's running number is kept beside the published rank."""
    norway = _row(every_edition, "2011-12", "NOR")
    assert (norway["rank"], norway["rank_as_numbered"]) == (1, 2)
    assert (every_edition["rank"] <= every_edition["rank_as_numbered"]).all()


def test_claims_match_joint_ranks(every_edition: pd.DataFrame) -> None:
    """'Norway 1st of 179' is RSF 2011-12 (joint), 'Iceland 1st of 178' is RSF 2010."""
    norway = match_claim(every_edition, "NOR", 1, 179, "rsf_wpfi")
    assert norway.matches["edition"].tolist() == ["2011-12"]
    assert describe_claim(norway, "Norway", 1, 179) == (
        "Yes: Norway was 1st of 179 in RSF's World Press Freedom Index 2011-12 "
        "(joint with Finland)."
    )
    iceland = match_claim(every_edition, "ISL", 1, 178, "rsf_wpfi")
    assert iceland.matches["edition"].tolist() == ["2010"]
    assert "2010 (joint with 5 others)" in describe_claim(iceland, "Iceland", 1, 178)


def test_claim_matches_a_split_entry_named_as_such(every_edition: pd.DataFrame) -> None:
    """'The United States dropped to 47th out of 179' is RSF 2011-12's US-territory entry."""
    result = match_claim(every_edition, "USA", 47, 179, "rsf_wpfi")
    assert result.matches["source_code"].tolist() == ["USA2"]
    answer = describe_claim(result, "United States", 47, 179)
    assert answer.startswith("Yes: United States was 47th of 179 in RSF's World Press")
    assert "2011-12 (as its split entry 'United States (US territory)'" in answer
    shown = claim_table(result.matches)
    assert shown["country"].tolist() == ["United States (US territory)"]


def test_listing_without_country_has_the_split_rows_flagged(every_edition: pd.DataFrame) -> None:
    """The listing keeps RSF's 34 USA/Israel split rows, flagged next to the name; the world
    map's edition view (rankings_view) still leaves them out."""
    listing = rankings_listing(every_edition)
    split = listing[listing["entity_kind"] == "pseudo"]
    assert len(split) == 34
    assert set(split["iso3"]) == {"USA", "ISR"}
    assert list(listing.columns[:5]) == ["index", "edition", "iso3", "country", "entity_kind"]
    assert len(listing) == len(every_edition) == 4200
    assert (rankings_view(every_edition)["entity_kind"] != "pseudo").all()
