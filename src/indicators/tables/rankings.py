"""The rankings table: one row per index, edition and entity, as the publisher ranked it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.tables.spec import (
    ISO3,
    Column,
    FrameCheck,
    TableSpec,
    ge,
    in_range,
    isin,
    matches,
    optional,
    provenance,
)

SUB_INDICATORS = ("political", "economic", "legal", "social", "safety")
ENTITY_KINDS = ("country", "territory", "pseudo", "historic", "group")
SCORE_DIRECTIONS = ("higher_is_freer", "lower_is_freer")


def _within_band(frame: pd.DataFrame, low: str, value: str, high: str) -> pd.Series:
    """True where the band is empty or ``low <= high``, with the value inside it when given."""
    lo, mid, hi = frame[low], frame[value], frame[high]
    ordered = lo.isna() | hi.isna() | (lo <= hi)
    inside = mid.isna() | ((lo.isna() | (lo <= mid)) & (hi.isna() | (mid <= hi)))
    return (ordered & inside).fillna(True).astype(bool)


def _score_within_band(frame: pd.DataFrame) -> pd.Series:
    return _within_band(frame, "score_low", "score", "score_high")


def _normalised_within_band(frame: pd.DataFrame) -> pd.Series:
    return _within_band(frame, "score_normalised_low", "score_normalised", "score_normalised_high")


def _rank_within_number_ranked(frame: pd.DataFrame) -> pd.Series:
    rank, n_ranked = frame["rank"], frame["n_ranked"]
    return rank.isna() | n_ranked.isna() | (rank <= n_ranked)


RANKINGS = TableSpec(
    name="rankings",
    columns=(
        Column("index", check=matches(r"^[a-z][a-z0-9_]{1,39}$")),
        Column("edition"),
        Column("edition_year", "Int64", check=in_range(1900, 2100)),
        optional("period_start"),
        optional("period_end"),
        optional("period_label"),
        Column("iso3", check=ISO3),
        Column("country"),
        Column("source_code"),
        Column("entity_kind", check=isin(ENTITY_KINDS)),
        optional("zone"),
        optional("rank", "Int64", ge(1)),
        optional(
            "rank_as_numbered", "Int64"
        ),  # the file's running number where RSF published joint ranks
        optional("n_ranked", "Int64", ge(1)),
        optional("n_tied", "Int64", ge(1)),
        Column("tied", "boolean"),
        optional("position", "Float64", in_range(0, 100)),
        optional("score", "Float64"),
        optional("score_as_printed", "Float64"),
        optional("score_low", "Float64"),  # the uncertainty band, as published (V-Dem's
        optional("score_high", "Float64"),  # _codelow/_codehigh); empty where none is given
        optional("score_normalised", "Float64", in_range(0, 100)),
        optional("score_normalised_low", "Float64", in_range(0, 100)),  # the band rescaled as
        optional("score_normalised_high", "Float64", in_range(0, 100)),  # score_normalised is
        optional("score_direction", check=isin(SCORE_DIRECTIONS)),
        Column("methodology"),
        optional("rank_previous", "Int64"),
        optional("rank_change_published", "Int64"),
        optional("situation"),
        *(optional(f"{s}_score", "Float64") for s in SUB_INDICATORS),
        *(optional(f"{s}_rank", "Int64") for s in SUB_INDICATORS),
        optional("citation"),
        *provenance(),
    ),
    row_keys=("index", "edition", "iso3", "source_code"),
    batch_keys=("index", "edition"),
    replaces=(
        "a file holds whole editions and replaces them: a new RSF 2025 file replaces every "
        "RSF 2025 row, so an entity the publisher dropped from an edition is dropped here too"
    ),
    checks=(
        FrameCheck("rank must not exceed the number ranked", _rank_within_number_ranked),
        FrameCheck("score_low <= score <= score_high where given", _score_within_band),
        FrameCheck(
            "score_normalised_low <= score_normalised <= score_normalised_high where given",
            _normalised_within_band,
        ),
    ),
)


@dataclass(frozen=True)
class RankRule:
    """What a rankings adapter knows of how its source ranks ties, as data for derive.

    Adapters emit the ranks their file gives; :func:`indicators.pipeline.derive.derive_rankings`
    applies this rule and computes ``n_tied``, ``tied`` and ``position`` for every adapter.

    ``joint_until``: up to this edition year the published ranks are joint (equal score, equal
    rank: 1, 1, 3) although the file numbers tied entries one after another (RSF up to 2011-12);
    derive makes the rank the shared one and keeps the file's number as ``rank_as_numbered``.
    ``ties_given``: the file says how many entries share each rank (``n_tied``), and its rows
    may be part of an edition (this project's own export), so ties are not counted from them.
    """

    joint_until: int | None = None
    ties_given: bool = False
