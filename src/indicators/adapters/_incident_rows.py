"""Build canonical incident rows from raw cells: dates, places, statutes, vocabularies.

Shared by every incident adapter. Each adapter first finds its columns and produces a frame of
raw text in the fields below; this module normalises them and reports, row by row, what it
cannot resolve. In ``strict`` mode (a person's own file) an unresolved statute number, place,
or incident type is an error; in lenient mode (a publisher's export that we cannot correct) it
is kept as written, left unresolved and listed in the notes.

Two implementations give the same canonical frame, notes and problems:

* :func:`build_incidents_rowwise`, the reference: one call of the normalisers per row.
* :func:`build_incidents` (what adapters call), the columnar path: the cells are stripped as
  whole columns, and dates, places, statute references and vocabulary words are resolved once
  per *distinct* value (places and statutes once per distinct value and *date class*, see
  :func:`_date_classes`), then mapped back to the rows. Any row that would raise a problem or
  leave a note (an unknown statute, place or type, a bad date, a missing country) goes through
  the row-by-row code itself, so problems and notes are word for word the reference's.
  ``tests/test_synthetic.py`` checks that both give the same frame on real files.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.normalisers.dates import date_problem, parse_date
from indicators.normalisers.places import resolve_place
from indicators.normalisers.statutes import StatuteMatch, resolve_statutes
from indicators.problems import Problem, ProblemList, ValidationFailed
from indicators.reading import TextTable
from indicators.reference import Reference, load_reference, parse_iso
from indicators.schemas import INCIDENTS_COLUMNS, INCIDENTS_SCHEMA, conform, validate
from indicators.vocab import Vocabulary, vocabulary

RAW_FIELDS = (
    "id",
    "date",
    "country",
    "place",
    "target_name",
    "target_type",
    "outlet",
    "incident_type",
    "statute",
    "statute_as_written",
    "statute_applied_to",
    "case_stage",
    "summary",
    "source_name",
    "source_url",
)


@dataclass
class Built:
    """Canonical rows, the problems (errors) and the notes (unresolved but accepted)."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def stable_id(prefix: str, *parts: object) -> str:
    """An id that stays the same when the same record is ingested again."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


class _RowContext:
    def __init__(self, table: TextTable, ref: Reference, today: date, strict: bool) -> None:
        self.table, self.ref, self.today, self.strict = table, ref, today, strict
        self.problems = ProblemList()
        self.unresolved: dict[str, list[int]] = {}

    def error(self, pos: int, column: str, value: object, problem: str, fix: str = "") -> None:
        # Past the listing cap only a count is kept: a million bad dates build no million objects.
        self.problems.add(
            self.table.source.name, problem, self.table.row_number(pos), column, value, fix
        )

    def unresolved_note(self, what: str, pos: int) -> None:
        rows = self.unresolved.setdefault(what, [])
        if self.table.row_number(pos) not in rows:
            rows.append(self.table.row_number(pos))


def build_incidents_rowwise(
    raw: pd.DataFrame,
    table: TextTable,
    *,
    columns: dict[str, str],
    today: date,
    strict: bool,
    ref: Reference | None = None,
    id_prefix: str = "inc",
) -> Built:
    """Normalise raw incident cells (``RAW_FIELDS``) row by row: the reference implementation.

    ``columns`` maps each raw field to the file's column name, for error messages.
    """
    ctx = _RowContext(table, ref or load_reference(), today, strict)
    types, targets = vocabulary("incident_types"), vocabulary("target_types")
    records: list[dict[str, object]] = []
    for pos, row in enumerate(raw.to_dict("records")):
        cells = {k: _text(row.get(k)) for k in RAW_FIELDS}
        if not any(cells.values()):
            continue
        records.extend(_one_incident(ctx, pos, cells, columns, types, targets, id_prefix))
    if ctx.problems:
        raise ValidationFailed(ctx.problems)
    notes = [f"{what}: rows {_rows_text(rows)}" for what, rows in ctx.unresolved.items()]
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    canonical = validate(conform(frame, INCIDENTS_COLUMNS), INCIDENTS_SCHEMA, table.source.name)
    return Built(canonical, [], notes)


def build_incidents(
    raw: pd.DataFrame,
    table: TextTable,
    *,
    columns: dict[str, str],
    today: date,
    strict: bool,
    ref: Reference | None = None,
    id_prefix: str = "inc",
) -> Built:
    """Normalise raw incident cells (``RAW_FIELDS``) to canonical incident rows.

    The same result as :func:`build_incidents_rowwise` (rows, notes and problems), computed
    column by column: each distinct date, place, statute reference and vocabulary word is
    resolved once. ``columns`` maps each raw field to the file's column name, for messages.
    """
    ctx = _RowContext(table, ref or load_reference(), today, strict)
    types, targets = vocabulary("incident_types"), vocabulary("target_types")
    cells = {k: _text_column(raw[k] if k in raw.columns else None, len(raw)) for k in RAW_FIELDS}
    keep = np.zeros(len(raw), dtype=bool)
    for arr in cells.values():
        keep |= arr.is_valid().to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(keep)
    mask = pa.array(keep)
    kept = {k: arr.filter(mask) for k, arr in cells.items()}
    plan = _Plan(kept, ctx, types, targets)
    slow = positions[plan.slow]
    records: list[dict[str, object]] = []
    record_pos: list[int] = []
    for pos in slow.tolist():
        row = {k: cells[k][pos].as_py() for k in RAW_FIELDS}
        found = _one_incident(ctx, pos, row, columns, types, targets, id_prefix)
        records.extend(found)
        record_pos.extend([pos] * len(found))
    if ctx.problems:
        raise ValidationFailed(ctx.problems)
    notes = [f"{what}: rows {_rows_text(rows)}" for what, rows in ctx.unresolved.items()]
    fast = plan.frame(positions, id_prefix)
    if records:
        slow_frame = conform(pd.DataFrame.from_records(records), INCIDENTS_COLUMNS)
        order = np.lexsort(
            (
                np.concatenate(
                    [fast["statute_seq"].to_numpy(int), slow_frame["statute_seq"].to_numpy(int)]
                ),
                np.concatenate([plan.exploded_positions, np.array(record_pos, dtype=np.int64)]),
            )
        )
        frame = pd.concat([fast, slow_frame], ignore_index=True).take(order)
        frame = frame.reset_index(drop=True)
    else:
        frame = fast
    canonical = validate(frame, INCIDENTS_SCHEMA, table.source.name)
    return Built(canonical, [], notes)


# Every character Python's str.strip() removes (str.isspace()): trimming exactly these with
# Arrow gives the same text as _text() does cell by cell.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NONE = type(None)


def _text_column(values: pd.Series | None, n: int) -> pa.Array:
    """A raw column as Arrow text: what :func:`_text` gives each cell (null for None)."""
    if values is None:
        return pa.nulls(n, pa.large_string())
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is np.nan:
        arr = pa.array(values.array)  # missing cells are NaN, which _text reads as None
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    else:
        objects = values.to_numpy(dtype=object)
        kinds = set(map(type, objects))
        plain = kinds <= {str, _NONE, float} and all(v != v for v in objects if type(v) is float)
        if not plain:  # numbers, pd.NA, str subclasses...: exactly as _text does, cell by cell
            return pa.array([_text(v) for v in objects], type=pa.large_string())
        arr = pa.array(objects, type=pa.large_string(), from_pandas=True)
    arr = pc.utf8_trim(arr.cast(pa.large_string()), characters=WHITESPACE)
    empty = pc.equal(pc.utf8_length(arr), 0)
    return pc.if_else(empty, pa.scalar(None, pa.large_string()), arr)


def _encode(arr: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 for null) and the distinct values of a text column."""
    enc = pc.dictionary_encode(arr)
    codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, enc.dictionary.to_pylist()


def _take(values: Sequence[object], codes: np.ndarray, type_: pa.DataType) -> pa.Array:
    """``values[code]`` for each code, null where the code is -1."""
    table = pa.array([*values, None], type=type_)
    return table.take(pa.array(np.where(codes < 0, len(values), codes)))


@lru_cache(maxsize=32)
def _boundaries(ref: Reference, tables: tuple[str, ...]) -> tuple[tuple[date, ...], ...]:
    """Every date on which a row of these reference tables starts or stops being in force."""
    starts: set[date] = set()
    ends: set[date] = set()
    for name in tables:
        frame = getattr(ref, name)
        for column, found in (("valid_from", starts), ("valid_to", ends)):
            if column in frame.columns:
                found.update(d for d in map(parse_iso, frame[column].astype(str)) if d)
    return tuple(sorted(starts)), tuple(sorted(ends))


# The reference tables each normaliser reads (its ``_index``): its date classes come from these.
PLACE_TABLES = ("regions", "places")
STATUTE_TABLES = ("statute_codes", "statutes")


def _date_classes(
    ref: Reference, tables: tuple[str, ...], days: list[date | None]
) -> tuple[np.ndarray, list[date | None]]:
    """Class id of each day (one more entry, 0, for 'no date') and one day of each class.

    The normalisers use the date only through ``valid_on(valid_from, valid_to, day)``, that is
    ``valid_from <= day`` and ``day <= valid_to`` for rows of their own reference tables; these
    comparisons are fixed by how many start dates are on or before the day and how many end
    dates are before it. So a place or statute resolves to the same key on every day of a
    class; only the wording of a reason (which names the day) differs, and rows that get a
    reason (an error or a note) go through the row-by-row code.
    """
    starts, ends = _boundaries(ref, tables)
    ids: dict[tuple[int, int] | None, int] = {}
    first: list[date | None] = []
    out = np.zeros(len(days) + 1, dtype=np.int64)
    for i, d in enumerate(days):
        cls = None if d is None else (bisect_right(starts, d), bisect_left(ends, d))
        if cls not in ids:
            ids[cls] = len(ids)
            first.append(d)
        out[i] = ids[cls]
    return out, first


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
        n = len(cells["date"])
        slow = np.zeros(n, dtype=bool)
        # dates: parsed once per distinct text
        self.date_codes, written = _encode(cells["date"])
        parsed = [parse_date(w) for w in written]
        # a date that parses has no problem unless it is in the future (see date_problem)
        ok = [p is not None and p.start <= ctx.today for p in parsed]
        self.starts = [
            p.start if p is not None and good else None for p, good in zip(parsed, ok, strict=True)
        ]
        self.precisions = [p.precision if p is not None else None for p in parsed]
        good = np.array([*ok, False])  # code -1 (no date) is a problem
        slow |= ~good[self.date_codes]
        place_class, self.place_day = _date_classes(ctx.ref, PLACE_TABLES, self.starts)
        statute_class, self.statute_day = _date_classes(ctx.ref, STATUTE_TABLES, self.starts)
        self.place_class = place_class[self.date_codes]
        self.statute_class = statute_class[self.date_codes]
        # country
        self.country_codes, self.countries = _encode(cells["country"])
        slow |= self.country_codes < 0
        # places, once per (place, country, date class) where the country has regions
        self.place_codes, places = _encode(cells["place"])
        regions = np.array([*(_has_regions(ctx.ref, c) for c in self.countries), False])[
            self.country_codes
        ]
        resolve = (self.place_codes >= 0) & regions & ~slow
        self.region = np.full(n, -1, dtype=np.int64)
        self.region_values: list[tuple[str, str | None]] = []

        def place(key: tuple[int, ...]) -> tuple[str, str | None] | None:
            p, c, k = key
            day = self.place_day[k]
            assert day is not None
            match = resolve_place(places[p], self.countries[c], day, ctx.ref)
            return (match.code, match.name) if match.code else None

        unresolved = self._resolve(
            resolve,
            (self.place_codes, self.country_codes, self.place_class),
            place,
            self.region,
            self.region_values,
        )
        slow |= unresolved
        # incident and target types, once per distinct word
        self.type_codes, itypes = _encode(cells["incident_type"])
        self.types = [types.resolve(t) for t in itypes]
        unknown = np.array([t is None for t in self.types] + [False])[self.type_codes]
        if ctx.strict:
            slow |= unknown
        self.target_codes, ttypes = _encode(cells["target_type"])
        self.targets = [targets.resolve(t) for t in ttypes]
        slow |= np.array([t is None for t in self.targets] + [False])[self.target_codes]
        # statute_applied_to, once per distinct word
        self.applied_codes, applied = _encode(cells["statute_applied_to"])
        self.applied = [(a or "").lower() or None for a in applied]
        bad = [a not in (None, "target", "perpetrator") for a in self.applied]
        slow |= np.array([*bad, False])[self.applied_codes]
        # statutes, once per (statute, as written, country, date class)
        coded_codes, coded = _encode(cells["statute"])
        written_codes, as_written = _encode(cells["statute_as_written"])
        has_text = ((coded_codes >= 0) | (written_codes >= 0)) & ~slow
        self.statute = np.full(n, -1, dtype=np.int64)
        self.statute_values: list[list[tuple[str | None, str | None, str | None]]] = []

        def statutes(
            key: tuple[int, ...],
        ) -> list[tuple[str | None, str | None, str | None]] | None:
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

        slow |= self._resolve(
            has_text,
            (coded_codes, written_codes, self.country_codes, self.statute_class),
            statutes,
            self.statute,
            self.statute_values,
        )
        self.slow = slow

    @staticmethod
    def _resolve(
        rows: np.ndarray,
        parts: tuple[np.ndarray, ...],
        fn: Callable[[tuple[int, ...]], object | None],
        out: np.ndarray,
        values: list[Any],
    ) -> np.ndarray:
        """Call ``fn`` once per distinct combination of codes in ``rows``; None = unresolved."""
        failed = np.zeros(len(out), dtype=bool)
        if not rows.any():
            return failed
        picked = [p[rows] + 1 for p in parts]  # codes from -1: shifted to start at 0
        key = np.zeros(int(rows.sum()), dtype=np.int64)
        for codes in picked:
            key = key * (int(codes.max()) + 1) + codes
        inverse, uniques = pd.factorize(key)
        first = np.zeros(len(uniques), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(inverse))[::-1]  # a row holding each combination
        results = [fn(tuple(int(c[i]) - 1 for c in picked)) for i in first]
        index = np.full(len(uniques), -1, dtype=np.int64)
        for i, result in enumerate(results):
            if result is not None:
                index[i] = len(values)
                values.append(result)
        where = np.flatnonzero(rows)
        out[where] = index[inverse]
        failed[where] = out[where] < 0
        return failed

    def frame(self, positions: np.ndarray, id_prefix: str) -> pd.DataFrame:
        """Canonical rows of the rows resolved here (one per statute, at least one per row)."""
        fast = np.flatnonzero(~self.slow)
        self.exploded_positions = np.empty(0, dtype=np.int64)
        if not len(fast):
            return conform(pd.DataFrame(), INCIDENTS_COLUMNS)
        lists = self.statute_values
        counts = np.array([len(v) or 1 for v in lists] + [1], dtype=np.int64)
        statute = self.statute[fast]
        per_row = counts[statute]
        row = np.repeat(np.arange(len(fast)), per_row)
        seq = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row) + 1
        flat: list[tuple[str | None, str | None, str | None]] = [(None, None, None)]
        offset = np.zeros(len(lists) + 1, dtype=np.int64)
        for i, v in enumerate(lists):
            offset[i] = len(flat)
            flat.extend(v or [(None, None, None)])
        pick = np.where(statute[row] < 0, 0, offset[statute[row]] + seq - 1)
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
        ids = self.cells["id"]
        incident_id = pc.binary_join_element_wise(
            pa.scalar(id_prefix, text), ids, pa.scalar("-", text)
        )
        valid = ids.is_valid().to_numpy(zero_copy_only=False)
        missing = fast[~valid[fast]]
        if len(missing):
            incident_id = pc.coalesce(incident_id, self._stable_ids(missing, id_prefix))
        starts = self.starts
        self.exploded_positions = positions[src]
        values: dict[str, object] = {
            "incident_id": incident_id.take(at),
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


def _canonical(values: dict[str, object], n: int) -> pd.DataFrame:
    """The canonical frame :func:`conform` would make of these columns, built directly.

    (``conform`` turns every text column into Python objects and back; at a million rows that
    costs seconds.) Text columns are Arrow-backed ``str``, numbers ``Int64``, flags ``boolean``.
    """
    data: dict[str, object] = {}
    for name, column in INCIDENTS_COLUMNS.items():
        value, dtype = values[name], str(column.dtype)
        if dtype in ("Int64", "Float64", "boolean"):
            data[name] = pd.array(value, dtype=dtype)  # type: ignore[call-overload]
        elif isinstance(value, pa.Array):
            data[name] = value.to_pandas().array
        else:
            data[name] = (
                pa.array([value], pa.large_string())
                .take(pa.array(np.zeros(n, dtype=np.int64)))
                .to_pandas()
                .array
            )
    return pd.DataFrame(data)


def _row_numbers(table: TextTable, positions: np.ndarray) -> np.ndarray:
    """``table.row_number(pos)`` for many positions at once."""
    numbers = table.first_row + positions
    if table.rows is not None:
        known = positions < len(table.rows)
        numbers = np.where(
            known, np.array([*table.rows, 0])[np.minimum(positions, len(table.rows))], numbers
        )
    return numbers


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:20]))
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _one_incident(
    ctx: _RowContext,
    pos: int,
    cells: dict[str, str | None],
    columns: dict[str, str],
    types: Vocabulary,
    targets: Vocabulary,
    id_prefix: str,
) -> list[dict[str, object]]:
    col = columns.get
    written_date = cells["date"]
    parsed = parse_date(written_date or "")
    reason = date_problem(written_date or "", ctx.today) if written_date else "the date is missing"
    if parsed is None or reason:
        ctx.error(
            pos,
            col("date", "date"),
            written_date,
            reason or "not a date",
            "write the date as 2025-04-10, 10.04.2025, 2025-04 or 2025",
        )
        return []
    country = cells["country"]
    if not country:
        ctx.error(
            pos,
            col("country", "country"),
            None,
            "the country is missing",
            "add a country column or choose the country when uploading",
        )
        return []
    on = parsed.start
    region_code = region_name = None
    place = cells["place"]
    if place and _has_regions(ctx.ref, country):
        match = resolve_place(place, country, on, ctx.ref)
        if match.code:
            region_code, region_name = match.code, match.name
        elif ctx.strict:
            ctx.error(
                pos,
                col("place", "place"),
                place,
                f"unknown region or place: {match.reason}",
                "use a region or city name from data/reference/regions.csv or places.csv, "
                "or add the place there",
            )
        else:
            ctx.unresolved_note("place not resolved to a region", pos)
    itype = types.resolve(cells["incident_type"]) if cells["incident_type"] else None
    if itype is None:
        if ctx.strict and cells["incident_type"]:
            ctx.error(
                pos,
                col("incident_type", "incident_type"),
                cells["incident_type"],
                "unknown incident type",
                "use a value from data/vocabularies/incident_types.csv",
            )
        itype = "other"
    ttype = targets.resolve(cells["target_type"]) if cells["target_type"] else None
    if cells["target_type"] and ttype is None:
        ctx.unresolved_note(f"target type kept as written ({cells['target_type']})", pos)
        ttype = cells["target_type"]
    statutes = _statutes(ctx, pos, cells, columns, country, on)
    applied = (cells["statute_applied_to"] or "").lower() or None
    if applied not in (None, "target", "perpetrator"):
        ctx.error(
            pos,
            col("statute_applied_to", "statute_applied_to"),
            applied,
            "must be 'target' or 'perpetrator'",
        )
    base_id = cells["id"] or stable_id(
        id_prefix,
        cells["source_name"],
        written_date,
        cells["target_name"],
        cells["incident_type"],
        cells["statute"],
        cells["statute_as_written"],
        place,
        cells["summary"],
        cells["source_url"],
    )
    common = {
        "incident_id": base_id if not cells["id"] else f"{id_prefix}-{cells['id']}",
        "date": on.isoformat(),
        "date_precision": parsed.precision,
        "date_as_written": written_date,
        "year": on.year,
        "country": country,
        "region_code": region_code,
        "region_name": region_name,
        "place_as_written": place,
        "target_name": cells["target_name"],
        "target_type": ttype,
        "outlet": cells["outlet"],
        "incident_type": itype,
        "incident_type_as_written": cells["incident_type"],
        "case_stage": cells["case_stage"],
        "summary": cells["summary"],
        "source_name": cells["source_name"] or "unknown",
        "source_url": cells["source_url"],
        "synthetic": False,
        "source_file": ctx.table.source.name,
        "source_sha256": ctx.table.source.sha256,
        "source_row": ctx.table.row_number(pos),
    }
    out: list[dict[str, object]] = []
    for seq, (key, category, written) in enumerate(statutes or [(None, None, None)], start=1):
        out.append(
            {
                **common,
                "statute_seq": seq,
                "statute_key": key,
                "statute_category": category,
                "statute_as_written": written,
                "statute_applied_to": (applied or "target") if (key or written) else None,
            }
        )
    return out


@lru_cache(maxsize=64)
def _has_regions(ref: Reference, country: str) -> bool:
    return bool((ref.regions["country"] == country).any())


@lru_cache(maxsize=16)
def _categories(ref: Reference) -> pd.Series:
    """Statute category by key (one Series per reference, not one per row)."""
    return ref.statutes.set_index("key")["category"]


def _statute_matches(
    coded: str | None, written: str | None, country: str, on: date, ref: Reference
) -> list[tuple[StatuteMatch, tuple[str | None, str | None, str | None]]]:
    """Each statute reference in the row, with its (key, category, as written) row values."""
    text = coded or written
    if not text:
        return []
    category = _categories(ref)
    out: list[tuple[StatuteMatch, tuple[str | None, str | None, str | None]]] = []
    for m in resolve_statutes(text, country, on, ref):
        shown = written if (coded and written) else m.written
        cat = category.get(m.key) if m.key else None
        out.append((m, (m.key, None if cat is None else str(cat), shown)))
    return out


def _statutes(
    ctx: _RowContext,
    pos: int,
    cells: dict[str, str | None],
    columns: dict[str, str],
    country: str,
    on: date,
) -> list[tuple[str | None, str | None, str | None]]:
    """(key, category, as written) for each statute in the row; errors for unknown numbers."""
    coded = cells["statute"]
    out: list[tuple[str | None, str | None, str | None]] = []
    for m, values in _statute_matches(coded, cells["statute_as_written"], country, on, ctx.ref):
        if m.key is None:
            if (coded and ctx.strict) or (coded and m.basis == "article number stated"):
                ctx.error(
                    pos,
                    columns.get("statute", "statute"),
                    m.written,
                    f"unknown statute: {m.reason}",
                    "use a statute key or article from data/reference/statutes.csv, or add it there",
                )
            else:
                ctx.unresolved_note("statute not resolved (kept as written)", pos)
        out.append(values)
    return out
