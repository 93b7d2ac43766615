"""Tiny helpers for scalar cell values."""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, pandas NA/NaT and float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
