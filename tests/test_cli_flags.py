"""Every flag the README and docs document changes what the command does, as they say.

Each test runs a command with and without one flag, on small hand-made files written here
and a store in tmp_path, and asserts on the outcome (exit status, rows, stored values). The
first test keeps the list honest: a flag documented without a test here fails it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from indicators.cli.main import READING_OPTIONS, build_parser, main, parse_options
from indicators.pipeline.extract import IngestOptions
from indicators.store import LocalStore
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("accounts.md", "analyst-files.md", "incident-files.md")
COUNTRIES = ["KAZ", "KGZ", "UZB", "TJK", "TKM", "RUS", "MNG", "CHN", "GEO", "ARM"]
Run = Callable[..., tuple[int, str, str]]


def _ranks(index: str, year: int, first: str) -> list[str]:
    order = [first, *[c for c in COUNTRIES if c != first]]
    return [f"{index},{c},{year},{r},{100 - 5 * r},10,yes" for r, c in enumerate(order, 1)]


FILES = {
    # Index alpha: KAZ 1st of 10 in 2023, 2nd in 2024 (KGZ 1st); beta 2024: UZB 1st, KAZ 2nd.
    "ranks.csv": "\n".join(
        [
            "Index,Country,Year,Rank,Score,Number ranked,Higher is better",
            *_ranks("alpha", 2023, "KAZ"),
            *_ranks("alpha", 2024, "KGZ"),
            *_ranks("beta", 2024, "UZB"),
        ]
    ),
    "plain_ranks.csv": "Country,Year,Rank\nKAZ,2024,2\nKGZ,2024,1\n",
    "pos.csv": "Country,Year,Pos\nKAZ,2024,2\nKGZ,2024,1\n",  # 'Pos' is no rank alias
    "one_edition.csv": "Rank,Country,Score\n1,KGZ,80.5\n2,KAZ,70.25\n",  # no edition column
    "incidents.csv": (
        "date,country,incident_type,target_name,source_name\n"
        "2023-03-01,KAZ,detention,A. Reporter,Monitor A\n"
        "2024-05-01,KAZ,summons,B. Reporter,Monitor A\n"
        "2024-06-01,KGZ,detention,C. Reporter,Monitor B\n"
    ),
    "no_country.csv": "date,incident_type,target_name\n2024-03-01,detention,A. Person\n",
    "no_who.csv": "date,country,incident_type\n2024-03-01,KAZ,detention\n",  # its kind cannot be told
    "events.csv": (
        "date,country,title,kind,source\n"
        "2024-03-01,KAZ,Parliament election,election,CEC\n"
        "2023-05-01,KGZ,Street protest,protest,News\n"
    ),
}

# Every documented flag and the test(s) here that show it working.
COVERED = {
    "--lang": "tests/test_i18n_brief.py::test_lang_flag_is_documented_defaults_to_english_and_refuses_a_bad_value",
    "--store": "test_store_flag_on_every_store_command",
    "--user": "test_ingest_user_and_message",
    "--message": "test_ingest_user_and_message",
    "--kind": "test_kind",
    "--adapter": "test_adapter",
    "--map": "test_map",
    "--index-id": "test_index_id",
    "--country": "test_country_on_reading_and_queries",
    "--source-name": "test_source_name",
    "--year": "test_year",
    "--index": "test_rankings_index_and_format",
    "--format": "test_rankings_index_and_format",
    "--rank": "test_match_claim_flags",
    "--of": "test_match_claim_flags",
    "--by": "test_incidents_by_from_to",
    "--from": "test_incidents_by_from_to",
    "--to": "test_incidents_by_from_to",
    "--editions": "test_fetch_editions_base_yes",
    "--base": "test_fetch_editions_base_yes",
    "--yes": "test_fetch_editions_base_yes",
    "--limit": "test_audit_and_diff_limit",
    "--users-file": "test_users_file_store_and_password_stdin",
    "--password-stdin": "test_users_file_store_and_password_stdin",
    # The brief's flags are shown working in tests/test_cli_brief.py (the brief's own tests).
    "--edition": "tests/test_cli_brief.py::test_html_of_an_earlier_edition",
    "--against": "tests/test_explain_rank.py::test_cli_explain_rank",
    "--out": "tests/test_cli_brief.py::test_kazakhstan_pdf_is_one_page_with_the_headline",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made files, in one folder."""
    folder = tmp_path_factory.mktemp("files")
    for name, text in FILES.items():
        (folder / name).write_text(text + ("\n" if not text.endswith("\n") else ""))
    return folder


@pytest.fixture(scope="module")
def seeded_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default store (seeded from the embedded data once; tests copy it before writing)."""
    folder = tmp_path_factory.mktemp("default") / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INDICATORS_STORE", str(folder))
        mp.delenv("INDICATORS_DATABASE_URL", raising=False)
        assert main(["history", "--format", "json"]) == 0
    return folder


@pytest.fixture
def default_store(seeded_default: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's default store: a copy of the seeded one, named by INDICATORS_STORE."""
    folder = tmp_path / "default-store"
    shutil.copytree(seeded_default, folder)
    monkeypatch.setenv("INDICATORS_STORE", str(folder))
    monkeypatch.delenv("INDICATORS_DATABASE_URL", raising=False)
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "default-users.json"))
    return folder


@pytest.fixture(scope="module")
def store(files: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the hand-made rankings, incidents and events (one version)."""
    folder = tmp_path_factory.mktemp("store")
    names = [str(files / n) for n in ("ranks.csv", "incidents.csv", "events.csv")]
    assert main(["ingest", *names, "--store", str(folder), "--user", "t", "-m", "seed"]) == 0
    return folder


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process: (exit status, stdout, stderr)."""

    def go(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _documented_flags() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    texts = [section, *((ROOT / "docs" / name).read_text() for name in DOCS)]
    return {flag for text in texts for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)}


def _parser_flags() -> set[str]:
    found: set[str] = set()

    def walk(parser: object) -> None:
        for action in parser._actions:  # type: ignore[attr-defined]
            found.update(s for s in action.option_strings if s.startswith("--"))
            choices = getattr(action, "choices", None)
            for sub in choices.values() if isinstance(choices, dict) else ():
                walk(sub)

    walk(build_parser())
    return found


def test_every_documented_flag_exists_and_has_a_behaviour_test() -> None:
    """Each flag in the README's command section and the docs is a real flag with a test."""
    documented = _documented_flags()
    assert {"--country", "--store", "--kind", "--password-stdin"} <= documented
    assert documented <= _parser_flags(), documented - _parser_flags()
    assert documented <= set(COVERED), documented - set(COVERED)
    here = globals()
    for flag, test in COVERED.items():
        assert "::" in test or callable(here.get(test)), (flag, test)


def test_every_reading_flag_reaches_the_options() -> None:
    """Each declared reading flag fills the options field of its name, nothing dropped."""
    fields = set(IngestOptions.__dataclass_fields__)
    argv = ["validate", "f.csv", "--kind", "rankings", "--adapter", "analyst_rankings"]
    argv += ["--map", "rank=Pos", "--index-id", "my_index", "--country", "Kazakhstan"]
    argv += ["--source-name", "Monitor", "--year", "2011-12"]
    options = parse_options(build_parser().parse_args(argv))
    assert {o.field for o in READING_OPTIONS} <= fields
    assert options == IngestOptions(
        kind="rankings",
        adapter="analyst_rankings",
        mapping={"rank": "Pos"},
        index_id="my_index",
        country="KAZ",
        source_name="Monitor",
        year="2011-12",
        today=options.today,
    )
    assert parse_options(build_parser().parse_args(["validate", "f.csv"])) == IngestOptions(
        today=options.today
    )


def test_store_flag_on_every_store_command(
    files: Path, store: Path, default_store: Path, tmp_path: Path, run: Run
) -> None:
    """--store DIR reads and writes that store; without it the default store is used."""
    mine = tmp_path / "mine"
    code, out, _ = run("ingest", str(files / "plain_ranks.csv"), "--store", str(mine))
    assert code == 0 and f"stored as version 1 in {mine}" in out
    assert LocalStore(default_store).head() == 1  # the default store is untouched
    code, out, _ = run("ingest", str(files / "plain_ranks.csv"))
    assert code == 0 and f"stored as version 2 in {default_store}" in out
    assert LocalStore(mine).head() == 1
    mine_history = json.loads(run("history", "--store", str(mine), "--format", "json")[1])
    default_history = json.loads(run("history", "--format", "json")[1])
    assert [v["version"] for v in mine_history] == [1]
    assert [v["version"] for v in default_history] == [1, 2]
    assert run("diff", "1", "2")[1].startswith("rankings: 2 added")
    assert "error" in run("diff", "1", "2", "--store", str(mine))[2]  # it has no version 2
    assert run("rollback", "1", "--store", str(mine))[0] == 0
    assert [LocalStore(mine).head(), LocalStore(default_store).head()] == [2, 2]
    assert str(mine) in run("check", "--store", str(mine))[1]
    assert str(default_store) in run("check")[1]
    audit_mine = _csv(run("audit", "--store", str(mine), "--format", "csv")[1])
    assert [e["action"] for e in audit_mine] == ["ingest", "rollback"]
    audit_default = _csv(run("audit", "--format", "csv")[1])
    assert audit_default[0]["user"] == "embedded data"
    assert len(_csv(run("rankings", "--store", str(store), "--format", "csv")[1])) == 30


def test_ingest_user_and_message(files: Path, tmp_path: Path, run: Run) -> None:
    """--user and -m/--message are what history records; without them, login and file name."""
    a, b = tmp_path / "a", tmp_path / "b"
    run("ingest", str(files / "plain_ranks.csv"), "--store", str(a), "--user", "amina", "-m", "x")
    run("ingest", str(files / "plain_ranks.csv"), "--store", str(b))
    [with_flags] = json.loads(run("history", "--store", str(a), "--format", "json")[1])
    [without] = json.loads(run("history", "--store", str(b), "--format", "json")[1])
    assert (with_flags["user"], with_flags["message"]) == ("amina", "x")
    assert without["user"] != "amina" and without["message"] == "ingest plain_ranks.csv"


def test_kind(files: Path, run: Run) -> None:
    """--kind incidents reads a file whose kind its columns do not tell; an explicit kind is
    never answered with 'say the kind with --kind'."""
    code, _, err = run("validate", str(files / "no_who.csv"))
    assert code == 1 and "say the kind with --kind" in err
    code, out, _ = run("validate", str(files / "no_who.csv"), "--kind", "incidents")
    assert code == 0 and "OK, incidents via incidents_table, 1 rows" in out
    code, _, err = run("validate", str(files / "one_edition.csv"), "--kind", "rankings")
    assert code == 1 and "--kind" not in err and "no column holds the year" in err


def test_adapter(files: Path, run: Run) -> None:
    """--adapter forces a format by name; an unknown name is one error line."""
    assert run("validate", str(files / "no_who.csv"))[0] == 1
    code, out, _ = run("validate", str(files / "no_who.csv"), "--adapter", "incidents_table")
    assert code == 0 and "via incidents_table" in out
    code, out, err = run("validate", str(files / "no_who.csv"), "--adapter", "nope")
    assert code == 2 and err.startswith("error: --adapter 'nope' is not an adapter")


def test_map(files: Path, tmp_path: Path, run: Run) -> None:
    """--map rank=Pos takes the ranks from Pos; without it the file cannot be read."""
    code, _, err = run("validate", str(files / "pos.csv"))
    assert code == 1 and "cannot tell what this file holds" in err
    code, out, _ = run(
        "ingest", str(files / "pos.csv"), "--store", str(tmp_path), "--map", "rank=Pos"
    )
    assert code == 0 and "rank='Pos'" in out
    rows = _csv(run("rankings", "--store", str(tmp_path), "--format", "csv")[1])
    assert {(r["iso3"], r["rank"]) for r in rows} == {("KAZ", "2"), ("KGZ", "1")}
    code, _, err = run("validate", str(files / "pos.csv"), "--map", "rank")
    assert code == 2 and "is not FIELD=COLUMN" in err


def test_index_id(files: Path, tmp_path: Path, run: Run) -> None:
    """--index-id names the series; without it, analyst_ and the file's name."""
    plain = str(files / "plain_ranks.csv")
    run("ingest", plain, "--store", str(tmp_path / "a"), "--index-id", "my_index")
    run("ingest", plain, "--store", str(tmp_path / "b"))
    with_id = _csv(run("rankings", "--store", str(tmp_path / "a"), "--format", "csv")[1])
    without = _csv(run("rankings", "--store", str(tmp_path / "b"), "--format", "csv")[1])
    assert {r["index"] for r in with_id} == {"my_index"}
    assert {r["index"] for r in without} == {"analyst_plain_ranks"}


def test_country_on_reading_and_queries(files: Path, store: Path, run: Run) -> None:
    """--country fills a one-country file's rows (a name resolves to ISO3) and narrows every
    query to that country."""
    code, _, err = run("validate", str(files / "no_country.csv"))
    assert code == 1 and "the country is missing" in err
    code, out, _ = run("validate", str(files / "no_country.csv"), "--country", "Kazakhstan")
    assert code == 0 and "OK, incidents via incidents_table, 1 rows" in out
    code, _, err = run("validate", str(files / "no_country.csv"), "--country", "Atlantis")
    assert code == 2 and err.startswith("error:")
    s = ["--store", str(store), "--format", "csv"]
    assert len(_csv(run("rankings", *s)[1])) == 30
    assert {r["iso3"] for r in _csv(run("rankings", *s, "--country", "KAZ")[1])} == {"KAZ"}
    assert len(_csv(run("incidents", *s)[1])) == 3
    assert len(_csv(run("incidents", *s, "--country", "KGZ")[1])) == 1
    assert len(_csv(run("events", *s)[1])) == 2
    assert [e["title"] for e in _csv(run("events", *s, "--country", "KAZ")[1])] == [
        "Parliament election"
    ]


def test_source_name(files: Path, tmp_path: Path, run: Run) -> None:
    """--source-name is the publisher of rows whose file does not say it."""
    source = str(files / "no_country.csv")
    run("ingest", source, "--store", str(tmp_path / "a"), "--country", "KAZ", "--source-name", "M")
    run("ingest", source, "--store", str(tmp_path / "b"), "--country", "KAZ")
    with_name = _csv(run("incidents", "--store", str(tmp_path / "a"), "--format", "csv")[1])
    without = _csv(run("incidents", "--store", str(tmp_path / "b"), "--format", "csv")[1])
    assert [r["source_name"] for r in with_name] == ["M"]
    assert [r["source_name"] for r in without] != ["M"]


def test_year(files: Path, tmp_path: Path, run: Run) -> None:
    """--year gives a one-edition file its edition; refused when the file has an edition
    column, and when it is not a year."""
    one = str(files / "one_edition.csv")
    assert run("validate", one)[0] == 1
    code, out, _ = run("ingest", one, "--store", str(tmp_path), "--year", "2024")
    assert code == 0 and "editions: 2024" in out
    rows = _csv(run("rankings", "--store", str(tmp_path), "--format", "csv")[1])
    assert {(r["iso3"], r["edition"], r["rank"]) for r in rows} == {
        ("KGZ", "2024", "1"),
        ("KAZ", "2024", "2"),
    }
    code, _, err = run("validate", str(files / "plain_ranks.csv"), "--year", "2024")
    assert code == 1 and "the file has an edition column" in err
    code, _, err = run("validate", one, "--year", "1800")
    assert code == 2 and "is not a year" in err


def test_rankings_index_and_format(store: Path, run: Run) -> None:
    """--index keeps one series; --format csv, json and table write the same rows."""
    s = ["rankings", "--store", str(store)]
    every = _csv(run(*s, "--format", "csv")[1])
    alpha = _csv(run(*s, "--format", "csv", "--index", "alpha")[1])
    assert {r["index"] for r in every} == {"alpha", "beta"} and len(every) == 30
    assert {r["index"] for r in alpha} == {"alpha"} and len(alpha) == 20
    as_json = json.loads(run(*s, "--format", "json")[1])
    assert len(as_json) == 30 and {r["index"] for r in as_json} == {"alpha", "beta"}
    table = run(*s)[1]  # the default: a table for people, one line per row and a header
    assert len(table.splitlines()) == 31 and not table.startswith("index,")


def test_match_claim_flags(store: Path, run: Run) -> None:
    """--country, --rank, --of and --index each change which editions match."""
    s = ["match-claim", "--store", str(store), "--format", "csv"]
    code, out, _ = run(*s, "--country", "KAZ", "--rank", "1")
    assert code == 0 and [r["edition"] for r in _csv(out.split("\n", 1)[1])] == ["2023"]
    assert run(*s, "--country", "KGZ", "--rank", "1")[0] == 0
    assert run(*s, "--country", "UZB", "--rank", "1", "--index", "alpha")[0] == 3
    assert run(*s, "--country", "UZB", "--rank", "1", "--index", "beta")[0] == 0
    assert run(*s, "--country", "KAZ", "--rank", "2")[0] == 0  # 2nd of 10 in alpha 2024
    assert run(*s, "--country", "KAZ", "--rank", "1", "--of", "10")[0] == 0
    assert run(*s, "--country", "KAZ", "--rank", "1", "--of", "11")[0] == 3


def test_incidents_by_from_to(store: Path, run: Run) -> None:
    """--by counts instead of listing; --from and --to narrow by date."""
    s = ["incidents", "--store", str(store), "--format", "csv"]
    listing = _csv(run(*s)[1])
    assert len(listing) == 3 and "incident_id" in listing[0]
    by_year = {r["year"]: r for r in _csv(run(*s, "--by", "year")[1])}
    assert sorted(by_year) == ["2023", "2024"] and "incident_id" not in by_year["2023"]
    assert len(_csv(run(*s, "--from", "2024")[1])) == 2
    assert len(_csv(run(*s, "--to", "2023-12")[1])) == 1
    assert len(_csv(run(*s, "--from", "2024-05", "--to", "2024-05-31")[1])) == 1
    code, _, err = run(*s, "--from", "soon")
    assert code == 2 and "is not a date" in err


def test_audit_and_diff_limit(files: Path, tmp_path: Path, run: Run) -> None:
    """--limit caps the audit events listed and the rows diff lists per kind of change."""
    s = ["--store", str(tmp_path)]
    run("ingest", str(files / "plain_ranks.csv"), *s)
    run("ingest", str(files / "ranks.csv"), *s)
    assert len(_csv(run("audit", *s, "--format", "csv")[1])) == 2
    assert len(_csv(run("audit", *s, "--format", "csv", "--limit", "1")[1])) == 1
    every = run("diff", "1", "2", *s)[1].splitlines()
    one = run("diff", "1", "2", *s, "--limit", "1")[1].splitlines()
    assert every[0].startswith("rankings: 30 added") and len(every) > len(one) > 1


def test_fetch_editions_base_yes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    """--editions chooses the files, --base where from (else INDICATORS_RSF_BASE), and only
    --yes commits."""
    mirror = shared_file("rsf").as_uri() + "/"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("INDICATORS_RSF_BASE", mirror)
    s = ["fetch", "rsf", "--store", str(tmp_path / "s")]
    code, out, _ = run(*s, "--editions", "2025")
    assert code == 0 and "2025.csv" in out and "2026.csv" not in out
    assert LocalStore(tmp_path / "s").head() is None  # a preview only
    code, out, _ = run(*s, "--editions", "2025-2026")
    assert code == 0 and "2026.csv" in out
    assert run(*s, "--editions", "2025", "--base", empty.as_uri() + "/")[0] != 0
    assert run(*s, "--editions", "2025", "--yes")[0] == 0
    assert LocalStore(tmp_path / "s").head() == 1


def test_users_file_store_and_password_stdin(
    default_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    """--users-file and --store say which users file and audit log; --password-stdin reads
    the password from standard input (without it, an empty terminal is refused)."""
    users, audit_store = tmp_path / "users.json", tmp_path / "audit-store"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run("users", "add", "rosa", "--users-file", str(users))
    assert code != 0 and "--password-stdin" in err and not users.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret 1\n"))
    f = ["--users-file", str(users), "--store", str(audit_store)]
    assert run("users", "add", "rosa", *f, "--password-stdin")[0] == 0
    assert "rosa" in users.read_text()
    assert "rosa" in (audit_store / "audit.log").read_text()
    assert "rosa" not in (default_store / "audit.log").read_text()
    assert "rosa" in run("users", "list", "--users-file", str(users))[1]
    assert "rosa" not in run("users", "list")[1]  # $INDICATORS_USERS_FILE: another file
    before = users.read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("another long secret 2\n"))
    assert run("users", "passwd", "rosa", *f, "--password-stdin")[0] == 0
    assert users.read_text() != before
    assert run("users", "unlock", "rosa", *f)[0] == 0
    assert run("users", "remove", "rosa", *f)[0] == 0
    assert "rosa" not in run("users", "list", "--users-file", str(users))[1]


def test_stored_tables_match_the_files(store: Path) -> None:
    """The shared store holds what the files say (so the query tests above can fail)."""
    rankings = LocalStore(store).table("rankings")
    kaz = rankings[(rankings["iso3"] == "KAZ") & (rankings["index"] == "alpha")]
    assert sorted(zip(kaz["edition"], kaz["rank"], strict=True)) == [("2023", 1), ("2024", 2)]
    assert isinstance(LocalStore(store).table("incidents"), pd.DataFrame)


def _fh_like(folder: Path, extra: str = "") -> Path:
    """A Freedom House-like table: HOG.Free scored 0-4, a 1-7 rating, no rank or score."""
    rows = [f"Country,Year,HOG.Free,PR rating{',' + extra if extra else ''}"]
    for year in (2022, 2023):
        for i, country in enumerate(COUNTRIES):
            place = f",{(i + year) % len(COUNTRIES) + 1}" if extra else ""
            rows.append(f"{country},{year},{(i + year) % 5},{i % 7 + 1}{place}")
    path = folder / f"fh_like{extra}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_suggestion_names_only_a_column_that_fits(tmp_path: Path, run: Run) -> None:
    """The mapping suggested for a missing rank never names a 0-4 indicator (HOG.Free) or a
    1-7 rating: they are offered as the score; a column of ranks is offered as the rank."""
    code, _, err = run("validate", str(_fh_like(tmp_path)), "--kind", "rankings")
    assert code == 1 and "e.g. score='HOG.Free'" in err
    assert "rank='HOG.Free'" not in err and "rank='PR rating'" not in err
    code, _, err = run("validate", str(_fh_like(tmp_path, "Pos")), "--kind", "rankings")
    assert code == 1 and "e.g. rank='Pos'" in err


def test_upload_edition_field(files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Upload page's Edition field is --year: a one-edition file previews as that edition;
    a value that is not a year is said, and nothing is parsed."""
    from tests.test_app_upload import signed_in_upload_page, texts

    monkeypatch.setenv("INDICATORS_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("INDICATORS_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setattr("app_pages._auth.current_analyst", lambda: "amina")
    data = (files / "one_edition.csv").read_bytes()
    at = signed_in_upload_page()
    at.get("file_uploader")[0].set_value(  # type: ignore[union-attr]
        ("one_edition.csv", data, "text/csv")
    ).run()
    assert at.error and "problem(s) found" in at.error[0].value
    at.text_input(key="map_year").input("2024").run()
    assert not at.error and not at.exception
    added = at.dataframe[1].value  # after the detection table: the rows the commit would add
    assert set(added["edition"]) == {"2024"} and set(added["iso3"]) == {"KAZ", "KGZ"}
    at.text_input(key="map_year").input("last year").run()
    assert at.error and "is not a year" in at.error[0].value and "Preview" not in texts(at)
