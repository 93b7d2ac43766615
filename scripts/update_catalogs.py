"""Extract every message the app and the brief show, and bring the Russian and Kazakh catalogs
up to date: ``python -m scripts.update_catalogs`` (``make catalogs``).

A message is found in two ways:

* in code, as the first argument of ``_``, ``N_``, ``msg``, ``p_`` (with its context) and
  ``n_`` (singular and plural), by Babel's Python extractor;
* in data the program shows (the methods text, the label tables, the vocabularies, statutes
  and regions), by the ``catalog_messages`` function of the module that shows it
  (:data:`DATA_MESSAGES`).

Each source file belongs to one domain (:func:`domain_of`), one ``.po`` file per language, so
that two translators (or two people changing code) rarely touch the same file. A message
already translated keeps its translation; a new one is added empty; one no longer in the
program is dropped. ``tests/test_i18n.py`` runs :func:`extract` and fails while any message
has no translation in any language.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "indicators"
LOCALE = SRC / "locale"
TRANSLATED = ("ru", "kk")
CREATED = datetime(2026, 12, 1, tzinfo=UTC)
KEYWORDS = {"_": None, "N_": None, "msg": None, "n_": (1, 2), "p_": ((1, "c"), 2)}
ANALYST_PAGES = ("upload", "history", "signin", "_auth", "_preview", "_upload_jobs")
CHART_MODULES = (
    "charts",
    "chart_events",
    "chart_style",
    "chart_text",
    "incident_charts",
    "aligned",
    "world_map",
    "figure_export",
    "geo",
    "precision",
    "export",
)
# (pattern of a path relative to the repository, domain); the first that matches wins.
DOMAIN_RULES = (
    ("src/indicators/cli/*", None),  # the command line's own messages stay English
    *((f"app_pages/{name}.py", "analysts") for name in ANALYST_PAGES),
    *((f"app_pages/{name}.py", "pages_data") for name in ("incidents", "events", "claim", "brief")),
    ("app.py", "pages"),
    ("app_pages/*", "pages"),
    ("src/indicators/present/labels.py", "labels"),
    ("src/indicators/present/methods.py", "methods"),
    *((f"src/indicators/present/{name}.py", "charts") for name in CHART_MODULES),
    ("src/indicators/present/*", "present"),
    ("src/indicators/query/*", "present"),
    ("src/indicators/i18n.py", "present"),
    ("src/indicators/accounts/signin_web.py", "analysts"),  # the sign-in form's words
    ("src/indicators/*", "problems"),
)
# domain -> "module:function" returning the data's messages (see Message)
DATA_MESSAGES = {
    "methods": "indicators.present.methods:catalog_messages",
    "labels": "indicators.present.labels:catalog_messages",
}


@dataclass(frozen=True)
class Message:
    """One message to translate: its id (a pair for a plural), context and where it is used."""

    id: str | tuple[str, str]
    context: str | None = None
    location: tuple[str, int] | None = None
    comment: str = ""


def domain_of(path: Path) -> str | None:
    """The domain of a source file (None: not translated)."""
    relative = path.resolve().relative_to(ROOT).as_posix()
    for pattern, domain in DOMAIN_RULES:
        if fnmatch(relative, pattern):
            return domain
    return None


def source_files() -> list[Path]:
    """Every Python file whose messages people see."""
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    return files + sorted(SRC.rglob("*.py"))


def _from_code(path: Path) -> Iterator[Message]:
    relative = path.resolve().relative_to(ROOT).as_posix()
    found = extract_from_file(
        "python",
        str(path),
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        options={"encoding": "utf-8"},
    )
    for line, text, comments, context in found:
        message_id = (text[0], text[1]) if isinstance(text, tuple) else text
        if message_id:
            yield Message(message_id, context, (relative, line), " ".join(comments))


def _from_data(domain: str) -> Iterator[Message]:
    module, function = DATA_MESSAGES[domain].split(":")
    for message_id, context, comment in getattr(importlib.import_module(module), function)():
        yield Message(message_id, context, None, comment)


def extract() -> dict[str, list[Message]]:
    """Every message the program shows, by domain, in the order they are first used."""
    found: dict[str, dict[tuple[object, object], Message]] = {}
    for path in source_files():
        domain = domain_of(path)
        if domain is not None:
            for message in _from_code(path):
                found.setdefault(domain, {}).setdefault((message.id, message.context), message)
    for domain in DATA_MESSAGES:
        for message in _from_data(domain):
            found.setdefault(domain, {}).setdefault((message.id, message.context), message)
    return {domain: list(messages.values()) for domain, messages in sorted(found.items())}


def catalog_path(lang: str, domain: str) -> Path:
    """Where one domain's catalog of one language is kept."""
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(lang: str, domain: str) -> Catalog:
    """A catalog as stored, or an empty one for a new domain."""
    path = catalog_path(lang, domain)
    if not path.exists():
        return Catalog(locale=lang, domain=domain)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


def updated(lang: str, domain: str, messages: list[Message]) -> Catalog:
    """The catalog with exactly ``messages``, keeping the translations it already has."""
    old = read_catalog(lang, domain)
    new = Catalog(
        locale=lang,
        domain=domain,
        project="press-freedom-indicators",
        version="1",
        copyright_holder="the press-freedom-indicators authors",
        msgid_bugs_address="https://github.com/ (the project's issue tracker)",
        creation_date=CREATED,  # fixed, so that a catalog changes only when a message does
        revision_date=CREATED,
        last_translator="the press-freedom-indicators translators",
        language_team=f"{lang}",
        fuzzy=False,
    )
    for message in messages:
        previous = old.get(message.id, context=message.context)
        empty: str | tuple[str, str] = ("", "") if isinstance(message.id, tuple) else ""
        string = previous.string if previous is not None else empty
        locations = [message.location] if message.location else []
        comments = [message.comment] if message.comment else []
        new.add(
            message.id,
            string,
            locations=locations,
            auto_comments=comments,
            context=message.context,
        )
    return new


def write(lang: str, domain: str, catalog: Catalog) -> None:
    """Write a catalog as a ``.po`` file (100 columns wide, in the order of use)."""
    path = catalog_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, include_lineno=True)


def untranslated(catalog: Catalog) -> list[str]:
    """The ids of the messages in ``catalog`` that have no translation (a plural: any form)."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and str(s).strip() for s in strings):
            missing.append(str(message.id))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument(
        "--domain", action="append", help="update only this domain (repeatable); default: all"
    )
    args = parser.parse_args(argv)
    stale = 0
    for domain, messages in extract().items():
        if args.domain and domain not in args.domain:
            continue
        for lang in TRANSLATED:
            catalog = updated(lang, domain, messages)
            missing = untranslated(catalog)
            print(f"{lang}/{domain}.po: {len(messages)} messages, {len(missing)} untranslated")
            stale += len(missing)
            if not args.check:
                write(lang, domain, catalog)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
