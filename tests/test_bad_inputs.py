"""Hand-made bad inputs: each gives its precise problem, and the store stays byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.pipeline.commit import ingest
from indicators.problems import Problem, ValidationFailed
from indicators.sources.reading import SourceFile
from indicators.store import LocalStore
from tests.conftest import shared_file, tree_snapshot

GOOD = "ISO;Rank;Score;Year (N)\n" + "".join(
    f"{iso};{i + 1};{90 - 3 * i},5;2025\n"
    for i, iso in enumerate(
        ["NOR", "FIN", "EST", "KAZ", "KGZ", "RUS", "UZB", "TJK", "TKM", "CHN", "IRN", "PRK"]
    )
)


def _problems(name: str, data: bytes, tmp_path: Path) -> list[Problem]:
    store = LocalStore(tmp_path / "store")
    ingest(store, [SourceFile.from_path(shared_file("rsf", "2024.csv"))], user="seed")
    before = tree_snapshot(store.root)
    with pytest.raises(ValidationFailed) as err:
        ingest(store, [SourceFile(name, data)], user="t")
    assert tree_snapshot(store.root) == before
    return err.value.problems


def test_good_file_is_accepted(tmp_path: Path) -> None:
    """The hand-made base file is valid, so each bad variant fails only for its own defect."""
    ingest(LocalStore(tmp_path), [SourceFile("good.csv", GOOD.encode())], user="t")


def test_wrong_delimiter(tmp_path: Path) -> None:
    """A file whose fields are not separated by any known delimiter cannot be recognised."""
    data = GOOD.replace(";", "#").encode()
    p = _problems("hash.csv", data, tmp_path)
    assert "cannot tell what this file holds" in p[0].problem


def test_wrong_encoding(tmp_path: Path) -> None:
    """A UTF-8 BOM followed by invalid UTF-8 bytes is named as an encoding problem."""
    data = b"\xef\xbb\xbf" + GOOD.replace("KAZ", "K\xe9Z").encode("latin-1")
    p = _problems("enc.csv", data, tmp_path)
    assert "not valid UTF-8" in p[0].problem


def test_missing_column(tmp_path: Path) -> None:
    """Without a rank column the file is not recognised, and its columns are listed."""
    data = "\n".join(
        ";".join(line.split(";")[i] for i in (0, 2, 3)) for line in GOOD.splitlines()
    ).encode()
    p = _problems("norank.csv", data, tmp_path)
    assert "'ISO'" in p[0].problem and "'Score'" in p[0].problem


def test_rank_above_number_ranked(tmp_path: Path) -> None:
    """A rank above the number ranked names row and column."""
    p = _problems("rank.csv", GOOD.replace("KAZ;4;", "KAZ;40;").encode(), tmp_path)
    assert (p[0].row, p[0].column, p[0].value) == (5, "Rank", "40")


def test_duplicate_country_edition(tmp_path: Path) -> None:
    """The same country twice in one edition is reported on both rows."""
    p = _problems("dupe.csv", GOOD.replace("KGZ", "KAZ").encode(), tmp_path)
    assert {(x.row, x.problem) for x in p} == {
        (5, "the same country appears twice in this edition"),
        (6, "the same country appears twice in this edition"),
    }


def test_unknown_country(tmp_path: Path) -> None:
    """An unknown code names file, row, column and value, with a fix."""
    p = _problems("unknown.csv", GOOD.replace("TKM", "ZZZ").encode(), tmp_path)
    assert (p[0].file, p[0].row, p[0].column, p[0].value) == ("unknown.csv", 10, "ISO", "ZZZ")
    assert "aliases.csv" in p[0].fix


def test_empty_file(tmp_path: Path) -> None:
    """An empty file says so."""
    assert _problems("empty.csv", b"", tmp_path)[0].problem == "the file is empty"


def test_binary_file(tmp_path: Path) -> None:
    """Binary data is refused as not a CSV text file."""
    p = _problems("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), tmp_path)
    assert "binary data" in p[0].problem


def test_header_only(tmp_path: Path) -> None:
    """A header with no rows is reported."""
    p = _problems("header.csv", b"ISO;Rank;Score;Year (N)\n", tmp_path)
    assert "no rows" in p[0].problem


def test_non_numeric_rank(tmp_path: Path) -> None:
    """A rank that is not a number names row, column and value."""
    p = _problems("text.csv", GOOD.replace("KAZ;4;", "KAZ;fourth;").encode(), tmp_path)
    assert (p[0].row, p[0].column, p[0].value, p[0].problem) == (
        5,
        "Rank",
        "fourth",
        "is not a number",
    )


def test_fractional_and_negative_rank(tmp_path: Path) -> None:
    """A fractional rank and a negative rank are each reported."""
    data = GOOD.replace("KAZ;4;", "KAZ;4,5;").replace("RUS;6;", "RUS;-6;").encode()
    p = _problems("frac.csv", data, tmp_path)
    assert {(x.row, x.problem.split(" (")[0]) for x in p} >= {(5, "must be a whole number")}
    assert any(x.row == 7 for x in p)


def test_edition_in_the_future(tmp_path: Path) -> None:
    """An edition year after this year is refused."""
    p = _problems("future.csv", GOOD.replace(";2025", ";2099").encode(), tmp_path)
    assert "edition must be a year" in p[0].problem and p[0].value == "2099"


def test_unquoted_extra_field(tmp_path: Path) -> None:
    """A row with more fields than the header is reported by row."""
    p = _problems(
        "fields.csv", GOOD.replace("KAZ;4;81,5;2025", "KAZ;4;81,5;2025;extra;x").encode(), tmp_path
    )
    assert any(x.row == 5 and "fields" in x.problem for x in p)


def test_duplicate_header(tmp_path: Path) -> None:
    """Two columns with the same name are refused."""
    data = GOOD.replace("ISO;Rank;Score;Year (N)", "ISO;Rank;Rank;Year (N)").encode()
    p = _problems("dupehead.csv", data, tmp_path)
    assert p[0].problem == "the same column name appears twice" and p[0].column == "Rank"


def test_same_edition_twice_in_one_batch(tmp_path: Path) -> None:
    """Two files holding the same edition in one ingest are refused."""
    store = LocalStore(tmp_path)
    with pytest.raises(ValidationFailed, match="holds the same rankings"):
        ingest(
            store,
            [SourceFile("a.csv", GOOD.encode()), SourceFile("b.csv", GOOD.encode())],
            user="t",
        )
    assert store.head() is None
