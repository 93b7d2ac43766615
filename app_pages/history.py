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
from app_pages._preview import shown_error, table_name
from indicators.i18n import DEFAULT, _, language, number, p_, tr
from indicators.pipeline.commit import rollback
from indicators.query.versions import diff_versions, history_frame, restorable_versions
from indicators.store import StaleVersion, Store, StoreError
from indicators.store.base import TABLES, Damage, VersionState

T = TypeVar("T")
_PINNED = "_rollback_base"  # the current version when the rollback choice was last shown
log = logging.getLogger("indicators.app")


def _n(value: int) -> str:
    """A count as this page has always written it in English ("1234"), else in the locale's way."""
    return str(value) if language() == DEFAULT else number(value)


def _counts(name: str, counts: dict[str, int]) -> str:
    return _("{table}: {added} added, {changed} changed, {removed} removed").format(
        table=table_name(name),
        added=_n(counts["added"]),
        changed=_n(counts["changed"]),
        removed=_n(counts["removed"]),
    )


def _headings() -> dict[str, str]:
    """The list of versions' column headings in the reader's language."""
    return {
        "version": p_("history/column", "version"),
        "state": p_("history/column", "state"),
        "created_at": p_("history/column", "created_at"),
        "user": p_("history/column", "user"),
        "action": p_("history/column", "action"),
        "message": p_("history/column", "message"),
        "files": p_("history/column", "files"),
        "added": p_("history/column", "added"),
        "changed": p_("history/column", "changed"),
        "removed": p_("history/column", "removed"),
    }


def _section(what: str, draw: Callable[[], T]) -> T | None:
    """Draw one section; if it fails, say so in words and let the others be drawn."""
    try:
        return draw()
    except StoreError as exc:
        st.error(_("{what} cannot be shown: {error}").format(what=what, error=shown_error(exc)))
    except Exception as exc:  # never a trace on the page; the operator's log has it
        log.exception("history section failed: %s", what)
        st.error(
            _("{what} cannot be shown ({error}); the other sections still work.").format(
                what=what, error=type(exc).__name__
            )
        )
    return None


def _listing(s: Store) -> tuple[list[VersionState], list[Damage]]:
    """The table of versions; every manifest and object is checked once, for it and rollback."""
    states, damage = s.history(), s.verify()
    frame = history_frame(s, states, damage)
    shown = frame.sort_values("version", ascending=False)
    shown["state"] = [tr(state) if state else state for state in shown["state"]]
    st.dataframe(shown.rename(columns=_headings()), hide_index=True)
    damaged = frame.loc[frame["state"].str.startswith("damaged"), "version"].tolist()
    if damaged:
        st.warning(
            _(
                "Damaged versions: {versions}. They stay in the history; 'indicators check' "
                "names what is damaged."
            ).format(versions=", ".join(str(n) for n in damaged))
        )
    return states, damage


def _view(s: Store, numbers: list[int]) -> None:
    st.subheader(_("View or download a version"))
    a, b = st.columns(2)
    chosen = a.selectbox(_("Version"), numbers[::-1], key="view_version")
    names = {table: table_name(table) for table in TABLES}  # translated in this run
    name = b.selectbox(_("Table"), list(TABLES), key="view_table", format_func=names.__getitem__)
    frame = s.table(name, int(chosen))
    st.dataframe(frame.head(1000), hide_index=True)
    label = _("Download {table} as of version {version} (CSV)")
    download(frame, f"{name}_v{chosen}.csv", label.format(table=table_name(name), version=chosen))


def _compare(s: Store, numbers: list[int]) -> None:
    st.subheader(_("Compare two versions"))
    c, d = st.columns(2)
    old = c.selectbox(_("From"), numbers, index=max(len(numbers) - 2, 0), key="diff_from")
    new = d.selectbox(_("To"), numbers, index=len(numbers) - 1, key="diff_to")
    for name, change in diff_versions(s, int(old), int(new)).items():
        counts = change.counts()
        if any(counts.values()):
            st.text(_counts(name, counts))
            st.dataframe(change.changed.head(200), hide_index=True)


def _preview(s: Store, target: int, head: int | None) -> None:
    """What the rollback would change, against the current version (if it can be read)."""
    try:
        changes = diff_versions(s, int(head or target), target)
    except StoreError as exc:
        said = _("The current version cannot be compared with version {version}: {error}")
        st.warning(said.format(version=target, error=shown_error(exc)))
        return
    lines = [
        _counts(name, c) for name, change in changes.items() if any((c := change.counts()).values())
    ]
    same = _("Version {version}'s data is the same as the current data.")
    st.text("\n".join(lines) or same.format(version=target))


def _since(s: Store, base: int | None) -> str:
    """The versions stored after ``base``, in words (number, when, by whom, message)."""
    later = [v for v in s.versions() if v.number > (base or 0)]
    if not later:
        return _("the store changed")
    said = _("version {number} was stored at {when} by {user} ({message})")
    return "; ".join(
        said.format(number=v.number, when=v.created_at, user=v.user, message=v.message)
        for v in later
    )


def _roll_back(s: Store, target: int, pinned: object) -> None:
    user = analyst_name()  # every write path checks the analyst again
    if not isinstance(pinned, int):
        st.error(_("The page was not shown completely; review it and click again."))
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
            _(
                "Nothing was rolled back: the data changed since this page showed version "
                "{version}: {since}. The page now shows the current state; review it and "
                "click again."
            ).format(version=pinned, since=_since(s, pinned))
        )
        return
    st.session_state[_PINNED] = v.number  # the success message shows the new version
    st.cache_data.clear()
    st.success(
        _("Version {number} restores version {target}.").format(number=v.number, target=target)
    )


def _rollback(
    s: Store, checked: tuple[list[VersionState], list[Damage]] | None, head: int | None
) -> None:
    st.subheader(_("Roll back"))
    states, damage = checked or (s.history(), s.verify())
    options = restorable_versions(states, damage)
    if not options:
        st.error(_("No version is intact: restore the store from a backup."))
        return
    pinned = st.session_state.get(_PINNED)
    target = int(st.selectbox(_("Restore the data of version"), options[::-1], key="rollback_to"))
    st.caption(
        _(
            "The current version is {head}. A rollback is itself a new version: nothing is "
            "erased, and it can be undone. Only intact versions are offered."
        ).format(head=head)
    )
    _section(_("The comparison with the current version"), lambda: _preview(s, target, head))
    confirm = st.checkbox(
        _("Yes, make version {version}'s data current").format(version=target),
        key="rollback_confirm",
    )
    clicked = st.button(_("Roll back"), type="primary", disabled=not confirm, key="rollback")
    st.session_state[_PINNED] = head  # what this run showed; the next click is checked on it
    if clicked:
        _roll_back(s, target, pinned)


def page() -> None:
    """Render the history and rollback page."""
    st.title(_("History and rollback"))
    s = store()
    head = version()
    if head is None:
        st.info(_("Nothing has been stored yet."))
        return
    checked = _section(_("The list of versions"), lambda: _listing(s))
    states = checked[0] if checked else []
    readable = [state.number for state in states if state.version is not None] or [head]
    _section(_("The version viewer"), lambda: _view(s, readable))
    _section(_("The comparison"), lambda: _compare(s, readable))
    _section(_("The rollback"), lambda: _rollback(s, checked, head))


guarded(page)
