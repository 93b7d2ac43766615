"""Two files of one ingest holding the same batch are refused, with every clash named."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.pipeline.extract import _check_overlaps
from indicators.problems import ValidationFailed
from indicators.sources.base import Parsed
from indicators.sources.reading import SourceFile
from indicators.tables.registry import TABLES


def _item(name: str, kind: str, rows: list[dict[str, object]]) -> tuple[SourceFile, Parsed]:
    return SourceFile(name, b""), Parsed(kind, "test", pd.DataFrame(rows))


def _reference(items: list[tuple[SourceFile, Parsed]]) -> list[str]:
    """The plain loop the column-wise check replaced: one problem per clash, in file order."""
    seen: dict[tuple[str, tuple[object, ...]], str] = {}
    out = []
    for src, p in items:
        for batch in (
            p.frame[list(TABLES[p.kind].batch_keys)].drop_duplicates().itertuples(index=False)
        ):
            k = (p.kind, tuple(batch))
            if k in seen and seen[k] != src.name:
                out.append(f"{src.name}: holds the same {p.kind} ({', '.join(map(str, batch))})")
            seen[k] = src.name
    return out


def _found(items: list[tuple[SourceFile, Parsed]]) -> list[str]:
    try:
        _check_overlaps(items)
    except ValidationFailed as exc:
        return [f"{p.file}: {p.problem.split(' as ')[0]}" for p in exc.problems]
    return []


def test_incident_ids_in_two_files_are_named() -> None:
    items = [
        _item("jan.csv", "incidents", [{"incident_id": "A"}, {"incident_id": "B"}]),
        _item("feb.csv", "incidents", [{"incident_id": "C"}]),
        _item("copy.csv", "incidents", [{"incident_id": "B"}, {"incident_id": "D"}]),
        _item("events.csv", "events", [{"event_id": "B"}]),  # another table: no clash
    ]
    with pytest.raises(ValidationFailed) as caught:
        _check_overlaps(items)
    assert [(p.file, p.problem) for p in caught.value.problems] == [
        ("copy.csv", "holds the same incidents (B) as jan.csv")
    ]


def test_editions_in_two_files_are_named() -> None:
    row = {"index": "rsf_wpfi", "edition": "2025"}
    items = [_item("a.csv", "rankings", [row, row]), _item("b.csv", "rankings", [row])]
    assert _found(items) == ["b.csv: holds the same rankings (rsf_wpfi, 2025)"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.csv", "b.csv", "c.csv"]),
            st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_same_problems_as_the_plain_loop(files: list[tuple[str, list[str]]]) -> None:
    items = [_item(name, "incidents", [{"incident_id": i} for i in ids]) for name, ids in files]
    assert _found(items) == _reference(items)


def test_publishers_series_are_reserved_by_their_adapters() -> None:
    """RSF's and Freedom House's index ids can be written only by their own adapter (or our
    canonical export read back); a new publisher's adapter reserves its ids by declaring them."""
    from dataclasses import dataclass

    from indicators.sources.registry import ADAPTERS, RESERVED_INDEXES, reserved_indexes

    assert RESERVED_INDEXES == {
        "rsf_wpfi": ("rsf_csv", "canonical_rankings"),
        "fh_fiw": ("fh_fiw_xlsx", "canonical_rankings"),
        "fh_fiw_d1": ("fh_fiw_xlsx", "canonical_rankings"),
        "fh_fotn": ("fh_fotn_xlsx", "canonical_rankings"),
        "fh_fotp": ("fh_fotp_tidy_csv", "canonical_rankings"),
    }

    @dataclass
    class NewPublisher:
        name: str = "vdem_csv"
        owned_indexes: tuple[str, ...] = ("vdem_media",)

    found = reserved_indexes([*ADAPTERS, NewPublisher()])  # type: ignore[list-item]
    assert found["vdem_media"] == ("vdem_csv", "canonical_rankings")
