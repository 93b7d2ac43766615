"""Widgets whose value lives in the URL, so a copied link reproduces the whole view.

Each widget's key is its query parameter (``?peers=Central+Asia&index=rsf_wpfi``). On a run,
a value the URL holds is given to the widget before it is drawn (only when this session has
no value of its own yet, so the reader's later choices win); after it is drawn, the URL is
set to what the widget shows. A value from the URL that is not among the options is ignored
(URL parameters are hostile input): the widget falls back to its default.

A default is passed to Streamlit only when the URL gave nothing, because Streamlit warns when a
widget gets both a default and a value set through session state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from indicators.text import one_line

T = TypeVar("T")
_DEFAULT_MARK = "_url_default_"


def _from_url(key: str) -> list[str] | None:
    """The URL's values for ``key`` (all of them, for repeated parameters), else None."""
    if key not in st.query_params:
        return None
    return [str(v) for v in st.query_params.get_all(key)]


def _seed(key: str, value: object) -> bool:
    """Give the widget ``key`` the URL's value, once; True when this run seeded it."""
    if key in st.session_state:
        return False
    st.session_state[key] = value
    return True


def _keep(key: str, value: str | list[str] | None) -> None:
    """Write the widget's value back to the URL (a list as repeated parameters)."""
    if value is None or value == []:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value


def _text(format_func: Callable[[Any], object] | None) -> Callable[[Any], str]:
    """Option labels as one line of plain text (they may come from data)."""
    if format_func is None:
        return lambda o: one_line(o)
    return lambda o: one_line(format_func(o))


def selectbox(
    label: str,
    options: Sequence[T],
    key: str,
    *,
    default: T | None = None,
    format_func: Callable[[T], object] | None = None,
    container: Any = None,
    codes: Callable[[T], str] = str,
) -> T:
    """A select box kept in the URL as ``?key=<code of the option>``."""
    where = container or st
    by_code = {codes(o): o for o in options}
    wanted = _from_url(key)
    seeded = bool(wanted) and wanted[-1] in by_code and _seed(key, by_code[wanted[-1]])  # type: ignore[index]
    index = 0
    if not seeded and default is not None and default in options:
        index = list(options).index(default)
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # an option that no longer exists (another country's list)
    choice = where.selectbox(
        label,
        options,
        index=None if seeded else index,
        format_func=_text(format_func),
        key=key,
    )
    if choice is None:  # only when seeded with an option that vanished
        choice = options[index]
    _keep(key, codes(choice))
    return choice


def multiselect(
    label: str,
    options: Sequence[T],
    key: str,
    *,
    default: Sequence[T] | None = None,
    format_func: Callable[[T], object] | None = None,
    container: Any = None,
    codes: Callable[[T], str] = str,
    all_means_none: bool = False,
) -> list[T]:
    """A multiselect kept in the URL as repeated ``?key=a&key=b`` (``?key=`` for none).

    With ``all_means_none`` (event kinds shown by default), the URL leaves the parameter out
    while every option is chosen, and writes it empty when none is.
    """
    where = container or st
    by_code = {codes(o): o for o in options}
    wanted = _from_url(key)
    seeded = False
    if wanted is not None:
        picked = [by_code[w] for w in wanted if w in by_code]
        seeded = _seed(key, picked)
    if key in st.session_state:
        st.session_state[key] = [o for o in st.session_state[key] if o in options]
    chosen = where.multiselect(
        label,
        options,
        default=None if (seeded or key in st.session_state) else list(default or []),
        format_func=_text(format_func),
        key=key,
    )
    if all_means_none and len(chosen) == len(options):
        st.query_params.pop(key, None)
    elif all_means_none and not chosen:
        st.query_params[key] = ""
    else:
        _keep(key, [codes(c) for c in chosen])
    return list(chosen)


def checkbox(label: str, key: str, *, container: Any = None) -> bool:
    """A check box kept in the URL as ``?key=1`` while ticked."""
    where = container or st
    wanted = _from_url(key)
    if wanted:
        _seed(key, wanted[-1] in ("1", "true", "yes"))
    ticked = bool(where.checkbox(label, key=key))
    _keep(key, "1" if ticked else None)
    return ticked


def radio(
    label: str,
    options: Sequence[str],
    key: str,
    *,
    format_func: Callable[[str], object] | None = None,
    horizontal: bool = True,
    container: Any = None,
) -> str:
    """A radio choice kept in the URL (the first option is the default)."""
    where = container or st
    wanted = _from_url(key)
    seeded = bool(wanted) and wanted[-1] in options and _seed(key, wanted[-1])  # type: ignore[index]
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    choice = where.radio(
        label,
        options,
        index=None if seeded or key in st.session_state else 0,
        format_func=_text(format_func),
        horizontal=horizontal,
        key=key,
    )
    choice = options[0] if choice is None else choice
    _keep(key, None if choice == options[0] else str(choice))
    return str(choice)


def number(
    label: str,
    key: str,
    *,
    default: int,
    low: int,
    high: int,
    container: Any = None,
) -> int:
    """A whole-number input kept in the URL; a value outside ``low..high`` is ignored."""
    where = container or st
    wanted = _from_url(key)
    seeded = False
    if wanted:
        try:
            value = int(wanted[-1])
        except ValueError:
            value = None
        if value is not None and low <= value <= high:
            seeded = _seed(key, value)
    chosen = where.number_input(
        label,
        min_value=low,
        max_value=high,
        value=None if seeded or key in st.session_state else default,
        step=1,
        key=key,
    )
    chosen = default if chosen is None else int(chosen)
    _keep(key, str(chosen))
    return chosen


def text(label: str, key: str, *, max_chars: int = 200, container: Any = None) -> str:
    """A short text input kept in the URL (controls and bidi marks dropped)."""
    where = container or st
    wanted = _from_url(key)
    if wanted:
        _seed(key, one_line(wanted[-1])[:max_chars])
    value = str(where.text_input(label, key=key, max_chars=max_chars) or "")
    _keep(key, value or None)
    return value
