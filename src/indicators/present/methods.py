"""The methods text: how the numbers are made, in plain words, written once.

The text is ``methods.md`` beside this module: the project's own words, never built from data,
so the Sources page may show it as Markdown (without HTML). The README holds the same text
between :data:`START` and :data:`END`; ``scripts/sync_methods.py`` writes it there and
``tests/test_methods.py`` checks that the two are identical.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from indicators.i18n import _

START = "<!-- methods:start -->"
END = "<!-- methods:end -->"


class MarkersMissing(ValueError):
    """The README does not hold the methods markers once each, start before end."""


@cache
def methods_text() -> str:
    """The methods text, as Markdown (one ``##`` heading, then ``###`` sections)."""
    return (files("indicators.present") / "methods.md").read_text(encoding="utf-8")


def headings(text: str | None = None) -> list[str]:
    """The section headings of the methods text, in order ('Joint ranks', ...)."""
    return re.findall(r"^#{2,3} (.+)$", methods_text() if text is None else text, re.MULTILINE)


def _split(readme: str) -> tuple[str, str, str]:
    """The README before the start marker, between the markers, and after the end marker."""
    if (
        readme.count(START) != 1
        or readme.count(END) != 1
        or readme.index(START) > readme.index(END)
    ):
        raise MarkersMissing(f"the README must hold {START} once, then {END} once")
    before, rest = readme.split(START)
    inside, after = rest.split(END)
    return before, inside, after


def readme_copy(readme: str) -> str:
    """The methods text as the README holds it, between the markers."""
    return _split(readme)[1].strip("\n") + "\n"


def with_methods(readme: str, text: str | None = None) -> str:
    """The README with the methods text (by default the one copy) between the markers."""
    before, _, after = _split(readme)
    body = (methods_text() if text is None else text).strip("\n")
    return f"{before}{START}\n{body}\n{END}{after}"


def section(heading: str) -> str:
    """The body of one ``###`` section of the methods text, without its heading, in English
    (``heading`` is the English one); :func:`localized` shows it in the reader's language, the
    units of a section being those of the whole text: ``localized(section(heading))``."""
    text = methods_text()
    found = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^#{{2,3}} |\Z)", text, re.S | re.M)
    if found is None:
        raise KeyError(f"the methods text has no section {heading!r}")
    return found.group(1).strip()


def blocks(text: str) -> list[str]:
    """The text's paragraphs, headings, list items and code blocks: the units a translator
    translates (a code block is one unit, blank lines inside it included)."""
    units: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and not line.strip() and not line.startswith("```"):
            if current:
                units.append("\n".join(current))
            current = []
            continue
        current.append(line)
    if current:
        units.append("\n".join(current))
    return units


def localized(text: str | None = None) -> str:
    """The methods text (or a section of it) in the reader's language, unit by unit."""
    source = methods_text() if text is None else text
    return "\n\n".join(_(unit) for unit in blocks(source)) + "\n"


def localized_section(heading: str) -> str:
    """One section's body (by its English heading) in the reader's language."""
    return localized(section(heading))


def localized_heading(heading: str) -> str:
    """A section's heading (given in English) in the reader's language, without ``###``."""
    unit = f"### {heading}"  # a unit of the catalog, as blocks() cuts it
    return _(unit).removeprefix("### ")


def catalog_messages() -> list[tuple[str, None, str]]:
    """Every unit of the methods text, for the catalogs (``scripts/update_catalogs.py``)."""
    return [(unit, None, "methods.md") for unit in blocks(methods_text())]
