"""Hostile text for the app's tests: values, a store carrying them, and what a renderer makes
of them (Streamlit's Markdown and plotly's HTML subset), modelled closely enough to tell text
from markup.

Every free-text column of every canonical table (those whose schema accepts any string a file
can carry) is filled with one hostile value per country: country ``HOSTILE_CODES[i]`` carries
``HOSTILE[i]`` in all its rows, so every page shows every value in every place it shows text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.pipeline.validate import schema
from indicators.store import LocalStore, Store
from indicators.store.base import FileRecord
from indicators.tables.registry import TABLES

BEACON = "127.0.0.2:9"  # nothing listens there; a request to it is a leak, never an answer
HOSTILE = [
    f"2024 ![p](http://{BEACON}/p.png) [phish](https://{BEACON}/x)",
    f"[link](http://{BEACON}/l) [ref][r] [r]: http://{BEACON}/r",
    f"see http://{BEACON}/x and HTTPS://{BEACON}/UP",
    "www.example.org or WWW.EXAMPLE.ORG",
    "write to someone@example.net",
    f"<http://{BEACON}/auto> <someone@example.net>",
    f"<img src=http://{BEACON}/i.png>",
    f'<a href="http://{BEACON}/a">plotly link</a><br><b>bold</b>',
    f"<script>fetch('http://{BEACON}/s')</script>",
    f'<span style="background:url(http://{BEACON}/css)">styled</span>',
    f"&lt;img src=http://{BEACON}/e.png&gt; &#60;b&#62;",
    f"$\\href{{http://{BEACON}/k}}{{k}}$ and $x^2$",
    ":red[red] :material/home: :smile: **bold** _em_ `code` # head",
    "ctl\x00\x07\x1b[31mred\x1b[0m\x7f\x85end\r\nline",
    "bidi \u202eevil\u202c \u2066iso\u2069 \u200fmark",
    "=1+1",
    "x;=1+1",
    "%{x} %{y}<extra>hover</extra>",
]
HOSTILE_CODES = [
    "KAZ", "KGZ", "UZB", "TJK", "TKM", "RUS", "ARM", "AZE", "BLR",
    "GEO", "MDA", "TUR", "UKR", "MNG", "AFG", "IRN", "CHN", "POL",
]  # fmt: skip
UNIQUE_WITHIN_COUNTRY = {"edition", "incident_id", "event_id", "group", "measure"}  # value + n


def free_text_columns(table: str) -> list[str]:
    """Columns of a canonical table that accept any text (at most a length check)."""
    out = []
    for column in TABLES[table].columns:
        if column.dtype != "str":
            continue
        if column.check is None or column.check.kind == "str_length":
            out.append(column.name)
    return out


def _country_column(table: str) -> str:
    return "iso3" if table == "rankings" else "country"


def hostile_tables(base: Store) -> dict[str, pd.DataFrame]:
    """Kazakhstan's rows of every table, copied to one country per hostile value, with every
    free-text cell holding that value (schema-valid, as an upload could make them)."""
    tables = {}
    for table in TABLES:
        frame = base.table(table)
        kaz = frame[frame[_country_column(table)] == "KAZ"].reset_index(drop=True)
        parts = []
        for code, value in zip(HOSTILE_CODES, HOSTILE, strict=True):
            rows = kaz.copy()
            rows[_country_column(table)] = code
            for column in free_text_columns(table):
                if column in UNIQUE_WITHIN_COUNTRY:  # the same key for the same original
                    keys = {k: f"{value[:64]} {code}{i}" for i, k in enumerate(rows[column])}
                    rows[column] = rows[column].map(keys)
                else:
                    rows[column] = value
            if table == "rankings":  # RSF's 2022 method stays named, so its charts are drawn
                rows["methodology"] = rows["methodology"].where(
                    kaz["methodology"] != "rsf_2022", "rsf_2022"
                )
            parts.append(rows)
        out = pd.concat(parts, ignore_index=True)
        tables[table] = schema(TABLES[table]).validate(out, lazy=True)
    return tables


def hostile_files() -> list[FileRecord]:
    """Provenance records whose file name, kind, format and source are hostile values."""
    return [
        FileRecord(value, "0" * 64, 1, value, value, {"source": value}, 1, 1) for value in HOSTILE
    ]


def hostile_store(root: Path, base: Store, user: str = "hostile tester") -> LocalStore:
    """A store at ``root`` whose only version holds :func:`hostile_tables` and files and a
    commit message made of hostile values."""
    store = LocalStore(root)
    message = " | ".join(HOSTILE)
    store.commit(hostile_tables(base), user=user, message=message, files=hostile_files())
    return store


# --- What Streamlit's Markdown makes of a body (react-markdown + remark-gfm, as bundled) ----

_ESCAPE = re.compile(r"""\\([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# What opens markup when not backslash-escaped. Dangerous anywhere: links and images ([),
# HTML and autolinks (<), math ($), directives, icons and emoji (:x). Strict (for strings
# that carry data): also code, emphasis, entities, and block markup at the start.
_DANGEROUS = re.compile(r"[\[<$]|:[A-Za-z]")
# Control characters and the bidi embeddings, overrides, isolates and marks: text that
# moves the cursor, rings, or reorders what a reader sees.
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_STRICT = re.compile(
    r"[`*_~]|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|^\s*(?:#{1,6}(?=\s|$)|>|[-+]\s|\d+[.)]\s)"
)
# mdast-util-gfm-autolink-literal, copied from Streamlit's StreamlitMarkdown bundle: these run
# on the text that remains after escapes are resolved, so escaping cannot stop them.
_GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE | re.ASCII)
_GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)


def markup_in(body: str, *, strict: bool = True) -> list[str]:
    """What in a Markdown body Streamlit would render as anything but its text (with
    ``strict=False`` only what links, loads or runs: for the app's own formatted text)."""
    unescaped = _ESCAPE.sub("", body)  # what is left outside backslash escapes
    found = [f"unescaped {m.group()!r}" for m in _DANGEROUS.finditer(unescaped)]
    if strict:
        found += [f"unescaped {m.group()!r}" for m in _STRICT.finditer(unescaped)]
        found += [f"invisible {m.group()!r}" for m in INVISIBLE.finditer(body)]
    text = _ESCAPE.sub(r"\1", body)  # the text node remark-gfm's autolink transform sees
    found += [f"autolink {m.group()!r}" for m in _GFM_URL.finditer(text)]
    found += [f"autolink {m.group()!r}" for m in _GFM_EMAIL.finditer(text)]
    return found


# --- What plotly makes of a string (its HTML subset; '$...$' would be LaTeX) --------------

_APP_TAGS = re.compile(r"<br>|<extra></extra>|<extra>|</extra>")


def html_in_figure_text(text: str) -> list[str]:
    """Tags (other than the app's own <br> and <extra>) or LaTeX in a figure string."""
    rest = _APP_TAGS.sub("", text)
    found = [f"tag {m.group()!r}" for m in re.finditer(r"<[^>]*>?", rest)]
    if re.search(r"\$[^$]*\$", text):
        found.append("LaTeX $...$")
    found += [f"invisible {m.group()!r}" for m in INVISIBLE.finditer(text)]
    return found


def visible(text: str) -> str:
    """A Markdown string as a reader sees it (backslash escapes and word joiners undone)."""
    return _ESCAPE.sub(r"\1", text).replace("\u2060", "")


def visible_in_figure(text: str) -> str:
    """A figure string as a reader sees it (plotly's entities decoded)."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&#36;", "$"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def alnum(text: str) -> str:
    """Only the letters and digits of a text (to find a value however it was escaped)."""
    return "".join(c for c in text if c.isalnum())


def carries(text: str, value: str) -> bool:
    """Whether a rendered string shows ``value`` (however escaped)."""
    letters = alnum(value)
    return letters in alnum(text) and (len(letters) >= 8 or value in visible(text))
