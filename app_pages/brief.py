"""Brief (funders): the one-page country brief, shown here and downloaded as PDF or HTML.

The page shows and hands out the very document ``indicators brief`` writes (the same function,
:func:`indicators.present.brief_html.make_html`, on the same stored version: the same bytes apart from
the made-at line). It is shown in a frame of its own, from a ``data:`` address (an origin of
its own: nothing in it can reach the app), and the document forbids every script and load.
The chart is drawn once per country, edition and store version (a few seconds, on the server,
offline); the PDF is printed only when its button is clicked.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import streamlit as st

from app_pages import _url
from app_pages._common import country_picker, guarded, per_version, store, table, version
from indicators.i18n import Msg, _, language, tr
from indicators.present.brief import Brief, data_version, editions, gather
from indicators.present.brief_html import chart_drawing, make_html
from indicators.present.brief_pdf import RenderError, find_chromium, html_to_pdf
from indicators.text import escape_markdown, one_line

FRAME_HEIGHT = 1250  # an A4 page at 96 px per inch, with the screen margins


def _brief(iso3: str, edition: str, made_at: datetime) -> Brief:
    rankings, incidents, events = table("rankings"), table("incidents"), table("events")
    return per_version(
        ("brief", iso3, edition, made_at.date()),
        lambda: gather(
            rankings,
            incidents,
            events,
            iso3,
            edition,
            version=data_version(store(), version()),
            today=made_at.date(),
        ),
    )


def _svg(brief: Brief) -> str:
    key = ("brief-svg", brief.iso3, brief.figures.edition)
    with st.spinner(_("Drawing the chart (once per country, edition and data version)...")):
        return per_version(key, lambda: chart_drawing(brief))


def _why(exc: Exception) -> str:
    """An error's message in the reader's language where it was made as a message (``msg``)."""
    first = exc.args[0] if exc.args else None
    return tr(first) if isinstance(first, Msg) else str(exc)


def _downloads(brief: Brief, html: str) -> None:
    name = one_line(f"brief-{brief.iso3}-{brief.figures.edition}")
    pdf, page = st.columns(2)
    try:
        find_chromium()
    except RenderError as exc:
        why = _("The PDF cannot be made on this server: {error}.").format(error=_why(exc))
        pdf.warning(escape_markdown(why))
    else:
        pdf.download_button(
            _("Download the brief (PDF, one A4 page)"),
            lambda: html_to_pdf(html),
            file_name=f"{name}.pdf",
            mime="application/pdf",
            key="brief-pdf",
            type="primary",
        )
    page.download_button(
        _("Download the brief (HTML)"),
        html.encode("utf-8"),
        file_name=f"{name}.html",
        mime="text/html",
        key="brief-html",
    )


def page() -> None:
    """Render the Brief page."""
    iso3 = country_picker()
    choices = per_version(("brief-editions", iso3), lambda: editions(table("rankings"), iso3))
    if not choices:
        st.title(_("Country brief"))
        none = _(
            "No RSF World Press Freedom Index ranking is stored for this country, and a brief "
            "is built on it. Analysts can upload one."
        )
        st.info(none)
        return
    latest_first = choices[::-1]
    edition = _url.selectbox(_("RSF edition"), latest_first, key="edition", container=st.sidebar)
    made_at = datetime.now(UTC)
    brief = _brief(iso3, edition, made_at)
    st.title(_("Country brief: {country}").format(country=escape_markdown(brief.country)))
    st.subheader(escape_markdown(brief.figures.headline))
    about = _(
        "One A4 page for a funder's report: the headline figures, the position chart with RSF's "
        "method breaks and events, incidents by statute in the loaded sources, the plain "
        "sentences with their caveats, the sources, and the data version. The command line "
        "writes the same document:"
    )
    st.caption(about)
    lang = "" if language() == "en" else f" --lang {language()}"  # the brief in this language
    st.code(f"indicators brief --country {iso3} --edition {edition}{lang} --out brief.pdf", "bash")
    try:
        html = make_html(brief, made_at, _svg(brief))
    except RenderError as exc:
        why = _("The brief's chart cannot be drawn on this server: {error}.").format(
            error=_why(exc)
        )
        st.warning(escape_markdown(why))
        return
    _downloads(brief, html)
    encoded = base64.b64encode(html.encode("utf-8")).decode("ascii")
    st.iframe(f"data:text/html;base64,{encoded}", height=FRAME_HEIGHT, alt=_("The brief"))


guarded(page)
