"""The text functions: whatever a file holds, Markdown and figures show it as text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.text import escape_markdown, one_line, plotly_text
from tests.hostile import HOSTILE, html_in_figure_text, markup_in, visible, visible_in_figure

# Text weighted towards what makes markup: Markdown and HTML punctuation, URL pieces, controls.
PIECES = st.sampled_from(
    ["http://", "https://", "www.", "WWW.", "@", "mailto:", "[", "](", ")", "![", "<", ">", "&",
     "&lt;", "$", ":", "::", ".", "w", "x", "org", "/", "\\", "`", "*", "_", "#", "-", "\n",
     "\x1b", "\u202e", " ", "Ә", "é", "1"]
)  # fmt: skip
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=30).map("".join)


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_markdown_shows_the_text(value: str) -> None:
    """Escaped text holds no markup, and a reader sees exactly the text (on one line)."""
    escaped = escape_markdown(value)
    assert markup_in(escaped) == []
    assert visible(escaped) == one_line(value)


@pytest.mark.parametrize("value", HOSTILE)
def test_plotly_text_shows_the_text(value: str) -> None:
    """Figure text holds no tag or LaTeX, and a reader sees exactly the text (on one line)."""
    escaped = plotly_text(value)
    assert html_in_figure_text(escaped) == []
    assert visible_in_figure(escaped) == one_line(value)


@given(HOSTILE_TEXT)
def test_any_text_escaped_for_markdown_is_text(value: str) -> None:
    """For any text, the escaped Markdown has no markup and reads as the text on one line."""
    escaped = escape_markdown(value)
    assert markup_in(escaped) == []
    assert visible(escaped) == one_line(value)


@given(HOSTILE_TEXT)
def test_any_text_escaped_for_figures_is_text(value: str) -> None:
    """For any text, the escaped figure text has no tag or LaTeX and reads as the text."""
    escaped = plotly_text(value)
    assert html_in_figure_text(escaped) == []
    assert visible_in_figure(escaped) == one_line(value)


def test_one_line_drops_controls_and_bidi() -> None:
    """Control characters and bidi overrides are dropped; line breaks become spaces."""
    assert one_line("a\x1b[31mb\u202ec\r\nd\x00") == "a[31mbc d"
    assert one_line("Қазақстан, Казахстан") == "Қазақстан, Казахстан"
