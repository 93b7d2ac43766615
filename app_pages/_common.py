"""What every page shares: cached data, the country and period in the URL, safe output."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from app_pages._lang import error_text
from indicators.i18n import DEFAULT, _, language, tr
from indicators.paths import default_store_dir
from indicators.pipeline.embedded import open_default_store
from indicators.present.export import to_safe_csv
from indicators.present.labels import country_name, country_options
from indicators.present.local_names import with_local_names
from indicators.query.views import choose_country, entity_names
from indicators.sources.synthetic import synthetic_shown
from indicators.store import Store, StoreError
from indicators.store.factory import configured_database_url
from indicators.tables.conform import empty_table
from indicators.tables.values import is_missing
from indicators.text import escape_markdown, one_line

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "filename": "press-freedom-chart"},
    "modeBarButtonsToAdd": ["toImage"],
}
DEFAULT_COUNTRY = "KAZ"
T = TypeVar("T")


def location() -> str:
    """The configured store: a PostgreSQL URL (env or secrets) or the local default folder."""
    return configured_database_url(_secrets()) or str(default_store_dir())


def _secrets() -> Mapping[str, object]:
    try:
        return st.secrets
    except Exception:  # no secrets file
        return {}


@st.cache_resource(show_spinner=False)
def _store_at(location: str) -> Store:
    return open_default_store(location, via="app")


def store() -> Store:
    """The store the app reads (seeded from the embedded data on first use)."""
    return _store_at(location())


@st.cache_resource(show_spinner="Loading data...", max_entries=8)
def _table(root: str, name: str, version: int | None) -> pd.DataFrame:
    """One frame per table and version, shared by every session without copying.

    ``st.cache_data`` would pickle a copy for each rerun (seconds and gigabytes at a million
    incidents). Nothing may modify the frame in place (pandas' copy-on-write keeps a derived
    frame separate)."""
    return _store_at(root).table(name, version)


@st.cache_resource(show_spinner=False, max_entries=256)
def _derived(root: str, version: int | None, key: tuple[object, ...], _build: Callable[[], T]) -> T:
    return _build()


def per_version(key: tuple[object, ...], build: Callable[[], T]) -> T:
    """What ``build`` returns (a figure, a view), made once per store version and ``key``.

    Many readers look at the same few countries: the second reader of Kazakhstan's overview
    gets the figure the first one built. ``key`` must name everything ``build`` depends on
    besides the stored tables (page, country, choices); the result is shared, so it is never
    modified. The reader's language is part of every key.
    """
    return _derived(location(), version(), (language(), *key), build)


def table(name: str, local: bool = True) -> pd.DataFrame:
    """A canonical table at the store's current version (cached per store and version), its
    country names in the reader's language (``local=False``: as stored, in English).

    A damaged or missing stored table is reported with how to recover, and the page goes on
    with that table empty, so everything that is intact is still served.
    """
    try:
        stored = _table(location(), name, version())
        if not local or language() == DEFAULT:
            return stored
        return per_version(("local-names", name), lambda: with_local_names(stored))
    except StoreError as exc:
        st.warning(
            _(
                "The stored {name} table cannot be used: {error}. Other data is shown. "
                "An analyst can recover with 'indicators check' and 'indicators rollback V' "
                "(or the History page) to a version whose tables are intact."
            ).format(name=name, error=escape_markdown(error_text(exc)))
        )
        return empty_table(name)


_VERSION_KEY = "_store_version"


def begin_run() -> None:
    """Read the store's version once, at the start of each run (app.py): every table, figure
    and count of the page then comes from that one version (a commit landing during the run
    shows on the next one), and the store is asked once per run."""
    head = store().head()
    _release_older_versions(head)
    st.session_state[_VERSION_KEY] = head


def version() -> int | None:
    """The store version this run shows."""
    if _VERSION_KEY not in st.session_state:
        begin_run()
    head = st.session_state[_VERSION_KEY]
    return None if head is None else int(head)


_last_head: list[int | None] = []  # the store version this process last served


def _release_older_versions(head: int | None) -> None:
    """When the store has a new version, drop the cached tables of the old one at once (a
    million incidents take ~500 MB; sessions drawing from the old frames keep them until their
    run ends)."""
    if _last_head and _last_head[-1] != head:
        _table.clear()
        _derived.clear()
        gc.unfreeze()  # let the collector reach objects of the old version (see settle)
    _last_head[:] = [head]


_frozen_at: list[int | None] = []  # the store version whose loaded objects were frozen


def settle() -> None:
    """After a page run: move what is loaded for this version out of the collector's way.

    Streamlit collects garbage after every run (runner.postScriptGC), walking every object:
    ~40 ms per rerun, mostly modules and tables that live as long as their version.
    ``gc.freeze()`` after the first run of each version leaves it only the objects made since
    (under 1 ms); a new version unfreezes them first, so no old version is kept alive.
    """
    head = _last_head[-1] if _last_head else None
    if _frozen_at and _frozen_at[-1] == head:
        return
    gc.collect()  # this run's garbage is freed now, not frozen
    gc.freeze()
    _frozen_at[:] = [head]


def countries() -> pd.Series:
    """Display names by entity code, for every non-pseudo entity that has any data."""
    # English names: the picker leads with the reader's own and keeps these for typing
    frames = tuple(table(name, local=False) for name in ("rankings", "incidents", "events"))
    return per_version(("countries",), lambda: entity_names(*frames))


def country_display(iso3: str) -> str:
    """A country's name as a page shows it, in the reader's language ('Қазақстан')."""
    return country_name(iso3, countries().get(iso3, iso3))


def include_synthetic() -> bool:
    """Whether this server shows synthetic benchmark rows (only when told to, for benchmarks)."""
    return synthetic_shown()


def synthetic_banner() -> None:
    """Say on every page, first, when synthetic benchmark rows are shown."""
    if include_synthetic():
        st.warning(
            _(
                "This server shows SYNTHETIC benchmark data (INDICATORS_SHOW_SYNTHETIC is set): "
                "incident counts include generated rows labelled 'SYNTHETIC benchmark data'. "
                "They are not real records."
            )
        )


def _remember(name: str, value: object) -> None:
    """Keep a choice across pages (non-widget state persists) and in the URL."""
    st.session_state[f"_{name}"] = value
    st.query_params[name] = str(value)


def _wanted(name: str, default: str) -> str:
    """A choice from this session, else from the URL, else the default."""
    value = st.session_state.get(f"_{name}")
    if value is None:
        value = st.query_params.get(name, default)
    return str(value)


def country_picker(label: str | None = None) -> str:
    """The chosen country, kept in the URL (?country=KAZ) so a link reproduces the view.

    Each option carries the names a reader would type (English variants, Russian, the code):
    the selectbox filters on the label. A URL naming no country in the data says so.
    """
    names = countries()
    codes = list(names.index)
    choice = choose_country(_wanted("country", DEFAULT_COUNTRY), names, DEFAULT_COUNTRY)
    if choice.problem:
        st.warning(escape_markdown(tr(choice.problem)))
    options = per_version(("country-options",), lambda: country_options(names))
    iso3 = st.sidebar.selectbox(
        label or _("Country"),
        codes,
        index=codes.index(choice.code) if choice.code in codes else 0,
        format_func=lambda c: one_line(options.get(c, c)),
        key="country",
    )
    _remember("country", iso3)
    return str(iso3)


def year_range(default: tuple[int, int]) -> tuple[int, int]:
    """The chosen period, kept in the URL (?from=2015&to=2025)."""
    low, high = default
    start = max(low, min(_int(_wanted("from", str(low)), low), high))
    end = min(high, max(_int(_wanted("to", str(high)), high), low))
    if low < high:
        chosen = st.sidebar.slider(_("Period"), low, high, value=(start, end), key="period")
    else:
        chosen = (low, high)
    _remember("from", int(chosen[0]))
    _remember("to", int(chosen[1]))
    return int(chosen[0]), int(chosen[1])


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def url_choice(name: str, options: Mapping[str, str], label: str) -> str:
    """A radio choice kept in the URL under ``name`` by its code; ``options`` maps each code to
    the words shown for it."""
    codes = list(options)
    wanted = _wanted(name, codes[0])
    index = codes.index(wanted) if wanted in codes else 0
    choice = st.radio(label, codes, index, options.__getitem__, key=name, horizontal=True)
    _remember(name, choice)
    return str(choice)


def chart(
    fig: go.Figure,
    key: str,
    *,
    title: str = "",
    subtitle: str = "",
    source: str = "",
    data: pd.DataFrame | None = None,
    shown: list[str] | None = None,
) -> None:
    """Draw a figure with its title, subtitle and source line, and its downloads.

    The PNG and SVG downloads carry the title, subtitle, source, data version and date drawn
    into the image (made on the server when clicked); ``data`` (with ``shown``, the columns
    the chart draws) is what the chart's CSV download holds (see :func:`download`).
    """
    from app_pages import _share

    _share.heading(title, subtitle)
    config = _share.plotly_config(_share.file_stem(key))
    st.plotly_chart(fig, width="stretch", config=config, key=key)
    _share.chart_exports(
        fig, key, title=title, subtitle=subtitle, source=source, data=data, shown=shown
    )


EAGER_DOWNLOAD_ROWS = 10_000  # up to this many rows the CSV is written with the page


def download(
    frame: pd.DataFrame,
    name: str,
    label: str | None = None,
    *,
    shown: list[str] | None = None,
) -> None:
    """A CSV download whose cells cannot run as spreadsheet formulas (``label``: the default
    "Download these figures (CSV)" in the reader's language).

    ``shown``: the columns the page shows, written first with readable headers, then the
    provenance columns (source, citation, file, row, data version); without ``shown`` the
    frame is written as it is (an analyst's copy of a stored table).
    """
    if shown is None:
        download_later(lambda: frame, name, label, rows=len(frame))
        return
    from app_pages._share import shown_csv_frame

    columns = list(shown)
    download_later(lambda: shown_csv_frame(frame, columns), name, label, rows=len(frame))


def download_later(
    make: Callable[[], pd.DataFrame],
    name: str,
    label: str | None = None,
    *,
    rows: int,
) -> None:
    """A CSV download of the frame ``make`` returns (``rows`` rows).

    A small table is written with the page; a big one (a million incidents) only when the
    button is clicked, so no rerun pays for a file nobody asked for.
    """

    def data() -> bytes:
        return to_safe_csv(make()).encode("utf-8")

    st.download_button(
        label or _("Download these figures (CSV)"),
        data() if rows <= EAGER_DOWNLOAD_ROWS else data,
        file_name=name,
        mime="text/csv",
        key=f"download-{name}",
    )


def plain(text: object) -> None:
    """Show text that came from data as plain text (never interpreted as Markdown or HTML)."""
    st.markdown(escape_markdown(text))


def small_table(frame: pd.DataFrame) -> None:
    """A few rows as a static table, every cell and heading escaped (``st.table`` renders
    Markdown in cells): no grid script to load, so the page's first chart comes sooner."""
    shown = frame.map(lambda v: "" if is_missing(v) else escape_markdown(v))
    shown.columns = [escape_markdown(c) for c in frame.columns]
    st.table(shown, hide_index=True)


def text_column(label: str) -> ColumnConfig:
    """A table column of addresses from the data shown as text, never as a link."""
    return st.column_config.TextColumn(label)


def guarded(page: Callable[[], None]) -> None:
    """Run a page; explain failures in words instead of showing a stack trace."""
    try:
        page()
    except StoreError as exc:
        error = escape_markdown(error_text(exc))
        st.error(_("The data store could not be read: {error}").format(error=error))
    except Exception as exc:  # the page must never show a trace; log it for the operator
        import logging

        logging.getLogger("indicators.app").exception("page failed")
        st.error(
            _(
                "Something went wrong while drawing this page. The data is safe. "
                "Please report this message to the maintainers: {error}."
            ).format(error=type(exc).__name__)
        )


def analyst_name() -> str:
    """The signed-in analyst (write pages stop here for anyone else)."""
    from app_pages._auth import require_analyst

    return require_analyst()


def record_write(action: str, user: str, details: dict[str, object]) -> None:
    """Append a write to the audit log beside the store."""
    from indicators.store.audit import record

    record(action, user, details, store_root=store().root)


def today() -> date:
    """Today's date (one place, so pages agree)."""
    return date.today()
