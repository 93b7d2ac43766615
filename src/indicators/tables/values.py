"""Tiny helpers for scalar cell values."""

from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, pandas NA/NaT and float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def name_key(text: str) -> str:
    """Fold a name for matching: no accents, case, punctuation, 'the' or 'republic of' noise."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("ё", "е").replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"\s+", " ", text)
