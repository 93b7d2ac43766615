"""Why a rank moved: the split adds up, agrees with a plain count, and is refused where unfair.

Real RSF files first (every country and pair of editions of one method, 2002-2026), then
hand-made editions with ties in both score directions, then the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.cli.main import main
from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.pipeline.extract import parse_files
from indicators.present.rank_moves import METHOD, rank_move_sentence
from indicators.query.explain import CannotExplain, every_split, explain_rank
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore

RSF = Path(__file__).resolve().parents[2] / "shared" / "data" / "rsf"


@pytest.fixture(scope="module")
def rsf_rankings() -> pd.DataFrame:
    parsed = parse_files([SourceFile.from_path(p) for p in sorted(RSF.glob("*.csv"))])
    return pd.concat([p.frame for p in parsed if p.kind == "rankings"], ignore_index=True)


Entry = tuple[str, str, float, int, str]  # iso3, source code, score, rank, direction


def _entries(edition: pd.DataFrame) -> list[Entry]:
    cols = ["iso3", "source_code", "score", "rank", "score_direction"]
    return [
        (str(i), str(c), float(s), int(r), str(d))
        for i, c, s, r, d in edition[cols].itertuples(index=False)
        if not pd.isna(s)
    ]


def _reference_rank(previous: list[Entry], iso3: str, new_score: float) -> int:
    """The second implementation: a plain loop over the other countries' previous scores."""
    _, code, _, my_rank, direction = min((e for e in previous if e[0] == iso3), key=lambda e: e[3])
    ahead = 0
    for _, other, score, rank, _ in previous:
        if other == code:
            continue
        better = score > new_score if direction == "higher_is_freer" else score < new_score
        if better or (score == new_score and rank < my_rank):
            ahead += 1
    return 1 + ahead


def test_every_split_adds_up_and_agrees_with_a_plain_count(rsf_rankings: pd.DataFrame) -> None:
    splits = every_split(rsf_rankings)
    editions = set(splits["edition"])
    # Every pair within one method: 2002-2012 (9 pairs), 2013-2021 (8 but 2013 has no
    # predecessor in its era), 2022-2026 (4); the 2012->2013 and 2021->2022 pairs are refused.
    assert {"2003", "2011-12", "2014", "2021", "2023", "2026"} <= editions
    assert not {"2002", "2013", "2022"} & editions
    assert len(splits) > 3500
    total = splits["explained_by_own_score"] + splits["explained_by_others"]
    assert (total == splits["places_gained"]).all()
    assert (splits["places_gained"] == splits["rank_against"] - splits["rank"]).all()
    by_edition = {str(e): _entries(g) for e, g in rsf_rankings.groupby("edition")}
    previous_of = dict(zip(splits["edition"], splits["against"], strict=False))
    for edition, against in previous_of.items():
        rows = splits[splits["edition"] == edition]
        for row in rows.itertuples(index=False):
            expected = _reference_rank(by_edition[against], row.iso3, row.score)
            assert row.rank_if_only_own_score_changed == expected, (edition, row.iso3)


def test_an_unchanged_score_is_explained_by_the_others_alone(rsf_rankings: pd.DataFrame) -> None:
    splits = every_split(rsf_rankings)
    same = splits[splits["score"] == splits["score_against"]]
    assert len(same) > 50  # pre-2013 editions repeat scores often
    assert (same["explained_by_own_score"] == 0).all()


def test_kazakhstan_2026(rsf_rankings: pd.DataFrame) -> None:
    split = explain_rank(rsf_rankings, "KAZ", edition="2026")
    assert (split.against, split.rank_against, split.rank) == ("2025", 141, 149)
    assert (split.change, split.own, split.others) == (-8, -7, -1)
    assert rank_move_sentence(split) == (
        "Kazakhstan fell 8 places in 2026 (141st to 149th of 180): its own score explains 7, "
        "other countries' changes 1."
    )


@pytest.mark.parametrize(("edition", "against"), [("2022", "2021"), ("2013", "2011-12")])
def test_across_a_method_change_the_split_is_refused(
    rsf_rankings: pd.DataFrame, edition: str, against: str
) -> None:
    with pytest.raises(CannotExplain, match="changed its method") as caught:
        explain_rank(rsf_rankings, "KAZ", edition=edition, against=against)
    assert "different scales" in str(caught.value)
    with pytest.raises(CannotExplain, match="changed its method"):
        explain_rank(rsf_rankings, "KAZ", edition="2026", against="2021")


def test_one_zone_of_an_edition_cannot_be_split() -> None:
    """The embedded data holds one RSF zone: every pair is refused, saying what is missing."""
    rankings = open_default_store().table("rankings")
    with pytest.raises(CannotExplain, match=r"holds 13 of the 180 countries ranked in 2025"):
        explain_rank(rankings, "KAZ", edition="2026")
    assert every_split(rankings).empty


def _edition(edition: int, rows: list[tuple[str, float, int]], direction: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": "hand",
            "edition": str(edition),
            "edition_year": edition,
            "methodology": "one",
            "n_ranked": len(rows),
            "iso3": [r[0] for r in rows],
            "country": [r[0] for r in rows],
            "source_code": [r[0] for r in rows],
            "entity_kind": "country",
            "rank": [r[2] for r in rows],
            "score": [r[1] for r in rows],
            "score_direction": direction,
        }
    )


def _hand(old: list[tuple[str, float, int]], new: list[tuple[str, float, int]], direction: str):
    table = pd.concat([_edition(2024, old, direction), _edition(2025, new, direction)])
    return lambda iso3: explain_rank(table, iso3, index="hand")


def test_hand_computed_cases_higher_is_freer() -> None:
    split = _hand(
        [("AAA", 80, 1), ("BBB", 70, 2), ("CCC", 60, 3), ("DDD", 50, 4)],
        [("BBB", 85, 1), ("CCC", 75, 2), ("AAA", 65, 3), ("DDD", 50, 4)],
        "higher_is_freer",
    )
    a = split("AAA")  # 65 among BBB 70, CCC 60, DDD 50: 2nd; fell 2, own 1, others 1
    assert (a.rank_if_only_own, a.change, a.own, a.others) == (2, -2, -1, -1)
    c = split("CCC")  # 75 among AAA 80, BBB 70, DDD 50: 2nd; rose 1, all its own
    assert (c.rank_if_only_own, c.change, c.own, c.others) == (2, 1, 1, 0)
    d = split("DDD")  # unchanged score, unchanged rank
    assert (d.change, d.own, d.others) == (0, 0, 0)


def test_hand_computed_ties_stay_as_ranked_before() -> None:
    split = _hand(
        [("AAA", 70, 1), ("BBB", 70, 2), ("CCC", 60, 3)],
        [("CCC", 75, 1), ("AAA", 70, 2), ("BBB", 70, 3)],
        "higher_is_freer",
    )
    a, b = split("AAA"), split("BBB")
    # Equal scores: AAA was ahead of BBB and stays ahead; neither moved of its own accord.
    assert (a.rank_if_only_own, a.own, a.others) == (1, 0, -1)
    assert (b.rank_if_only_own, b.own, b.others) == (2, 0, -1)
    c = split("CCC")
    assert (c.rank_if_only_own, c.own, c.others) == (1, 2, 0)


def test_hand_computed_lower_is_freer_with_a_joint_rank() -> None:
    split = _hand(
        [("AAA", 10, 1), ("BBB", 20, 2), ("CCC", 20, 2), ("DDD", 30, 4)],
        [("DDD", 5, 1), ("AAA", 10, 2), ("BBB", 25, 3), ("CCC", 28, 4)],
        "lower_is_freer",
    )
    d = split("DDD")  # 5 is freer than every previous score: 1st by its own score
    assert (d.rank_if_only_own, d.own, d.others) == (1, 3, 0)
    b = split("BBB")  # 25 among AAA 10, CCC 20, DDD 30: 3rd
    assert (b.rank_if_only_own, b.change, b.own, b.others) == (3, -1, -1, 0)
    a = split("AAA")
    assert (a.own, a.others) == (0, -1)
    assert "other countries' changes 1" in rank_move_sentence(a)


def test_opposite_parts_are_said_each_its_way() -> None:
    split = _hand(
        [("AAA", 50, 2), ("BBB", 60, 1), ("CCC", 40, 3)],
        [("BBB", 90, 1), ("CCC", 80, 2), ("AAA", 55, 3)],
        "higher_is_freer",
    )("AAA")
    assert (split.change, split.own, split.others) == (-1, 0, -1)
    sentence = rank_move_sentence(split)
    assert sentence.startswith("AAA fell 1 place in 2025 (2nd to 3rd of 3)")


def _store(tmp_path: Path, years: list[str]) -> str:
    store = LocalStore(tmp_path / "store")
    ingest(store, [SourceFile.from_path(RSF / f"{y}.csv") for y in years], user="t")
    return str(tmp_path / "store")


def test_cli_explain_rank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    where = _store(tmp_path, ["2021", "2022", "2025", "2026"])
    assert main(["explain-rank", "--store", where, "--country", "KAZ", "--edition", "2026"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Kazakhstan fell 8 places in 2026 (141st to 149th of 180)")
    assert "explained_by_own_score" in out and METHOD in out  # the methods text, once
    # --against: 2022 -> 2025 is within one method too (the store holds both whole).
    code = main(["explain-rank", "--store", where, "--country", "Kazakhstan", "--edition",
                 "2025", "--against", "2022", "--format", "json"])  # fmt: skip
    record = json.loads(capsys.readouterr().out)[0]
    assert code == 0 and (record["against"], record["rank_against"], record["rank"]) == (
        "2022",
        122,
        141,
    )
    assert record["explained_by_own_score"] + record["explained_by_others"] == -19
    code = main(["explain-rank", "--store", where, "--country", "KAZ", "--edition", "2022"])
    err = capsys.readouterr().err
    assert code == 2 and "changed its method between 2021 and 2022" in err
    code = main(["explain-rank", "--store", where, "--country", "KAZ", "--index", "fh_fiw"])
    assert code == 2 and "no ranks of the index fh_fiw" in capsys.readouterr().err
    code = main(["explain-rank", "--store", where, "--country", "KAZ", "--format", "csv"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and lines[0].startswith("index,iso3,country,edition,against")
    assert lines[1].startswith("rsf_wpfi,KAZ,Kazakhstan,2026,2025")


def test_the_brief_says_why_the_rank_moved(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    from indicators.present.brief import brief_for
    from indicators.present.brief_html import make_html

    store = LocalStore(_store(tmp_path, ["2025", "2026"]))
    brief = brief_for(store, "KAZ", None, date(2026, 12, 1))
    html = make_html(brief, datetime(2026, 12, 1, tzinfo=UTC), svg="<svg></svg>")
    assert "its own score explains 7, other countries&#x27; changes 1." in html or (
        "its own score explains 7, other countries' changes 1." in html
    )
    seeded = brief_for(open_default_store(), "KAZ", None, date(2026, 12, 1))
    assert seeded.sentences[-1].startswith("Why the rank moved cannot be split here: the store")


def test_overview_why_the_rank_moved_on_the_embedded_data() -> None:
    from tests.pages import figures, open_page

    at = open_page()
    texts = [m.value.replace("\\", "").replace("\u2060", "") for m in at.markdown]
    assert any("cannot be split here: the store holds 13 of the 180" in t for t in texts)
    assert not any(trace.get("type") == "waterfall" for f in figures(at) for trace in f["data"])


def test_overview_why_the_rank_moved_with_whole_editions() -> None:
    from tests.pages import figures, open_page

    store = open_default_store()
    ingest(store, [SourceFile.from_path(RSF / f"{y}.csv") for y in ("2025", "2026")], user="t")
    at = open_page()
    texts = [m.value.replace("\\", "").replace("\u2060", "") for m in at.markdown]
    assert any(
        "Kazakhstan fell 8 places in 2026 (141st to 149th of 180): its own score explains 7, "
        "other countries' changes 1." in t
        for t in texts
    )
    [fall] = [t for f in figures(at) for t in f["data"] if t.get("type") == "waterfall"]
    assert fall["x"] == ["2025", "Own score", "Others", "2026"]
    assert fall["y"] == [141, 7, 1, 149]
    assert fall["measure"] == ["absolute", "relative", "relative", "total"]
