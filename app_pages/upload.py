"""Upload (analysts only): detect, check, map, preview, commit. Nothing is written before commit.

The files are parsed once, in a worker process, and the change they make is pinned to the
version it was previewed on: Commit stores exactly that change, or is refused when another
version was stored since, and then shows the preview against the new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app_pages import _upload_jobs as jobs
from app_pages._auth import record_profile_saved
from app_pages._common import analyst_name, guarded, plain, store, today
from app_pages._preview import (
    field_label,
    show_detected,
    show_preview,
    show_problems,
    shown_error,
    table_name,
)
from indicators.accounts.profiles import Profile, load_profiles, save_profile
from indicators.i18n import _, number, tr
from indicators.pipeline.commit import commit_fetch
from indicators.pipeline.extract import IngestOptions, given_edition
from indicators.pipeline.fetch import fetch_and_prepare, prepare_fetched
from indicators.pipeline.prepare import Prepared
from indicators.pipeline.prepare_worker import Preview, PreviewGone, failed_files, preview_of
from indicators.problems import ValidationFailed
from indicators.sources.column_aliases import COLUMN_ALIASES
from indicators.sources.generic.events import EVENT_ALIASES
from indicators.sources.generic.incidents import INCIDENT_ALIASES
from indicators.sources.reading import MAX_FILE_BYTES, SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.rsf.fetch import parse_editions, resolve_base
from indicators.store import StaleVersion
from indicators.store.base import Version
from indicators.text import escape_markdown

FIELDS = {
    "rankings": list(COLUMN_ALIASES),
    "incidents": list(INCIDENT_ALIASES),
    "events": list(EVENT_ALIASES),
}
KINDS = ["(detect)", "rankings", "incidents", "events"]
NONE, NOT_IN_FILE = "(none)", "(not in file)"  # option values (tests pick them); shown translated
Fetched = tuple[Prepared, str, list[int]]  # a fetched change, the address, the editions


def _shown_as(labels: dict[str, str]) -> Callable[[str], str]:
    """A selectbox's ``format_func``: the options' labels, translated now (in this run's
    language; Streamlit may call it outside the run), the other options as they are."""
    return lambda option: labels.get(option, option)


def _mapping_form(sources: list[SourceFile], user: str) -> ParseOptions:
    """Column mapping by hand (optional), from a saved profile or chosen here."""
    root = store().root
    profiles = load_profiles(root)
    with st.expander(_("Map columns by hand (when detection is unsure)")):
        chosen = st.selectbox(
            _("Use a saved profile"),
            [NONE, *profiles],
            key="profile",
            format_func=_shown_as({NONE: _("(none)")}),
        )
        base = profiles.get(chosen)
        kind = st.selectbox(
            _("The files hold"),
            KINDS,
            index=0 if base is None else KINDS.index(base.kind),
            key="map_kind",
            format_func=_shown_as(
                {k: _("(detect)") if k == KINDS[0] else table_name(k) for k in KINDS}
            ),
        )
        country = st.text_input(
            _("Country of every row (for one-country files)"),
            value=(base.country or "") if base else "",
            key="map_country",
        )
        edition = st.text_input(
            _("Edition of every row (for a file that holds one edition and has no edition column)"),
            key="map_year",
            help=_("e.g. 2024, or 2011-12 for an edition spanning two years"),
        )
        mapping: dict[str, str] = dict(base.mapping) if base else {}
        if kind != "(detect)" and sources:
            st.caption(
                _(
                    "The columns of the first file; of a workbook, those of the sheet that is "
                    "read (the one holding the largest table)."
                )
            )
            _pick_columns(kind, jobs.columns(sources[0]), mapping)
            _save_profile_form(root, user, kind, mapping, country)
    return IngestOptions(
        kind=None if kind == "(detect)" else kind,
        mapping=mapping,
        country=country.strip().upper() or None,
        year=given_edition(edition) if edition.strip() else None,
    )


def _pick_columns(kind: str, columns: list[str], mapping: dict[str, str]) -> None:
    shown = _shown_as({NOT_IN_FILE: _("(not in file)")})
    for field in FIELDS[kind]:
        current = mapping.get(field)
        options = [NOT_IN_FILE, *columns]
        pick = st.selectbox(
            field_label(field),
            options,
            key=f"map_field_{field}",
            index=options.index(current) if current in options else 0,
            format_func=shown,
        )
        if pick != NOT_IN_FILE:
            mapping[field] = pick
        else:
            mapping.pop(field, None)


def _save_profile_form(
    root: Any, user: str, kind: str, mapping: dict[str, str], country: str
) -> None:
    name = st.text_input(_("Save this mapping as"), key="profile_name")
    if st.button(_("Save profile"), key="save_profile") and name:
        analyst_name()  # every write checks the analyst again
        try:
            save_profile(root, Profile(name, kind, mapping, country or None))
        except ValueError as exc:
            st.error(shown_error(exc))
            return
        record_profile_saved(name, {"kind": kind})
        st.success(_("Profile saved."))


def _commit_form(
    preview: Preview,
    key: str,
    pin: str,
    store_it: Callable[[str], Version],
    again: Callable[[], None],
) -> Version | None:
    """The message and the Commit button; a stale preview is prepared again and shown.

    ``pin`` names what is previewed (files and options); the click commits only the change
    the previous run showed (same pin, same base version), never one prepared at the click.
    """
    notice, slot = st.session_state.get(jobs.STALE), st.empty()
    if notice and notice[0] == key:
        slot.error(notice[1])
    shown, seen_key = (pin, preview.base_version), f"_seen_{key}"
    seen = st.session_state.get(seen_key)
    st.session_state[seen_key] = shown
    show_preview(preview)
    message = st.text_input(_("Commit message (what is this change?)"), key=f"message_{key}")
    if not st.button(
        _("Commit"), type="primary", key=f"commit_{key}", disabled=not message.strip()
    ):
        return None
    analyst_name()  # every write checks the analyst again
    try:
        if seen != shown:
            raise StaleVersion("the preview shown before the click was another one")
        version = store_it(message.strip())
    except (StaleVersion, PreviewGone):
        st.session_state[jobs.STALE] = (key, jobs.stale_notice(seen[1] if seen else None))
        again()
        st.rerun()
    st.session_state.pop(jobs.STALE, None)  # the store audits the commit itself
    slot.empty()  # the refusal before this commit is over
    st.cache_data.clear()
    return version


def _update_from_rsf(user: str) -> None:
    """Fetch editions from RSF's published address, then the same preview and commit."""
    with st.expander(_("Update from RSF (download editions from the publisher)")):
        text = st.text_input(
            _("Editions"),
            value=str(today().year),
            key="rsf_editions",
            help=_("e.g. 2026, 2025-2026 or 2019,2021-2022"),
        )
        if st.button(_("Update from RSF"), key="rsf_fetch"):
            try:
                years, base = parse_editions(text, today()), resolve_base()
                prepared, fetched = fetch_and_prepare(store(), years, base=base)
                st.session_state["_fetched"] = (prepared, base, years)
                for line in fetched:
                    plain(tr(line))
            except ValueError as exc:
                st.error(shown_error(exc))
            except ValidationFailed as exc:
                st.session_state.pop("_fetched", None)
                show_problems(exc.problems)
        pinned: Fetched | None = st.session_state.get("_fetched")
        if pinned is not None:
            _rsf_commit(pinned, user)


def _rsf_commit(pinned: Fetched, user: str) -> None:
    """Commit the pinned RSF change (prepared on ``prepared.base_version``; action ``fetch``)."""
    prepared, base, years = pinned

    def again() -> None:
        fresh = prepare_fetched(store(), [src for src, _ in prepared.parsed])
        st.session_state["_fetched"] = (fresh, base, years)

    def store_it(message: str) -> Version:
        return commit_fetch(
            store(),
            prepared,
            base=base,
            editions=years,
            user=analyst_name(),
            message=message,
            via="app",
        )

    preview = preview_of(prepared, _country())
    version = _commit_form(preview, "rsf", " ".join(preview.files), store_it, again)
    if version is not None:
        st.session_state.pop("_fetched", None)
        st.success(_stored(version.number))


def _upload(sources: list[SourceFile], options: ParseOptions) -> None:
    key = jobs.key_of(sources, options)
    done = jobs.committed(key)
    if done is not None:
        st.success(_stored(done))
        return
    job = jobs.job_for(sources, options, _country())
    result = jobs.wait_for(job)
    if isinstance(result, ValidationFailed):
        show_detected(failed_files(sources, result.problems))
        show_problems(result.problems)
        return
    show_detected(result.detected)
    version = _commit_form(
        result,
        "upload",
        key,
        lambda message: job.commit(analyst_name(), message, via="app"),
        job.prepare_again,
    )
    if version is not None:
        job.close()
        st.session_state[jobs.DONE] = (key, version.number)
        st.success(_stored(version.number))


def page() -> None:
    """Render the upload workflow."""
    st.title(_("Upload data"))
    user = analyst_name()
    st.caption(
        _(
            "Signed in as {user}. Files are checked and previewed; nothing is stored until "
            "you commit."
        ).format(user=escape_markdown(user))
    )
    _update_from_rsf(user)
    files = st.file_uploader(
        _("CSV or XLSX files (up to {size} MiB each)").format(size=_mib(MAX_FILE_BYTES)),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key="uploads",
        help=_(
            "The box below writes the same limit as {mb}MB: Streamlit's MB are MiB ({bytes} bytes)."
        ).format(mb=MAX_FILE_BYTES // 2**20, bytes=number(1_048_576)),
    )
    try:
        sources = jobs.sources(files or [])
    except ValidationFailed as exc:
        show_problems(exc.problems)
        return
    try:
        options = _mapping_form(sources, user)  # before the files too: one parse with them
    except ValueError as exc:  # an edition that is not a year: said, nothing parsed
        st.error(shown_error(exc))
        return
    if not sources:
        jobs.drop_job()
        st.info(
            _(
                "Drop one or several files: RSF editions, Freedom House workbooks, your own "
                "ranking, incident or event files."
            )
        )
        return
    _upload(sources, options)


def _country() -> str:
    return str(st.session_state.get("_country", "KAZ"))


def _mib(size: int) -> str:
    """A size in MiB in the reader's locale, as ``mebibytes`` writes it ("100", "200.3")."""
    return number(size / 2**20, 0 if size % 2**20 == 0 else 1)


def _stored(stored: int) -> str:
    return _("Stored as version {number}. Every page now shows it.").format(number=stored)


guarded(page)
