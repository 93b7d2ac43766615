"""Preparing an upload in a worker process: the app's server only waits, draws and commits.

A million-row preview takes seconds of CPU and gigabytes; done in the server's script thread
it slows every visitor's rerun (the GIL) and keeps the gigabytes in the server. Here each
upload gets its own worker process (``concurrent.futures`` with the ``forkserver`` context,
so the threaded server is never forked). The worker parses the files once, keeps the prepared
change in its own memory and sends the server only a :class:`Preview` (counts, the first rows
of each change, the detected formats), small whatever the files' size. Commit runs in the same
worker on the change it prepared, refused with ``StaleVersion`` if the store moved since.

Progress goes through a queue: one message when each file's reading starts (see
:mod:`indicators.sources.read_progress`), then when the change has been worked out.

At most ``MAX_LIVE`` workers live at once; the least recently used is stopped to make room
(its page starts it again when next drawn), and so is one unused for ``IDLE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from queue import Empty
from typing import TYPE_CHECKING, Any

import pandas as pd

from indicators.i18n import msg
from indicators.problems import Problem, ValidationFailed
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions

if TYPE_CHECKING:
    from indicators.pipeline.commit import Via

MAX_LIVE = 3  # worker processes (each may hold a prepared million-row change)
IDLE_SECONDS = 15 * 60
WORKER_NICENESS = 10  # a worker yields the processor to the server (and its visitors)
PREVIEW_ROWS = 500  # rows of each change shown and sent to the server
CHANGED_ROWS = 100_000  # changed cells sent for the download


@dataclass(frozen=True)
class TablePreview:
    """What a commit would change in one table (the first rows of each part)."""

    counts: dict[str, int]
    added: pd.DataFrame
    changed: pd.DataFrame
    removed: pd.DataFrame


@dataclass(frozen=True)
class Preview:
    """A prepared change as the page shows it; the change itself stays in the worker."""

    base_version: int | None
    tables: dict[str, TablePreview]
    detected: list[dict[str, object]]
    headlines: list[str]  # what the change means (new editions on the country), else its lines
    notes: list[str]
    files: list[str]  # "name sha256" of each file, for the audit record


@dataclass(frozen=True)
class Progress:
    """How far the worker is: a fraction of the work and what it is doing."""

    fraction: float
    text: str


def preview_of(prepared: Any, country: str) -> Preview:
    """The preview of a prepared change (``indicators.pipeline.prepare.Prepared``) for one country."""
    from indicators.pipeline.fetch_preview import describe_new_editions
    from indicators.tables.changes import describe_changes
    from indicators.tables.registry import spec_for

    tables = {}
    for name, change in prepared.changes.items():
        keys = [c for c in spec_for(name).row_keys if c in change.removed.columns]
        tables[name] = TablePreview(
            change.counts(),
            change.added.head(PREVIEW_ROWS).copy(),
            change.changed.head(CHANGED_ROWS).copy(),
            change.removed[keys].head(PREVIEW_ROWS).copy(),
        )
    detected: list[dict[str, object]] = []
    for src, parsed in prepared.parsed:
        d = parsed.detected
        detected.append(
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
                "sheets": d.get("sheets", ""),
            }
        )
    headlines = describe_new_editions(prepared, country) if "rankings" in prepared.changes else []
    if not headlines:
        headlines = [
            line for t, c in prepared.changes.items() for line in describe_changes(c, t, limit=5)
        ][:10]
    files = [f"{src.name} {src.sha256}" for src, _ in prepared.parsed]
    return Preview(prepared.base_version, tables, detected, headlines, prepared.notes, files)


# -- in the worker process ---------------------------------------------------------------------

_state: dict[str, Any] = {}


def _start_worker(queue: Any) -> None:
    _state["queue"] = queue
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)  # on a busy machine the server's reruns go first


def _say(fraction: float, text: str) -> None:
    _state["queue"].put((fraction, text))


def _prepare(location: str, sources: list[SourceFile], options: ParseOptions, country: str) -> Any:
    """Parse, check and diff in the worker; keep the change here and return its preview."""
    from indicators.pipeline.prepare import prepare
    from indicators.sources.read_progress import watch_reads
    from indicators.store.factory import open_store

    order = {src.sha256: i for i, src in reversed(list(enumerate(sources)))}
    n = len(sources)

    def file_started(source: Any) -> None:
        i = order.get(getattr(source, "sha256", ""), 0)
        _say(0.8 * i / n, f"Reading and checking file {i + 1} of {n}: {source.name}")

    _state.pop("prepared", None)  # a stale change is never committed
    store = open_store(location)
    _state.update(store=store, sources=sources, options=options, country=country)
    with watch_reads(file_started):
        try:
            prepared = prepare(store, sources, options)
        except ValidationFailed as exc:
            return exc  # returned, not raised: the problems are the answer, not a failure
    _say(0.9, "Working out the preview")
    preview = preview_of(prepared, country)
    prepared.changes = {}  # the diff is shown, not needed to commit: let its rows go
    _state["prepared"] = prepared
    gc.collect()
    return preview


def _commit(user: str, message: str, via: Via) -> Any:
    """Commit the change this worker prepared (action ``ingest``; refused if the store moved
    since); the store writes the commit's audit record with it."""
    from indicators.pipeline.commit import commit

    prepared = _state.get("prepared")
    if prepared is None:
        raise RuntimeError("no prepared change to commit")
    _say(0.5, "Storing the new version")
    version = commit(_state["store"], prepared, user=user, message=message, via=via)
    _state.pop("prepared", None)  # committed once
    return version


def _columns(source: SourceFile) -> list[str]:
    """The column names of a file, as read (for mapping columns by hand)."""
    from indicators.sources.reading import read_table

    try:
        return list(read_table(source).frame.columns)
    except ValidationFailed:
        return []


# -- in the app's server -----------------------------------------------------------------------


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["indicators.pipeline.commit", "indicators.pipeline.fetch_preview"]
    )
    return context


class PreviewGone(Exception):
    """The worker holding a prepared change stopped (idle too long, or out of memory)."""


@dataclass
class PreviewJob:
    """One upload's worker: it prepares the change, then commits it (or prepares it again)."""

    location: str
    sources: list[SourceFile]
    options: ParseOptions
    country: str = "KAZ"
    progress: Progress = field(default=Progress(0.0, "Starting"))
    used: float = field(default_factory=time.monotonic)
    history: list[Progress] = field(default_factory=list)  # every progress message polled

    def __post_init__(self) -> None:
        context = _context()
        self._queue = context.Queue()
        self._pool = ProcessPoolExecutor(
            1, mp_context=context, initializer=_start_worker, initargs=(self._queue,)
        )
        self.closed = False
        _register(self)
        self.future: Future[Any] = self._submit()

    def _submit(self) -> Future[Any]:
        self.progress = Progress(0.0, "Starting")
        return self._pool.submit(_prepare, self.location, self.sources, self.options, self.country)

    def poll(self) -> Progress:
        """The latest progress the worker reported."""
        self.used = time.monotonic()
        try:
            while True:
                fraction, text = self._queue.get_nowait()
                self.progress = Progress(fraction, text)
                self.history.append(self.progress)
        except (Empty, OSError, ValueError):
            return self.progress

    def wait(self, timeout: float) -> Preview | ValidationFailed | None:
        """The preview (or the problems) once ready; ``None`` if still working after ``timeout``."""
        self.used = time.monotonic()
        try:
            result = self.future.result(timeout)
        except TimeoutError:
            return None
        except BrokenProcessPool:
            self.close()
            return ValidationFailed([_worker_died(self.sources)])
        if isinstance(result, Preview | ValidationFailed):
            return result
        raise TypeError(f"unexpected worker result {type(result).__name__}")

    def commit(self, user: str, message: str, via: Via = "app") -> Any:
        """Store the previewed change; raises StaleVersion if another version came first,
        PreviewGone if the worker (and the change it held) is gone."""
        self.used = time.monotonic()
        if self.closed:
            raise PreviewGone("the preview was closed")
        try:
            return self._pool.submit(_commit, user, message, via).result()
        except (BrokenProcessPool, RuntimeError) as exc:
            self.close()
            raise PreviewGone(str(exc)) from exc

    def prepare_again(self) -> None:
        """Prepare the same files against the store's current version (after StaleVersion);
        a closed job is replaced by a new one when its page is next drawn."""
        if not self.closed:
            self.future = self._submit()

    def close(self) -> None:
        """Stop the worker at once, even mid-parse (its prepared change and memory go with it)."""
        if not self.closed:
            self.closed = True
            # The pool keeps its processes in a private mapping; without ending them, a worker
            # that is parsing would finish a job nobody waits for.
            workers = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                with contextlib.suppress(Exception):
                    process.terminate()
        with _lock:
            _live.pop(id(self), None)


_lock = threading.Lock()
_live: OrderedDict[int, PreviewJob] = OrderedDict()


def _register(job: PreviewJob) -> None:
    """Count a new worker in; stop idle ones and the least recently used beyond MAX_LIVE."""
    with _lock:
        _live[id(job)] = job
        others = sorted((j for j in _live.values() if j is not job), key=lambda j: j.used)
        crowded = others[: max(0, len(_live) - MAX_LIVE)]
        if not _reaper:
            _reaper.append(threading.Thread(target=_reap, name="preview-reaper", daemon=True))
            _reaper[0].start()
    for old in crowded:
        old.close()
    _close_idle()


def _close_idle() -> None:
    """Stop the workers unused for IDLE_SECONDS (a preview left open, a closed tab)."""
    now = time.monotonic()
    with _lock:
        idle = [j for j in _live.values() if now - j.used > IDLE_SECONDS]
    for job in idle:
        job.close()


def _reap() -> None:
    while True:
        time.sleep(60)
        _close_idle()


_reaper: list[threading.Thread] = []


def _worker_died(sources: list[SourceFile]) -> Problem:
    names = ", ".join(s.name for s in sources)
    return Problem(
        names,
        msg(
            "reading these files stopped before the end (they need more memory than the "
            "server gives)"
        ),
        fix=msg("split the files into smaller ones, or ingest them with the command line"),
    )


def read_columns(source: SourceFile) -> list[str]:
    """A file's column names, read in a worker process (the server's thread only waits)."""
    with ProcessPoolExecutor(1, mp_context=_context()) as pool:
        try:
            return pool.submit(_columns, source).result()
        except BrokenProcessPool:
            return []


def failed_files(sources: list[SourceFile], problems: list[Problem]) -> list[dict[str, object]]:
    """The detected-files table when the files have problems (nothing was prepared)."""
    named = {p.file for p in problems}
    return [
        {
            "file": src.name,
            "kind": "has problems (below)"
            if src.name in named
            else "not previewed: another file has problems",
        }
        for src in sources
    ]
