"""The methods text is one copy: the Sources page shows it, the README holds it word for word,
and the query stage (below present) never imports present's sentences or labels."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from indicators.present.methods import (
    END,
    START,
    MarkersMissing,
    headings,
    methods_text,
    readme_copy,
    with_methods,
)
from tests.pages import open_page

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTIONS = [
    "How the numbers are made",
    "From a rank to a comparable position",
    "Joint ranks",
    "Rank change",
    "Why a rank moved",
    "Scores, method eras and breaks",
    "Freedom House",
    "Several indices on one chart",
    "Edition and period covered",
    "Countries, territories and split entries",
    "Checking a ranking file",
    "Checking a claim",
    "How incidents are counted",
    "Dates at their precision",
]
# Facts the three former copies stated (README, the Sources page, docs/analyst-files.md), each
# of which the one copy must keep.
KEY_SENTENCES = [
    "position = 100 × (worse + ½ × tied_others) / (n_ranked − 1)",
    "In 2025 it was **141st of 180**",
    "position 100 × 23 / 138 = **16.7**",
    "the file's number is kept as `rank_as_numbered`",
    "164 rows of the 2002, 2006, 2008, 2010 and 2011-12 editions get the shared rank",
    "2018: South Africa 28th, Cape Verde 29th, both 79.61",
    "(`data/reference/rsf_code_changes.csv`: Kosovo and the OECS, 2023)",
    "of the 4,003 rows of the 24 editions that have RSF's",
    "(3,976 without the 27 split-entry rows)",
    "277 rows of the 2003-2013",
    "Kazakhstan 2021 is 49.72 in the file and was printed",
    "`score_normalised` is D1 × 25",
    "covered December 2010 to November 2011",
    "they count toward the number ranked",
    'decimal commas lost: 3533 where 35.33 is expected"',
    "A count is a number of **distinct incidents**",
    "**applied to the target**",
    "Semey was in East Kazakhstan until",
    '"limited change: too few cases to call a trend"',
    "more than 25% more is a **large increase**, 10% to 25% more a **moderate increase**",
    "every such case has fewer than 10 in both periods, so the rule here is the stricter one",
    "**never added** to incident records",
    "a month (Jan 2022), a",
]


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def test_readme_holds_the_one_copy() -> None:
    """The README's methods section is methods.md, character for character."""
    assert readme_copy(README.read_text(encoding="utf-8")) == methods_text(), (
        "README.md's methods section differs from src/indicators/present/methods.md: "
        "run .venv/bin/python scripts/sync_methods.py"
    )


def test_the_one_copy_keeps_every_fact() -> None:
    """Each section and each fact the former copies stated is in the one copy."""
    assert headings() == SECTIONS
    text = _squeezed(methods_text())
    missing = [s for s in KEY_SENTENCES if _squeezed(s) not in text]
    assert not missing, missing


def test_methods_text_is_only_our_words() -> None:
    """Shown as Markdown, so it holds no HTML, no links or images (nothing to fetch), no
    Streamlit-only syntax (LaTeX between dollars, :colour[...] or :emoji: shortcodes)."""
    text = methods_text()
    assert "<" not in text and ">" not in text
    assert "$" not in text
    assert not re.search(r"\]\(|!\[|https?://|www\.", text)
    assert not re.search(r":[a-z-]+(\[|:)", text)
    assert "~" not in text


def test_sources_page_shows_the_methods_text() -> None:
    """The Sources page shows methods.md itself, its headings and key sentences, without HTML."""
    at = open_page("app_pages/sources.py")
    shown = [m for m in at.markdown if m.value == methods_text().strip()]
    assert len(shown) == 1
    assert not shown[0].proto.allow_html
    for heading in SECTIONS:
        assert f"## {heading}\n" in shown[0].value
    assert "141st of 180" in shown[0].value and "rank_as_numbered" in shown[0].value
    assert [h.value for h in at.header] == ["Datasets in the store", "Versions"]


def test_rewriting_the_readme_copy() -> None:
    """with_methods replaces only what is between the markers; a README without them fails."""
    stale = f"# Title\n\nintro\n\n{START}\n## Old words\n{END}\n\n## Next\nkept\n"
    fresh = with_methods(stale)
    assert fresh.startswith("# Title\n\nintro\n\n" + START + "\n## How the numbers are made")
    assert fresh.endswith(f"{END}\n\n## Next\nkept\n")
    assert readme_copy(fresh) == methods_text() and "Old words" not in fresh
    assert with_methods(fresh) == fresh
    for broken in ("no markers", f"{END}\n{START}", f"{START}{START}{END}"):
        with pytest.raises(MarkersMissing):
            with_methods(broken)


def test_sync_script_checks_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/sync_methods.py --check agrees with the test (exit 0: the copies are the same)."""
    spec = importlib.util.spec_from_file_location("sync", ROOT / "scripts" / "sync_methods.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--check"]) == 0
    assert "the same" in capsys.readouterr().out


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_query_never_imports_present() -> None:
    """query/ is a lower stage than present/: no query module imports a present module, at any
    level (function-local imports included)."""
    query = ROOT / "src" / "indicators" / "query"
    wrong = {
        p.name: sorted(m for m in _imports(p) if m.startswith("indicators.present"))
        for p in sorted(query.glob("*.py"))
    }
    assert len(wrong) >= 7
    assert not {name: mods for name, mods in wrong.items() if mods}
