"""Copy the methods text into the README, between its methods markers.

The one copy is ``src/indicators/present/methods.md`` (shown by the app's Sources page). After
editing it, run ``.venv/bin/python scripts/sync_methods.py``; ``--check`` only says whether the
README's copy is the same (exit 1 when it is not), as ``tests/test_methods.py`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indicators.present.methods import readme_copy, with_methods

README = Path(__file__).resolve().parents[1] / "README.md"


def main(argv: list[str]) -> int:
    """Rewrite the README's methods section (or, with ``--check``, compare it)."""
    readme = README.read_text(encoding="utf-8")
    updated = with_methods(readme)
    if "--check" in argv:
        same = readme_copy(readme) == readme_copy(updated)
        print("README methods: the same as methods.md" if same else "README methods: out of date")
        return 0 if same else 1
    if updated != readme:
        README.write_text(updated, encoding="utf-8")
        print(f"README methods rewritten from methods.md ({README})")
    else:
        print("README methods already the same as methods.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
