"""The limits that keep a hostile file from exhausting the machine (shared by the readers)."""

from __future__ import annotations

MIB = 1024 * 1024  # limits are set, and sizes shown, in binary megabytes: "100 MiB", never "MB"
MAX_FILE_BYTES = 100 * MIB
MAX_ROWS = 2_000_000
MAX_CELL_CHARS = 20_000
MAX_COLUMNS = 1_000
MAX_XLSX_UNCOMPRESSED = 200 * MIB
MAX_XLSX_RATIO = 200
