"""Find English words on a page rendered in Russian or Kazakh (AppTest).

Every text an element carries is read from its protobuf (titles, Markdown, captions, alerts,
widget labels, options, help, metric labels and deltas, expander and popover labels, button
labels, page links) and, for a chart, from its figure (title, axis titles, legend names,
annotations, legend group titles). Data is not checked: table cells (Arrow bytes), a figure's
values, hover text and custom data. A string marked as given by its source only in English
(:data:`ENGLISH_MARK`) is skipped, and so are the names in :data:`PROPER_NAMES`.

A string is English when it holds one of the common English words of :data:`ENGLISH_WORDS`
as a whole Latin word: no Russian or Kazakh sentence has them, and almost every English
sentence, label or help text does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from google.protobuf.json_format import MessageToDict

ENGLISH_MARK = "[EN]"
ENGLISH_WORDS = frozenset(
    """the of and to in is are was were for on with by from this that these those no not or as
    at be been has have had its it an all each one which when where who what how why more than
    only per into out up down over under after before between same other others there their
    they we you your our can cannot could would should will may might must shown show shows
    here been being do does did done any some such then also about because while since until
    file files country countries rank ranks score scores source sources year years data chart
    table download page sign none""".split()  # noqa: SIM905
)
PROPER_NAMES = (
    "Freedom House",
    "V-Dem",
    "Reporters Without Borders",
    "RSF",
    "CPJ",
    "ACLED",
    "Adil Soz",
    "U.S. Press Freedom Tracker",
)
# A chart's source line lists publishers by their own names ("Источник: Human Rights Watch; ...").
SOURCE_LINES = ("Источник", "Источники", "Дереккөз")
_CODE = re.compile(
    r"```.*?```|``.*?``|`[^`]*`|\\`[^`]*\\`"  # code spans and blocks
    r"|[A-Za-z0-9]+(?:\\?_[A-Za-z0-9]+)+",  # a column's name (score_as_printed, escaped or not)
    re.S,
)
_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?:'[a-z]+)?(?![A-Za-z])")
_SKIP_KEYS = {
    "id",
    "formId",
    "key",
    "type",
    "icon",
    "url",
    "pageScriptHash",
    "data",
    "deferredFileId",  # a download's random id: hex letters are no words
    "queryString",  # a page link's URL parameters (codes, not words)
    "fragmentId",
    "src",  # an iframe's data: URL (the brief's preview)
}
_FIGURE_TEXT = ("title", "text", "name", "legendgrouptitle")


def english_words(text: str) -> list[str]:
    """The common English words in ``text`` (after removing proper names, marked data, code
    (column and file names between backticks, code blocks) and a source line's names)."""
    if ENGLISH_MARK in text or text.lstrip().startswith(SOURCE_LINES):
        return []
    text = _CODE.sub(" ", text)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    return [w for w in _WORD.findall(text) if w.lower() in ENGLISH_WORDS]


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if key in _SKIP_KEYS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _figure_strings(spec: str) -> Iterator[str]:
    figure = json.loads(spec)
    layout = figure.get("layout", {})
    for k, v in layout.items():
        if k.startswith(("xaxis", "yaxis", "title", "legend", "coloraxis")) or k == "annotations":
            yield from _layout_text(v)
    for trace in figure.get("data", []):
        if trace.get("showlegend", True) is not False and isinstance(trace.get("name"), str):
            yield trace["name"]
        yield from _layout_text(trace.get("legendgrouptitle", {}))
        yield from _layout_text(trace.get("colorbar", {}))


def _layout_text(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _FIGURE_TEXT and isinstance(v, str):
                yield v
            elif isinstance(v, dict | list):
                yield from _layout_text(v)
    elif isinstance(value, list):
        for v in value:
            yield from _layout_text(v)


def _node_strings(node: Any) -> Iterator[str]:
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", "")
    if proto is not None and kind == "plotly_chart":
        yield from _figure_strings(proto.spec)
    elif proto is not None and kind not in ("dataframe", "arrow_data_frame", "html", "code"):
        found = MessageToDict(proto, use_integers_for_enums=True)
        if getattr(node, "key", None) == "country":  # the names a reader may type, English too
            found.pop("options", None)
        yield from _strings(found)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _node_strings(child)


def english_on_page(at: Any) -> list[str]:
    """Every text on the rendered page that holds English words, with the words found."""
    found = []
    for text in _node_strings(at._tree):
        words = english_words(text)
        if words:
            found.append(f"{text[:90]!r} ({', '.join(sorted(set(words))[:4])})")
    return sorted(set(found))
