"""Reading a person's file: bytes in, a table of text cells out, with what was detected.

Everything here is about *reading*: encoding, delimiter, decimal mark, spreadsheet
workbooks, and the limits that keep a hostile file from exhausting the machine.
Interpreting the cells (which column is the rank, is a rank possible) belongs to adapters.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from indicators.problems import Problem, ValidationFailed
from indicators.read_progress import reading

MIB = 1024 * 1024  # limits are set, and sizes shown, in binary megabytes: "100 MiB", never "MB"
MAX_FILE_BYTES = 100 * MIB
MAX_ROWS = 2_000_000
MAX_CELL_CHARS = 20_000
MAX_COLUMNS = 1_000
MAX_XLSX_UNCOMPRESSED = 200 * MIB
MAX_XLSX_RATIO = 200

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_ZIP_MAGIC = b"PK\x03\x04"
# a local file header, an empty archive, a spanned archive: all go to the ZIP checks
_ZIP_MAGICS = (_ZIP_MAGIC, b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_DECIMAL_DOT = re.compile(r"^-?\d+\.\d+$")
# Signatures of common non-table files people pick by mistake, and what to call them.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"{\\rtf", "an RTF document"),
)
_MARKUP = (
    (b"<!doctype html", "an HTML web page"),
    (b"<html", "an HTML web page"),
    (b"<?xml", "an XML document (perhaps an Excel 2003 XML spreadsheet)"),
)
# a valid UTF-8 multi-byte sequence (used to spot UTF-8 lines in a file that is not UTF-8)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_LINE_ENDS = ("\n", "\r")
# A line end, then only spaces or tabs, then another line end. One pattern per leading
# character: a pattern that starts with a literal lets the regex engine skip ahead to it,
# where ``(?:^|[\r\n])...`` made it try every position (0.4 s on a 35 MB file).
_BLANK_AT_START = re.compile(r"[ \t]*[\r\n]")
_BLANK_AFTER_LF = re.compile(r"\n[ \t]*[\r\n]")
_BLANK_AFTER_CR = re.compile(r"\r(?!\n)[ \t]*[\r\n]")  # a CR of a CRLF ends no line alone
# Lines of only spaces or tabs: pandas skips them, pyarrow reads them as a one-field row.
_SPACES_LINE_AFTER_LF = re.compile(r"\n[ \t]+(?:[\r\n]|\Z)")
_SPACES_LINE_AFTER_CR = re.compile(r"\r[ \t]+(?:[\r\n]|\Z)")
# A CR that is not part of a CRLF, and an empty line (CRLF counting as one line end).
_BARE_CR = re.compile(r"\r(?!\n)")
_EMPTY_AFTER_CR = re.compile(r"\r\r")
_EMPTY_AFTER_LF = re.compile(r"\n[\r\n]")
# The first rows (header, first data row) are read from this many leading characters.
_HEAD_CHARS = 2_000_000
# Texts above this many characters try the pyarrow reader first; smaller ones gain nothing.
FAST_PATH_MIN_CHARS = 1_000_000


@dataclass(frozen=True)
class SourceFile:
    """A file as received: its name, its bytes and their SHA-256."""

    name: str
    data: bytes
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    @classmethod
    def from_path(cls, path: str | Path) -> SourceFile:
        """Read a file from disk, refusing files above the size limit before reading them."""
        p = Path(path)
        if not p.is_file():
            raise ValidationFailed([Problem(str(p.name), "file not found or not a regular file")])
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationFailed([too_big(p.name, size)])
        with p.open("rb") as fh:  # never more than the limit, even if the file grows meanwhile
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed([too_big(p.name, max(len(data), p.stat().st_size))])
        return cls(p.name, data)


@dataclass(frozen=True)
class TextTable:
    """A file read as text cells, with what was detected about its format."""

    source: SourceFile
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    decimal: str
    sheet: str | None = None
    first_row: int = 2
    rows: tuple[int, ...] | None = None  # each frame row's spreadsheet row, when blank rows skipped

    def row_number(self, index: int) -> int:
        """The spreadsheet row number of the frame's row at position ``index``."""
        if self.rows is not None and 0 <= index < len(self.rows):
            return self.rows[index]
        return self.first_row + index

    @property
    def format_label(self) -> str:
        """A short description of the detected format, for people."""
        if self.sheet is not None:
            return f"XLSX workbook, sheet '{self.sheet}'"
        name = _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        mark = "comma" if self.decimal == "," else "point"
        return f"CSV, {self.encoding}, {name}-separated, decimal {mark}"


def mebibytes(size: int) -> str:
    """A size as people are told it here: ``"100 MiB"``, ``"200.3 MiB"``."""
    value = size / MIB
    return f"{value:,.0f} MiB" if value.is_integer() else f"{value:,.1f} MiB"


def too_big(name: str, size: int) -> Problem:
    """The problem of a file above ``MAX_FILE_BYTES`` (the app and the CLI say the same)."""
    return Problem(
        name,
        f"file is {mebibytes(size)}, above the {mebibytes(MAX_FILE_BYTES)} limit",
        fix="split the file into smaller files (for example one per year)",
    )


def decode(source: SourceFile) -> tuple[str, str]:
    """Decode bytes to text and name the encoding: BOMs, then UTF-8, then Windows code pages.

    Windows-1251 (Cyrillic) is told from Windows-1252 (Western) by the length of the
    runs of non-ASCII bytes: Russian words are long runs, accented Latin letters are short.
    """
    data = source.data
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(source, data[3:], "utf-8", "UTF-8", 3), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(source, data, "utf-16", "UTF-16", 0), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _check_mixed_encodings(source, exc.start)
    runs = [len(m) for m in re.findall(rb"[\x80-\xff]+", data[:200_000])]
    mean_run = sum(runs) / len(runs) if runs else 0.0
    encoding = "cp1251" if mean_run >= 3 else "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _line_of(data: bytes, pos: int) -> int:
    """The 1-based line number of a byte offset (LF, CRLF and CR line ends)."""
    return data.count(b"\n", 0, pos) + data.count(b"\r", 0, pos) - data.count(b"\r\n", 0, pos) + 1


def _check_mixed_encodings(source: SourceFile, bad_at: int) -> None:
    """Refuse a file whose lines are partly UTF-8 and partly another encoding.

    Such a file (two exports pasted together) cannot be decoded as a whole: read as a
    Windows code page, its UTF-8 lines would silently become mojibake (``РљР°Р·...``).
    ``bad_at`` is the first byte that is not UTF-8. A line counts as UTF-8 when it decodes
    as UTF-8 and holds a non-ASCII letter; only lines with a UTF-8 sequence are looked at.
    """
    data = source.data
    checked_to = -1
    for match in _UTF8_SEQUENCE.finditer(data):
        if match.start() < checked_to:
            continue
        begin = max(data.rfind(b"\n", 0, match.start()), data.rfind(b"\r", 0, match.start())) + 1
        ends = [i for i in (data.find(b"\n", match.end()), data.find(b"\r", match.end())) if i >= 0]
        checked_to = min(ends, default=len(data))
        try:
            text = data[begin:checked_to].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(not ch.isascii() and unicodedata.category(ch).startswith("L") for ch in text):
            utf8_line, other_line = _line_of(data, begin), _line_of(data, bad_at)
            raise ValidationFailed(
                [
                    Problem(
                        source.name,
                        f"the file mixes text encodings: line {utf8_line} is UTF-8 but line "
                        f"{other_line} is not",
                        other_line,
                        fix="save the whole file again in one encoding, preferably CSV UTF-8",
                    )
                ]
            )


def _strict(source: SourceFile, data: bytes, codec: str, label: str, offset: int) -> str:
    """Decode text that starts with a byte-order mark; a bad byte names its place."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    f"the file starts with a {label} byte-order mark but byte {exc.start + offset:,} "
                    f"(line {line}) is not valid {label}",
                    line,
                    fix="save the file again as CSV UTF-8 from your spreadsheet program",
                )
            ]
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields."""
    sample = text[:64_000]
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        rows = rows[:50]
        if len(rows) > 1 and not sample.endswith(("\n", "\r")):
            rows = rows[:-1]  # a cut-off last line would skew the count
        counts = [len(r) for r in rows]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        consistency = counts.count(mode) / len(counts)
        score = (consistency, mode)
        if mode >= 2 and score > best_score:
            best, best_score = delim, score
    return best


def detect_decimal(frame: pd.DataFrame, delimiter: str) -> str:
    """Return ',' when numeric-looking cells use a decimal comma, else '.'."""
    if delimiter == ",":
        return "."
    cells = frame.head(200).to_numpy().ravel().tolist()
    commas = sum(1 for c in cells if isinstance(c, str) and _DECIMAL_COMMA.match(c))
    dots = sum(1 for c in cells if isinstance(c, str) and _DECIMAL_DOT.match(c))
    return "," if commas > dots else "."


def _not_a_table(source: SourceFile, what: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                source.name,
                f"the file is {what} (binary data), not a CSV or XLSX table",
                fix="export the data as CSV (UTF-8) or XLSX",
            )
        ]
    )


def _utf16_without_bom(head: bytes) -> bool:
    """Tell UTF-16 text without a byte-order mark: NUL in every other byte, on one side only."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(nul_even, nul_odd) >= 0.7 and min(nul_even, nul_odd) <= 0.05


def _check_binary(source: SourceFile) -> None:
    head = source.data[:8192]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise _not_a_table(source, what)
    start = head.lstrip().lower()
    for magic, what in _MARKUP:
        if start.startswith(magic):
            raise ValidationFailed(
                [
                    Problem(
                        source.name,
                        f"the file is {what}, not a CSV or XLSX table",
                        fix="export the data as CSV (UTF-8) or XLSX",
                    )
                ]
            )
    if source.data.startswith(_OLE_MAGIC):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "this is an old Excel 97-2003 (.xls) or other OLE file, which is not read",
                    fix="open it in a spreadsheet program and save it as .xlsx or .csv",
                )
            ]
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with its byte-order mark: text, NUL in every other byte is expected
    if _utf16_without_bom(head):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the file looks like UTF-16 text without a byte-order mark, which is not read",
                    fix="save it again as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8')",
                )
            ]
        )
    if b"\x00" in head and head.count(0) > max(8, len(head) // 100):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the file contains NUL bytes: it is binary data, not a CSV text file",
                    fix="export the data as CSV (UTF-8) or XLSX",
                )
            ]
        )


def read_table(
    source: SourceFile, *, sheet: str | int | None = None, header_row: int = 0
) -> TextTable:
    """Read a CSV or XLSX file into text cells (no type conversion), detecting its format."""
    reading(source)
    if source.size > MAX_FILE_BYTES:
        raise ValidationFailed([too_big(source.name, source.size)])
    if _blank_text(source.data):
        raise ValidationFailed(
            [Problem(source.name, "the file is empty", fix="check that the right file was chosen")]
        )
    if source.data.startswith(_ZIP_MAGICS):
        from indicators.xlsx import read_xlsx

        return read_xlsx(source, sheet=sheet, header_row=header_row)
    _check_binary(source)
    text, encoding = decode(source)
    if _blank_text(text):
        raise ValidationFailed(
            [Problem(source.name, "the file is empty", fix="check that the right file was chosen")]
        )
    if "\x00" in text:
        row = len(re.findall(r"\r\n|\r|\n", text[: text.index("\x00")])) + 1
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    "the text contains NUL characters",
                    row,
                    fix="remove them, or re-export the file as CSV",
                )
            ]
        )
    delimiter = sniff_delimiter(text)
    frame = parse_delimited(source.name, text, delimiter, header_row=header_row)
    decimal = detect_decimal(frame, delimiter)
    rows = _row_numbers(text, delimiter, header_row, len(frame))
    return TextTable(
        source, frame, encoding, delimiter, decimal, first_row=header_row + 2, rows=rows
    )


def _blank_text(text: str | bytes) -> bool:
    """``not text.strip()`` without copying a 35 MB text to find out."""
    return not text or text.isspace()


def _row_numbers(text: str, delimiter: str, header_row: int, count: int) -> tuple[int, ...] | None:
    """The spreadsheet row of each data row when blank lines (which the parser skips) exist.

    Without this, every problem after a blank line would name the row above the right one.
    ``None`` when there are no blank lines, or when the count does not agree with the parser.
    """
    if not _has_blank_line(text):
        return None
    numbers: list[int] = []
    seen = 0
    try:
        for rownum, record in enumerate(_records(text, delimiter), start=1):
            if _blank(record):
                continue
            seen += 1
            if seen > header_row + 1:
                numbers.append(rownum)
    except csv.Error:
        return None
    return tuple(numbers) if len(numbers) == count else None


def _has_blank_line(text: str) -> bool:
    """Whether a line end is followed by only spaces/tabs and another line end, or the text
    starts with such a line.

    CRLF, CR and LF each end one line. Each pattern starts with a literal the regex engine
    can jump to (the single pattern this replaced tried every position, and took every CRLF
    for a blank line).
    """
    if _BLANK_AT_START.match(text) or _BLANK_AFTER_LF.search(text):
        return True
    return "\r" in text and _BLANK_AFTER_CR.search(text) is not None


def parse_delimited(name: str, text: str, delimiter: str, *, header_row: int = 0) -> pd.DataFrame:
    """Parse delimited text into a frame of stripped strings, reporting malformed lines.

    A row with more fields than the header is an error unless the extra fields are empty
    (a trailing delimiter); pandas would otherwise take the extra fields as an index and
    silently shift every value one column to the left.

    Large texts are read by pyarrow when it certainly gives the frame pandas would (several
    times faster); anything else, and every error, goes to pandas and its precise messages.
    """
    if "\r" in text and "\n" not in text:
        # Old Mac line ends (CR only): pandas' parser shifts a row's cells one column to the
        # left after an empty line, so both readers get the same lines ended by LF.
        text = text.replace("\r", "\n")
    widths = _first_widths(name, text, delimiter, header_row)
    frame = None
    if header_row == 0 and len(text) > FAST_PATH_MIN_CHARS:
        frame = _parse_arrow(text, delimiter)
    warned = False
    if frame is None:
        frame, warned = _parse_pandas(name, text, delimiter, header_row)
    # The parser takes its row width from the first data row: only when that row is wider than
    # the header are extra fields dropped (pandas also warns then). With a one-column header
    # no delimiter split the header, so extra fields only show that the delimiter is something
    # else; the adapters then name the header as written.
    wider = len(widths) == header_row + 2 and widths[-1] > widths[header_row]
    if (wider or warned) and len(frame.columns) > 1:
        problems = _extra_fields(name, text, delimiter, len(frame.columns), header_row)
        if problems:
            raise ValidationFailed(problems)
    if not text.endswith(_LINE_ENDS) and len(frame) and frame.iloc[-1].eq("").any():
        _check_cut_off(name, text, delimiter, len(frame.columns))
    return check_frame(name, frame)


def _parse_pandas(
    name: str, text: str, delimiter: str, header_row: int
) -> tuple[pd.DataFrame, bool]:
    """The reference reader: pandas' C parser, and whether it warned about a wider row.

    Its errors become the problems people see, so every doubtful text is read here.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                header=header_row,
                index_col=False,
                engine="c",
                nrows=MAX_ROWS + 1,
            )
        except pd.errors.EmptyDataError as exc:
            raise ValidationFailed([Problem(name, "the file has no header row")]) from exc
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise ValidationFailed(_malformed_lines(name, text, delimiter, str(exc))) from exc
    warned = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
    return frame, warned


def _parse_arrow(text: str, delimiter: str) -> pd.DataFrame | None:
    """The frame ``_parse_pandas`` would give (header on the first line), read by pyarrow;
    ``None`` whenever the two readers could differ or pyarrow fails.

    pyarrow refuses rows of the wrong width, which pandas pads or reports; the checks here
    leave out what it would accept differently: lines of spaces (pandas skips them), a
    leading blank line, a byte-order mark, quotes that are not whole quoted fields (such as
    a quote left open at the end, which pandas refuses), and header names pandas would
    rename (empty or repeated).
    """
    if not _lines_read_alike(text) or not _quotes_are_whole_fields(text, delimiter):
        return None
    header = _plain_header(text, delimiter)
    if header is None:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.large_string() for h in header},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.column_names != header:
        return None
    return _arrow_to_frame(table.slice(0, MAX_ROWS + 1))


def _lines_read_alike(text: str) -> bool:
    """Whether pandas and pyarrow see the same lines: no byte-order mark or blank line before
    the header, no line of only spaces or tabs (pandas skips it, pyarrow sees a one-field row),
    and no empty line in a text with bare CR line ends.

    The last because pandas' C parser misreads ``,,\r\r,,0\r`` (it puts the 0 in the middle
    column); pyarrow reads it right, but the point is to give the frame pandas gives.
    """
    if text.startswith("\ufeff") or _BLANK_AT_START.match(text):
        return False
    if _SPACES_LINE_AFTER_LF.search(text):
        return False
    if "\r" not in text:
        return True
    if _SPACES_LINE_AFTER_CR.search(text):
        return False
    if _BARE_CR.search(text):
        return not (_EMPTY_AFTER_CR.search(text) or _EMPTY_AFTER_LF.search(text))
    return True


def _plain_header(text: str, delimiter: str) -> list[str] | None:
    """The first line's names when pandas keeps them as written.

    ``None`` for fewer than two columns (pandas' one-column reading has its own rules), or an
    empty, blank or repeated name (pandas renames those). A header longer than the head read
    here comes out cut, unlike pyarrow's, and so sends the text to pandas.
    """
    try:  # only the head: the csv module first copies its whole input
        header = next(_records(text[:_HEAD_CHARS], delimiter), [])
    except csv.Error:
        return None
    if len(header) < 2 or len(set(header)) != len(header):
        return None
    if any(not h.strip() or "\ufeff" in h for h in header):
        return None
    return header


def _quotes_are_whole_fields(text: str, delimiter: str) -> bool:
    """Whether every double quote belongs to a complete quoted field (``"a ""b"" c"``) that
    starts and ends at a field boundary.

    Then pandas, pyarrow and the csv module split the text alike. Other quotes are read
    differently by them; a quote still open at the end of the text pyarrow accepts.
    """
    if '"' not in text:
        return True
    d = re.escape(delimiter)
    quoted = re.compile(rf'"(?<=[{d}\r\n]")[^"]*(?:""[^"]*)*"(?=[{d}\r\n]|\Z)')
    return '"' not in quoted.sub("", "\n" + text)


def _arrow_to_frame(table: pa.Table) -> pd.DataFrame | None:
    """A pandas frame with the column types ``pd.read_csv(dtype=str)`` gives, else ``None``."""
    target = pd.Series([], dtype=str).dtype
    if isinstance(target, pd.api.extensions.ExtensionDtype):
        frame = table.to_pandas(types_mapper=lambda _type: target)
    else:
        frame = table.to_pandas()
    if any(dtype != target for dtype in frame.dtypes):
        return None
    return frame


def _blank(record: list[str]) -> bool:
    """A line the parser skips: empty, or nothing but spaces and tabs."""
    return not record or (len(record) == 1 and not record[0].strip())


def _first_widths(name: str, text: str, delimiter: str, header_row: int) -> list[int]:
    """Field counts of the first rows up to the first data row, read before pandas builds them.

    Refuses a row above MAX_COLUMNS fields (a line of a million commas would otherwise become
    a million columns). Reads at most the first ``_HEAD_CHARS`` characters.
    """
    rows: list[tuple[int, int]] = []
    try:
        for rownum, record in enumerate(_records(text[:_HEAD_CHARS], delimiter), start=1):
            if _blank(record):
                continue
            rows.append((rownum, len(record)))
            if len(rows) == header_row + 2:
                break
    except csv.Error:
        return []  # the parser reports it with its line
    for row, width in rows:
        if width > MAX_COLUMNS:
            raise ValidationFailed(
                [
                    Problem(
                        name,
                        f"row has {width:,} fields, above the limit of {MAX_COLUMNS:,} columns",
                        row,
                        fix="check the delimiter, or split the table into narrower files",
                    )
                ]
            )
    return [width for _, width in rows]


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _extra_fields(
    name: str, text: str, delimiter: str, width: int, header_row: int
) -> list[Problem]:
    """Rows with non-empty fields beyond the header's width (row numbers as a spreadsheet shows)."""
    problems: list[Problem] = []
    seen = 0
    try:
        for rownum, record in enumerate(_records(text, delimiter), start=1):
            if _blank(record):
                continue
            seen += 1
            if seen <= header_row + 1:
                continue
            if len(record) > width and any(f.strip() for f in record[width:]):
                problems.append(
                    Problem(
                        name,
                        f"row has {len(record)} fields where the header has {width}",
                        rownum,
                        fix="check for an unquoted delimiter in this row or a missing column name",
                    )
                )
                if len(problems) >= 50:
                    break
    except csv.Error as exc:
        problems.append(Problem(name, f"the file cannot be read as CSV: {exc}"))
    return problems


def _check_cut_off(name: str, text: str, delimiter: str, width: int) -> None:
    """Refuse a file that ends without a line break in the middle of its last row."""
    last: tuple[int, int] | None = None
    try:
        for rownum, record in enumerate(_records(text, delimiter), start=1):
            if not _blank(record):
                last = (rownum, len(record))
    except csv.Error:
        return
    if last is not None and last[0] > 1 and last[1] < width:
        raise ValidationFailed(
            [
                Problem(
                    name,
                    f"the last row has {last[1]} fields where the header has {width}: "
                    "the file seems to be cut off",
                    last[0],
                    fix="check that the whole file was saved or downloaded",
                )
            ]
        )


def check_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the limits and header checks that every table must pass; strip cells."""
    problems: list[Problem] = []
    if len(frame) > MAX_ROWS:
        raise ValidationFailed(
            [Problem(name, f"the file has more than {MAX_ROWS:,} rows", fix="split the file")]
        )
    headers = [str(c) for c in frame.columns]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        clean = re.sub(r"\.\d+$", "", h) if h not in seen else h
        key = clean.strip().lower()
        if key in seen and key:
            problems.append(
                Problem(
                    name,
                    "the same column name appears twice",
                    1,
                    clean.strip(),
                    fix="rename or remove one of them",
                )
            )
        seen[key] = i
    blank = [i + 1 for i, h in enumerate(headers) if not h.strip().lstrip("\ufeff").strip()]
    if len(blank) > 1:
        problems.append(
            Problem(
                name,
                f"columns {', '.join(map(str, blank))} have no name (only spaces)",
                1,
                fix="give every column a name, or delete the empty columns",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    frame = frame.copy()
    frame.columns = pd.Index([h.strip().lstrip("\ufeff") for h in headers])
    for col in frame.columns:
        series = frame[col].astype(str)
        lengths = series.str.len()
        for idx in lengths.index[lengths > MAX_CELL_CHARS][:5]:
            problems.append(
                Problem(
                    name,
                    f"cell is {int(lengths[idx]):,} characters long, above the {MAX_CELL_CHARS:,} limit",
                    int(idx) + 2,
                    col,
                    series[idx][:40],
                    fix="shorten the text or move long descriptions to a separate document",
                )
            )
        frame[col] = series.str.strip()
    if problems:
        raise ValidationFailed(problems)
    return frame.reset_index(drop=True)


def _malformed_lines(name: str, text: str, delimiter: str, error: str = "") -> list[Problem]:
    reader = _records(text, delimiter)
    problems: list[Problem] = []
    expected: int | None = None
    if "EOF inside string" in error:
        rownum = 0
        try:
            for _record in reader:
                rownum += 1
        except csv.Error:
            pass
        return [
            Problem(
                name,
                'the file ends inside a quoted field: a closing quote (") is missing, '
                "or the file was cut off",
                rownum or None,
                fix="check the quotes in this row and that the whole file was saved",
            )
        ]
    try:
        for rownum, record in enumerate(reader, start=1):
            if _blank(record):
                continue
            if expected is None:
                expected = len(record)
                continue
            if len(record) != expected:
                problems.append(
                    Problem(
                        name,
                        f"row has {len(record)} fields where the header has {expected}",
                        rownum,
                        fix="check for an unquoted delimiter or a missing field in this row",
                    )
                )
            if len(problems) >= 50:
                break
    except csv.Error as exc:
        problems.append(Problem(name, f"the file cannot be read as CSV: {exc}"))
    return problems or [Problem(name, "the file cannot be read as a delimited text table")]


def is_zip(data: bytes) -> bool:
    """Tell whether bytes are a ZIP container (XLSX is one)."""
    return data.startswith(_ZIP_MAGICS) and zipfile.is_zipfile(io.BytesIO(data))
