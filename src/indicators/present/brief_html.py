"""The brief as one HTML document: one A4 page, print-ready, self-contained, without script.

Every string from the data passes through :func:`_e` (``html.escape`` of one line of text);
the chart is the inline SVG kaleido drew, checked by :func:`safe_svg` (no script, no foreign
object, no reference outside the document). The document's Content-Security-Policy forbids
every load and every script, so even a mistake here could not fetch anything or run code.
The app shows and hands out this document; ``indicators brief`` writes it, or prints it to PDF
(:mod:`indicators.present.brief_pdf`). Two briefs differ only in the made-at line unless the data or
the choice differs (:data:`MADE_AT` finds that line).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import plotly.graph_objects as go

from indicators.i18n import _, english_data, language, n_, number
from indicators.present.brief import INDEX, PUBLISHERS, Brief, Citation, Incidents
from indicators.present.brief_indices import indices_caption, indices_figure, indices_sources
from indicators.present.brief_pdf import chart_svg
from indicators.present.charts import position_chart
from indicators.present.precision import shown_date
from indicators.present.sentences import decimal, ordinal
from indicators.query.trend import Change, Comparison, count_text, kind_words
from indicators.text import one_line

# The chart is drawn this wide, as tall as charts.position_chart makes it (its event band is
# laid out for a phone, so it may be tall): on paper it is scaled to the page's width.
CHART_WIDTH, CHART_HEIGHT = 1000, 440  # CSS pixels; the height only if the figure has none
EVENT_TITLE_CHARS = 48  # events are listed under the chart with their titles cut to this
MADE_AT = re.compile(r'<span class="made">[^<]*</span>')
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "image", "use", "a"}
_OUTSIDE = re.compile(r"url\(\s*(?![\"']?#)|@import", re.IGNORECASE)
STYLE = """
@page { size: A4 portrait; margin: 10mm 12mm 9mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; color: #1a1a1a; font: 8.2pt/1.34 "DejaVu Sans", "Liberation Sans", Arial,
  sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { max-width: 186mm; margin: 0 auto; }
@media screen { body { padding: 10mm 4mm; } }
header { border-bottom: 2.5pt solid #0072B2; padding-bottom: 2mm; margin-bottom: 2.6mm;
  display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between;
  gap: 0 4mm; }
header .kicker { order: 2; }
.kicker { margin: 0; color: #0072B2; font-size: 7.6pt; font-weight: bold; letter-spacing: .08em;
  text-transform: uppercase; }
h1 { margin: 0; font-size: 18pt; line-height: 1.15; }
.sub { margin: .4mm 0 0; color: #444; font-size: 9.4pt; flex-basis: 100%; order: 3; }
h2 { margin: 0 0 1.2mm; font-size: 10pt; color: #0b3c5d; }
section { margin-bottom: 2.6mm; break-inside: avoid; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; }
.fig { border: .6pt solid #c9d6e2; border-top: 2pt solid #0072B2; border-radius: 1mm;
  padding: 1.6mm 2.2mm 1.8mm; background: #f6f9fc; }
.fig .label { display: block; color: #444; font-size: 7.4pt; }
.fig .value { display: block; font-size: 15pt; font-weight: bold; line-height: 1.25; }
.fig .note { display: block; color: #555; font-size: 6.9pt; line-height: 1.3; }
.chart svg { display: block; width: 100%; height: auto; max-height: 82mm; }
.caption, .caveat { margin: .8mm 0 0; color: #555; font-size: 6.9pt; line-height: 1.3; }
.lower { display: grid; grid-template-columns: 54fr 46fr; gap: 4mm; }
.words p { margin: 0 0 .8mm; }
table { width: 100%; border-collapse: collapse; font-size: 7.4pt; }
th, td { text-align: left; padding: .3mm 1.5mm; border-bottom: .5pt solid #dde3e9;
  vertical-align: top; }
th { color: #444; font-weight: bold; border-bottom: .9pt solid #9aa9b7; }
td.n, th.n { text-align: right; white-space: nowrap; width: 1%; }
table.changes { margin-top: 1mm; }
.none { padding: 1.6mm 2.2mm; border-left: 2pt solid #999; background: #f4f4f4; margin: 0; }
.sources ol { margin: 0; padding-left: 4.5mm; font-size: 6.9pt; line-height: 1.3; }
.sources .url { color: #333; overflow-wrap: anywhere; }
footer { margin-top: 2mm; padding-top: 1.6mm; border-top: .6pt solid #9aa9b7; color: #444;
  font-size: 7pt; display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1mm 4mm; }
@media screen and (max-width: 560px) { .figures { grid-template-columns: repeat(2, 1fr); }
  .lower { grid-template-columns: 1fr; } }
"""


def short(text: object, limit: int) -> str:
    """The text cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    words = one_line(text).strip()
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):  # never leave a bracket open
        cut = cut[: cut.rindex("(")]
    return cut.rstrip(" ,;:.(") + "\u2026"


def _e(text: object) -> str:
    """Data as HTML text: one line, every markup character escaped."""
    return html.escape(one_line(text), quote=True)


def chart_figure(brief: Brief) -> go.Figure:
    """The position chart the Overview draws, for this brief's series and events; with other
    indices stored for the country, the Rankings page's aligned chart of them and RSF."""
    if brief.indices and brief.compared is not None:
        fig = indices_figure(brief.compared, brief.iso3, brief.indices, brief.events)
        fig.update_layout(width=CHART_WIDTH, height=int(fig.layout.height or CHART_HEIGHT) + 30)
    else:
        fig = position_chart(brief.view, "position", brief.events, [brief.iso3])
        # On paper nothing can be hovered or toggled: the caption names the method eras and
        # lists the events, so the legend's room goes to the plot.
        height = int(fig.layout.height or CHART_HEIGHT)
        fig.update_layout(width=CHART_WIDTH, height=height, showlegend=False)
    for i, trace in enumerate(fig.data):  # plotly names a trace's SVG group by its uid,
        trace.uid = f"brief{i}"  # random unless given: the same data gives the same SVG
    return fig


def chart_drawing(brief: Brief) -> str:
    """The brief's chart as SVG, drawn offline (:func:`indicators.present.brief_pdf.chart_svg`)."""
    fig = chart_figure(brief)
    return chart_svg(fig, int(fig.layout.width), int(fig.layout.height))


def safe_svg(svg: str) -> str:
    """The SVG kaleido drew, for inline use; refuses anything that could run or fetch: a
    script, foreign object, image, link or use element, an event attribute, or a reference
    (``href``, ``src``, ``url()``) to anything outside the document."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ValueError(f"the chart's SVG cannot be read: {exc}") from exc
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise ValueError("the chart is not an SVG image")
    for element in root.iter():
        if str(element.tag).rsplit("}", 1)[-1].lower() in _FORBIDDEN_TAGS:
            raise ValueError(f"the chart's SVG holds a {element.tag} element")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local in ("href", "src") and not value.startswith("#")):
                raise ValueError(f"the chart's SVG holds a {local} attribute")
            if _OUTSIDE.search(value):
                raise ValueError("the chart's SVG refers to something outside the document")
    if any(_OUTSIDE.search(e.text or "") for e in root.iter() if str(e.tag).endswith("style")):
        raise ValueError("the chart's SVG style refers to something outside the document")
    return _steady_ids(text)


def _steady_ids(svg: str) -> str:
    """plotly names its clip paths and defs after a random id drawn for each rendering; the
    same chart gets the same name here, so the same data gives the same document."""
    found = re.search(r'id="defs-([0-9a-f]+)"', svg)
    if not found:
        return svg
    uid = re.escape(found.group(1))
    return re.sub(rf'((?:id="|#)[A-Za-z-]*){uid}', r"\1brief", svg)


def _t(message: str) -> str:
    """Our own words (a translated message) as HTML text: markup characters escaped; values
    are escaped with :func:`_e` before they are put in."""
    return html.escape(message, quote=False)


def _data(text: object) -> str:
    """Data the sources give in English, marked as such when the reader reads another language
    (a name or title in Latin letters and no Cyrillic one)."""
    return english_data(one_line(text))


def _figure_box(label: str, value: str, note: str) -> str:
    return (
        f'<div class="fig"><span class="label">{_e(label)}</span>'
        f'<span class="value">{_e(value)}</span><span class="note">{_e(note)}</span></div>'
    )


def _signed(change: float) -> str:
    """'+1.5', '−2.0' (a true minus sign), the number in the reader's locale."""
    return (f"{change:+.1f}"[0] + number(abs(change), 1)).replace("-", "\u2212")


def _figures(brief: Brief) -> str:
    f = brief.figures
    freest = _("as published by RSF; {first} = freest").format(first=ordinal(1))
    share = _("of 100: the share of the other ranked countries that did worse")
    score = _("n/a") if f.score is None else decimal(f.score)
    boxes = [
        _figure_box(_("Rank"), f.rank_phrase, freest),
        _figure_box(_("Position"), number(f.position, 1), share),
        _figure_box(_("Score"), score, f.score_scale),
    ]
    if f.previous_edition is not None and f.position_change is not None:
        note = _("position points; {change}").format(change=f.change_words)
        label = _("Change since {edition}").format(edition=f.previous_edition)
        boxes.append(_figure_box(label, _signed(f.position_change), note))
    else:
        boxes.append(_figure_box(_("Change"), _("n/a"), _("no earlier edition is stored")))
    return f'<section class="figures">{"".join(boxes)}</section>'


def _chart_notes(brief: Brief) -> str:
    """The method breaks and the events marked, for the chart's caption (data escaped)."""
    changes = ", ".join(brief.method_changes)
    breaks = ""
    if changes:
        breaks = " " + _t(
            _("Dashed lines mark RSF's method changes ({editions}): the line breaks there.")
        ).format(editions=_e(changes))
    listed = "; ".join(
        f"{_e(shown_date(e['date'], e['date_precision'], e.get('date_end')))} "
        f"{_e(_data(short(e['title'], EVENT_TITLE_CHARS)))}"
        for e in brief.events.to_dict("records")
    )
    if not listed:
        return breaks
    end = "" if listed.endswith("\u2026") else "."
    return breaks + " " + _t(_("Events marked: {events}")).format(events=listed) + end


def _chart(brief: Brief, svg: str) -> str:
    view = brief.view
    first, last = _e(view["edition"].iloc[0]), _e(view["edition"].iloc[-1])
    heading = _t(_("Position over time, editions {first} to {last}"))
    explained = _(
        "Each point is an edition, drawn at the middle of the period it covers. Position = "
        "share of the other ranked countries that did worse (100 = freest), so editions "
        "ranking different numbers of countries compare."
    )
    if brief.indices:
        heading = _t(_("RSF and the other indices stored, on one scale, up to {last}"))
        sources = (
            indices_sources(brief.compared, brief.indices) if brief.compared is not None else ""
        )
        explained += " " + indices_caption() + " " + sources + "."
    source = n_(
        "Source: {publisher}, {index}, {n} edition, {first} to {last}.",
        "Source: {publisher}, {index}, {n} editions, {first} to {last}.",
        len(view),
    )
    source = _t(source).format(
        publisher=_e(_(PUBLISHERS[INDEX])),
        index=_e(brief.figures.index.removeprefix("RSF ")),
        n=count_text(len(view)),
        first=first,
        last=last,
    )
    return (
        '<section class="chart">'
        f"<h2>{heading.format(first=first, last=last)}</h2>{safe_svg(svg)}"
        f'<p class="caption">{_t(explained)}{_chart_notes(brief)} {source}</p>'
        "</section>"
    )


def _words(brief: Brief) -> str:
    paragraphs = "".join(f"<p>{_e(s)}</p>" for s in brief.sentences)
    heading = _t(_("In plain words"))
    return f'<section class="words"><h2>{heading}</h2>{paragraphs}</section>'


def _changes(changes: tuple[Change, ...]) -> str:
    """The month-on-month and year-on-year changes as words in a small table (never signed,
    never coloured); why a year is compared by its months so far is said once, in the plain
    words above (the Overview's incident sentence)."""
    if not changes:
        return ""
    rows = "".join(
        f"<tr><td>{_e(kind_words(c.kind))}</td>"
        f"<td>{_e(c.counts if isinstance(c, Comparison) else '')}</td><td>{_e(c.change)}</td></tr>"
        for c in changes
    )
    heads = "".join(f"<th>{_t(h)}</th>" for h in (_("Change"), _("Cases"), _("In words")))
    return f'<table class="changes"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>'


def _incident_summary(part: Incidents) -> str:
    """'41 incidents in the loaded sources (2015-2025); 30 of them name a statute ...'."""
    more = ""
    if part.more_statutes:
        more = " " + n_(
            "{n} more statute is not listed.", "{n} more statutes are not listed.",
            part.more_statutes,
        ).format(n=count_text(part.more_statutes))  # fmt: skip
    total = n_(
        "{n} incident in the loaded sources ({years}); ",
        "{n} incidents in the loaded sources ({years}); ",
        part.total,
    ).format(n=count_text(part.total), years=part.years)
    named = n_(
        "{n} of them names a statute applied to the journalist, blogger or outlet.",
        "{n} of them name a statute applied to the journalist, blogger or outlet.",
        part.with_statute,
    ).format(n=count_text(part.with_statute))
    return _e(total + named + more)


def _incidents(part: Incidents, country: str) -> str:
    title = "<h2>" + _t(_("Incidents by statute, in the loaded sources")) + "</h2>"
    if not part.loaded:
        return f'<section class="incidents">{title}<p class="none">{_e(part.note)}</p></section>'
    rows = "".join(
        f'<tr><td>{_e(r.label)}</td><td class="n">{_e(count_text(r.incidents))}</td>'
        f'<td class="n">{_e(r.years)}</td></tr>'
        for r in part.by_statute
    )
    if not rows:
        none = _t(_("No loaded incident names a statute applied to the target."))
        rows = f'<tr><td colspan="3">{none}</td></tr>'
    statute, cases, years = _("Statute applied to the target"), _("Cases"), _("Years")
    heads = f'<th>{_t(statute)}</th><th class="n">{_t(cases)}</th><th class="n">{_t(years)}</th>'
    return (
        f'<section class="incidents">{title}<table><thead><tr>{heads}</tr></thead>'
        f"<tbody>{rows}</tbody></table>{_changes(part.changes)}"
        f'<p class="caveat">{_incident_summary(part)} {_e(part.note)}</p></section>'
    )


def _citation(c: Citation) -> str:
    parts = [_e(_data(c.publisher)), f"<i>{_e(_data(c.title))}</i>"]
    if c.date:
        parts.append(_e(c.date))
    text = ", ".join(parts) + "."
    if c.url:
        text += f' <span class="url">{_e(c.url)}</span>'
    return f"<li>{text}</li>"


def _sources(brief: Brief) -> str:
    items = "".join(_citation(c) for c in brief.sources)
    heading = _t(_("Sources"))
    return f'<section class="sources"><h2>{heading}</h2><ol>{items}</ol></section>'


def _footer(brief: Brief, made_at: datetime) -> str:
    when = made_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"indicators brief --country {brief.iso3} --edition {brief.figures.edition}"
    if language() != "en":
        command += f" --lang {language()}"
    made = _("Made {when}").format(when=when)
    remake = _("Remake: {command}").format(command=command)
    return (
        f"<footer><span>{_e(brief.version.line)}</span>"
        f'<span class="made">{_e(made)}</span><span>{_e(remake)}</span></footer>'
    )


def document(brief: Brief, svg: str, made_at: datetime) -> str:
    """The brief's HTML, in the language of the run: one A4 page, no script, no external
    reference, data escaped."""
    f = brief.figures
    title = _("Press-freedom brief: {country}, {index} {edition}").format(
        country=brief.country, index=f.index, edition=f.edition
    )
    sub = _("{index} {edition}, covering {period}: {rank}").format(
        index=f.index, edition=f.edition, period=f.period_label, rank=f.rank_phrase
    )
    body = "".join(
        [
            '<header><p class="kicker">' + _t(_("Press-freedom brief for funders")) + "</p>",
            f"<h1>{_e(brief.country)}</h1>",
            f'<p class="sub">{_e(sub)}</p></header>',
            _figures(brief),
            _chart(brief, svg),
            '<div class="lower"><div>',
            _words(brief),
            _incidents(brief.incidents, brief.country),
            "</div><div>",
            _sources(brief),
            "</div></div>",
            _footer(brief, made_at),
        ]
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
        f'<body><main class="page">{body}</main></body></html>\n'
    )


def make_html(brief: Brief, made_at: datetime, svg: str | None = None) -> str:
    """The brief's document, as the app and ``indicators brief`` both hand it out (``svg``:
    the chart already drawn, else it is drawn now)."""
    return document(brief, chart_drawing(brief) if svg is None else svg, made_at)
