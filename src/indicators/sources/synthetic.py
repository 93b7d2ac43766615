"""SYNTHETIC incident records for benchmarks: seeded, deterministic, labelled in every row.

Nothing here is real. Every generated row carries ``synthetic=True``, the source name
``SYNTHETIC benchmark data`` and an id starting ``synthetic-``; target names read
"Synthetic person N" and outlets "Synthetic outlet N"; files are named ``synthetic_*.csv`` and
are written only under a ``bench-results`` folder or the system's temporary folder, never into
``data/`` or a store (:func:`write_synthetic_files` refuses any other place).

**Layout.** The generator writes what an analyst would upload: the *incident file* layout of
``docs/incident-files.md`` (one row per incident, dates, places, statutes and incident types *as
people write them*, in English and Russian), so an ingest goes through the incidents_table
adapter's full normalisation (dates parsed with their precision, places resolved to the region
in force on the date, statutes resolved to keys, vocabularies resolved) and validation, not just
a type check. Only Kazakhstan has reference tables (statutes, regions), so every record is
Kazakhstan's and the file has no country column: ingest with ``ParseOptions(country="KAZ")``,
as a one-country monitor's file is. The values are drawn so that every row resolves in strict
mode (statutes from the code in force on the date, places that exist on the date), so a
generated file ingests with no problem.

The 100 MiB per-file limit of :mod:`indicators.sources.reading` caps a file at roughly 700,000 such rows,
so :func:`write_synthetic_files` splits a large set into files of ``rows_per_file`` rows (an
analyst's year of monthly files is a batch in the same way).

The analyst adapter reads a person's file as real records (``synthetic=False``, ids prefixed
``inc-``): it has no column for the flag. :func:`label_canonical` marks the canonical rows
made from a synthetic file as synthetic again before they go into a (temporary) store, and
refuses rows that did not come from this generator.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.paths import embedded_data_dir

SOURCE_NAME = "SYNTHETIC benchmark data"
ID_PREFIX = "synthetic-"
FILE_PREFIX = "synthetic_"
COLUMNS = (
    "incident_id",
    "date",
    "place",
    "target_name",
    "target_type",
    "outlet",
    "incident_type",
    "statute",
    "statute_applied_to",
    "case_stage",
    "summary",
    "source_name",
    "synthetic",
)
# Set to 1 only on a benchmark server: the app then counts synthetic rows, and says so on every
# page. Without it the app never shows them (IncidentFilter.include_synthetic is False).
SHOW_ENV = "INDICATORS_SHOW_SYNTHETIC"
FIRST_DAY = date(2008, 1, 1)
LAST_DAY = date(2025, 12, 31)
CC2014_FROM = date(2015, 1, 1)
AC_73_3_FROM = date(2020, 6, 27)
AC_456_2_FROM = date(2023, 7, 1)

# (written form, weight). Every form resolves to one region on every date in the span.
PLACES = (
    ("Almaty", 14),
    ("г. Алматы", 6),
    ("Алматы", 4),
    ("Astana", 10),
    ("Астана", 4),
    ("Nur-Sultan", 2),
    ("Shymkent", 5),
    ("Karaganda", 4),
    ("Карагандинская область", 2),
    ("Aktobe", 3),
    ("Pavlodar", 3),
    ("Uralsk", 3),
    ("Taraz", 3),
    ("Kostanay", 2),
    ("Ust-Kamenogorsk", 3),
    ("Semey", 2),
    ("Taldykorgan", 2),
    ("Atyrau", 3),
    ("Aktau", 2),
    ("Zhanaozen", 2),
    ("Kyzylorda", 2),
    ("Petropavlovsk", 2),
    ("Kokshetau", 2),
    ("Turkistan", 2),
    ("Almaty region", 3),
    ("Mangystau region", 2),
    ("ВКО", 1),
    ("Medeu district", 1),
    ("", 3),
)
INCIDENT_TYPES = (
    ("detention", 10),
    ("задержание", 4),
    ("summons", 8),
    ("вызов", 2),
    ("search", 3),
    ("обыск", 2),
    ("criminal case opened", 8),
    ("charged", 6),
    ("convicted", 5),
    ("sentenced", 2),
    ("fine", 6),
    ("штраф", 3),
    ("civil lawsuit", 3),
    ("attack", 5),
    ("нападение", 2),
    ("threat", 5),
    ("obstruction", 4),
    ("blocking", 4),
    ("case dropped", 2),
    ("cyberattack", 1),
)
TARGET_TYPES = (
    ("journalist", 30),
    ("журналист", 10),
    ("reporter", 4),
    ("blogger", 12),
    ("блогер", 4),
    ("activist", 12),
    ("media outlet", 8),
    ("citizen", 6),
    ("lawyer", 2),
)
CASE_STAGES = ("", "", "", "", "opened", "charged", "convicted", "dropped")
# Article numbers by the criminal code in force: the 1997 code to 2014, the 2014 code after.
CC1997_ARTICLES = ("129", "130", "164", "318", "320")
CC2014_ARTICLES = ("274", "274", "274", "174", "174", "131", "130", "147", "158", "373", "405")
STATUTE_FORMS = (
    "ст. {a} УК РК",
    "Article {a} of the Criminal Code",
    "art. {a} CC",
    "{a}",
    "CC-{a}",
)
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_RU = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
# (weight, written form of a day, and the first day of the period it names)
DATE_FORMATS = ("iso", "dotted", "month", "month_name", "year")
DATE_WEIGHTS = (55, 25, 8, 7, 5)


def _draw(rng: np.random.Generator, choices: tuple[tuple[str, int], ...], n: int) -> np.ndarray:
    values = np.array([c for c, _ in choices], dtype=object)
    weights = np.array([w for _, w in choices], dtype=float)
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def _written_dates(
    rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray]:  # (written, period start)
    days = (LAST_DAY - FIRST_DAY).days + 1
    offsets = rng.integers(0, days, size=n)
    fmt = rng.choice(len(DATE_FORMATS), size=n, p=np.array(DATE_WEIGHTS) / sum(DATE_WEIGHTS))
    written = np.empty(days * len(DATE_FORMATS), dtype=object)
    start = np.empty(days * len(DATE_FORMATS), dtype=object)
    for i in range(days):  # every (day, format) once; rows index into the table
        d = FIRST_DAY + timedelta(days=i)
        forms = (
            (d.isoformat(), d),
            (f"{d.day:02d}.{d.month:02d}.{d.year}", d),
            (f"{d.year}-{d.month:02d}", d.replace(day=1)),
            (
                f"{(MONTHS_RU if i % 2 else MONTHS_EN)[d.month - 1]} {d.year}",
                d.replace(day=1),
            ),
            (str(d.year), date(d.year, 1, 1)),
        )
        for f, (text, first) in enumerate(forms):
            written[i * len(DATE_FORMATS) + f] = text
            start[i * len(DATE_FORMATS) + f] = first
    at = offsets * len(DATE_FORMATS) + fmt
    return written[at], start[at]


def _statute_texts(rng: np.random.Generator, starts: np.ndarray) -> list[str]:
    """One statute reference per row, from the code in force on the row's date."""
    n = len(starts)
    form = rng.integers(len(STATUTE_FORMS), size=n)
    pick = rng.random(n)
    admin = rng.random(n) < 0.08
    which = rng.random(n) < 0.5
    out = []
    for i in range(n):
        on = starts[i]
        if on >= AC_73_3_FROM and admin[i]:
            out.append("ст. 73-3 КоАП" if on < AC_456_2_FROM or which[i] else "КоАП 456-2")
            continue
        articles = CC1997_ARTICLES if on < CC2014_FROM else CC2014_ARTICLES
        out.append(STATUTE_FORMS[form[i]].format(a=articles[int(pick[i] * len(articles))]))
    return out


def _statutes(rng: np.random.Generator, starts: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Statute cells: empty, one reference, or (6 %) two references separated by '; '."""
    out = np.full(len(starts), "", dtype=object)
    rows = np.flatnonzero(has)
    first = _statute_texts(rng, starts[rows])
    second = _statute_texts(rng, starts[rows])
    two = rng.random(len(rows)) < 0.06
    out[rows] = [
        f"{a}; {b}" if both and a != b else a for a, b, both in zip(first, second, two, strict=True)
    ]
    return out


def synthetic_incidents(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` SYNTHETIC incident records in the analyst's incident-file layout (one row each).

    Deterministic: the same ``n`` and ``seed`` give the same frame. Every row has
    ``synthetic=True``, ``source_name`` "SYNTHETIC benchmark data" and an id ``synthetic-N``.
    All cells but ``synthetic`` are text, as they would be read from a file.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    rng = np.random.default_rng(seed)
    written, starts = _written_dates(rng, n)
    people = max(20, n // 8)
    person = rng.integers(1, people + 1, size=n)
    outlet_id = rng.integers(1, max(10, n // 50) + 1, size=n)
    has_outlet = rng.random(n) < 0.25
    has_statute = rng.random(n) < 0.35
    statute = _statutes(rng, starts, has_statute)
    applied = np.where(
        has_statute, np.where(rng.random(n) < 0.9, "target", "perpetrator"), ""
    ).astype(object)
    stage = np.array(CASE_STAGES, dtype=object)[rng.integers(len(CASE_STAGES), size=n)]
    has_summary = rng.random(n) < 0.05
    width = max(7, len(str(n)))
    frame = pd.DataFrame(
        {
            "incident_id": [f"{ID_PREFIX}{i:0{width}d}" for i in range(1, n + 1)],
            "date": written,
            "place": _draw(rng, PLACES, n),
            "target_name": [f"Synthetic person {p}" for p in person],
            "target_type": _draw(rng, TARGET_TYPES, n),
            "outlet": np.where(
                has_outlet, np.char.add("Synthetic outlet ", outlet_id.astype(str)), ""
            ).astype(object),
            "incident_type": _draw(rng, INCIDENT_TYPES, n),
            "statute": statute,
            "statute_applied_to": applied,
            "case_stage": stage,
            "summary": np.where(has_summary, "SYNTHETIC record made for a benchmark", "").astype(
                object
            ),
            "source_name": SOURCE_NAME,
            "synthetic": True,
        },
        columns=list(COLUMNS),
    )
    return frame.astype({**dict.fromkeys(COLUMNS, "str"), "synthetic": bool})


def _allowed(folder: Path) -> bool:
    """Only a ``bench-results`` folder or the system's temporary folder (never data/ or a store)."""
    resolved = folder.resolve()
    temp = Path(tempfile.gettempdir()).resolve()
    data = embedded_data_dir().resolve()
    if resolved == data or data in resolved.parents:  # the project's own data, wherever it lives
        return False
    return resolved == temp or temp in resolved.parents or "bench-results" in resolved.parts


def write_synthetic_files(
    n: int, seed: int, folder: Path, rows_per_file: int = 250_000
) -> list[Path]:
    """Write ``synthetic_incidents(n, seed)`` as CSV files ``synthetic_<n>_s<seed>[_partK].csv``.

    Refuses any folder outside ``bench-results`` or the temporary folder. Files of at most
    ``rows_per_file`` rows keep each one under the reader's 100 MiB limit.
    """
    if not _allowed(folder):
        raise ValueError(
            f"synthetic files go only under bench-results/ or {tempfile.gettempdir()}, not {folder}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    frame = synthetic_incidents(n, seed)
    parts = max(1, -(-n // rows_per_file))
    paths = []
    for k in range(parts):
        chunk = frame.iloc[k * rows_per_file : (k + 1) * rows_per_file]
        suffix = f"_part{k + 1}of{parts}" if parts > 1 else ""
        path = folder / f"{FILE_PREFIX}{n}_s{seed}{suffix}.csv"
        chunk.to_csv(path, index=False)
        paths.append(path)
    return paths


def label_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical rows parsed from synthetic files, marked ``synthetic=True`` with ids ``synthetic-N``.

    The analyst adapter reads every file as real records (``synthetic=False``, ids ``inc-...``).
    Refuses rows whose source or id shows they did not come from :func:`synthetic_incidents`.
    """
    ids = frame["incident_id"].astype(str).str.removeprefix("inc-")
    if not (ids.str.startswith(ID_PREFIX).all() and (frame["source_name"] == SOURCE_NAME).all()):
        raise ValueError("label_canonical takes only rows parsed from synthetic_*.csv files")
    if not frame["source_file"].astype(str).str.startswith(FILE_PREFIX).all():
        raise ValueError("label_canonical takes only rows parsed from synthetic_*.csv files")
    out = frame.copy()
    out["incident_id"] = ids.astype(out["incident_id"].dtype)
    out["synthetic"] = pd.array([True] * len(out), dtype="boolean")
    return out


def synthetic_shown(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the app was told (``INDICATORS_SHOW_SYNTHETIC=1``) to count synthetic rows."""
    return (os.environ if environ is None else environ).get(SHOW_ENV, "") == "1"
