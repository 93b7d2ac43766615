"""Damage in the store, found once per version and said on every page with how to recover."""

from __future__ import annotations

import streamlit as st

from app_pages._common import _store_at, location, version
from indicators.i18n import _, tr
from indicators.text import escape_markdown


@st.cache_data(show_spinner=False, max_entries=8)
def _damage(root: str, version: int | None) -> list[str]:
    """Every damaged manifest or object of every version, one line each (checked once per version).

    An object shared by several versions is named once, with the newest version that needs it.
    """
    seen: dict[tuple[str, str], str] = {}
    for d in sorted(_store_at(root).verify(), key=lambda d: -(d.version or 0)):
        seen.setdefault((d.table, d.object_id or str(d.version)), d.describe())
    return list(seen.values())


def damage_found() -> list[str]:
    """The damage :func:`_damage` found in the store this run shows."""
    return _damage(location(), version())


def report_damage() -> None:
    """On start (once per store version), say which stored tables are damaged and how to recover."""
    damaged = damage_found()
    if damaged:
        st.error(
            _(
                "Damaged data found: {damage}. Everything intact is still shown. To recover: "
                "run 'indicators check', then 'indicators rollback V' to the last version "
                "whose tables are intact (History page for analysts)."
            ).format(damage=escape_markdown("; ".join(tr(d) for d in damaged)))
        )
