"""``indicators brief``: the one-page country brief for funders, as PDF or HTML.

``indicators brief --country KAZ [--edition 2026] [--lang ru] [--store DIR] --out brief.pdf``
writes the same document the app's Brief page offers
(:func:`indicators.present.brief_html.make_html`, one function for both): the format follows
``--format``, else the suffix of ``--out`` (``.html``/``.htm``), else PDF; the brief is written
in ``--lang`` (English, Russian or Kazakh; default English), while this command's own messages
stay English.
An unknown country, an edition the store does not hold, a country without a ranking or a
missing Chromium is one error line and exit status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from indicators.cli.store import store_from_args
from indicators.i18n import LANGUAGES, using
from indicators.query.views import resolve_countries_arg
from indicators.store.atomic import atomic_write

FORMATS = ("pdf", "html")


def output_format(out: str, chosen: str | None) -> str:
    """--format if given, else from the file's suffix (.html/.htm), else pdf."""
    if chosen:
        return chosen
    return "html" if Path(out).suffix.lower() in (".html", ".htm") else "pdf"


def cmd_brief(args: argparse.Namespace) -> int:
    """Write the brief of one country; say what was written and how long it took."""
    from indicators.present.brief import (  # plotly and kaleido: only here
        BriefUnavailable,
        brief_for,
    )
    from indicators.present.brief_html import make_html
    from indicators.present.brief_pdf import RenderError, html_to_pdf
    from indicators.present.labels import index_label
    from indicators.present.sentences import rank_phrase

    started = time.perf_counter()
    store = store_from_args(args)
    iso3 = resolve_countries_arg([args.country])[0]
    made_at = datetime.now(UTC)
    fmt = output_format(args.out, args.format)
    try:
        with using(getattr(args, "lang", "en")):  # the brief's words; the messages stay English
            brief = brief_for(store, iso3, args.edition, made_at.date())
            html = make_html(brief, made_at)
        data = html.encode("utf-8") if fmt == "html" else html_to_pdf(html)
    except (BriefUnavailable, RenderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    atomic_write(Path(args.out), data)  # whole or not at all
    h = brief.headline  # said in English whatever the brief's language
    print(
        f"wrote {args.out} ({fmt.upper()}, {len(data):,} bytes): {brief.country}, "
        f"{rank_phrase(h.rank, h.n_ranked)} in {index_label(h.index)} {h.edition}; "
        f"{brief.version.line}; "
        f"made in {time.perf_counter() - started:.1f} s"
    )
    return 0


def add_brief_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_store: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
) -> None:
    """Register ``indicators brief``."""
    p = with_store(sub.add_parser("brief", help="a one-page country brief for funders (PDF/HTML)"))
    p.add_argument("--country", required=True, help="ISO3 code or name, e.g. KAZ or Kazakhstan")
    p.add_argument("--edition", help="RSF edition of the headline figures (default: the latest)")
    p.add_argument("--out", required=True, help="file to write, e.g. brief.pdf or brief.html")
    p.add_argument(
        "--format", choices=FORMATS, help="pdf or html (default: from --out's suffix, else pdf)"
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the brief: en (English), ru (Russian) or kk (Kazakh); default en",
    )
    p.set_defaults(func=cmd_brief)
