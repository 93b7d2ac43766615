"""What lets a view leave the app: image and CSV downloads of a chart, the link to the view,
the footer every page ends with, and the print stylesheet.

Images are made only when a reader clicks (``st.download_button`` with a callable): no
rerun pays for a file nobody asked for. The data version and its date stamp every image,
chart CSV and page footer, so two copies of a chart can be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages._common import (
    PLOTLY_CONFIG,
    download_later,
    per_version,
    store,
    today,
    version,
)
from indicators.i18n import _
from indicators.present.export import PROVENANCE_COLUMNS, shown_frame
from indicators.present.figure_export import (
    Format,
    browser_path,
    export_figure,
    source_text,
    version_line,
)
from indicators.text import escape_markdown


@dataclass(frozen=True)
class Stamp:
    """The store version a run shows and the day it was committed ('' if unknown)."""

    number: int | None
    date: str

    @property
    def line(self) -> str:
        """'Data version 7 (2026-11-30)'."""
        return version_line(self.number, self.date)


def _committed(number: int | None) -> str:
    if number is None:
        return ""
    try:
        return str(store().version(number).created_at)[:10]
    except Exception:  # a damaged manifest: the version is still shown, without its date
        return ""


def stamp() -> Stamp:
    """The data version of this run and its commit date (read once per version)."""
    number = version()
    return Stamp(number, per_version(("version-date",), lambda: _committed(number)))


def file_stem(key: str) -> str:
    """A download's file name (without extension): the chart key and the country shown."""
    country = st.session_state.get("_country") or st.query_params.get("country", "")
    parts = [key, str(country)] if country else [key]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "_".join(parts)).strip("-") or "chart"


def heading(title: str, subtitle: str) -> None:
    """A chart's title and subtitle above it, as plain text (text from data is escaped, and
    no emphasis is put around it: the hostile-text test refuses markup next to data)."""
    if title:
        st.markdown(escape_markdown(title))
    if subtitle:
        st.caption(escape_markdown(subtitle))


def plotly_config(stem: str) -> dict[str, object]:
    """The toolbar's own image export named like the server's downloads."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "svg", "filename": stem}}


def chart_exports(
    fig: go.Figure,
    key: str,
    *,
    title: str,
    subtitle: str,
    source: str,
    data: pd.DataFrame | None,
    shown: list[str] | None,
) -> None:
    """Under a chart: its source line, then PNG, SVG (and CSV, with ``data``) downloads."""
    if source:
        st.caption(escape_markdown(_("Source: {source}").format(source=source_text(source))))
    now, stem = stamp(), file_stem(key)

    def image(fmt: Format) -> bytes:  # run when clicked, outside the page's run
        return export_figure(
            fig,
            title=title,
            subtitle=subtitle,
            source=source,
            version_line=now.line,
            fmt=fmt,
            made=date.today(),
        )

    formats: tuple[tuple[Format, str], ...] = (("png", "image/png"), ("svg", "image/svg+xml"))
    if browser_path() is None:  # no Chromium on this server: say so instead of failing
        formats = ()
        st.caption(_("Image downloads need Chromium on the server (see the README)."))
    with st.container(horizontal=True, key=f"exports-{key}"):
        for fmt, mime in formats:
            st.download_button(
                _("Image ({format})").format(format=fmt.upper()),
                partial(image, fmt),
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"image-{fmt}-{key}",
                on_click="ignore",
                help=_("The chart with its title, source, data version and date."),
            )
        if data is not None:
            columns = shown or [c for c in data.columns if c not in PROVENANCE_COLUMNS]
            download_later(
                lambda: shown_frame(data, columns, version=now.number, version_date=now.date),
                f"{stem}.csv",
                _("Chart data (CSV)"),
                rows=len(data),
            )


def shown_csv_frame(frame: pd.DataFrame, shown: list[str]) -> pd.DataFrame:
    """What :func:`app_pages._common.download` writes for ``shown`` (stamped with the version)."""
    now = stamp()
    return shown_frame(frame, shown, version=now.number, version_date=now.date)


def view_url(base: str | None, page_path: str, params: list[tuple[str, str]]) -> str:
    """The address of this view: the page's URL (``base``, from the browser, else the page's
    own path) and every query parameter, repeated ones repeated."""
    parts = urlsplit(base or f"/{page_path}")
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(params), ""))


def share_view(page_path: str) -> None:
    """'Share this view' in the sidebar: the full link of what the page shows, with a copy
    button (``st.code`` shows it as text and copies it; no script of ours)."""
    params = [(k, str(v)) for k in st.query_params for v in st.query_params.get_all(k)]
    url = view_url(st.context.url, page_path, params)
    box = st.sidebar.container(key="share-view")
    # In a popover, the link and its copy button are drawn when it is opened: the code box's
    # script (1.5 MB) is then loaded on that click, not before every page's first chart.
    with box.popover(_("Share this view"), icon=":material/link:", width="stretch"):
        st.code(url, language=None, wrap_lines=True)
        st.caption(
            _(
                "Copy link: the button beside the address copies it. It opens this page with "
                "the same country and choices."
            )
        )


def footer() -> None:
    """The line every page ends with (and every printed page shows)."""
    now = stamp()
    shown = today().isoformat()
    if now.number is None:
        data = _("No data loaded yet")
    elif now.date:
        data = _("Data version {number} of {date}").format(number=now.number, date=now.date)
    else:
        data = _("Data version {number}").format(number=now.number)
    st.divider()
    line = _("{data} · Shown {shown} · Sources: see Sources and methods")
    st.caption(escape_markdown(line.format(data=data, shown=shown)))


# A constant (never data): what printing a page leaves out, and tables printed whole. A table
# (st.dataframe) is drawn on a canvas sized to its box: its boxes are let grow to every row,
# and the canvas is redrawn for them. A closed expander stays closed: its table is drawn only
# once opened (open it before printing to print it).
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stElementToolbar"], .modebar, .modebar-container,
  .stDownloadButton, .stButton, .stFormSubmitButton, .stSelectbox, .stMultiSelect,
  .stRadio, .stSlider, .stCheckbox, .stToggle, .stTextInput, .stNumberInput,
  .stTextArea, .stDateInput, .stSegmentedControl, .stPills, .stFileUploader,
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stSelectbox"],
  [data-testid="stMultiSelect"], [data-testid="stRadio"], [data-testid="stSlider"],
  [data-testid="stCheckbox"], [data-testid="stTextInput"], [data-testid="stNumberInput"],
  [data-testid="stFileUploader"], [data-testid="stTooltipIcon"] {
    display: none !important;
  }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stApp, .stMain {
    position: static !important; overflow: visible !important; height: auto !important;
  }
  [data-testid="stMainBlockContainer"] {
    max-width: 100% !important; padding: 0.5cm 0.5cm 0 0.5cm !important;
  }
  [data-testid="stDataFrameResizable"], [data-testid="stDataFrameResizable"] > div,
  [data-testid="stDataFrameResizable"] > div > div,
  [data-testid="stDataFrameResizable"] .dvn-scroller {
    height: auto !important; max-height: none !important;
    overflow-x: clip !important; overflow-y: visible !important;
  }
  [data-testid="stDataFrameResizable"] > div > div { position: static !important; }
  .js-plotly-plot, [data-testid="stPlotlyChart"], [data-testid="stMetric"] {
    break-inside: avoid;
  }
}
</style>"""


def print_styles() -> None:
    """The print stylesheet, once per run (a <style> only: nothing is drawn on screen)."""
    st.html(PRINT_CSS)
