"""The upload page's state: files read once, one pinned preview per set of files and options.

Each uploaded file is read once (its bytes and SHA-256, kept per upload id) and parsed once per
parse options, in a worker process (:mod:`indicators.pipeline.prepare_worker`) that keeps the prepared
change until it is committed. The session holds the worker under the key (the files' digests,
the options), so a rerun, the Commit click included, never prepares again: Commit stores what
was previewed, against the version it was previewed on, or is refused.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import streamlit as st

from app_pages._common import location, store
from indicators.i18n import _, tr
from indicators.pipeline.prepare_worker import Preview, PreviewJob, read_columns
from indicators.problems import ValidationFailed
from indicators.sources.reading import MAX_FILE_BYTES, SourceFile, too_big
from indicators.sources.registry import ParseOptions
from indicators.text import escape_markdown

JOB = "_upload_job"  # (key, PreviewJob): the pinned preview of the files on the page
DONE = "_upload_done"  # (key, version number): these files were committed
STALE = "_upload_stale"  # why the preview was prepared again (the store moved)
FILES = "_upload_files"  # upload id -> SourceFile
COLUMNS = "_upload_columns"  # SHA-256 -> column names


def sources(files: list[Any]) -> list[SourceFile]:
    """The uploaded files as SourceFiles, each read (and hashed) once per upload."""
    held: dict[str, SourceFile] = st.session_state.get(FILES, {})
    out: dict[str, SourceFile] = {}
    for f in files:
        if f.size > MAX_FILE_BYTES:
            raise ValidationFailed([too_big(f.name, f.size)])
        out[f.file_id] = held.get(f.file_id) or SourceFile(f.name, f.getvalue())
    st.session_state[FILES] = out  # files taken off the uploader are let go
    return list(out.values())


def columns(source: SourceFile) -> list[str]:
    """A file's column names (read in a worker, once per file content)."""
    known: dict[str, list[str]] = st.session_state.setdefault(COLUMNS, {})
    if source.sha256 not in known:
        with st.spinner(_("Reading the file's columns...")):
            known[source.sha256] = read_columns(source)
    return known[source.sha256]


def key_of(files: list[SourceFile], options: ParseOptions) -> str:
    """The preview's key: the files' contents and the options they are parsed with."""
    return json.dumps([[f.sha256 for f in files], asdict(options)], sort_keys=True, default=str)


def committed(key: str) -> int | None:
    """The version these files were stored as in this session, if they were."""
    done = st.session_state.get(DONE)
    return done[1] if done and done[0] == key else None


def job_for(files: list[SourceFile], options: ParseOptions, country: str) -> PreviewJob:
    """The pinned preview of these files and options, started when there is none."""
    key = key_of(files, options)
    held = st.session_state.get(JOB)
    if held is not None and held[0] == key and not held[1].closed:
        job: PreviewJob = held[1]
        return job
    if held is not None:
        held[1].close()
        if held[0] != key:
            st.session_state.pop(STALE, None)
    fresh = PreviewJob(location(), files, options, country)
    st.session_state[JOB] = (key, fresh)
    return fresh


def drop_job() -> None:
    """Stop the worker of files no longer on the page."""
    held = st.session_state.pop(JOB, None)
    if held is not None:
        held[1].close()
    st.session_state.pop(STALE, None)


def wait_for(job: PreviewJob) -> Preview | ValidationFailed:
    """The preview, with a progress bar that follows the worker while it works."""
    result = job.wait(0)
    if result is not None:
        return result
    bar = st.progress(0.0, text=_("Starting"))
    while (result := job.wait(0.25)) is None:
        progress = job.poll()
        bar.progress(min(max(progress.fraction, 0.0), 1.0), text=escape_markdown(tr(progress.text)))
    bar.empty()
    return result


def stale_notice(seen_base: int | None) -> str:
    """Why a commit was refused: which version came since the preview (seen on version
    ``seen_base``), and when; or that the preview was prepared again before the click."""
    s = store()
    head = s.head()
    if head is None or head == seen_base:
        return _(
            "The preview was prepared again just before your click, so nothing was stored. "
            "Check the preview below and commit again if it is still what you want."
        )
    when = s.version(head).created_at
    return _(
        "The data changed since your preview: version {head} was stored at {when}. "
        "Nothing was stored. The preview below is against version {head}; check it and "
        "commit again if it is still what you want."
    ).format(head=head, when=when)
