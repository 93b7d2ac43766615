"""Claim check: is "158th of 180" right, and for which edition?"""

from __future__ import annotations

import streamlit as st

from app_pages._common import country_picker, guarded, plain, table
from indicators.claims import describe_claim, match_claim
from indicators.text import escape_markdown


def page() -> None:
    """Answer a ranking claim from the stored data."""
    iso3 = country_picker()
    st.title("Check a claim")
    st.write(
        "Articles often cite a rank without the edition. Enter it to see which editions match."
    )
    rankings = table("rankings")
    a, b, c = st.columns(3)
    rank = a.number_input("Rank", min_value=1, max_value=300, value=158, step=1, key="claim_rank")
    of = b.number_input(
        "Of (number ranked; 0 = any)", min_value=0, max_value=300, value=180, step=1, key="claim_of"
    )
    indexes = sorted(rankings["index"].unique())
    index = c.selectbox(
        "Index",
        indexes,
        index=indexes.index("rsf_wpfi") if "rsf_wpfi" in indexes else 0,
        key="claim_index",
    )
    result = match_claim(rankings, iso3, int(rank), int(of) or None, index)
    name = rankings.loc[rankings["iso3"] == iso3, "country"].head(1)
    answer = describe_claim(result, name.iloc[0] if len(name) else iso3, int(rank), int(of) or None)
    (st.success if result.holds else st.warning)(escape_markdown(answer))
    if result.holds:
        st.dataframe(result.matches, hide_index=True)
    elif not result.same_rank_other_total.empty:
        st.dataframe(result.same_rank_other_total, hide_index=True)
    plain("Editions are named by the year RSF published them; each covers the year before.")


guarded(page)
