"""Text from files is data, never markup: make it safe for each place the app shows text.

Three places, three functions:

* :func:`one_line` for plain-text places (table cells, select-box options, file names): one
  line, without control characters or the invisible characters that reorder text (bidi).
* :func:`escape_markdown` for everything Streamlit renders as Markdown (``st.markdown``,
  captions, alerts, titles, metric labels, values and deltas, widget labels and help).
* :func:`plotly_text` for every string placed in a figure (trace names, hover text, tick
  labels, annotations), which plotly renders as a subset of HTML (``<a href>``, ``<br>``...).

Streamlit's Markdown (react-markdown with remark-gfm) turns bare ``http://...``, ``www.x``
and ``name@host.org`` into links *after* parsing, on the text that backslash escapes leave,
so escaping cannot stop them: a word joiner (U+2060, invisible and never a line break) is put
where those patterns need two characters to touch (``:``/``//``, ``w``/``.``, ``@``/host).
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# C0 and C1 controls, DEL, the bidirectional embeddings, overrides, isolates and marks, and
# the invisible word joiner and byte-order mark (the word joiner is the escape's own).
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
# Every ASCII punctuation character can be backslash-escaped in CommonMark.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Where GFM's literal autolinks start: after ':' ("http://", "mailto:"), between 'w' and '.'
# ("www."), after '@' (e-mail addresses). Matched on the escaped text ("\:", "w\.", "\@").
_AUTOLINK_JOINTS = re.compile(r"(\\:|\\@)|(?<=[wW])(?=\\\.)")
_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}


def one_line(text: object) -> str:
    """The text on one line, without control, bidi or other invisible formatting characters."""
    return _INVISIBLE.sub("", _LINE_BREAKS.sub(" ", str(text)))


def escape_markdown(text: object) -> str:
    """Text that Streamlit's Markdown shows exactly as written: no link, image, HTML,
    emphasis, heading, list, math, emoji, colour or icon, and no autolinked address."""
    escaped = _PUNCTUATION.sub(r"\\\1", one_line(text))
    return _AUTOLINK_JOINTS.sub(lambda m: (m.group(1) or "") + WORD_JOINER, escaped)


def plotly_text(text: object) -> str:
    """Text plotly shows as written: its HTML subset (``<a>``, ``<b>``, ``<br>``, ``<span>``)
    and entities are escaped, and ``$`` cannot start LaTeX."""
    return "".join(_PLOTLY.get(c, c) for c in one_line(text))
