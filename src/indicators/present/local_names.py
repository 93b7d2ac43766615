"""Country names in the reader's language, in the tables every page and the brief read.

The rankings table carries each entity's name as its source wrote it (``country``, in
English) beside its code (``iso3``). Outside English, :func:`with_local_names` gives the same
table with the names in the reader's language (:func:`indicators.present.labels.country_name`),
so that titles, sentences, legends, hovers and tables all say "Казахстан" from one place. The
codes, and so every filter, URL and join, are untouched; English gets the table itself.
"""

from __future__ import annotations

import pandas as pd

from indicators.i18n import DEFAULT, language
from indicators.present.labels import country_name


def with_local_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``country`` names in the reader's language (by ``iso3``)."""
    if language() == DEFAULT or frame.empty or not {"iso3", "country"} <= set(frame.columns):
        return frame
    pairs = frame[["iso3", "country"]].drop_duplicates()
    names = {
        (c, n): country_name(c, n) for c, n in zip(pairs["iso3"], pairs["country"], strict=True)
    }
    local = [names[(c, n)] for c, n in zip(frame["iso3"], frame["country"], strict=True)]
    return frame.assign(country=pd.Series(local, index=frame.index, dtype=frame["country"].dtype))
