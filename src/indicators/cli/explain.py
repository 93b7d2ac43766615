"""``indicators explain-rank``: why a country's rank moved between two editions.

``indicators explain-rank --country KAZ [--edition 2026] [--against 2025] [--index rsf_wpfi]
[--format table|csv|json] [--store DIR]`` prints the sentence and the split (the part the
country's own score explains, the part the other countries' changes do). Across a method change,
or on a store that does not hold every country of the earlier edition, it says why it cannot
split the change (one line, exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from indicators.cli.output import emit
from indicators.cli.store import store_from_args
from indicators.present.rank_moves import METHOD, rank_move_sentence
from indicators.query.explain import DEFAULT_INDEX, CannotExplain, explain_rank
from indicators.query.views import resolve_countries_arg

FORMATS = ("table", "csv", "json")


def cmd_explain_rank(args: argparse.Namespace) -> int:
    """Print why the rank moved, or why that cannot be said."""
    store = store_from_args(args)
    iso3 = resolve_countries_arg([args.country])[0]
    try:
        split = explain_rank(
            store.table("rankings"),
            iso3,
            edition=args.edition,
            against=args.against,
            index=args.index,
        )
    except CannotExplain as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    record = pd.DataFrame([split.record()])
    if args.format == "table":
        sys.stdout.write(rank_move_sentence(split) + "\n\n")
        emit(record.T.reset_index().set_axis(["field", "value"], axis=1), "table")
        sys.stdout.write("\n" + METHOD + "\n")
    else:
        emit(record, args.format)
    return 0


def add_explain_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_store: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
) -> None:
    """The explain-rank command."""
    p = with_store(sub.add_parser("explain-rank", help="why a country's rank moved"))
    p.add_argument("--country", required=True, help="ISO3 code or name")
    p.add_argument("--edition", help="the later edition (default: the latest with the country)")
    p.add_argument("--against", help="the earlier edition (default: the one before --edition)")
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index id (default {DEFAULT_INDEX})")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_explain_rank)
