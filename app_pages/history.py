"""History (analysts only): every version, what it changed, download any version, roll back."""

from __future__ import annotations

import streamlit as st

from app_pages._common import analyst_name, download, guarded, record_write, store
from indicators.store import StaleVersion
from indicators.store.base import TABLES
from indicators.versions import diff_versions, history_frame


def page() -> None:
    """Render the history and rollback page."""
    st.title("History and rollback")
    s = store()
    history = history_frame(s)
    if history.empty:
        st.info("Nothing has been stored yet.")
        return
    st.dataframe(history.sort_values("version", ascending=False), hide_index=True)
    numbers = history["version"].tolist()
    st.subheader("View or download a version")
    a, b = st.columns(2)
    version = a.selectbox("Version", numbers[::-1], key="view_version")
    table = b.selectbox("Table", list(TABLES), key="view_table")
    frame = s.table(table, int(version))
    st.dataframe(frame.head(1000), hide_index=True)
    download(frame, f"{table}_v{version}.csv", f"Download {table} as of version {version} (CSV)")
    st.subheader("Compare two versions")
    c, d = st.columns(2)
    old = c.selectbox("From", numbers, index=max(len(numbers) - 2, 0), key="diff_from")
    new = d.selectbox("To", numbers, index=len(numbers) - 1, key="diff_to")
    for name, change in diff_versions(s, int(old), int(new)).items():
        counts = change.counts()
        if any(counts.values()):
            st.markdown(
                f"**{name}**: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['removed']} removed"
            )
            st.dataframe(change.changed.head(200), hide_index=True)
    st.subheader("Roll back")
    target = st.selectbox("Restore the data of version", numbers[::-1], key="rollback_to")
    st.caption("A rollback is itself a new version: nothing is erased, and it can be undone.")
    confirm = st.checkbox(f"Yes, make version {target}'s data current", key="rollback_confirm")
    if st.button("Roll back", type="primary", disabled=not confirm, key="rollback"):
        user = analyst_name()
        try:
            v = s.rollback(int(target), user=user, message=f"roll back to version {target}")
        except StaleVersion as exc:
            st.error(str(exc))
            return
        record_write("rollback", user, {"to": int(target), "version": v.number})
        st.cache_data.clear()
        st.success(f"Version {v.number} restores version {target}.")


guarded(page)
