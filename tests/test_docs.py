"""The README is tested: every registered source and CLI command is documented there."""

from __future__ import annotations

from pathlib import Path

from indicators.cli.main import build_parser
from indicators.sources.registry import ADAPTERS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_adapter_in_readme() -> None:
    """Each adapter in the registry is named in the README's source table."""
    missing = [a.name for a in ADAPTERS if f"`{a.name}`" not in README]
    assert not missing, f"document these adapters in README.md: {missing}"


def test_every_cli_command_in_readme() -> None:
    """Each `indicators` subcommand appears in the README's command table."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = [c for c in sub.choices if f"`indicators {c}" not in README]
    assert not missing, f"document these commands in README.md: {missing}"


def test_quick_start_is_two_commands() -> None:
    """The quick start names exactly `make run` and `make test`."""
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick and "make test" in quick
