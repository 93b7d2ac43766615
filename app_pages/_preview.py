"""Showing a prepared change before it is committed: counts, rows added, changed and removed."""

from __future__ import annotations

import streamlit as st

from app_pages._common import download, plain
from indicators.ingest import Prepared
from indicators.store.changes import ROW_KEYS


def show_preview(prepared: Prepared, headline_lines: list[str]) -> None:
    """What the commit would change, table by table, with old and new values."""
    st.subheader("Preview of the change")
    for line in headline_lines:
        plain(line)
    for table, change in prepared.changes.items():
        counts = change.counts()
        st.markdown(
            f"**{table}**: {counts['added']} rows added, {counts['changed']} changed, "
            f"{counts['removed']} removed"
        )
        keys = ROW_KEYS[table]
        tabs = st.tabs(
            [
                f"Added ({counts['added']})",
                f"Changed ({counts['changed']})",
                f"Removed ({counts['removed']})",
            ]
        )
        with tabs[0]:
            st.dataframe(change.added.head(500), hide_index=True)
        with tabs[1]:
            st.dataframe(change.changed.head(500), hide_index=True)
            if len(change.changed):
                download(
                    change.changed, f"changed_{table}.csv", "Download the changed values (CSV)"
                )
        with tabs[2]:
            st.dataframe(
                change.removed[[c for c in keys if c in change.removed.columns]].head(500),
                hide_index=True,
            )
    for note in prepared.notes:
        plain(f"Note: {note}")
