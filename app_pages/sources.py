"""Sources and methods: every dataset with its provenance, and how the numbers are made."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import country_picker, damage_found, download, guarded, store
from indicators.store.base import Version
from indicators.text import escape_markdown

METHODS = """
### How a rank becomes a comparable position

RSF ranked 139 countries in 2002 and 180 from 2014, so "116th" and "141st" do not mean the same
thing in different editions. Every rank is turned into a **position**: the share of the *other*
ranked countries that did worse, from 0 to 100 (100 = freest). Countries tied at the same rank
count as half worse. Up to the 2011-12 edition RSF published joint ranks but its files number
tied entries one after another: there the rank shown is the shared one (equal score, equal rank;
the next rank skips: 1, 1, 3). From 2013 equal rounded scores keep the ranks RSF gave them.

position = 100 × (countries that did worse + ½ × countries tied with it) ÷ (number ranked − 1)

Kazakhstan was **116th of 139** in 2002: 23 of the other 138 did worse, position **16.7**. It was
**141st of 180** in 2025: 39 of the other 179 did worse, position **21.8**. The rank number is
worse in 2025, but a larger share of the world ranked below Kazakhstan, so the position is higher.

### Scores, methods and breaks

RSF changed its score twice, so scores are compared only within one method:

* **2002-2012**: a point total where lower is freer (it can be negative or above 100). There is
  no 0-100 version, so no normalised score is shown for these editions.
* **2013-2021**: 0-100. RSF printed it with lower = freer; its files now store 100 minus that,
  so higher = freer (Kazakhstan 2021: 49.72 in the file, printed as 50.28 at the time).
* **2022 onwards**: a new 0-100 method (higher = freer) with five indicators: political,
  economic, legal, social and safety.

Charts draw each method as its own line, with a dashed line where the method changes.
Freedom House's series (Freedom in the World, its D1 media indicator, Freedom on the Net) keep
their own scales and are never mixed with RSF's.

### Edition versus period covered

An edition is named by the year it was published and describes the year before: edition 2025
covers 2024. Charts place each edition at the middle of the period it covers, so events line up
with the edition that reflects them. The combined "2011-12" edition covers December 2010 to
November 2011; editions up to 2010 covered September to September.

### How incidents are counted

* A count is a number of **distinct incidents**. An incident under two statutes counts once
  under each statute.
* Counts by statute include only statutes **applied to the journalist, blogger or outlet**, not
  those applied to someone who attacked them.
* Monthly charts use incidents dated to the month or day; those known only to the year appear in
  yearly charts.
* Regions are those in force on the incident's date (Semey was in East Kazakhstan before
  8 June 2022 and in Abai region after; Nur-Sultan is Astana).
* A monitor's own published counts are shown as their own series and never added to incident
  records. Adil Soz's named incidents here are a sample taken from its monthly pages, not a census.
"""


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
    st.markdown(METHODS)
    st.subheader("Datasets in the store")
    s = store()
    versions = s.versions()
    if not versions:
        st.info("The store is empty.")
        return
    files = provenance(versions)
    st.dataframe(files, hide_index=True)
    download(files, "provenance.csv", "Download the provenance table (CSV)")
    st.subheader("Versions")
    st.dataframe(version_list(versions), hide_index=True)
    damage = damage_found()
    if damage:
        st.error(escape_markdown("Some stored data is damaged: " + "; ".join(damage)))
    else:
        st.success(
            f"Every stored version and table matches its checksum (current version {s.head()})."
        )


guarded(page)
