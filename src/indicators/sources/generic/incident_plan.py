"""The columnar plan: dates, places, statutes and types resolved once per distinct value.

:class:`_Plan` encodes each raw column, resolves every distinct date, place (per country and
date class), statute reference and vocabulary word once, and marks the rows that need the
row-by-row code (``slow``: any row that would raise a problem or leave a note). Its
:meth:`_Plan.frame` builds the canonical rows of the others.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.sources.generic.incident_columns import (
    PLACE_TABLES,
    STATUTE_TABLES,
    _canonical,
    _date_classes,
    _encode,
    _resolve_once,
    _row_numbers,
    _take,
)
from indicators.sources.generic.incident_common import (
    StatuteValues,
    _has_regions,
    _RowContext,
    _statute_matches,
    stable_id,
)
from indicators.sources.normalisers.dates import parse_date
from indicators.sources.normalisers.places import resolve_place
from indicators.tables.conform import conform
from indicators.tables.incidents import INCIDENTS
from indicators.tables.vocab import Vocabulary


def _flags(values: list[bool], codes: np.ndarray) -> np.ndarray:
    """``values[code]`` per row, False where the cell is empty (code -1)."""
    return np.array([*values, False])[codes]


class _Plan:
    """Per distinct value: dates, places, statutes, types; which rows need the row-by-row code."""

    def __init__(
        self,
        cells: dict[str, pa.Array],
        ctx: _RowContext,
        types: Vocabulary,
        targets: Vocabulary,
    ) -> None:
        self.cells, self.ctx = cells, ctx
        slow = self._dates()
        slow |= self._places(slow)
        slow |= self._types(types, targets)
        slow |= self._statutes(slow)
        self.slow = slow

    def _dates(self) -> np.ndarray:
        """Dates parsed once per distinct text, their classes, and the country codes."""
        cells, ctx = self.cells, self.ctx
        self.date_codes, written = _encode(cells["date"])
        parsed = [parse_date(w) for w in written]
        # a date that parses has no problem unless it is in the future (see date_problem)
        ok = [p is not None and p.start <= ctx.today for p in parsed]
        self.starts = [
            p.start if p is not None and good else None for p, good in zip(parsed, ok, strict=True)
        ]
        self.precisions = [p.precision if p is not None else None for p in parsed]
        good = np.array([*ok, False])  # code -1 (no date) is a problem
        slow = ~good[self.date_codes]
        place_class, self.place_day = _date_classes(ctx.ref, PLACE_TABLES, self.starts)
        statute_class, self.statute_day = _date_classes(ctx.ref, STATUTE_TABLES, self.starts)
        self.place_class = place_class[self.date_codes]
        self.statute_class = statute_class[self.date_codes]
        self.country_codes, self.countries = _encode(cells["country"])
        return slow | (self.country_codes < 0)

    def _places(self, slow: np.ndarray) -> np.ndarray:
        """Places, once per (place, country, date class) where the country has regions."""
        ctx = self.ctx
        self.place_codes, places = _encode(self.cells["place"])
        regions = _flags([_has_regions(ctx.ref, c) for c in self.countries], self.country_codes)
        resolve = (self.place_codes >= 0) & regions & ~slow
        self.region = np.full(len(slow), -1, dtype=np.int64)
        self.region_values: list[tuple[str, str | None]] = []

        def place(key: tuple[int, ...]) -> tuple[str, str | None] | None:
            p, c, k = key
            day = self.place_day[k]
            assert day is not None
            match = resolve_place(places[p], self.countries[c], day, ctx.ref)
            return (match.code, match.name) if match.code else None

        return _resolve_once(
            resolve,
            (self.place_codes, self.country_codes, self.place_class),
            place,
            self.region,
            self.region_values,
        )

    def _types(self, types: Vocabulary, targets: Vocabulary) -> np.ndarray:
        """Incident and target types and statute_applied_to, once per distinct word."""
        cells = self.cells
        self.type_codes, itypes = _encode(cells["incident_type"])
        self.types = [types.resolve(t) for t in itypes]
        slow = np.zeros(len(self.type_codes), dtype=bool)
        if self.ctx.strict:
            slow |= _flags([t is None for t in self.types], self.type_codes)
        self.target_codes, ttypes = _encode(cells["target_type"])
        self.targets = [targets.resolve(t) for t in ttypes]
        slow |= _flags([t is None for t in self.targets], self.target_codes)
        self.applied_codes, applied = _encode(cells["statute_applied_to"])
        self.applied = [(a or "").lower() or None for a in applied]
        bad = [a not in (None, "target", "perpetrator") for a in self.applied]
        return slow | _flags(bad, self.applied_codes)

    def _statutes(self, slow: np.ndarray) -> np.ndarray:
        """Statutes, once per (statute, as written, country, date class)."""
        ctx = self.ctx
        coded_codes, coded = _encode(self.cells["statute"])
        written_codes, as_written = _encode(self.cells["statute_as_written"])
        has_text = ((coded_codes >= 0) | (written_codes >= 0)) & ~slow
        self.statute = np.full(len(slow), -1, dtype=np.int64)
        self.statute_values: list[list[StatuteValues]] = []

        def statutes(key: tuple[int, ...]) -> list[StatuteValues] | None:
            s, w, c, k = key
            day = self.statute_day[k]
            assert day is not None
            found = _statute_matches(
                coded[s] if s >= 0 else None,
                as_written[w] if w >= 0 else None,
                self.countries[c],
                day,
                ctx.ref,
            )
            if any(m.key is None for m, _ in found):
                return None  # an error or a note: the row-by-row code words it
            return [values for _, values in found]

        return _resolve_once(
            has_text,
            (coded_codes, written_codes, self.country_codes, self.statute_class),
            statutes,
            self.statute,
            self.statute_values,
        )

    def _statute_rows(
        self, fast: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, list[StatuteValues], np.ndarray]:
        """Output rows (one per statute, at least one per row): row, seq, flat values, pick."""
        lists = self.statute_values
        counts = np.array([len(v) or 1 for v in lists] + [1], dtype=np.int64)
        statute = self.statute[fast]
        per_row = counts[statute]
        row = np.repeat(np.arange(len(fast)), per_row)
        seq = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row) + 1
        flat: list[StatuteValues] = [(None, None, None)]
        offset = np.zeros(len(lists) + 1, dtype=np.int64)
        for i, v in enumerate(lists):
            offset[i] = len(flat)
            flat.extend(v or [(None, None, None)])
        pick = np.where(statute[row] < 0, 0, offset[statute[row]] + seq - 1)
        return row, seq, flat, pick

    def _incident_ids(self, fast: np.ndarray, id_prefix: str) -> pa.Array:
        """Each kept row's id: the file's with the prefix, else a stable id of its cells."""
        text = pa.large_string()
        ids = self.cells["id"]
        incident_id = pc.binary_join_element_wise(
            pa.scalar(id_prefix, text), ids, pa.scalar("-", text)
        )
        valid = ids.is_valid().to_numpy(zero_copy_only=False)
        missing = fast[~valid[fast]]
        if len(missing):
            incident_id = pc.coalesce(incident_id, self._stable_ids(missing, id_prefix))
        return incident_id

    def frame(self, positions: np.ndarray, id_prefix: str) -> pd.DataFrame:
        """Canonical rows of the rows resolved here (one per statute, at least one per row)."""
        fast = np.flatnonzero(~self.slow)
        self.exploded_positions = np.empty(0, dtype=np.int64)
        if not len(fast):
            return conform(pd.DataFrame(), INCIDENTS)
        row, seq, flat, pick = self._statute_rows(fast)
        text = pa.large_string()
        src = fast[row]  # for each output row, its row among the kept ones
        at = pa.array(src)

        def cell(name: str) -> pa.Array:
            return self.cells[name].take(at)

        def coded(values: Sequence[object], codes: np.ndarray) -> pa.Array:
            return _take(values, codes[src], text)

        key = _take([f[0] for f in flat], pick, text)
        shown = _take([f[2] for f in flat], pick, text)
        has_statute = pc.or_(pc.is_valid(key), pc.is_valid(shown))
        applied = pc.fill_null(coded(self.applied, self.applied_codes), "target")
        starts = self.starts
        self.exploded_positions = positions[src]
        values: dict[str, object] = {
            "incident_id": self._incident_ids(fast, id_prefix).take(at),
            "statute_seq": seq,
            "date": coded([d.isoformat() if d else None for d in starts], self.date_codes),
            "date_precision": coded(self.precisions, self.date_codes),
            "date_as_written": cell("date"),
            "year": np.array([d.year if d else 0 for d in starts] + [0])[self.date_codes[src]],
            "country": cell("country"),
            "region_code": coded([r[0] for r in self.region_values], self.region),
            "region_name": coded([r[1] for r in self.region_values], self.region),
            "place_as_written": cell("place"),
            "target_name": cell("target_name"),
            "target_type": coded(self.targets, self.target_codes),
            "outlet": cell("outlet"),
            "incident_type": pc.fill_null(coded(self.types, self.type_codes), "other"),
            "incident_type_as_written": cell("incident_type"),
            "statute_key": key,
            "statute_category": _take([f[1] for f in flat], pick, text),
            "statute_as_written": shown,
            "statute_applied_to": pc.if_else(has_statute, applied, pa.scalar(None, text)),
            "case_stage": cell("case_stage"),
            "summary": cell("summary"),
            "source_name": pc.fill_null(cell("source_name"), "unknown"),
            "source_url": cell("source_url"),
            "synthetic": np.zeros(len(row), dtype=bool),
            "source_file": self.ctx.table.source.name,
            "source_sha256": self.ctx.table.source.sha256,
            "source_row": _row_numbers(self.ctx.table, self.exploded_positions),
        }
        return _canonical(values, len(row))

    def _stable_ids(self, missing: np.ndarray, prefix: str) -> pa.Array:
        """stable_id() for the kept rows without an id (null for the others)."""
        fields = (
            "source_name", "date", "target_name", "incident_type", "statute",
            "statute_as_written", "place", "summary", "source_url",
        )  # fmt: skip
        at = pa.array(missing)
        parts = [self.cells[f].take(at).to_pylist() for f in fields]
        ids: list[str | None] = [None] * len(self.cells["id"])
        for i, cells in zip(missing.tolist(), zip(*parts, strict=True), strict=True):
            ids[i] = stable_id(prefix, *cells)
        return pa.array(ids, type=pa.large_string())
