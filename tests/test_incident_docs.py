"""docs/incident-files.md lists every alias and vocabulary value the code recognises."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.sources.generic.events import EVENT_ALIASES
from indicators.sources.generic.incidents import INCIDENT_ALIASES
from indicators.tables.vocab import VOCABULARIES, vocabulary

DOC = (Path(__file__).resolve().parents[1] / "docs" / "incident-files.md").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize(
    ("aliases", "section"),
    [(INCIDENT_ALIASES, "## Incident files"), (EVENT_ALIASES, "## Event files")],
    ids=["incidents", "events"],
)
def test_every_alias_documented(aliases: dict[str, tuple[str, ...]], section: str) -> None:
    """Each field's row in its section of the docs lists every alias the adapter matches."""
    text = DOC.split(section, 1)[1].split("\n## ", 1)[0]
    for field, names in aliases.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{field}` |")), "")
        missing = [n for n in names if n not in row]
        assert row and not missing, f"{field}: document {missing}"


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_vocabulary_value_documented(name: str) -> None:
    """Each controlled-vocabulary value appears in the docs."""
    missing = [v for v in vocabulary(name).values if v not in DOC]
    assert not missing, f"document {name}: {missing}"
