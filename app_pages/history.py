"""History (analysts only): every version, what it changed, download any version, roll back.

Each section is drawn on its own, so one that fails (a damaged version, a comparison that
cannot be made) never hides the others: rollback to every intact version is always offered.
A rollback restores exactly what was shown: the page pins the version it showed, and the
click rolls back only if the store is still at that version (else it says what changed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from app_pages._common import analyst_name, download, guarded, store, version
from indicators.pipeline.commit import rollback
from indicators.query.versions import diff_versions, history_frame, restorable_versions
from indicators.store import StaleVersion, Store, StoreError
from indicators.store.base import TABLES, Damage, VersionState

T = TypeVar("T")
_PINNED = "_rollback_base"  # the current version when the rollback choice was last shown
log = logging.getLogger("indicators.app")


def _section(what: str, draw: Callable[[], T]) -> T | None:
    """Draw one section; if it fails, say so in words and let the others be drawn."""
    try:
        return draw()
    except StoreError as exc:
        st.error(f"{what} cannot be shown: {exc}")
    except Exception as exc:  # never a trace on the page; the operator's log has it
        log.exception("history section failed: %s", what)
        st.error(f"{what} cannot be shown ({type(exc).__name__}); the other sections still work.")
    return None


def _listing(s: Store) -> tuple[list[VersionState], list[Damage]]:
    """The table of versions; every manifest and object is checked once, for it and rollback."""
    states, damage = s.history(), s.verify()
    frame = history_frame(s, states, damage)
    st.dataframe(frame.sort_values("version", ascending=False), hide_index=True)
    damaged = frame.loc[frame["state"].str.startswith("damaged"), "version"].tolist()
    if damaged:
        st.warning(
            "Damaged versions: "
            + ", ".join(str(n) for n in damaged)
            + ". They stay in the history; 'indicators check' names what is damaged."
        )
    return states, damage


def _view(s: Store, numbers: list[int]) -> None:
    st.subheader("View or download a version")
    a, b = st.columns(2)
    chosen = a.selectbox("Version", numbers[::-1], key="view_version")
    name = b.selectbox("Table", list(TABLES), key="view_table")
    frame = s.table(name, int(chosen))
    st.dataframe(frame.head(1000), hide_index=True)
    download(frame, f"{name}_v{chosen}.csv", f"Download {name} as of version {chosen} (CSV)")


def _compare(s: Store, numbers: list[int]) -> None:
    st.subheader("Compare two versions")
    c, d = st.columns(2)
    old = c.selectbox("From", numbers, index=max(len(numbers) - 2, 0), key="diff_from")
    new = d.selectbox("To", numbers, index=len(numbers) - 1, key="diff_to")
    for name, change in diff_versions(s, int(old), int(new)).items():
        counts = change.counts()
        if any(counts.values()):
            st.text(
                f"{name}: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['removed']} removed"
            )
            st.dataframe(change.changed.head(200), hide_index=True)


def _preview(s: Store, target: int, head: int | None) -> None:
    """What the rollback would change, against the current version (if it can be read)."""
    try:
        changes = diff_versions(s, int(head or target), target)
    except StoreError as exc:
        st.warning(f"The current version cannot be compared with version {target}: {exc}")
        return
    lines = [
        f"{name}: {c['added']} added, {c['changed']} changed, {c['removed']} removed"
        for name, change in changes.items()
        if any((c := change.counts()).values())
    ]
    st.text("\n".join(lines) or f"Version {target}'s data is the same as the current data.")


def _since(s: Store, base: int | None) -> str:
    """The versions stored after ``base``, in words (number, when, by whom, message)."""
    later = [v for v in s.versions() if v.number > (base or 0)]
    if not later:
        return "the store changed"
    return "; ".join(
        f"version {v.number} was stored at {v.created_at} by {v.user} ({v.message})" for v in later
    )


def _roll_back(s: Store, target: int, pinned: object) -> None:
    user = analyst_name()  # every write path checks the analyst again
    if not isinstance(pinned, int):
        st.error("The page was not shown completely; review it and click again.")
        return
    try:
        v = rollback(
            s,
            target,
            user=user,
            message=f"roll back to version {target}",
            expected_head=pinned,
            via="app",
        )
    except StaleVersion:
        st.error(
            f"Nothing was rolled back: the data changed since this page showed version "
            f"{pinned}: {_since(s, pinned)}. The page now shows the current state; review it "
            "and click again."
        )
        return
    st.session_state[_PINNED] = v.number  # the success message shows the new version
    st.cache_data.clear()
    st.success(f"Version {v.number} restores version {target}.")


def _rollback(
    s: Store, checked: tuple[list[VersionState], list[Damage]] | None, head: int | None
) -> None:
    st.subheader("Roll back")
    states, damage = checked or (s.history(), s.verify())
    options = restorable_versions(states, damage)
    if not options:
        st.error("No version is intact: restore the store from a backup.")
        return
    pinned = st.session_state.get(_PINNED)
    target = int(st.selectbox("Restore the data of version", options[::-1], key="rollback_to"))
    st.caption(
        f"The current version is {head}. A rollback is itself a new version: nothing is "
        "erased, and it can be undone. Only intact versions are offered."
    )
    _section("The comparison with the current version", lambda: _preview(s, target, head))
    confirm = st.checkbox(f"Yes, make version {target}'s data current", key="rollback_confirm")
    clicked = st.button("Roll back", type="primary", disabled=not confirm, key="rollback")
    st.session_state[_PINNED] = head  # what this run showed; the next click is checked on it
    if clicked:
        _roll_back(s, target, pinned)


def page() -> None:
    """Render the history and rollback page."""
    st.title("History and rollback")
    s = store()
    head = version()
    if head is None:
        st.info("Nothing has been stored yet.")
        return
    checked = _section("The list of versions", lambda: _listing(s))
    states = checked[0] if checked else []
    readable = [state.number for state in states if state.version is not None] or [head]
    _section("The version viewer", lambda: _view(s, readable))
    _section("The comparison", lambda: _compare(s, readable))
    _section("The rollback", lambda: _rollback(s, checked, head))


guarded(page)
