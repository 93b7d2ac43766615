"""Press-freedom indicators: a pandas pipeline from publisher files to comparable tables.

The package never imports streamlit; the app in ``app.py`` calls it and renders. ``Problem`` and
``ValidationFailed`` are loaded when first used (they need pandas), so importing a small module
of the package, as the server's sign-in route does before it listens, stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.problems import Problem, ValidationFailed

__all__ = ["Problem", "ValidationFailed"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    if name in ("Problem", "ValidationFailed"):
        from indicators import problems

        return getattr(problems, name)
    raise AttributeError(f"module 'indicators' has no attribute {name!r}")
