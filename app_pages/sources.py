"""Sources and methods: every dataset with its provenance, and how the numbers are made."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import country_picker, damage_found, download, guarded, store
from indicators.present.methods import methods_text
from indicators.store.base import Version
from indicators.text import escape_markdown


def provenance(versions: list[Version]) -> pd.DataFrame:
    """Every ingested file with its version: what visitors may see of a version's files.

    Built field by field (never from the whole manifest): who made a version is not shown to
    visitors (analysts see it on the History page), and neither is anything a manifest gains.
    """
    return pd.DataFrame(
        [
            {
                "version": v.number,
                "ingested": v.created_at,
                "file": f["name"],
                "kind": f["kind"],
                "format": f["adapter"],
                "source": f["detected"].get("source", ""),
                "sha256": f["sha256"],
                "rows kept": f["rows_kept"],
                "rows read": f["rows_read"],
            }
            for v in versions
            for f in v.files
        ]
    )


def version_list(versions: list[Version]) -> pd.DataFrame:
    """Every version, newest first, without who made it: number, time, action, message."""
    return pd.DataFrame(
        [
            {
                "version": v.number,
                "when": v.created_at,
                "action": v.action,
                "message": v.message,
                "changes": "; ".join(
                    f"{t}: +{c['added']} ~{c['changed']} -{c['removed']}"
                    for t, c in v.changes.items()
                ),
            }
            for v in reversed(versions)
        ]
    )


def page() -> None:
    """Render provenance and methods."""
    country_picker()
    st.title("Sources and methods")
    st.markdown(methods_text())  # the project's own words (present/methods.md), never data
    st.header("Datasets in the store")
    s = store()
    versions = s.versions()
    if not versions:
        st.info("The store is empty.")
        return
    files = provenance(versions)
    st.dataframe(files, hide_index=True)
    download(files, "provenance.csv", "Download the provenance table (CSV)")
    st.header("Versions")
    st.dataframe(version_list(versions), hide_index=True)
    damage = damage_found()
    if damage:
        st.error(escape_markdown("Some stored data is damaged: " + "; ".join(damage)))
    else:
        st.success(
            f"Every stored version and table matches its checksum (current version {s.head()})."
        )


guarded(page)
