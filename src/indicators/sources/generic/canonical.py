"""The project's own canonical rankings CSV: what ``indicators rankings --format csv`` writes.

The embedded curated dataset in ``data/rankings/`` is in this form. Its provenance columns
(``source_file``, ``source_sha256``, ``source_row``, ``citation``) name the publisher's file and
row each value was taken from, so provenance survives the round trip. Derived columns
(``position``, ``tied``) are recomputed by derive, never trusted; ``n_tied`` is taken as the
file gives it (``rank_rule``), since an extract's rows are not the whole edition.
"""

from __future__ import annotations

import pandas as pd

from indicators.i18n import N_, msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.reading import TextTable
from indicators.tables.conform import conform
from indicators.tables.rankings import RANKINGS, RankRule

REQUIRED = (
    "index",
    "edition",
    "edition_year",
    "iso3",
    "country",
    "source_code",
    "entity_kind",
    "rank",
    "n_ranked",
    "methodology",
)
NUMERIC = [c.name for c in RANKINGS.columns if c.dtype in ("Int64", "Float64")]


class CanonicalRankings:
    """Canonical rankings rows written by this project (export or curated extract)."""

    name = "canonical_rankings"
    kind = "rankings"
    # our own export of any series, read back (its rows keep their provenance columns)
    writes_owned_indexes = True
    rank_rule = RankRule(ties_given=True)  # an extract (data/rankings) keeps its editions' ties
    description = "This project's canonical rankings CSV (exports and the curated embedded data)"

    def sniff(self, table: TextTable) -> float:
        """Sure when every required canonical column is present."""
        cols = set(table.frame.columns)
        return 1.0 if set(REQUIRED) <= cols and "methodology" in cols else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """Coerce and keep upstream provenance (derive recomputes the derived columns)."""
        name = table.source.name
        frame = table.frame
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise ValidationFailed(
                [missing_columns_problem(name, N_("canonical rankings"), REQUIRED, frame.columns)]
            )
        problems: list[Problem] = []
        out = frame.replace({"": None}).copy()
        for col in NUMERIC:
            if col not in out.columns:
                continue
            text = out[col].astype("str").str.replace(",", ".", regex=False)
            values = pd.to_numeric(text, errors="coerce")
            for i in values.index[values.isna() & out[col].notna()][:100]:
                problems.append(
                    Problem(
                        name, msg("is not a number"), table.row_number(int(i)), col, out.loc[i, col]
                    )
                )
            out[col] = values
        if problems:
            raise ValidationFailed(problems)
        out = out.drop(columns=["tied", "position"], errors="ignore")  # derive's, never read
        if "source_file" not in out.columns or out["source_file"].isna().all():
            out["source_file"] = name
            out["source_sha256"] = table.source.sha256
            out["source_row"] = [table.row_number(int(i)) for i in out.index]
        canonical = conform(out, RANKINGS)
        return Parsed(
            "rankings",
            self.name,
            canonical,
            {"source": "canonical rankings", "format": table.format_label},
            rows_read=len(frame),
        )
