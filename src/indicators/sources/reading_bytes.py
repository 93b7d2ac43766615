"""A file's bytes before they are a table: what kind of file it is, and its text encoding.

Part of :mod:`indicators.sources.reading`: binary files, markup and old Excel files are told apart
from text; text is decoded (byte-order marks, UTF-8, then the Windows code pages), refusing a
file that mixes encodings rather than turning part of it into mojibake.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from indicators.i18n import N_, Msg, msg
from indicators.problems import Problem, ValidationFailed

if TYPE_CHECKING:
    from indicators.sources.reading import SourceFile

_ZIP_MAGIC = b"PK\x03\x04"
# a local file header, an empty archive, a spanned archive: all go to the ZIP checks
ZIP_MAGICS = (_ZIP_MAGIC, b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Signatures of common non-table files people pick by mistake, and what to call them.
_MAGIC = (
    (b"%PDF-", N_("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"\x1f\x8b", N_("a gzip-compressed file")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"\xfd7zXZ\x00", N_("an xz-compressed file")),
    (b"\x7fELF", N_("a program (ELF executable)")),
    (b"{\\rtf", N_("an RTF document")),
)
_MARKUP = (
    (b"<!doctype html", N_("an HTML web page")),
    (b"<html", N_("an HTML web page")),
    (b"<?xml", N_("an XML document (perhaps an Excel 2003 XML spreadsheet)")),
)
# a valid UTF-8 multi-byte sequence (used to spot UTF-8 lines in a file that is not UTF-8)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
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
                        msg(
                            "the file mixes text encodings: line {utf8_line} is UTF-8 but line "
                            "{other_line} is not",
                            utf8_line=utf8_line,
                            other_line=other_line,
                        ),
                        other_line,
                        fix=msg("save the whole file again in one encoding, preferably CSV UTF-8"),
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
                    msg(
                        "the file starts with a {label} byte-order mark but byte {byte:,} "
                        "(line {line}) is not valid {label}",
                        label=label,
                        byte=exc.start + offset,
                        line=line,
                    ),
                    line,
                    fix=msg("save the file again as CSV UTF-8 from your spreadsheet program"),
                )
            ]
        ) from exc


def _not_a_table(source: SourceFile, what: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                source.name,
                msg("the file is {what} (binary data), not a CSV or XLSX table", what=Msg(what)),
                fix=msg("export the data as CSV (UTF-8) or XLSX"),
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


def check_binary(source: SourceFile) -> None:
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
                        msg("the file is {what}, not a CSV or XLSX table", what=Msg(what)),
                        fix=msg("export the data as CSV (UTF-8) or XLSX"),
                    )
                ]
            )
    if source.data.startswith(_OLE_MAGIC):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    msg("this is an old Excel 97-2003 (.xls) or other OLE file, which is not read"),
                    fix=msg("open it in a spreadsheet program and save it as .xlsx or .csv"),
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
                    msg(
                        "the file looks like UTF-16 text without a byte-order mark, which is not read"
                    ),
                    fix=msg("save it again as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8')"),
                )
            ]
        )
    if b"\x00" in head and head.count(0) > max(8, len(head) // 100):
        raise ValidationFailed(
            [
                Problem(
                    source.name,
                    msg("the file contains NUL bytes: it is binary data, not a CSV text file"),
                    fix=msg("export the data as CSV (UTF-8) or XLSX"),
                )
            ]
        )


def blank_text(text: str | bytes) -> bool:
    """``not text.strip()`` without copying a 35 MB text to find out."""
    return not text or text.isspace()
