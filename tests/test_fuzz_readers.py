"""Property tests: whatever bytes a person uploads, reading ends in a table or in problems.

``parse_file(SourceFile("f.csv", data))`` must either return a parsed table or raise
``ValidationFailed`` whose problems all name ``f.csv``; any other exception (from pandas,
csv, zipfile, openpyxl, XML) is a bug. Strategies: raw bytes, bytes behind the signatures the
reader branches on, CSV text built from the adapters' own headers with random delimiters,
quoting, line ends, encodings and cut-off points, and ZIP containers (damaged workbooks,
foreign archives, workbooks with random cells).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.pipeline.extract import parse_file
from indicators.problems import ValidationFailed
from indicators.sources.reading import SourceFile
from indicators.store.base import TABLES

NAME = "f.csv"
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_reads_or_reports(data: bytes) -> None:
    """The property: a parsed table, or ValidationFailed naming the file; nothing else."""
    try:
        parsed = parse_file(SourceFile(NAME, data))
    except ValidationFailed as exc:
        assert exc.problems, "ValidationFailed without a problem"
        assert all(p.file == NAME for p in exc.problems), exc.problems
        assert all(p.problem for p in exc.problems)
        return
    assert parsed.kind in TABLES
    assert len(parsed.frame) <= parsed.rows_read or parsed.rows_read == 0


# -- raw bytes ------------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    """Any byte string gives a parsed table or problems naming the file, never a crash."""
    check_reads_or_reports(data)


SIGNATURES = [
    b"",
    b"\xef\xbb\xbf",  # UTF-8 BOM
    b"\xff\xfe",  # UTF-16 LE BOM
    b"\xfe\xff",  # UTF-16 BE BOM
    b"PK\x03\x04",  # ZIP local file
    b"PK\x05\x06",  # empty ZIP
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE (.xls)
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b",
    b"<html>",
    b"<?xml version='1.0'?>",
    b"\x00",
]


@FUZZ
@given(
    st.sampled_from(SIGNATURES),
    st.binary(max_size=600),
    st.sampled_from([b"", b"\n", b"\r", b'"', b";;;;", b"\x00\x00", b"\xff"]),
)
def test_bytes_behind_signatures(prefix: bytes, body: bytes, tail: bytes) -> None:
    """Bytes after each signature the reader branches on never crash it."""
    check_reads_or_reports(prefix + body + tail)


# -- CSV text ------------------------------------------------------------------------------------
# Headers of every layout the adapters recognise, and cells that push each of their checks.
HEADERS = [
    ["ISO", "Rank", "Score", "Year (N)", "Country_EN", "Zone", "Rank N-1", "Rank evolution"],
    ["country", "year", "rank", "number ranked", "score", "higher_is_better", "source", "index"],
    ["country", "year", "score", "score_max", "score_min", "direction", "methodology", "period"],
    ["date", "title", "kind", "country", "date_end", "description", "source_name", "source_url"],
    [
        "incident_id",
        "date",
        "country",
        "place",
        "target_name",
        "target_type",
        "outlet",
        "incident_type",
        "statute",
        "statute_applied_to",
        "case_stage",
        "summary",
    ],
    ["Страна", "Год", "Место", "Всего стран", "Балл", "Выше лучше", "Источник"],
    ["Дата", "Регион", "ФИО", "Тип нарушения", "Статья", "Источник"],
    ["Country/Territory", "Edition", "Status", "Total", "PR", "CL", "D1", "A", "B"],
    ["Country", "Edition", "Status", "Total", "A5", "B8", "C8"],
    ["index", "iso3", "edition", "rank", "n_ranked", "score", "score_normalised", "position"],
    ["date", "country", "count", "kind", "source", "period", "category"],
    ["country", "year.collected", "year.reported", "a", "b", "c", "score", "status"],
]
WORDS = [
    "KAZ",
    "NOR",
    "RUS",
    "Kazakhstan",
    "Казахстан",
    "Кыргызстан",
    "Norvège",
    "1",
    "2",
    "12",
    "180",
    "0",
    "-1",
    "4,5",
    "36.37",
    "36,37",
    "1e308",
    "99999999999999999999",
    "NA",
    "2002",
    "2011-12",
    "2024",
    "2025",
    "2099",
    "1850",
    "2024-02-30",
    "2023-05-10",
    "10.04.2025",
    "2025-04",
    "апрель 2025",
    "April 2025",
    "detention",
    "fine",
    "teleportation",
    "CC-274",
    "ст. 274 УК РК",
    "Almaty",
    "Semey",
    "Atlantis",
    "journalist",
    "target",
    "perpetrator",
    "election",
    "protest/unrest",
    "yes",
    "no",
    "higher",
    "NF",
    "PF",
    "F",
    "NA",
    "",
    " ",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    '"',
    '""',
    "a;b",
    "a,b",
    "a\tb",
    "line\nbreak",
    "\r",
]
CELL = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A delimited file from an adapter's header, shuffled and cut, with random cells."""
    header = list(draw(st.sampled_from(HEADERS)))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    header = header[: draw(st.integers(1, len(header)))]
    width = st.integers(max(0, len(header) - 2), len(header) + 2)
    rows = draw(st.lists(st.lists(CELL, min_size=1, max_size=12), max_size=10))
    rows = [r[: draw(width)] for r in rows]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", " ", ":"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):  # cut off anywhere, even inside a quoted field
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # now and then, a stray byte from another encoding
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at] + draw(st.sampled_from([b"\xe9", b"\xd0", b"\x00", b"\xff\xfe"])) + data[at:]
        )
    return data


@FUZZ
@given(csv_files())
def test_random_csv_files(data: bytes) -> None:
    """Delimited text of any shape, encoding or truncation is read or reported, never crashes."""
    check_reads_or_reports(data)


# -- ZIP containers ---------------------------------------------------------------------------------
def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_BASE = _workbook(
    [["ISO", "Rank", "Score", "Year (N)"], ["NOR", 1, 90.5, 2025], ["KAZ", 2, 40, 2025]]
)
with zipfile.ZipFile(io.BytesIO(_BASE)) as _zip:
    PARTS = {info.filename: _zip.read(info) for info in _zip.infolist()}
EXTRA_NAMES = [
    "xl/vbaProject.bin",
    "readme.txt",
    "xl/worksheets/sheet2.xml",
    "../evil.xml",
    "/absolute.xml",
    "xl/sharedStrings.xml",
    "xl/chartsheets/sheet1.xml",
]


@st.composite
def zip_containers(draw: st.DrawFn) -> bytes:
    """A workbook's parts kept, dropped, cut, patched or replaced; foreign parts added."""
    keep = draw(st.lists(st.sampled_from(sorted(PARTS)), unique=True, max_size=len(PARTS)))
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name in keep:
            part = PARTS[name]
            how = draw(st.integers(0, 4))
            if how == 1:
                part = part[: draw(st.integers(0, len(part)))]
            elif how == 2:
                at = draw(st.integers(0, max(0, len(part) - 1)))
                part = part[:at] + draw(st.binary(max_size=8)) + part[at + 1 :]
            elif how == 3:
                part = draw(st.binary(max_size=200))
            archive.writestr(name, part)
        for name in draw(st.lists(st.sampled_from(EXTRA_NAMES), unique=True, max_size=2)):
            archive.writestr(name, draw(st.binary(max_size=64)))
    data = buf.getvalue()
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data


XLSX_CELL = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from(WORDS[:50]).filter(lambda w: "\r" not in w),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.booleans(),
)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """A well-formed workbook with a header from an adapter and random cells of any type."""
    header: list[object] = list(draw(st.sampled_from(HEADERS)))
    rows = draw(st.lists(st.lists(XLSX_CELL, max_size=len(header) + 2), max_size=8))
    titles = draw(st.lists(st.lists(XLSX_CELL, max_size=2), max_size=2))
    return _workbook([*titles, header, *rows])


@FUZZ
@given(st.one_of(zip_containers(), workbooks()))
def test_random_zip_containers(data: bytes) -> None:
    """Damaged, foreign or odd workbooks are read or reported, never crash."""
    check_reads_or_reports(data)


# -- crashes found outside the readers, now fixed: kept as regression tests --------------------------
def test_rank_beyond_int64_is_reported() -> None:
    """A rank too large for a whole-number column (1e308) is a problem, not a TypeError."""
    check_reads_or_reports(b"country,year,rank\nKAZ,2025,1e308\n")


def test_fotp_file_without_rated_rows_is_reported() -> None:
    """A Freedom of the Press tidy file whose rows are all unrated is a problem, not a TypeError."""
    check_reads_or_reports(
        b"country,year.collected,year.reported,a,b,c,score,status\n"
        b"Kazakhstan,2001,2002,NA,NA,NA,NA,NA\n"
    )
