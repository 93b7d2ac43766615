"""Claim check: is "158th of 180" right, and for which edition?

The claim lives in the URL (``?country=KAZ&claim_rank=141&claim_of=180&claim_index=rsf_wpfi``),
so a link to a checked claim reproduces the answer.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _url
from app_pages._common import country_picker, guarded, plain, table
from indicators.i18n import _
from indicators.present.labels import index_label, readable
from indicators.present.sentences import describe_claim
from indicators.present.tables_in_words import claim_table
from indicators.query.claims import match_claim
from indicators.text import escape_markdown

DEFAULT_INDEX = "rsf_wpfi"


def page() -> None:
    """Answer a ranking claim from the stored data."""
    iso3 = country_picker()
    st.title(_("Check a claim"))
    st.write(
        _("Articles often cite a rank without the edition. Enter it to see which editions match.")
    )
    rankings = table("rankings")
    a, b, c = st.columns(3)
    rank = _url.number(_("Rank"), "claim_rank", default=158, low=1, high=300, container=a)
    of = _url.number(
        _("Of (number ranked; 0 = any)"), "claim_of", default=180, low=0, high=300, container=b
    )
    indexes = sorted(str(i) for i in rankings["index"].unique()) or [DEFAULT_INDEX]
    index = _url.selectbox(
        _("Index"),
        indexes,
        "claim_index",
        default=DEFAULT_INDEX,
        format_func=index_label,
        container=c,
    )
    result = match_claim(rankings, iso3, rank, of or None, index)
    name = rankings.loc[rankings["iso3"] == iso3, "country"].head(1)
    answer = describe_claim(result, name.iloc[0] if len(name) else iso3, rank, of or None)
    (st.success if result.holds else st.warning)(escape_markdown(answer))
    if result.holds:
        st.dataframe(readable(claim_table(result.matches)), hide_index=True)
    elif not result.same_rank_other_total.empty:
        st.dataframe(readable(claim_table(result.same_rank_other_total)), hide_index=True)
    plain(_("Editions are named by the year RSF published them; each covers the year before."))


guarded(page)
