"""Showing a prepared change before it is committed: counts, rows added, changed and removed."""

from __future__ import annotations

import streamlit as st

from app_pages._common import download, plain
from indicators.prepare_worker import Preview
from indicators.text import escape_markdown


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
