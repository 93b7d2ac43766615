"""Showing a prepared change before it is committed: what was detected in each file (and in
each sheet of a workbook), then counts, rows added, changed and removed."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages._common import download, plain
from indicators.pipeline.prepare_worker import Preview
from indicators.text import escape_markdown

_SHEET = re.compile(r"sheet '(?P<sheet>.*?)': (?P<found>.*)", re.DOTALL)


def sheet_rows(rows: list[dict[str, object]]) -> list[dict[str, str]]:
    """One row per sheet of each workbook: the file, the sheet and what was found in it.

    Read from each file's ``sheets`` entry ("sheet '2014': a table of 180 rows and 16
    columns, read as rankings, edition 2014; sheet 'About': ...").
    """
    out: list[dict[str, str]] = []
    for row in rows:
        text = str(row.get("sheets") or "")
        for part in re.split(r"; (?=sheet ')", text) if text else []:
            match = _SHEET.fullmatch(part)
            sheet, found = (match["sheet"], match["found"]) if match else ("", part)
            out.append({"file": str(row.get("file", "")), "sheet": sheet, "found": found})
    return out


def show_detected(rows: list[dict[str, object]]) -> None:
    """The detection table, one row per file; below it, every sheet of each workbook."""
    st.subheader("What was detected")
    files = pd.DataFrame([{k: v for k, v in r.items() if k != "sheets"} for r in rows])
    st.dataframe(files, hide_index=True)
    sheets = sheet_rows(rows)
    if sheets:
        st.markdown("**Sheets of each workbook, and what was found in them**")
        st.dataframe(pd.DataFrame(sheets), hide_index=True)


def show_preview(preview: Preview) -> None:
    """What the commit would change, table by table, with old and new values."""
    st.subheader("Preview of the change")
    for line in preview.headlines:
        plain(line)
    for table, change in preview.tables.items():
        counts = change.counts
        st.markdown(
            f"**{escape_markdown(table)}**: {counts['added']:,} rows added, "
            f"{counts['changed']:,} changed, {counts['removed']:,} removed"
        )
        tabs = st.tabs(
            [
                f"Added ({counts['added']:,})",
                f"Changed ({counts['changed']:,})",
                f"Removed ({counts['removed']:,})",
            ]
        )
        with tabs[0]:
            st.dataframe(change.added, hide_index=True)
        with tabs[1]:
            st.dataframe(change.changed.head(500), hide_index=True)
            if len(change.changed):
                download(
                    change.changed, f"changed_{table}.csv", "Download the changed values (CSV)"
                )
        with tabs[2]:
            st.dataframe(change.removed, hide_index=True)
    for note in preview.notes:
        plain(f"Note: {note}")
