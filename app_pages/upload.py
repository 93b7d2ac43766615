"""Upload (analysts only): detect, check, map, preview, commit. Nothing is written before commit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import analyst_name, download, guarded, plain, record_write, store, today
from app_pages._preview import show_preview
from indicators.adapters import ParseOptions
from indicators.adapters.events import EVENT_ALIASES
from indicators.adapters.incidents import INCIDENT_ALIASES
from indicators.column_aliases import COLUMN_ALIASES
from indicators.fetch import describe_new_editions, fetch_and_prepare, parse_editions, resolve_base
from indicators.ingest import Prepared, commit, parse_file, prepare
from indicators.problems import Problem, ValidationFailed, problems_frame
from indicators.profiles import Profile, load_profiles, save_profile
from indicators.reading import MAX_FILE_BYTES, SourceFile, read_table
from indicators.store import StaleVersion
from indicators.store.changes import describe_changes

FIELDS = {
    "rankings": list(COLUMN_ALIASES),
    "incidents": list(INCIDENT_ALIASES),
    "events": list(EVENT_ALIASES),
}


def _sources(files: list) -> list[SourceFile]:  # type: ignore[type-arg]
    out = []
    progress = st.progress(0.0, text="Reading files...")
    for i, f in enumerate(files, start=1):
        if f.size > MAX_FILE_BYTES:
            raise ValidationFailed(
                [
                    Problem(
                        f.name,
                        f"file is {f.size / 1e6:.0f} MB, above the "
                        f"{MAX_FILE_BYTES / 1e6:.0f} MB limit",
                        fix="split the file",
                    )
                ]
            )
        out.append(SourceFile(f.name, f.getvalue()))
        progress.progress(i / len(files), text=f"Read {f.name}")
    progress.empty()
    return out


def _mapping_form(sources: list[SourceFile]) -> ParseOptions:
    """Column mapping by hand (optional), from a saved profile or chosen here."""
    root = store().root
    profiles = load_profiles(root)
    with st.expander("Map columns by hand (when detection is unsure)"):
        chosen = st.selectbox("Use a saved profile", ["(none)", *profiles], key="profile")
        base = profiles.get(chosen)
        kind = st.selectbox(
            "The files hold",
            ["(detect)", "rankings", "incidents", "events"],
            index=0
            if base is None
            else ["(detect)", "rankings", "incidents", "events"].index(base.kind),
            key="map_kind",
        )
        country = st.text_input(
            "Country of every row (for one-country files)",
            value=(base.country or "") if base else "",
            key="map_country",
        )
        mapping: dict[str, str] = dict(base.mapping) if base else {}
        if kind != "(detect)" and sources:
            try:
                columns = list(read_table(sources[0]).frame.columns)
            except ValidationFailed:
                columns = []
            for field in FIELDS[kind]:
                current = mapping.get(field)
                options = ["(not in file)", *columns]
                pick = st.selectbox(
                    field,
                    options,
                    key=f"map_{field}",
                    index=options.index(current) if current in options else 0,
                )
                if pick != "(not in file)":
                    mapping[field] = pick
                else:
                    mapping.pop(field, None)
            name = st.text_input("Save this mapping as", key="profile_name")
            if st.button("Save profile", key="save_profile") and name:
                try:
                    save_profile(root, Profile(name, kind, mapping, country or None))
                    st.success("Profile saved.")
                except ValueError as exc:
                    st.error(str(exc))
    return ParseOptions(
        kind=None if kind == "(detect)" else kind,
        mapping=mapping,
        country=country.strip().upper() or None,
    )


def _detected(sources: list[SourceFile], options: ParseOptions) -> list[Problem]:
    rows, problems = [], []
    for src in sources:
        try:
            parsed = parse_file(src, options)
            d = parsed.detected
            rows.append(
                {
                    "file": src.name,
                    "kind": parsed.kind,
                    "format": parsed.adapter,
                    "source": d.get("source", ""),
                    "edition": d.get("edition", ""),
                    "encoding": d.get("encoding", ""),
                    "delimiter": repr(d.get("delimiter", "")),
                    "decimal mark": d.get("decimal", ""),
                    "rows": parsed.rows_read,
                    "kept": len(parsed.frame),
                }
            )
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            rows.append({"file": src.name, "kind": "not recognised", "rows": None})
    st.subheader("What was detected")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    return problems


def _update_from_rsf(user: str) -> None:
    """Fetch editions from RSF's published address, then the same preview and commit."""
    with st.expander("Update from RSF (download editions from the publisher)"):
        text = st.text_input(
            "Editions",
            value=str(today().year),
            key="rsf_editions",
            help="e.g. 2026, 2025-2026 or 2019,2021-2022",
        )
        if st.button("Update from RSF", key="rsf_fetch"):
            try:
                years = parse_editions(text, today())
                prepared, fetched = fetch_and_prepare(store(), years, base=resolve_base())
                st.session_state["_fetched"] = prepared
                for line in fetched:
                    plain(line)
            except ValueError as exc:
                st.error(str(exc))
            except ValidationFailed as exc:
                st.session_state.pop("_fetched", None)
                _problems(exc.problems)
        prepared = st.session_state.get("_fetched")
        if prepared is not None:
            _preview_and_commit(prepared, user, "rsf")


def _preview_and_commit(prepared: Prepared, user: str, key: str) -> None:
    """Show what would change; commit it with a message."""
    lines = [line for t, c in prepared.changes.items() for line in describe_changes(c, t, limit=5)]
    show_preview(prepared, _headlines(prepared) or lines[:10])
    message = st.text_input("Commit message (what is this change?)", key=f"message_{key}")
    if st.button("Commit", type="primary", key=f"commit_{key}", disabled=not message.strip()):
        try:
            version = commit(store(), prepared, user=user, message=message.strip())
        except StaleVersion as exc:
            st.error(str(exc))
            return
        files = [f"{src.name} {src.sha256}" for src, _ in prepared.parsed]
        record_write(
            "commit", user, {"version": version.number, "message": message.strip(), "files": files}
        )
        st.session_state.pop("_fetched", None)
        st.cache_data.clear()
        st.success(f"Stored as version {version.number}. Every page now shows it.")


def page() -> None:
    """Render the upload workflow."""
    st.title("Upload data")
    user = analyst_name()
    st.caption(
        f"Signed in as {user}. Files are checked and previewed; nothing is stored until you commit."
    )
    _update_from_rsf(user)
    files = st.file_uploader(
        "CSV or XLSX files", type=["csv", "xlsx"], accept_multiple_files=True, key="uploads"
    )
    if not files:
        st.info(
            "Drop one or several files: RSF editions, Freedom House workbooks, your own "
            "ranking, incident or event files."
        )
        return
    try:
        sources = _sources(files)
    except ValidationFailed as exc:
        _problems(exc.problems)
        return
    options = _mapping_form(sources)
    problems = _detected(sources, options)
    if problems:
        _problems(problems)
        return
    try:
        prepared = prepare(store(), sources, options)
    except ValidationFailed as exc:
        _problems(exc.problems)
        return
    _preview_and_commit(prepared, user, "upload")


def _headlines(prepared: Prepared) -> list[str]:
    if "rankings" not in prepared.changes:
        return []
    return describe_new_editions(prepared, str(st.session_state.get("_country", "KAZ")))


def _problems(problems: list[Problem]) -> None:
    st.error(
        f"{len(problems)} problem(s) found. Nothing was stored. Fix the file and upload it again."
    )
    frame = problems_frame(problems)
    st.dataframe(frame, hide_index=True)
    download(frame, "problems.csv", "Download the problems (CSV)")
    plain("Each problem names the file, the row (as a spreadsheet numbers it) and the column.")


guarded(page)
