"""Cached loading shared by the pages: the expensive, few-parameter step only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.embedded import open_default_store


@st.cache_resource(show_spinner=False)
def _store():  # type: ignore[no-untyped-def]
    return open_default_store()


@st.cache_data(show_spinner="Loading rankings...")
def _rankings(version: int | None) -> pd.DataFrame:
    return _store().table("rankings")


def rankings() -> pd.DataFrame:
    """The current rankings table (cached per store version)."""
    return _rankings(_store().head())
