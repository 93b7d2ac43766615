"""The `indicators` command line: the issue's done-when commands and clean failures."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.cli.main import main
from tests.conftest import shared_file, tree_snapshot


@pytest.fixture(scope="module")
def rsf_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding all 24 RSF editions, ingested through the CLI once."""
    store = tmp_path_factory.mktemp("rsf-store")
    files = [str(p) for p in sorted(shared_file("rsf").glob("*.csv"))]
    assert main(["ingest", *files, "--store", str(store), "--user", "test"]) == 0
    return store


def test_kazakhstan_rankings_csv(rsf_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """24 RSF rows for KAZ with published ranks; 2025 (141/180) has a higher position than 2002."""
    assert main(["rankings", "--country", "KAZ", "--store", str(rsf_store), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 24
    for col in (
        "index",
        "edition",
        "iso3",
        "country",
        "rank",
        "n_ranked",
        "position",
        "score",
        "score_normalised",
        "methodology",
    ):
        assert col in rows[0]
    by_edition = {r["edition"]: r for r in rows}
    assert "2011-12" in by_edition and "2011" not in by_edition
    assert (by_edition["2025"]["rank"], by_edition["2025"]["n_ranked"]) == ("141", "180")
    assert (by_edition["2002"]["rank"], by_edition["2002"]["n_ranked"]) == ("116", "139")
    assert float(by_edition["2025"]["position"]) == pytest.approx(21.8, abs=0.1)
    assert float(by_edition["2002"]["position"]) == pytest.approx(16.7, abs=0.1)


def test_match_claim_158_of_180(rsf_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'158th of 180' for Kazakhstan names RSF 2018 and 2019, and only those."""
    code = main(
        [
            "match-claim",
            "--country",
            "Kazakhstan",
            "--rank",
            "158",
            "--of",
            "180",
            "--store",
            str(rsf_store),
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == (
        "Yes: Kazakhstan was 158th of 180 in RSF's World Press Freedom Index 2018 and 2019."
    )
    records = json.loads(out.split("\n", 1)[1])
    assert [r["edition"] for r in records] == ["2018", "2019"]


def test_match_claim_no_match(rsf_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A claim no edition supports exits 3 and says so."""
    code = main(
        [
            "match-claim",
            "--country",
            "KAZ",
            "--rank",
            "158",
            "--of",
            "179",
            "--store",
            str(rsf_store),
        ]
    )
    assert code == 3
    assert "No edition puts KAZ at 158th of 179" in capsys.readouterr().out


def test_history_lists_provenance(rsf_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """History shows each version with its files' checksums."""
    assert main(["history", "--store", str(rsf_store), "--format", "json"]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert versions[0]["user"] == "test" and len(versions[0]["files"]) == 24


def test_bad_file_exits_1_and_store_unchanged(
    rsf_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad file prints a problem table naming file, row and column, exits 1, writes nothing."""
    bad = tmp_path / "bad.csv"
    bad.write_text("ISO;Rank;Score;Year (N)\nKAZ;1;50,5;2025\nATL;2;40,1;2025\n")
    before = tree_snapshot(rsf_store)
    assert main(["ingest", str(bad), "--store", str(rsf_store)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "unknown country" in err and "ATL" in err and " 3 " in err
    assert tree_snapshot(rsf_store) == before


def test_validate_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate reports OK for a real file and creates no store."""
    assert main(["validate", str(shared_file("rsf", "2022.csv"))]) == 0
    assert "OK, rankings via rsf_csv, 180 rows" in capsys.readouterr().out


def test_default_store_is_embedded_data(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --store the embedded curated data answers: Kazakhstan 2025 is 141 of 180."""
    assert main(["rankings", "--country", "Kazakhstan", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 24
    r2025 = next(r for r in rows if r["edition"] == "2025")
    assert (r2025["rank"], r2025["n_ranked"]) == (141, 180)
    assert "2025.csv" in r2025["source_file"] and len(r2025["source_sha256"]) == 64


def test_unknown_country_argument_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --country gives a one-line error and exit 2, no traceback."""
    assert main(["rankings", "--country", "Atlantis"]) == 2
    err = capsys.readouterr().err
    assert "unknown country 'Atlantis'" in err and "Traceback" not in err


def test_console_script_installed() -> None:
    """The `indicators` command is installed with the package and answers --help."""
    exe = Path(sys.executable).with_name("indicators")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("ingest", "validate", "rankings", "match-claim", "history"):
        assert command in out


def test_diff_and_rollback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """diff lists the new edition's rows; rollback restores the old version as a new one."""
    store = str(tmp_path)
    assert main(["ingest", str(shared_file("rsf", "2025.csv")), "--store", store]) == 0
    assert main(["ingest", str(shared_file("rsf", "2026.csv")), "--store", store]) == 0
    capsys.readouterr()
    assert main(["diff", "1", "2", "--store", store, "--limit", "200"]) == 0
    out = capsys.readouterr().out
    assert (
        "rankings: 180 added, 0 changed, 0 removed" in out and "added: rsf_wpfi 2026 KAZ KAZ" in out
    )
    assert main(["rollback", "1", "--store", store, "--user", "ana"]) == 0
    assert "version 3 restores version 1" in capsys.readouterr().out
    assert main(["rankings", "--country", "KAZ", "--store", store, "--format", "json"]) == 0
    assert [r["edition"] for r in json.loads(capsys.readouterr().out)] == ["2025"]
    assert main(["history", "--store", store, "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [v["action"] for v in history] == ["ingest", "ingest", "rollback to 1"]
    assert history[-1]["user"] == "ana"


def test_missing_file_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A file that does not exist gives a problem line and exit 1, not a traceback."""
    assert main(["validate", "/nonexistent/file.csv"]) == 1
    err = capsys.readouterr().err
    assert "file not found" in err and "Traceback" not in err


def test_cli_writes_are_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ingest and rollback from the command line are recorded in the audit log with the user."""
    store = str(tmp_path)
    assert (
        main(["ingest", str(shared_file("rsf", "2025.csv")), "--store", store, "--user", "bo"]) == 0
    )
    assert main(["rollback", "1", "--store", store, "--user", "bo"]) == 0
    lines = [json.loads(x) for x in (tmp_path / "audit.log").read_text().splitlines()]
    assert [(x["action"], x["user"]) for x in lines] == [("ingest", "bo"), ("rollback", "bo")]
