"""Text from files is data, never markup: escape it before any Markdown rendering."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape_markdown(text: object) -> str:
    """Escape every character Markdown (and Streamlit's HTML-in-Markdown) could interpret."""
    plain = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", plain).replace("\n", " ")
