"""Sources and methods: every dataset with its provenance, and how the numbers are made."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import country_picker, download, guarded, store
from app_pages._damage import damage_found
from indicators.i18n import _, p_, tr
from indicators.present.methods import localized
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


def headings() -> dict[str, str]:
    """The two tables' column headings in the reader's language (the same in English)."""
    return {
        "version": p_("sources/column", "version"),
        "ingested": p_("sources/column", "ingested"),
        "file": p_("sources/column", "file"),
        "kind": p_("sources/column", "kind"),
        "format": p_("sources/column", "format"),
        "source": p_("sources/column", "source"),
        "sha256": p_("sources/column", "sha256"),
        "rows kept": p_("sources/column", "rows kept"),
        "rows read": p_("sources/column", "rows read"),
        "when": p_("sources/column", "when"),
        "action": p_("sources/column", "action"),
        "message": p_("sources/column", "message"),
        "changes": p_("sources/column", "changes"),
    }


def actions() -> dict[str, str]:
    """What made a version, in the reader's language (the stored word in English)."""
    return {
        "ingest": p_("sources/action", "ingest"),
        "fetch": p_("sources/action", "fetch"),
        "rollback": p_("sources/action", "rollback"),
        "seed": p_("sources/action", "seed"),
    }


def page() -> None:
    """Render provenance and methods."""
    country_picker()
    st.title(_("Sources and methods"))
    st.markdown(localized())  # the project's own words (present/methods.md), never data
    st.header(_("Datasets in the store"))
    s = store()
    versions = s.versions()
    if not versions:
        st.info(_("The store is empty."))
        return
    files = provenance(versions).rename(columns=headings())
    st.dataframe(files, hide_index=True)
    download(files, "provenance.csv", _("Download the provenance table (CSV)"))
    st.header(_("Versions"))
    listed = version_list(versions)
    names = actions()
    listed["action"] = listed["action"].map(lambda a: names.get(a, a))
    st.dataframe(listed.rename(columns=headings()), hide_index=True)
    damage = damage_found()
    if damage:
        damaged = _("Some stored data is damaged: {damage}")
        st.error(escape_markdown(damaged.format(damage="; ".join(tr(d) for d in damage))))
    else:
        st.success(
            _(
                "Every stored version and table matches its checksum (current version {number})."
            ).format(number=s.head())
        )


guarded(page)
