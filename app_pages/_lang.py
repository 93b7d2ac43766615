"""The reader's language: a picker in the sidebar, kept in the URL as ``?lang=ru`` / ``?lang=kk``.

Chosen first in each run (app.py), before any page title or text is made, so the whole run is
in one language; English, the default, leaves the URL without a ``lang``.
"""

from __future__ import annotations

import streamlit as st

from indicators.i18n import DEFAULT, LANGUAGES, NAMES, Msg, parse_language, set_language, tr

KEY = "lang"
LABEL = "Language · Язык · Тіл"  # in all three, so a reader finds it in any of them


def choose_language() -> str:
    """The language of this run, from the picker, else this session, else the URL."""
    remembered = st.session_state.get("_lang")
    wanted = parse_language(remembered if remembered else st.query_params.get(KEY, DEFAULT))
    # In a popover: the box is drawn only when opened, so it costs no page run or first
    # chart anything (a select box in the sidebar added ~35 ms to every change of country).
    with st.sidebar.popover(f"{LABEL}: {NAMES[wanted]}", width="stretch"):
        code = st.selectbox(
            LABEL,
            LANGUAGES,
            index=LANGUAGES.index(wanted),
            format_func=lambda c: NAMES[c],
            key=KEY,
        )
    code = set_language(code)
    st.session_state["_lang"] = code
    if code == DEFAULT:
        if KEY in st.query_params:
            del st.query_params[KEY]
    else:
        st.query_params[KEY] = code
    return code


def error_text(exc: BaseException) -> str:
    """An error's message in the reader's language (a :class:`Msg` is translated; other
    text, such as a path or a library's own words, is shown as it is)."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return tr(first) if isinstance(first, Msg) else str(exc)
