"""Overview (funders): where the country stands, how it moved, what happened, in plain words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages._common import (
    chart,
    country_picker,
    guarded,
    include_synthetic,
    per_version,
    plain,
    small_table,
    table,
    today,
)
from indicators.i18n import _, english_data, language, number, place, tr
from indicators.present.charts import position_chart
from indicators.present.labels import index_phrase, method_label, readable
from indicators.present.methods import localized
from indicators.present.rank_moves import (
    METHOD,
    rank_move_figure,
    rank_move_sentence,
    split_or_reason,
)
from indicators.present.sentences import incident_sentence, summary_sentences
from indicators.present.tables_in_words import event_table
from indicators.query.explain import RankSplit
from indicators.query.overview import Headline, headline, incident_summary
from indicators.query.trend import TILE_HELP
from indicators.query.views import rankings_view
from indicators.text import escape_markdown, one_line


def signed(value: float) -> str:
    """A change with its sign ("+2.5", "-0.4"; "+2,5" in Russian): the metric's delta is told
    to be a fall by its leading "-"."""
    text = f"{value:+.1f}"
    return text if language() == "en" else text[0] + number(abs(value), 1)


def headline_metrics(h: Headline, incidents: pd.DataFrame, iso3: str) -> None:
    """The four headline figures and the plain sentences (every data text escaped: a metric's
    label, value, delta and help are all Markdown)."""
    a, b, c, d = st.columns(4)
    a.metric(
        escape_markdown(
            _("RSF {edition} (covering {period})").format(edition=h.edition, period=h.period_label)
        ),
        _("{rank} of {total}").format(rank=h.rank, total=h.n_ranked),
        help=_("Rank as published by RSF; 1 is the freest."),
    )
    since = _("{change} since {edition}")
    b.metric(
        _("Position (0-100, 100 = freest)"),
        number(h.position, 1),
        delta=None
        if h.position_change is None
        else since.format(
            change=signed(h.position_change), edition=escape_markdown(h.previous_edition)
        ),
        help=_(
            "Share of the other ranked countries that did worse. Comparable across "
            "editions with different numbers of countries."
        ),
    )
    c.metric(
        _("Change over five editions"),
        _("n/a") if h.five_edition_change is None else signed(h.five_edition_change),
        help=_("Position change since edition {edition}.").format(
            edition=escape_markdown(h.five_edition_edition)
        ),
    )
    synthetic = include_synthetic()
    summary = per_version(
        ("overview-incidents", iso3, synthetic, today()),
        lambda: incident_summary(incidents, iso3, today(), include_synthetic=synthetic),
    )
    if summary is None:
        no_records = _("No incident records are loaded for {country}.")
        d.caption(escape_markdown(no_records.format(country=h.country)))
    else:
        d.metric(
            _("Incidents in the loaded sources, {year}").format(year=summary.year),
            summary.this,
            delta=escape_markdown(tr(summary.change)),
            delta_color="off",
            delta_arrow="off",
            help=tr(TILE_HELP),
        )
    st.subheader(_("In plain words"))
    for sentence in summary_sentences(h, incident_sentence(h.country, summary)):
        plain(sentence)


FIGURES = ["edition", "period_label", "rank", "n_ranked", "position", "methodology", "citation"]


def position_over_time(rankings: pd.DataFrame, events: pd.DataFrame, iso3: str) -> None:
    """The position chart, the figures behind it (in words) and their download."""
    view = per_version(("overview-view", iso3), lambda: rankings_view(rankings, [iso3], "rsf_wpfi"))
    st.subheader(_("Position over time"))
    figure = per_version(("overview-chart", iso3), lambda: position_chart(view, "position", events))
    figures = view.assign(methodology=view["methodology"].map(method_label))
    name = str(view["country"].iloc[-1]) if len(view) else iso3
    chart(
        figure,
        "overview-chart",
        title=one_line(
            _("{country}: position in {index}").format(country=name, index=index_phrase("rsf_wpfi"))
        ),
        subtitle=_(
            "Share of the other ranked countries that did worse (0-100, 100 = freest); "
            "each edition drawn at the middle of the period it covers"
        ),
        source=one_line(_source(view)),
        data=figures,
        shown=FIGURES,
    )
    st.caption(
        _(
            "Each point is an RSF edition, drawn at the middle of the period it covers (edition "
            "2025 covers 2024). Position = share of the other ranked countries that did worse, "
            "so {then} (2002) and {now} (2025) can be compared. Dashed lines mark RSF's method "
            "changes (2013, 2022): the line is broken there on purpose. Events are marked on the "
            "chart; hover over one for its date and source."
        ).format(then=place(116, 139), now=place(141, 180))
    )
    with st.expander(_("The figures behind the chart (table)")):
        small_table(readable(figures[FIGURES]))


def _source(view: pd.DataFrame) -> str:
    """The position chart's source line, with the editions it draws."""
    if not len(view):
        return _("Reporters Without Borders (RSF), World Press Freedom Index")
    return _(
        "Reporters Without Borders (RSF), World Press Freedom Index, editions {first}-{last}"
    ).format(first=view["edition"].iloc[0], last=view["edition"].iloc[-1])


SPLIT = [
    "against",
    "rank_against",
    "edition",
    "rank",
    "score_against",
    "score",
    "rank_if_only_own_score_changed",
    "places_gained",
    "explained_by_own_score",
    "explained_by_others",
]


def _split(rankings: pd.DataFrame, iso3: str) -> RankSplit | str:
    split = split_or_reason(rankings, iso3)
    if isinstance(split, str):
        return _("The latest change of rank cannot be split here: {reason}.").format(
            reason=tr(split)
        )
    return split


def why_the_rank_moved(rankings: pd.DataFrame, iso3: str) -> None:
    """The latest rank change split into the country's own score and the others' changes."""
    st.subheader(_("Why the rank moved"))
    split = per_version(("overview-split", iso3), lambda: _split(rankings, iso3))
    if isinstance(split, str):
        plain(split)
    else:
        plain(rank_move_sentence(split))
        chart(
            per_version(("overview-split-chart", iso3), lambda: rank_move_figure(split)),
            "overview-rank-move",
            title=one_line(
                _("{country}: rank {before} to {after}").format(
                    country=split.country, before=split.against, after=split.edition
                )
            ),
            subtitle=_("The places its own score explains, and the places the others' changes do"),
            source=_(
                "Reporters Without Borders (RSF), World Press Freedom Index {before} and {after}"
            ).format(before=split.against, after=split.edition),
            data=pd.DataFrame([split.record()]),
            shown=SPLIT,
        )
    # A section of the methods text: translated unit by unit, like the Sources page.
    method = METHOD if language() == "en" else localized(METHOD).strip()
    st.caption(escape_markdown(method))


LATEST = ["date", "kind", "title", "source_name"]


def latest_events(events: pd.DataFrame) -> None:
    """The five most recent events, dated at their precision, sources as text; titles the
    data gives only in English marked so in another language."""
    st.subheader(_("Latest events"))
    latest = event_table(events.sort_values("date", ascending=False).head(5))[LATEST]
    titles = latest["title"].map(lambda t: english_data(t) if isinstance(t, str) and t else t)
    small_table(readable(latest.assign(title=titles)))


def page() -> None:
    """Render the overview."""
    iso3 = country_picker()
    rankings, incidents, events = table("rankings"), table("incidents"), table("events")
    h = headline(rankings, iso3)
    st.title(
        _("Press freedom: {country}").format(country=escape_markdown(h.country if h else iso3))
    )
    if h is None:
        st.info(_("No RSF ranking is stored for this country yet. Analysts can upload one."))
    else:
        headline_metrics(h, incidents, iso3)
        st.page_link(
            "app_pages/brief.py",
            label=_("One-page brief for funders (PDF, HTML)"),
            icon=":material/description:",
            query_params={"country": iso3},
        )
    country_events = events[events["country"] == iso3]
    position_over_time(rankings, country_events, iso3)
    if h is not None:
        why_the_rank_moved(rankings, iso3)
    latest_events(country_events)


guarded(page)
