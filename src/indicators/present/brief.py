"""The one-page country brief for funders: what it says, gathered from the stored tables.

Pure data (no rendering, no streamlit): :func:`gather` takes the canonical tables and returns a
:class:`Brief`, which :mod:`indicators.present.brief_html` turns into the document that the app
and the ``indicators brief`` command both hand out. Everything in it traces to a stored row:

* the headline figures of one RSF edition (the latest by default): rank as published, position,
  score on its method's scale, and the change since the previous edition;
* the position series up to that edition (the chart; with the other indices the store holds
  for the country on one scale, :mod:`indicators.present.brief_indices`) and its events;
* incidents by statute in the loaded sources only, with the caveat and the changes under the
  low-baseline rule (:mod:`indicators.query.trend`); no count where no source covers it;
* the Overview's plain sentences (:mod:`indicators.present.sentences`), with their caveats;
* the sources as citations (publisher, title, date, web address as text; a local path never)
  and the data version (store version number and the date it was stored).
In the run's language (:func:`indicators.i18n.using`). Synthetic rows never enter a brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pandas as pd

from indicators.i18n import N_, Msg, _, msg, n_, tr
from indicators.present.brief_indices import brief_series, indices_rows
from indicators.present.charts import ERA_LABELS, era_breaks, era_label, within_period
from indicators.present.data_version import DataVersion, data_version
from indicators.present.labels import index_label, statute_labels
from indicators.present.local_names import with_local_names
from indicators.present.rank_moves import rank_move_words
from indicators.present.sentences import (
    decimal,
    incident_sentence,
    no_incidents_sentence,
    places_moved,
    rank_phrase,
    summary_sentences,
)
from indicators.query.aggregate import IncidentFilter, filter_incidents, incident_counts
from indicators.query.overview import Headline, headline, incident_summary
from indicators.query.trend import LOW_BASELINE, TOO_FEW, Change, count_text, incident_changes
from indicators.query.views import rankings_view
from indicators.sources.countries import resolve
from indicators.store import Store
from indicators.tables.values import is_missing

INDEX = "rsf_wpfi"
PUBLISHERS = {INDEX: N_("Reporters Without Borders (RSF)")}  # shown with _()
MAX_STATUTES = 10  # rows of the statute table that fit on the page
MAX_SOURCES = 16  # citations that fit beside it
SAMPLE_CAVEAT = msg(  # a message: shown in the reader's language with tr()
    "These count the cases in the loaded sources, not all that happened (a change may be a "
    "change in reporting). An incident under two statutes counts under each. A change is "
    "called in ACLED's bands (large increase above 25% more, moderate increase 10% to 25% more, "
    "large decrease above 25% fewer, else limited change); fewer than {n} cases in "
    "either period is {too_few}.",
    n=LOW_BASELINE,
    too_few=TOO_FEW,
)


class BriefUnavailable(ValueError):
    """No brief can be made for what was asked; ``reason()`` says why in the reader's terms."""

    def reason(self) -> str:
        return tr(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Figures:
    """The headline figures of one edition."""

    index: str  # 'RSF World Press Freedom Index'
    edition: str
    period_label: str
    rank_phrase: str  # '149th of 180'
    position: float
    score: float | None
    score_scale: str  # 'higher = freer, RSF 2022- method'
    previous_edition: str | None
    position_change: float | None
    rank_change: int | None  # places: positive = moved up
    previous_rank_phrase: str

    @property
    def headline(self) -> str:
        """'149th of 180 in RSF World Press Freedom Index 2026 (covering 2025)'."""
        return _("{rank} in {index} {edition} (covering {period})").format(
            rank=self.rank_phrase, index=self.index, edition=self.edition, period=self.period_label
        )

    @property
    def change_words(self) -> str:
        """'8 places down (141st of 180 in 2025)' or '' without a previous edition."""
        if self.rank_change is None or self.previous_edition is None:
            return ""
        moved = _("same place") if self.rank_change == 0 else places_moved(self.rank_change)
        return _("{moved} ({rank} in {edition})").format(
            moved=moved, rank=self.previous_rank_phrase, edition=self.previous_edition
        )


@dataclass(frozen=True)
class StatuteRow:
    """Distinct incidents in the loaded sources under one statute applied to the target."""

    label: str
    incidents: int
    years: str  # '2015-2025'


@dataclass(frozen=True)
class Incidents:
    """The incident part: counts only where an incident source covers the country."""

    loaded: bool
    total: int
    years: str
    with_statute: int
    by_statute: tuple[StatuteRow, ...]
    more_statutes: int  # statutes left out of the table for room
    note: str  # the sample caveat, or why there is no count
    changes: tuple[Change, ...] = ()  # month on month and year on year (none when not loaded)


@dataclass(frozen=True)
class Citation:
    """A source as a reader cites it; ``url``: an http(s) address, 'N pages at host' or ''."""

    publisher: str
    title: str
    date: str
    url: str


@dataclass(frozen=True)
class Brief:
    """Everything the one-page brief says about a country."""

    iso3: str
    country: str
    figures: Figures
    headline: Headline
    view: pd.DataFrame  # the ranking series charted (up to the chosen edition)
    events: pd.DataFrame  # the events inside the charted periods
    method_changes: tuple[str, ...]  # editions that began a new RSF method, within the chart
    incidents: Incidents
    sentences: tuple[str, ...]
    sources: tuple[Citation, ...]
    version: DataVersion
    indices: tuple[str, ...] = ()  # other indices drawn with RSF's position (brief_indices)
    compared: pd.DataFrame | None = None  # their rows, editions up to the brief's


def _years(values: pd.Series) -> str:
    years = pd.to_numeric(values, errors="coerce").dropna().astype(int)
    if years.empty:
        return ""
    low, high = int(years.min()), int(years.max())
    return str(low) if low == high else f"{low}-{high}"


def _unavailable(why: str, **values: object) -> BriefUnavailable:
    """Why no brief can be made, as a message (shown in the reader's language by ``reason``)."""
    return BriefUnavailable(Msg(why, {"index": index_label(INDEX), **values}))


def _edition_rows(rankings: pd.DataFrame, iso3: str, edition: str | None) -> pd.DataFrame:
    """The country's ranked editions up to the chosen one (raises in the reader's terms)."""
    rows = rankings[
        (rankings["iso3"] == iso3)
        & (rankings["index"] == INDEX)
        & (rankings["entity_kind"] != "pseudo")
        & rankings["rank"].notna()
    ].sort_values("edition_year", kind="stable", ignore_index=True)
    if rows.empty:
        entity = resolve(iso3)
        name = f"{entity.name} ({iso3})" if entity is not None else iso3
        raise _unavailable(
            N_("no {index} ranking is stored for {name}, and a brief is built on it"), name=name
        )
    if edition is None:
        return rows
    wanted = str(edition).strip()
    hit = rows.index[(rows["edition"].astype(str) == wanted)]
    if hit.empty:
        hit = rows.index[rows["edition_year"].astype(str) == wanted]
    if hit.empty:
        name = str(rows["country"].iloc[-1])
        stored = ", ".join(rows["edition"].astype(str))
        why = N_(
            "{index} has no edition {wanted!r} for {name} in this store; stored editions: {all}"
        )
        raise _unavailable(why, wanted=wanted, name=name, all=stored)
    return rows.iloc[: int(hit[0]) + 1]


def editions(rankings: pd.DataFrame, iso3: str) -> list[str]:
    """The editions a brief can be made for (the country's ranked editions, oldest first)."""
    try:
        return [str(e) for e in _edition_rows(rankings, iso3, None)["edition"]]
    except BriefUnavailable:
        return []


def _figures(rows: pd.DataFrame, h: Headline) -> Figures:
    last = rows.iloc[-1]
    prev = rows.iloc[-2] if len(rows) > 1 else None
    score = None if is_missing(last["score"]) else float(last["score"])
    method = str(last["methodology"])
    era = era_label(method) if method in ERA_LABELS else method
    higher = last["score_direction"] != "lower_is_freer"
    scale = _("higher = freer, {method}") if higher else _("lower = freer, {method}")
    scale = scale.format(method=era)
    printed = last["score_as_printed"]
    if score is not None and not is_missing(printed) and float(printed) != score:
        scale += _("; printed by RSF as {score}, lower = freer").format(
            score=decimal(float(printed))
        )
    return Figures(
        index=index_label(INDEX),
        edition=h.edition,
        period_label=h.period_label,
        rank_phrase=rank_phrase(h.rank, h.n_ranked),
        position=round(h.position, 1),
        score=score,
        score_scale=scale,
        previous_edition=h.previous_edition,
        position_change=h.position_change,
        rank_change=h.rank_change,
        previous_rank_phrase="" if prev is None else rank_phrase(prev["rank"], prev["n_ranked"]),
    )


def _incidents(
    incidents: pd.DataFrame, iso3: str, country: str, loaded: bool, today: date
) -> Incidents:
    """Incidents by statute and the changes in their number; no count where no source is loaded."""
    if not loaded:
        return Incidents(False, 0, "", 0, (), 0, no_incidents_sentence(country))
    rows = filter_incidents(incidents, IncidentFilter(country=iso3))
    by_year = incident_counts(rows, ["statute", "year"])
    totals = incident_counts(rows, ["statute"])
    labels = statute_labels()
    table = [
        StatuteRow(
            labels.get(str(key), str(key)),
            int(n),
            _years(by_year.loc[by_year["statute_key"] == key, "year"]),
        )
        for key, n in zip(totals["statute_key"], totals["incidents"], strict=True)
    ]
    table.sort(key=lambda r: (-r.incidents, r.label))
    targeted = rows[(rows["statute_applied_to"] == "target") & rows["statute_key"].notna()]
    return Incidents(
        loaded=True,
        total=int(rows["incident_id"].nunique()),
        years=_years(rows["year"]),
        with_statute=int(targeted["incident_id"].nunique()),
        by_statute=tuple(table[:MAX_STATUTES]),
        more_statutes=max(0, len(table) - MAX_STATUTES),
        note=tr(SAMPLE_CAVEAT),
        changes=tuple(incident_changes(rows, today)),
    )


def web_address(value: object) -> str:
    """An http(s) address from the data, else '' (a local path is never shown to a reader)."""
    if is_missing(value):
        return ""
    text = str(value).strip()
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else ""


def _ranking_citations(rows: pd.DataFrame) -> list[Citation]:
    """The chosen edition and the one its change is measured from (the caption: the series)."""
    out = []
    for _i, row in rows.iloc[::-1].head(2).iterrows():
        text = "" if is_missing(row["citation"]) else str(row["citation"])
        url = next((web_address(p) for p in text.split(", ") if web_address(p)), "")
        title = text.split(", http")[0].removeprefix("RSF ").strip() or index_label(INDEX)
        covering = _("covering {period}").format(period=row["period_label"])
        out.append(Citation(_(PUBLISHERS[INDEX]), title, covering, url or ""))
    return out


def _records(what: str, n: int) -> str:  # '3 incidents', '1 event'
    if what == "incident":
        return n_("{n} incident", "{n} incidents", n).format(n=count_text(n))
    return n_("{n} event", "{n} events", n).format(n=count_text(n))


def _grouped_citations(parts: list[tuple[pd.DataFrame, str]]) -> list[Citation]:
    """One citation per source name: what it gave, the years, its web address or pages."""
    found: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for frame, what in parts:
        for name, group in frame.groupby("source_name", sort=True):
            found.setdefault(str(name), []).append((what, group))
    out = []
    for name, groups in sorted(found.items()):
        urls = sorted({u for _, g in groups for u in map(web_address, g["source_url"]) if u})
        url = urls[0] if len(urls) == 1 else ""
        if len(urls) > 1:
            hosts = ", ".join(sorted({urlsplit(u).netloc for u in urls}))
            url = n_("{n} page at {hosts}", "{n} pages at {hosts}", len(urls))
            url = url.format(n=count_text(len(urls)), hosts=hosts)
        title = ", ".join(_records(what, int(g[f"{what}_id"].nunique())) for what, g in groups)
        dates = pd.concat([pd.to_datetime(g["date"], errors="coerce") for _, g in groups])
        out.append(Citation(name, title, _years(dates.dt.year), url))
    return out


def gather(
    rankings: pd.DataFrame,
    incidents: pd.DataFrame,
    events: pd.DataFrame,
    iso3: str,
    edition: str | None = None,
    *,
    version: DataVersion,
    today: date,
) -> Brief:
    """The brief for one country and edition (default: the latest stored)."""
    rows = _edition_rows(rankings, iso3, edition)
    h = headline(rows, iso3, INDEX)
    assert h is not None  # rows holds at least the chosen edition
    view = rankings_view(rows, [iso3], INDEX)
    charted = within_period(events[events["country"] == iso3], view)
    charted = charted if charted is not None else events.iloc[0:0]
    summary = incident_summary(incidents, iso3, today)
    part = _incidents(incidents, iso3, h.country, summary is not None, today)
    real = filter_incidents(incidents, IncidentFilter(country=iso3))  # no synthetic rows
    sources = _ranking_citations(rows)
    sources += _grouped_citations([(real, "incident"), (charted, "event")])
    if len(sources) > MAX_SOURCES:  # the page has room for so many; say what is left out
        rest = len(sources) - MAX_SOURCES + 1
        commands = f"indicators events --country {iso3}; indicators incidents --country {iso3}"
        more = Citation(
            n_("{n} more source", "{n} more sources", rest).format(n=count_text(rest)),
            _("of the incidents and events above"),
            "",
            _("listed in full by: {commands}").format(commands=commands),
        )
        sources = [*sources[: MAX_SOURCES - 1], more]
    changes = tuple(
        str(view.loc[view["methodology"] == era, "edition"].min()) for _, era in era_breaks(view)
    )
    compared = indices_rows(rankings, iso3, int(rows["edition_year"].iloc[-1]))
    return Brief(
        iso3=iso3,
        country=h.country,
        figures=_figures(rows, h),
        headline=h,
        view=view,
        events=charted.sort_values("date").reset_index(drop=True),
        method_changes=changes,
        incidents=part,
        sentences=(
            *summary_sentences(h, incident_sentence(h.country, summary)),
            rank_move_words(rankings, iso3, h.edition),
        ),
        sources=tuple(sources),
        version=version,
        indices=brief_series(compared, iso3),
        compared=compared,
    )


def brief_for(store: Store, iso3: str, edition: str | None, today: date) -> Brief:
    """The brief of one country and edition from the store's current version."""
    rankings, incidents, events = (store.table(n) for n in ("rankings", "incidents", "events"))
    rankings = with_local_names(rankings)
    version = data_version(store)
    return gather(rankings, incidents, events, iso3, edition, version=version, today=today)
