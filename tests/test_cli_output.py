"""The command line never passes terminal control sequences from data to the terminal.

Titles, commit messages, file names and paths holding escape sequences (clear screen, set
the window title), C0/C1 controls, DEL and bidi overrides are printed without them; CSV and
JSON data written to a file or pipe is left exactly as stored, and stripped on a terminal.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.cli.main import main
from indicators.cli.terminal import strip_controls

HOSTILE = "\x1b[2J\x1b]0;owned\x07"
EXTRA = "\x9b31m\u202eevil\u2066\x7f\x08"  # and, in the message, CR and NUL too
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A store whose event title and commit message hold terminal control sequences."""
    events = tmp_path / "events.csv"
    title = f"Unrest {HOSTILE}{EXTRA} in Almaty"
    events.write_text(
        f'date,title,kind,country,source_name\n2022-01-05,"{title}",protest/unrest,KAZ,x\n'
    )
    store = str(tmp_path / "store")
    assert main(["ingest", str(events), "--store", store, "-m", f"msg {HOSTILE}{EXTRA}\r\x00"]) == 0
    capsys.readouterr()
    return store


COMMANDS = [
    ["events", "--country", "KAZ"],
    ["history"],
    ["check"],
    ["audit"],
    ["rollback", "1", "-m", f"back {HOSTILE}"],
    ["diff", "1", "1"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_printed_text_has_no_control_characters(
    hostile_store: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Tables and messages print the text of titles and commit messages without the escape
    sequences and controls they hold (the words themselves are kept)."""
    assert main([*command, "--store", hostile_store]) == 0
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert not FORBIDDEN.search(text), repr(text)
        assert "owned" not in text  # the window title sequence is removed whole
    if command[0] == "events":
        assert "Unrest" in captured.out and "evil" in captured.out
    if command[0] == "history":
        assert "msg" in captured.out


def test_error_lines_have_no_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error naming a path with controls in it prints the path without them."""
    assert main(["validate", str(tmp_path / f"no{HOSTILE}such.csv")]) == 1
    err = capsys.readouterr().err
    assert not FORBIDDEN.search(err) and "such.csv" in err


def test_data_to_a_pipe_is_unchanged_and_to_a_terminal_stripped(
    hostile_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--format json and csv keep the stored text when piped (JSON escapes the C0 controls);
    on a terminal the same output is stripped."""
    assert main(["events", "--store", hostile_store, "--format", "json"]) == 0
    piped = capsys.readouterr().out
    assert "\\u001b]0;owned\\u0007" in piped and "\u202e" in piped
    assert main(["events", "--store", hostile_store, "--format", "csv"]) == 0
    assert "\x1b[2J" in capsys.readouterr().out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for fmt in ("csv", "json"):
        assert main(["events", "--store", hostile_store, "--format", fmt]) == 0
        shown = capsys.readouterr().out
        assert not FORBIDDEN.search(shown) and "\u202e" not in shown


def test_strip_controls_examples() -> None:
    """Whole sequences go (CSI, OSC with BEL or ST, 8-bit CSI); newline, tab and words stay."""
    assert strip_controls(f"a{HOSTILE}b") == "ab"
    assert strip_controls("x\x1b]8;;http://h/\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"
    assert strip_controls("1\t2\n3\r4\x9b2J5\u202e6\u2069") == "1\t2\n3456"
    assert strip_controls("Қазақстан — Алматы «Адил Соз»") == "Қазақстан — Алматы «Адил Соз»"


@given(st.text())
def test_strip_controls_leaves_no_control_and_is_idempotent(text: str) -> None:
    """For any text: nothing forbidden is left, stripping twice changes nothing more."""
    once = strip_controls(text)
    assert not FORBIDDEN.search(once)
    assert strip_controls(once) == once


@given(st.text(st.characters(exclude_categories=["Cc", "Cf"])))
def test_strip_controls_keeps_text_without_controls(text: str) -> None:
    """Text with no control or format characters is printed exactly as it is."""
    assert strip_controls(text) == text


def test_users_output_has_no_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`indicators users list` names a users file whose path holds controls without them."""
    users = tmp_path / f"users{HOSTILE}.json"
    assert main(["users", "list", "--users-file", str(users)]) == 0
    out = capsys.readouterr().out
    assert "no local accounts" in out and not FORBIDDEN.search(out)


def test_user_is_documented_as_a_label(capsys: pytest.CaptureFixture[str]) -> None:
    """--user is described as a label, with the operating-system account recorded as well."""
    for command in ("ingest", "rollback"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "a label for who is making the change" in text and "operating-system" in text
